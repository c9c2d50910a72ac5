"""`claims replay` and `claims audit verify|anchor|export` as auditors type them (cli.md, Audit)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import CLAIMS_EXE

ROOT = Path(__file__).resolve().parents[2]


def rehash(event: dict) -> str:
    """An auditor's own re-hash of an exported event: SHA-256 of the canonical JSON of everything but the hash."""
    body = {k: v for k, v in event.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()





# replay -------------------------------------------------------------------------------------------
def test_replay_json_has_the_contract_keys(claims, walk):
    claim = walk.critical_illness("paid")
    doc = claims.ok("replay", claim, as_="qian").json
    assert {"claim", "state", "version", "consistent", "problems"} <= set(doc)
    assert (doc["claim"], doc["state"], doc["consistent"], doc["problems"]) == (claim, "paid", True, [])
    assert doc["version"] == claims.ok("status", claim, as_="qian").json["version"]


def test_replay_as_of_a_moment(claims, walk):
    claim = walk.critical_illness("reported")
    claims.ok("apply", claim, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013", as_="li",
              now="2026-05-03T10:00:00+08:00")
    doc = claims.ok("replay", claim, "--as-of", "2026-05-02", as_="qian").json
    assert (doc["state"], doc["version"], doc["as_of"]) == ("reported", 1, "2026-05-02T23:59:59.999999+08:00")


def test_replay_human_view_is_a_timeline(claims, walk):
    claim = walk.critical_illness("investigating")
    out = claims.ok("replay", claim, as_="admin", json_out=False).out
    assert f"Replay of {claim}" in out and "investigate" in out and "every step replays" in out


@pytest.mark.parametrize("args, as_, code", [
    (("replay", "CLM-999999"), "qian", 3),
    (("replay", "{claim}"), "li", 6),
    (("replay", "{claim}"), "wang", 6),
    (("replay", "{claim}", "--as-of", "yesterday"), "qian", 2),
    (("audit", "verify"), "zhao", 6),
    (("audit", "verify", "--claim", "CLM-999999"), "qian", 3),
    (("audit", "verify", "--anchor", "/nonexistent/anchor.json"), "qian", 2),
    (("audit", "anchor"), "li", 6),
    (("audit", "export"), "wang", 6),
    (("audit", "export", "--format", "xml"), "qian", 2),
    (("audit", "export", "--claim", "CLM-999999"), "qian", 3),
])
def test_audit_commands_refuse_with_the_contract_exit_codes(claims, walk, args, as_, code):
    claim = walk.critical_illness("reported")
    claims.fails(code, *[a.format(claim=claim) for a in args], as_=as_)


# verify -------------------------------------------------------------------------------------------
def test_verify_json_has_the_contract_keys(claims, walk):
    walk.critical_illness("paid")
    walk.critical_illness("applied", event="2026-04-26")
    doc = claims.ok("audit", "verify", as_="qian").json
    assert {"ok", "claims", "events", "problems"} <= set(doc)
    assert (doc["ok"], doc["claims"], doc["problems"]) == (True, 2, [])
    assert doc["events"] == claims.database.rows("SELECT count(*) FROM audit_event")[0][0]


def test_verify_human_summary(claims, walk):
    walk.critical_illness("applied")
    result = claims.ok("audit", "verify", as_="admin", json_out=False)
    assert "Audit log verified: 1 claim" in result.out
    assert result.err == ""  # no progress bar when stderr is not a terminal


def test_a_failed_verification_exits_7_with_the_problems(claims, walk):
    claim = walk.critical_illness("applied")
    with claims.database.tampering() as con:
        con.execute("UPDATE audit_event SET actor = 'wang' WHERE claim_id = ? AND seq = 2", (claim,))
    result = claims("audit", "verify", as_="qian")
    assert result.code == 7
    doc = result.json
    assert doc["ok"] is False and (claim, 2, "hash") in {(p["claim"], p["seq"], p["check"]) for p in doc["problems"]}
    assert json.loads(result.err)["error"]["code"] == "integrity"
    human = claims("audit", "verify", as_="qian", json_out=False)
    assert human.code == 7 and "Audit verification failed" in human.out and human.err.startswith("Error: audit verification failed")


# anchor -------------------------------------------------------------------------------------------
def test_anchor_to_stdout_is_a_digest_of_every_chain(claims, walk):
    claim = walk.critical_illness("applied")
    doc = claims.ok("audit", "anchor", as_="qian").json
    heads = {h["claim"]: (h["seq"], h["hash"]) for h in doc["heads"]}
    assert set(heads) == {"@admin", claim} and heads[claim][0] == 3
    listed = [[h["claim"], h["seq"], h["hash"]] for h in doc["heads"]]
    canonical = json.dumps(listed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert doc["root"] == hashlib.sha256(canonical.encode()).hexdigest()


def test_anchor_to_a_file_then_verify_against_it(claims, walk, tmp_path):
    walk.critical_illness("applied")
    out = tmp_path / "anchor.json"
    summary = claims.ok("audit", "anchor", "--out", str(out), as_="qian").json
    assert summary["root"] == json.loads(out.read_text())["root"]
    doc = claims.ok("audit", "verify", "--anchor", str(out), as_="qian").json
    assert doc["ok"] is True and doc["anchor"]["chains"] == 2


def test_verify_says_how_old_the_anchor_is_and_what_it_covered(claims, walk, tmp_path):
    walk.critical_illness("applied")
    out = tmp_path / "anchor.json"
    claims.ok("audit", "anchor", "--out", str(out), as_="qian")
    anchor = json.loads(out.read_text())
    anchor["created_at"] = "2026-01-01T00:00:00+00:00"  # as if kept since New Year (the root covers only the heads)
    out.write_text(json.dumps(anchor))
    doc = claims.ok("audit", "verify", "--anchor", str(out), as_="qian").json["anchor"]
    assert (doc["created_at"], doc["chains"], doc["events"]) == ("2026-01-01T00:00:00+00:00", 2, anchor["events"])
    assert doc["age_days"] > 300
    human = claims.ok("audit", "verify", "--anchor", str(out), as_="qian", json_out=False).out
    assert "taken 2026-01-01T00:00:00+00:00" in human and " days old" in human and f"{anchor['events']} events" in human


def test_an_admin_may_not_take_an_anchor(claims, walk):
    walk.critical_illness("applied")
    error = claims.fails(6, "audit", "anchor", as_="admin").error
    assert "personal data" in error["message"] and "auditor" in error["message"]


def test_verify_refuses_a_file_that_is_not_an_anchor(claims, walk, tmp_path):
    walk.critical_illness("reported")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    assert "not a claims audit anchor" in claims.fails(2, "audit", "verify", "--anchor", str(bad), as_="qian").error["message"]


# export -------------------------------------------------------------------------------------------
def test_jsonl_export_rehashes_with_an_auditors_own_tools(claims, walk):
    walk.critical_illness("paid")
    lines = claims.ok("audit", "export", as_="qian").out.splitlines()
    events = [json.loads(line) for line in lines]
    assert [e["claim_id"] for e in events][:1] == ["@admin"] and len(events) > 15
    previous = {}
    for line, event in zip(lines, events, strict=True):
        assert line == json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)  # canonical lines
        assert rehash(event) == event["hash"]
        assert event["prev_hash"] == previous.get(event["claim_id"])
        previous[event["claim_id"]] = event["hash"]


def test_csv_export_of_one_claim_rehashes_too(claims, walk):
    claim = walk.critical_illness("applied")
    rows = list(csv.DictReader(io.StringIO(claims.ok("audit", "export", "--format", "csv", "--claim", claim, as_="qian").out)))
    assert [r["seq"] for r in rows] == ["1", "2", "3"]
    for row in rows:
        event = {**row, "seq": int(row["seq"]), "payload": json.loads(row["payload"]),
                 "from": row["from"] or None, "prev_hash": row["prev_hash"] or None}
        assert rehash(event) == row["hash"]


def test_export_masks_personal_data_for_an_admin(claims, walk):
    claim = walk.critical_illness("applied")
    out = claims.ok("audit", "export", "--claim", claim, as_="admin").out
    assert "630102197502110013" not in out and "**0013" in out
    assert "630102197502110013" in claims.ok("audit", "export", "--claim", claim, as_="qian").out


# start-up ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv", [["replay", "--help"], ["audit", "--help"], ["audit", "verify", "--help"], ["audit", "export", "--help"]])
def test_audit_help_does_not_import_the_database_layer(argv):
    code = (f"import sys; from cli.main import main; code = main({argv!r}); "
            "assert code == 0, code; assert 'sqlalchemy' not in sys.modules and 'transitions' not in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_csv_export_for_excel_starts_with_the_utf8_bom_and_uses_crlf_and_still_rehashes(claims, walk):
    """Issue 10: the CSV opens correctly in Excel on Chinese Windows (which reads a file without a BOM as GBK)."""
    claim = walk.critical_illness("applied")
    done = subprocess.run([str(CLAIMS_EXE), "--db", str(claims.db), "--as", "qian", "audit", "export", "--format", "csv",
                           "--claim", claim, "--excel"], capture_output=True, timeout=60,
                          env={**os.environ, "CLAIMS_NOW": "2026-06-01T09:00:00+08:00"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"\xef\xbb\xbf") and b"\r\n" in done.stdout and b"\n" not in done.stdout.replace(b"\r\n", b"")
    text = done.stdout.decode("utf-8-sig")
    assert "陈某" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    for row in rows:
        event = {**row, "seq": int(row["seq"]), "payload": json.loads(row["payload"]),
                 "from": row["from"] or None, "prev_hash": row["prev_hash"] or None}
        assert rehash(event) == row["hash"]
    plain = claims.ok("audit", "export", "--format", "csv", "--claim", claim, as_="qian").out
    assert not plain.startswith("\ufeff") and "\r\n" not in plain


def test_excel_goes_with_csv_only(claims, walk):
    claim = walk.critical_illness("applied")
    error = claims.fails(2, "audit", "export", "--claim", claim, "--excel", as_="qian").error
    assert "--excel" in error["message"] and "--format csv" in error["message"]
