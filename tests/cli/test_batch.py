"""`claims batch FILE`: each line is the command as typed, its own transaction (cli.md, Bulk)."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from claims.errors import BadInput
from cli import batch as batch_module

CLAIM = "CLM-000001"
POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies.json"
APPLY = ["apply", CLAIM, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013"]
MATERIALS = ("claim_form", "applicant_id", "bank_account", "diagnosis_certificate", "pathology_report", "medical_records")

# The slide-17 critical-illness claim, declined, appealed, then approved, paid and closed:
# (words after `claims`, acting user, local time on 2026-05-DD).
WALK = [
    (["report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25"], "li", "02T09:00"),
    (APPLY, "li", "02T10:00"),
    *[(["attach", CLAIM, doc], "li", f"03T{9 + i:02d}:00") for i, doc in enumerate(MATERIALS)],
    (["investigate", CLAIM], "wang", "04T09:00"),
    (["decide", CLAIM, "decline", "--ground", "not_covered", "--reason", "not a listed illness"], "wang", "05T09:00"),
    (["notify", CLAIM], "wang", "05T10:00"),
    (["appeal", CLAIM, "--reason", "the pathology report shows a listed illness"], "li", "06T09:00"),
    (["investigate", CLAIM], "wang", "07T09:00"),
    (["decide", CLAIM, "approve", "--amount", "60000", "--reason", "confirmed on review"], "zhao", "08T09:00"),
    (["notify", CLAIM], "wang", "08T10:00"),
    (["pay", CLAIM, "--amount", "60000"], "wang", "09T09:00"),
    (["close", CLAIM], "wang", "10T09:00"),
]
SETUP = [
    *[["user", "add", name, "--role", role, *limit] for name, role, *limit in
      [("li", "agent"), ("wang", "handler", "--limit", "50000"), ("zhao", "senior"),
       ("sun", "handler", "--limit", "100000"), ("qian", "auditor")]],
]


def at(day_time: str) -> str:
    return f"2026-05-{day_time}:00+08:00"


def batch_file(tmp_path: Path, lines: list, name: str = "batch.jsonl") -> str:
    path = tmp_path / name
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines),
                    encoding="utf-8")
    return str(path)


def walk_lines(walk=WALK) -> list[dict]:
    return [{"args": args, "as": user, "now": at(when)} for args, user, when in walk]


def another_database(claims, db: Path, **changes):
    """The same `claims` runner on another (not yet created) database file."""
    other = copy.copy(claims)
    other.db = db
    for key, value in changes.items():
        setattr(other, key, value)
    return other


def audit_rows(claims) -> int:
    return claims.database.rows("SELECT count(*) FROM audit_event")[0][0]


def test_a_walk_through_batch_records_exactly_what_the_typed_walk_records(claims, tmp_path):
    for args, user, when in WALK:
        claims.ok(*args, as_=user, now=at(when))
    other = another_database(claims, tmp_path / "batch.db")
    other.ok("init", "--training")
    setup = [{"args": args} for args in SETUP] + [{"args": ["policy", "import", str(POLICIES)]}]
    done = other.ok("batch", batch_file(tmp_path, setup + walk_lines())).json
    assert done == {"done": len(setup) + len(WALK), "failed": [], "stopped_at": None}
    typed, batched = (run.ok("history", CLAIM, as_="qian").json for run in (claims, other))
    assert [e["event"] for e in batched][-4:] == ["decide", "notify", "pay", "close"] and "appeal" in [e["event"] for e in batched]
    assert batched == typed  # same events, payloads, times, actors, settings versions, hashes
    assert other.ok("status", CLAIM).json == claims.ok("status", CLAIM).json


def test_batch_stops_at_the_first_failure_with_its_exit_code(claims, tmp_path):
    later = at("03T09:00")
    lines = walk_lines(WALK[:2]) + [{"args": ["investigate", CLAIM], "as": "wang", "now": later},
                                    {"args": ["attach", CLAIM, "claim_form"], "as": "li", "now": later}]
    result = claims("batch", batch_file(tmp_path, lines))
    assert result.code == 4
    assert result.json["done"] == 2 and result.json["stopped_at"] == 3
    [failure] = result.json["failed"]
    assert failure["line"] == 3 and failure["exit"] == 4
    assert failure["error"]["rule"] == "materials_complete" and "pathology_report" in failure["error"]["message"]
    assert claims.ok("status", CLAIM).json["received_documents"] == []  # line 4 never ran


def test_keep_going_runs_every_line_and_lists_each_failure(claims, tmp_path):
    lines = [
        {"args": ["status", "CLM-999999"]},
        *walk_lines(WALK[:1]),
        {"args": ["investigate", CLAIM], "as": "li", "now": at("03T09:00")},
        {"args": ["attach", CLAIM, "claim_form"], "as": "li", "now": at("03T09:00")},
    ]
    result = claims("batch", batch_file(tmp_path, lines), "--keep-going")
    assert result.code == 3  # the first failure's
    assert result.json["done"] == 2 and result.json["stopped_at"] is None
    assert [(f["line"], f["exit"], f["error"]["code"]) for f in result.json["failed"]] == [(1, 3, "not_found"), (3, 6, "forbidden")]


def test_malformed_lines_fail_as_bad_input(claims, tmp_path):
    lines = [
        "not json",
        {"argv": ["status", CLAIM]},
        {"args": "status CLM-000001"},
        {"args": []},
        {"args": ["status", CLAIM], "user": "li"},
        {"args": ["batch", "other.jsonl"]},
        {"args": ["--db", "elsewhere.db", "list"]},
        {"args": ["report", "P-2022-0002", "--type", "critical_illness", "--event-date", "yesterday"], "as": "li"},
        {"args": ["list"], "now": "tomorrow"},
        {"args": ["list"]},
    ]
    result = claims("batch", batch_file(tmp_path, ["", *lines]), "--keep-going")
    assert result.code == 2
    failed = result.json["failed"]
    assert [f["line"] for f in failed] == list(range(2, 11)) and result.json["done"] == 1
    assert {f["exit"] for f in failed} == {2} and {f["error"]["code"] for f in failed} == {"bad_input"}
    assert "`batch` cannot run inside a batch" in failed[5]["error"]["message"]


def test_a_failing_line_writes_nothing(claims, tmp_path):
    claims.ok("batch", batch_file(tmp_path, walk_lines(WALK[:8]), "first.jsonl"))
    before, version = audit_rows(claims), claims.ok("status", CLAIM).json["version"]
    over_limit = {"args": ["decide", CLAIM, "approve", "--amount", "60000", "--reason", "ok"], "as": "wang", "now": at("05T09:00")}
    lines = [walk_lines(WALK[8:9])[0], over_limit]
    result = claims("batch", batch_file(tmp_path, lines, "second.jsonl"))
    assert result.code == 4 and result.json["failed"][0]["error"]["rule"] == "authority_limit"
    assert audit_rows(claims) == before + 1  # the investigate line only
    assert claims.ok("status", CLAIM).json["version"] == version + 1


def test_each_line_acts_as_its_own_user_defaulting_to_whoever_runs_the_batch(claims, tmp_path):
    lines = [{"args": ["report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25"]},
             {"args": ["report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-26", "--as", "li"]},
             {"args": ["status", CLAIM], "as": "nobody"}]
    result = claims("batch", batch_file(tmp_path, lines), "--keep-going", as_="li")
    assert result.code == 3 and result.json["done"] == 2
    assert [e["actor"] for e in claims.ok("history", "CLM-000002", as_="qian").json] == ["li"]
    assert claims("batch", batch_file(tmp_path, lines), as_="stranger").code == 3  # only registered users run a batch


def test_human_output_is_the_summary_alone(claims, tmp_path):
    result = claims("batch", batch_file(tmp_path, walk_lines(WALK[:2])), json_out=False)
    assert result.code == 0 and result.out == "2 commands done.\n" and result.err == ""
    failing = claims("batch", batch_file(tmp_path, [{"args": ["status", "CLM-000404"]}], "bad.jsonl"), json_out=False)
    assert failing.code == 3 and failing.out == "0 commands done; 1 failed.\n"
    assert failing.err.startswith("line 1: Error: claim 'CLM-000404' not found (exit 3)\n")


def test_a_chosen_time_outside_a_training_database_is_refused(claims, tmp_path):
    live = another_database(claims, tmp_path / "live.db", now=None, user=None)
    live.ok("init")
    result = live("batch", batch_file(tmp_path, [{"args": ["list"]}, {"args": ["list"], "now": at("02T09:00")}]), "--keep-going")
    assert result.code == 6 and result.json["done"] == 1 and result.json["failed"][0]["error"]["rule"] == "clock"


def test_an_unreadable_batch_file_is_bad_input(claims, tmp_path):
    result = claims("batch", str(tmp_path / "missing.jsonl"))
    assert result.code == 2 and "cannot be read" in result.error["message"]


def test_the_benchmark_quick_run_prints_json_figures():
    """Smoke only: the benchmark runs and speaks JSON Lines. Timings are never asserted."""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-m", "bench", "run", "--quick"], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = [json.loads(line) for line in done.stdout.splitlines()]
    assert figures and all({"name", "value", "unit", "reference", "ratio", "target"} <= set(f) for f in figures)


def test_usage_errors_in_a_batch_read_exactly_as_when_typed(claims, tmp_path):
    bad = [["attch", CLAIM, "claim_form"], ["attach", CLAIM], ["attach", CLAIM, "claim_form", "extra"],
           ["attach", CLAIM, "claim_form", "--fil", "scan.pdf"], ["decide", CLAIM, "maybe", "--reason", "x"],
           ["decide", CLAIM, "approve"], ["report", "P-2022-0002", "--type"], ["list", "--limit", "0"], ["user"], ["--nope"]]
    result = claims("batch", batch_file(tmp_path, [{"args": words} for words in bad]), "--keep-going")
    typed = [claims(*words) for words in bad]
    assert result.json["done"] == 0
    assert [(f["exit"], f["error"]) for f in result.json["failed"]] == [(t.code, t.error) for t in typed]
    assert {t.code for t in typed} == {2}


def test_a_help_line_is_done_and_prints_nothing(claims, tmp_path):
    lines = [{"args": ["status", "--help"]}, {"args": ["--help"]}, {"args": ["user", "add", "--help"]}]
    result = claims("batch", batch_file(tmp_path, lines), json_out=False)
    assert (result.code, result.out, result.err) == (0, "3 commands done.\n", "")


@pytest.mark.parametrize("line, words, user", [
    ({"args": ["status", CLAIM]}, ["status", CLAIM], None),
    ({"args": ["status", CLAIM, "--json"]}, ["status", CLAIM], None),
    ({"args": ["--json", "status", CLAIM], "as": "li"}, ["status", CLAIM], "li"),
    ({"args": ["--as", "li", "status", CLAIM]}, ["status", CLAIM], "li"),
    ({"args": ["status", "--as=li", CLAIM], "as": "li"}, ["status", CLAIM], "li"),
    ({"args": ["status", "--dbx", "--asx", "--jsonx"]}, ["status", "--dbx", "--asx", "--jsonx"], None),  # the command's to refuse
    ({"args": ["attach", CLAIM, "--", "--as", "--json"]}, ["attach", CLAIM, "--", "--as", "--json"], None),
])
def test_global_options_in_a_line_are_taken_out_of_its_words(line, words, user):
    assert batch_module.parse_line(json.dumps(line)) == (words, user, None)


@pytest.mark.parametrize("line, message", [
    ({"args": ["--db", "x.db", "status", CLAIM]}, "leave --db out of its args"),
    ({"args": ["status", CLAIM, "--db=x.db"]}, "leave --db out of its args"),
    ({"args": ["--json"]}, '"args" names no command'),
    ({"args": ["batch", "other.jsonl"]}, "`batch` cannot run inside a batch"),
    ({"args": ["--json", "batch", "other.jsonl"]}, "`batch` cannot run inside a batch"),
    ({"args": ["status", CLAIM, "--as", "wang"], "as": "li"}, "the line says \"as\": 'li' and --as 'wang'; give one"),
    ({"args": ["status", "--as"]}, "--as needs a value"),
    ({"args": ["status", CLAIM], "who": "li"}, "unknown key 'who' in the line"),
])
def test_a_line_with_misplaced_global_options_is_bad_input(line, message):
    with pytest.raises(BadInput, match=re.escape(message)):
        batch_module.parse_line(json.dumps(line))
