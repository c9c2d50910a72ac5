"""A catalogue of bad input across every command (issue 8 §4; docs/cli.md, Exit codes and Order of checks).

Each entry is a command as a user would type it, the exit code the contract gives it, and words its message must hold.
Every entry runs on a copy of one database holding claims at every stage, and must print nothing on stdout, no traceback,
and change nothing (`Claims.fails` compares every table a command can write).
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from backends import discard, new_database
from cli_support import POLICIES, USERS, Claims

START = "2026-05-01T09:00:00+08:00"
CI_DOCS = ["claim_form", "applicant_id", "bank_account", "diagnosis_certificate", "pathology_report", "medical_records"]
MEDICAL_DOCS = ["claim_form", "applicant_id", "bank_account", "admission_discharge_records", "diagnosis_certificate",
                "original_invoices", "itemized_bill"]
DISABILITY_DOCS = ["claim_form", "applicant_id", "bank_account", "disability_assessment", "medical_records"]
REPORTED, APPLIED, INVESTIGATING, DECIDED, APPROVED, DECLINED = (f"CLM-00000{n}" for n in range(1, 7))
CHEN = ["--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013"]


def _walk() -> list[dict]:
    """Claims at every stage: the lines of one batch, each as its user."""
    def line(user, *args):
        return {"args": list(args), "as": user}

    report = lambda policy, type_, day: line("li", "report", policy, "--type", type_, "--event-date", f"2026-04-{day}")  # noqa: E731
    lines = [report("P-2022-0002", "critical_illness", 22),
             report("P-2022-0002", "critical_illness", 23), line("li", "apply", APPLIED, *CHEN),
             report("P-2022-0002", "critical_illness", 24), line("li", "apply", INVESTIGATING, *CHEN),
             *[line("li", "attach", INVESTIGATING, d) for d in CI_DOCS], line("wang", "investigate", INVESTIGATING),
             report("P-2023-0001", "critical_illness", 25),
             line("li", "apply", DECIDED, "--applicant", "张女士", "--id-type", "resident_id", "--id-number", "11010519820709004X"),
             *[line("li", "attach", DECIDED, d) for d in CI_DOCS], line("wang", "investigate", DECIDED),
             line("zhao", "decide", DECIDED, "approve", "--amount", "30000", "--reason", "confirmed"),
             report("P-2021-0005", "disability", 26),
             line("li", "apply", APPROVED, "--applicant", "李强", "--id-type", "resident_id", "--id-number", "44030419701010001X"),
             *[line("li", "attach", APPROVED, d) for d in DISABILITY_DOCS], line("wang", "investigate", APPROVED),
             line("zhao", "decide", APPROVED, "approve", "--amount", "30000", "--reason", "grade 8"), line("wang", "notify", APPROVED),
             report("P-2022-0002", "medical", 27), line("li", "apply", DECLINED, *CHEN),
             *[line("li", "attach", DECLINED, d) for d in MEDICAL_DOCS], line("wang", "investigate", DECLINED),
             line("wang", "decide", DECLINED, "decline", "--ground", "not_covered", "--reason", "cosmetic"),
             line("wang", "notify", DECLINED)]
    return lines


@pytest.fixture(scope="module")
def stages(backend, tmp_path_factory):
    folder = tmp_path_factory.mktemp("catalogue")
    database = new_database(backend, folder)
    run = Claims(database, folder)
    run.ok("init", "--training")
    for name, role, *limit in USERS:
        run.ok("user", "add", name, "--role", role, *(["--limit", limit[0]] if limit else []))
    run.ok("policy", "import", str(POLICIES))
    batch = folder / "stages.jsonl"
    batch.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in _walk()), encoding="utf-8")
    done = run.ok("batch", str(batch)).json
    assert done["failed"] == []
    states = {c: run.ok("status", c).json["state"] for c in (REPORTED, APPLIED, INVESTIGATING, DECIDED, APPROVED, DECLINED)}
    assert states == {REPORTED: "reported", APPLIED: "applied", INVESTIGATING: "investigating", DECIDED: "investigating",
                      APPROVED: "approved", DECLINED: "declined"}
    yield database
    discard(database)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, str]:
    """Bad files of every kind, by name (used as {name} in the catalogue)."""
    folder = tmp_path_factory.mktemp("bad-files")
    records = json.loads(POLICIES.read_text(encoding="utf-8"))
    good = records[1]
    made: dict[str, str] = {"missing": str(folder / "missing.json"), "dir": str(folder), "nofolder": str(folder / "no" / "x.db")}

    def write(name: str, content: str | bytes) -> None:
        path = folder / name
        (path.write_bytes if isinstance(content, bytes) else lambda c: path.write_text(c, encoding="utf-8"))(content)
        made[name.split(".")[0]] = str(path)

    def policy(name: str, **changes) -> None:
        record = json.loads(json.dumps(good))
        for key, value in changes.items():
            target, field = (record, key) if "." not in key else (record[key.split(".")[0]], key.split(".")[1])
            target[field] = value
        write(name, json.dumps([record]))  # \u escapes: a lone surrogate is written as the JSON text holds it

    write("notjson.json", "[{'policy': 'P-1'}")
    write("deep.json", "[" * 100_000 + "]" * 100_000)
    write("bigint.json", "[" + "9" * 5000 + "]")
    write("latin1.json", "[{\"policy\": \"P-é\"}]".encode("latin-1"))
    write("object.json", json.dumps({"policy": "P-1"}))
    write("scalar.json", json.dumps([42]))
    write("surrogate.json", '[{"policy": "P-\\ud800"}]')
    policy("nul_number.json", policy="P-\u0000-1")
    policy("nul_name.json", **{"insured.name": "张\u0000"})
    policy("surrogate_name.json", **{"holder.name": "\ud83d"})
    policy("no_line.json", line=None)
    policy("bad_line.json", line="marine")
    policy("bad_status.json", status="sleeping")
    policy("bad_issued.json", issued="2022-02-30")
    policy("far_issued.json", issued="9999-12-31")
    policy("bad_check.json", **{"insured.id_number": "630102197502110012"})
    policy("big_sum.json", coverages=[{"type": "critical_illness", "sum_insured": "9" * 29}])
    policy("neg_sum.json", coverages=[{"type": "critical_illness", "sum_insured": "-60000"}])
    policy("nan_sum.json", coverages=[{"type": "critical_illness", "sum_insured": "NaN"}])
    policy("arabic_sum.json", coverages=[{"type": "critical_illness", "sum_insured": "٦٠٠٠٠"}])
    policy("twice.json", coverages=[{"type": "medical", "sum_insured": "1"}, {"type": "medical", "sum_insured": "2"}])
    policy("no_cover.json", coverages=[])
    policy("bad_cover.json", coverages=[{"type": "pets", "sum_insured": "1"}])
    policy("empty_number.json", policy="   ")
    write("dup.json", json.dumps([good, good], ensure_ascii=False))
    write("settings_bad.toml", "time_zone = ")
    write("settings_key.toml", 'colour = "red"\n')
    write("settings_neg.toml", "reporting_window_days = -1\n")
    write("settings_huge.toml", "reporting_window_days = 99999999999\n")
    write("settings_zone.toml", 'time_zone = "Mars/Olympus"\n')
    write("settings_amount.toml", 'four_eyes_threshold = "１００"\n')
    write("anchor_notjson.json", "not json")
    write("anchor_other.json", json.dumps({"format": "something-else"}))
    write("anchor_damaged.json", json.dumps({"format": "claims-audit-anchor/1", "heads": [{"claim": "x"}], "root": "r"}))
    for name, line in {"b_notjson": "{", "b_deep": "[" * 100_000, "b_bigint": '{"args": ["list"], "now": ' + "1" * 5000 + "}",
                       "b_surrogate": '{"args": ["consult", "CLM-000001", "--note", "\\udc00"]}',
                       "b_nul": '{"args": ["consult", "CLM-000001", "--note", "a\\u0000b"]}', "b_args": '{"args": "list"}',
                       "b_key": '{"args": ["list"], "who": "li"}', "b_now": '{"args": ["list"], "now": "soon"}',
                       "b_far": '{"args": ["list"], "now": "9999-12-31T23:59:59-12:00"}', "b_as": '{"args": ["list"], "as": ""}',
                       "b_nested": '{"args": ["batch", "x.jsonl"]}', "b_db": '{"args": ["list", "--db", "x.db"]}',
                       "b_empty": '{"args": []}', "b_number": '{"args": ["consult", "CLM-000001", "--note", 5]}'}.items():
        write(f"{name}.jsonl", line + "\n")
    write("b_latin1.jsonl", '{"args": ["consult", "CLM-000001", "--note", "é"]}'.encode("latin-1"))
    foreign = folder / "foreign.db"
    with sqlite3.connect(foreign) as con:
        con.execute("CREATE TABLE claim (id INTEGER PRIMARY KEY, amount REAL)")
        con.execute("INSERT INTO claim VALUES (1, 2.5)")
    made["foreign"] = str(foreign)
    made["scan_dir"] = str(folder)
    return made


D29 = "9" * 29
C = "critical_illness"
REPORT = ["report", "P-2022-0002", "--type", C]
AMOUNTS = [D29, "١٠٠", "１００", "0", "-1", "1.234", "1e5", "abc", "", " ", "100,000", "0x10", "Infinity", "NaN", "1_000"]

# (argv, acting user, exit code, words the message holds) ------------------------------------------------------------------------
CATALOGUE = [
    # global options and the environment
    (["--db", "", "list"], "li", 2, "--db must name"),
    (["--db", "   ", "list"], "li", 2, "--db must name"),
    (["--db", "{dir}", "list"], "li", 2, "is a folder"),
    (["--db", "{nofolder}", "list"], "li", 3, "does not exist"),
    (["--db", "{foreign}", "list"], "li", 7, "not a claims database"),
    (["--db", "{foreign}", "status", "1"], "li", 7, "not a claims database"),
    (["--db", "{foreign}", "report", "P-1", "--type", "death", "--event-date", "2026-04-25"], "li", 7, "not a claims database"),
    (["--db", "mysql://x@y/z", "list"], "li", 2, "--db"),
    (["--as", "", "list"], "li", 2, "--as must name"),
    (["--as=", "list"], "li", 2, "--as must name"),
    (["list", "--as"], "li", 2, "--as needs a value"),
    (["frobnicate"], "li", 2, "frobnicate"),
    (["list", "--frob"], "li", 2, "--frob"),
    (["list"], "nobody", 3, "not registered"),
    # init
    (["init", "--training"], "admin", 5, "already a claims database"),
    (["--db", "{foreign}", "init", "--training"], "admin", 7, "not a claims database"),
    (["--db", "{dir}", "init", "--training"], "admin", 2, "is a folder"),
    (["--db", "{nofolder}", "init", "--training"], "admin", 2, "does not exist"),
    (["init", "--settings", "{missing}"], "admin", 2, "does not exist"),
    (["init", "--settings", "{dir}"], "admin", 2, "is a folder"),
    (["init", "--settings", "{settings_bad}"], "admin", 2, "not valid TOML"),
    (["init", "--settings", "{settings_key}"], "admin", 2, "unknown setting 'colour'"),
    (["init", "--settings", "{settings_neg}"], "admin", 2, "from 0 to 3660"),
    (["init", "--settings", "{settings_huge}"], "admin", 2, "from 0 to 3660"),
    (["init", "--settings", "{settings_zone}"], "admin", 2, "unknown time zone"),
    (["init", "--settings", "{settings_amount}"], "admin", 2, "digits 0-9"),
    # users
    (["user", "add", "", "--role", "agent"], "admin", 2, "must not be empty"),
    (["user", "add", "   ", "--role", "agent"], "admin", 2, "must not be empty"),
    (["user", "add", " li2", "--role", "agent"], "admin", 2, "begin or end with spaces"),
    (["user", "add", "x" * 64, "--role", "agent"], "admin", 2, "at most 63 bytes"),
    (["user", "add", "li", "--role", "agent"], "admin", 5, "already exists"),
    (["user", "add", "wang", "--role", "senior"], "admin", 5, "claims user role wang"),
    (["user", "add", "zhou", "--role", "boss"], "admin", 2, "boss"),
    (["user", "add", "zhou"], "admin", 2, "--role"),
    (["user", "add", "zhou", "--role", "agent", "--limit", "1000"], "admin", 2, "handlers and seniors"),
    *[(["user", "add", "zhou", "--role", "handler", "--limit", amount], "admin", 2, "--limit") for amount in AMOUNTS],
    (["user", "add", "zhou", "--role", "agent"], "li", 6, "may not run `user`"),
    (["user", "add", "zhou", "--role", "agent"], "qian", 6, "may not run `user`"),
    (["user", "role", "nobody", "--role", "agent"], "admin", 3, "claims user add"),
    (["user", "role", "admin", "--role", "auditor"], "admin", 4, "only admin"),
    (["user", "role", "li", "--role", "auditor", "--limit", "5"], "admin", 2, "handlers and seniors"),
    (["user", "role", "li", "--role", "senior"], "wang", 6, "may not run `user`"),
    (["user", "list"], "li", 6, "may not run `user list`"),
    # policies
    (["policy", "import", "{missing}"], "admin", 2, "does not exist"),
    (["policy", "import", "{dir}"], "admin", 2, "is a folder"),
    (["policy", "import", "{notjson}"], "admin", 2, "not valid JSON"),
    (["policy", "import", "{deep}"], "admin", 2, "nested too deeply"),
    (["policy", "import", "{bigint}"], "admin", 2, "cannot be read"),
    (["policy", "import", "{latin1}"], "admin", 2, "not UTF-8"),
    (["policy", "import", "{object}"], "admin", 2, "JSON list"),
    (["policy", "import", "{scalar}"], "admin", 2, "must be a JSON object"),
    (["policy", "import", "{surrogate}"], "admin", 2, "lone surrogate"),
    (["policy", "import", "{nul_number}"], "admin", 2, "NUL"),
    (["policy", "import", "{nul_name}"], "admin", 2, "NUL"),
    (["policy", "import", "{surrogate_name}"], "admin", 2, "lone surrogate"),
    (["policy", "import", "{no_line}"], "admin", 2, "field line"),
    (["policy", "import", "{bad_line}"], "admin", 2, "marine"),
    (["policy", "import", "{bad_status}"], "admin", 2, "field status"),
    (["policy", "import", "{bad_issued}"], "admin", 2, "field issued"),
    (["policy", "import", "{far_issued}"], "admin", 2, "between 1900-01-01 and 2999-12-31"),
    (["policy", "import", "{bad_check}"], "admin", 2, "check digit"),
    (["policy", "import", "{big_sum}"], "admin", 2, "too large"),
    (["policy", "import", "{neg_sum}"], "admin", 2, "sum_insured"),
    (["policy", "import", "{nan_sum}"], "admin", 2, "sum_insured"),
    (["policy", "import", "{arabic_sum}"], "admin", 2, "digits 0-9"),
    (["policy", "import", "{twice}"], "admin", 2, "covered twice"),
    (["policy", "import", "{no_cover}"], "admin", 2, "non-empty list"),
    (["policy", "import", "{bad_cover}"], "admin", 2, "pets"),
    (["policy", "import", "{empty_number}"], "admin", 2, "non-empty text"),
    (["policy", "import", "{dup}"], "admin", 2, "appears twice"),
    (["policy", "import", str(POLICIES)], "li", 6, "may not run `policy`"),
    (["policy", "show", "P-9999"], "admin", 3, "not found"),
    (["policy", "show", "P-2022-0002"], "li", 6, "may not run `policy`"),
    # settings
    (["settings", "show"], "wang", 6, "may not run `settings`"),
    (["settings", "load", "{missing}"], "admin", 2, "does not exist"),
    (["settings", "load", "{dir}"], "admin", 2, "is a folder"),
    (["settings", "load", "{settings_bad}"], "admin", 2, "not valid TOML"),
    (["settings", "load", "{settings_neg}"], "admin", 2, "from 0 to 3660"),
    # report
    (["report", "P-9999", "--type", C, "--event-date", "2026-04-25"], "li", 3, "not found"),
    ([*REPORT, "--event-date", "2026-02-30"], "li", 2, "--event-date"),
    ([*REPORT, "--event-date", "yesterday"], "li", 2, "ISO date"),
    ([*REPORT, "--event-date", "9999-12-30"], "li", 2, "between 1900-01-01 and 2999-12-31"),
    ([*REPORT, "--event-date", "0001-01-01"], "li", 2, "between 1900-01-01 and 2999-12-31"),
    ([*REPORT, "--event-date", "2026-05-02"], "li", 4, "after today"),
    ([*REPORT, "--event-date", "2026-04-01"], "li", 4, "--late-reason"),
    ([*REPORT, "--event-date", "2026-04-01", "--late-reason", ""], "li", 2, "--late-reason must not be empty"),
    ([*REPORT, "--event-date", "2026-04-25", "--description", "  "], "li", 2, "--description must not be empty"),
    ([*REPORT, "--event-date", "2026-04-25", "--description", "a\x07b"], "li", 2, "control character"),
    (["report", "P-2022-0002", "--type", "pets", "--event-date", "2026-04-25"], "li", 2, "pets"),
    (["report", "P-2022-0002", "--event-date", "2026-04-25"], "li", 2, "--type"),
    ([*REPORT, "--event-date", "2026-04-25", "--cause", "boredom"], "li", 2, "boredom"),
    ([*REPORT, "--event-date", "2026-04-25", "--channel", "pigeon"], "li", 2, "pigeon"),
    (["report", "P-2018-0004", "--type", "death", "--event-date", "2026-04-25"], "li", 4, "lapsed"),
    (["report", "P-2022-0002", "--type", "death", "--event-date", "2026-04-25"], "li", 4, "does not cover death"),
    ([*REPORT, "--event-date", "2026-04-22"], "li", 5, "duplicate report"),
    ([*REPORT, "--event-date", "2026-04-25"], "qian", 6, "may not run `report`"),
    ([*REPORT, "--event-date", "2026-04-25"], "admin", 6, "may not run `report`"),
    # apply
    (["apply", "CLM-999999", *CHEN], "li", 3, "not found"),
    (["apply", REPORTED, "--applicant", "陈某", "--id-type", "passport_x", "--id-number", "1"], "li", 2, "passport_x"),
    (["apply", REPORTED, "--applicant", "", "--id-type", "resident_id", "--id-number", "1"], "li", 2, "--applicant must not be empty"),
    (["apply", REPORTED, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", " "], "li", 2, "--id-number must not be empty"),
    (["apply", REPORTED, "--applicant", "陈\t某", "--id-type", "resident_id", "--id-number", "1"], "li", 2, "control character"),
    (["apply", REPORTED, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110012"], "li", 4, "check digit"),
    (["apply", REPORTED, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110021"], "li", 4,
     "does not match"),
    (["apply", REPORTED, *CHEN, "--id-expires", "2026-13-01"], "li", 2, "--id-expires"),
    (["apply", REPORTED, *CHEN, "--id-expires", "2020-01-01"], "li", 4, "expired"),
    (["apply", REPORTED, *CHEN, "--relation", "cousin"], "li", 2, "cousin"),
    (["apply", REPORTED, *CHEN, "--signed-by", "li"], "li", 4, "signed by the applicant"),
    (["apply", REPORTED, *CHEN, "--signed-by", ""], "li", 2, "--signed-by must not be empty"),
    (["apply", REPORTED, "--applicant", "陈某", "--id-type", "household_register", "--id-number", "X1"], "li", 4, "household register"),
    (["apply", REPORTED, "--applicant", "王五", "--id-type", "passport", "--id-number", "E12345678"], "li", 4, "--relation"),
    (["apply", APPLIED, *CHEN], "li", 4, "applied"),
    (["apply", REPORTED, *CHEN], "qian", 6, "may not run `apply`"),
    # attach
    (["attach", "CLM-999999", "claim_form"], "li", 3, "not found"),
    (["attach", APPLIED, "selfie"], "li", 3, "document type 'selfie' not found"),
    (["attach", APPLIED, "claim_form", "--file", "{missing}"], "li", 2, "cannot be read"),
    (["attach", APPLIED, "claim_form", "--file", "{scan_dir}"], "li", 2, "cannot be read"),
    (["attach", APPROVED, "claim_form"], "li", 4, "approved"),
    (["attach", APPLIED, "claim_form"], "qian", 6, "may not run `attach`"),
    (["attach", APPLIED], "li", 2, "DOC_TYPE"),
    # investigate
    (["investigate", APPLIED], "wang", 4, "materials incomplete"),
    (["investigate", "CLM-999999"], "wang", 3, "not found"),
    (["investigate", INVESTIGATING], "wang", 4, "investigating"),
    (["investigate", APPLIED], "li", 6, "may not run `investigate`"),
    # decide
    *[(["decide", INVESTIGATING, "approve", "--amount", amount, "--reason", "r"], "zhao", 2, "--amount") for amount in AMOUNTS],
    (["decide", INVESTIGATING, "approve", "--amount", "100"], "zhao", 2, "--reason"),
    (["decide", INVESTIGATING, "approve", "--amount", "100", "--reason", "   "], "zhao", 2, "--reason must not be empty"),
    (["decide", INVESTIGATING, "maybe", "--reason", "r"], "zhao", 2, "maybe"),
    (["decide", INVESTIGATING, "approve", "--reason", "r"], "zhao", 4, "--amount"),
    (["decide", INVESTIGATING, "decline", "--reason", "r"], "zhao", 4, "--ground"),
    (["decide", INVESTIGATING, "decline", "--ground", "exclusion", "--amount", "5", "--reason", "r"], "zhao", 4, "leave out --amount"),
    (["decide", INVESTIGATING, "decline", "--ground", "whim", "--reason", "r"], "zhao", 2, "whim"),
    (["decide", INVESTIGATING, "approve", "--amount", "60000.01", "--reason", "r"], "zhao", 4, "remaining sum insured"),
    (["decide", INVESTIGATING, "approve", "--amount", "50000.01", "--reason", "r"], "wang", 4, "authority limit"),
    (["decide", INVESTIGATING, "decline", "--ground", "nondisclosure", "--reason", "r"], "zhao", 4, "Art. 16"),
    (["decide", DECIDED, "approve", "--amount", "1", "--reason", "r"], "zhao", 4, "already recorded"),
    (["decide", APPLIED, "approve", "--amount", "1", "--reason", "r"], "zhao", 4, "applied"),
    (["decide", INVESTIGATING, "approve", "--amount", "1", "--reason", "r"], "li", 6, "may not run `decide`"),
    (["decide", "CLM-999999", "approve", "--amount", "1", "--reason", "r"], "zhao", 3, "not found"),
    # notify
    (["notify", INVESTIGATING], "wang", 4, "no decision"),
    (["notify", REPORTED], "wang", 4, "reported"),
    (["notify", DECIDED], "li", 6, "may not run `notify`"),
    # pay
    (["pay", APPROVED, "--amount", "29999.99"], "wang", 4, "30000.00"),
    (["pay", APPROVED, "--amount", "30000"], "zhao", 4, "another handler"),
    (["pay", APPROVED, "--amount", "30000", "--advance"], "wang", 4, "--advance"),
    *[(["pay", APPROVED, "--amount", amount], "wang", 2, "--amount") for amount in AMOUNTS[:6]],
    (["pay", DECIDED, "--amount", "30000"], "wang", 4, "claims notify` first"),
    (["pay", INVESTIGATING, "--amount", "100", "--advance"], "wang", 4, "Art. 25"),
    (["pay", APPROVED, "--amount", "30000"], "li", 6, "may not run `pay`"),
    (["pay", APPROVED], "wang", 2, "--amount"),
    # appeal, close, withdraw, consult
    (["appeal", REPORTED, "--reason", "r"], "li", 4, "reported"),
    (["appeal", DECLINED, "--reason", ""], "li", 2, "--reason must not be empty"),
    (["appeal", DECLINED, "--reason", "r"], "qian", 6, "may not run `appeal`"),
    (["close", REPORTED], "wang", 4, "reported"),
    (["close", DECLINED], "li", 6, "may not run `close`"),
    (["withdraw", APPROVED, "--reason", "r"], "li", 4, "approved"),
    (["withdraw", REPORTED, "--reason", " "], "li", 2, "--reason must not be empty"),
    (["consult", REPORTED, "--note", ""], "li", 2, "--note must not be empty"),
    (["consult", REPORTED, "--note", "\x1b[31m"], "li", 2, "control character"),
    (["consult", REPORTED, "--note", "n"], "qian", 6, "may not run `consult`"),
    (["consult", "CLM-999999", "--note", "n"], "li", 3, "not found"),
    # looking
    (["status", "CLM-999999"], "li", 3, "not found"),
    (["docs", "CLM-999999"], "li", 3, "not found"),
    (["history", "CLM-999999"], "li", 3, "not found"),
    (["history", "@admin"], "li", 6, "@admin"),
    (["list", "--limit", "0"], "li", 2, "--limit"),
    (["list", "--limit", "-3"], "li", 2, "--limit"),
    (["list", "--limit", "many"], "li", 2, "--limit"),
    (["list", "--state", "sleeping"], "li", 2, "sleeping"),
    (["list", "--type", "pets"], "li", 2, "pets"),
    (["diagram", "--format", "png"], "li", 2, "png"),
    # auditing
    (["replay", "CLM-999999"], "qian", 3, "not found"),
    (["replay", REPORTED, "--as-of", "last week"], "qian", 2, "--as-of"),
    (["replay", REPORTED, "--as-of", "9999-12-31"], "qian", 2, "between 1900-01-01 and 2999-12-31"),
    (["replay", REPORTED], "li", 6, "may not run `replay`"),
    (["audit", "verify", "--claim", "CLM-999999"], "qian", 3, "not found"),
    (["audit", "verify", "--anchor", "{missing}"], "qian", 2, "cannot be read"),
    (["audit", "verify", "--anchor", "{dir}"], "qian", 2, "cannot be read"),
    (["audit", "verify", "--anchor", "{anchor_notjson}"], "qian", 2, "not JSON"),
    (["audit", "verify", "--anchor", "{anchor_other}"], "qian", 2, "not a claims audit anchor"),
    (["audit", "verify", "--anchor", "{anchor_damaged}"], "qian", 2, "damaged"),
    (["audit", "verify", "--jobs", "0"], "qian", 2, "--jobs"),
    (["audit", "verify"], "li", 6, "may not run `audit`"),
    (["audit", "anchor"], "admin", 6, "personal data"),
    (["audit", "anchor", "--out", "{nofolder}"], "qian", 2, "cannot be written"),
    (["audit", "export", "--format", "xml"], "qian", 2, "xml"),
    (["audit", "export", "--claim", "CLM-999999"], "qian", 3, "not found"),
    (["audit", "export"], "wang", 6, "may not run `audit`"),
    (["batch", "{missing}"], "admin", 2, "cannot be read"),
    (["batch", "{dir}"], "admin", 2, "cannot be read"),
]

# a batch file's lines: the summary (on stdout, as the contract says) names the line and why
BATCH_LINES = [("b_notjson", "not valid JSON"), ("b_deep", "nested too deeply"), ("b_bigint", "cannot be read"),
               ("b_surrogate", "lone surrogate"), ("b_nul", "NUL"), ("b_args", "non-empty list of strings"), ("b_key", "unknown key 'who'"),
               ("b_now", "CLAIMS_NOW"), ("b_far", "between 1900-01-01 and 2999-12-31"), ("b_as", "non-empty string"),
               ("b_nested", "cannot run inside a batch"), ("b_db", "leave --db out"), ("b_empty", "non-empty list"),
               ("b_number", "non-empty list of strings"), ("b_latin1", "not UTF-8")]

# CLAIMS_NOW at the calendar's edges, for a command of every kind
CLOCKS = ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00+14:00", "yesterday", "2026-02-30T09:00+08:00", "2026-05-01T25:00+08:00"]
CLOCK_COMMANDS = [(["list"], "li"), ([*REPORT, "--event-date", "2026-04-25"], "li"), (["consult", REPORTED, "--note", "n"], "li"),
                  (["user", "add", "zhou", "--role", "agent"], "admin")]


def _ids(entry) -> str:
    argv, who, code, _ = entry
    return f"{code}-{who}-" + "_".join(word[:14] for word in argv)[:60]


@pytest.fixture
def claims(stages, tmp_path) -> Claims:
    database = stages.copy(tmp_path)
    yield Claims(database, tmp_path)
    discard(database)


@pytest.mark.parametrize("entry", CATALOGUE, ids=[_ids(e) for e in CATALOGUE])
def test_bad_input_gets_the_contract_code_a_clear_message_and_changes_nothing(claims, files, entry):
    argv, who, code, words = entry
    argv = [word.format(**files) if "{" in word else word for word in argv]
    result = claims.fails(code, *argv, as_=who)
    error = result.error
    assert words in error["message"], error["message"]
    assert error["code"] == {2: "bad_input", 3: "not_found", 4: "refused", 5: "conflict", 6: "forbidden", 7: "integrity"}[code]
    human = claims(*argv, as_=who, json_out=False)
    assert human.code == code and human.out == "" and "Traceback" not in human.err
    assert "Error: " in human.err and words in human.err.replace("\n", " ") or words in human.err


@pytest.mark.parametrize("name, words", BATCH_LINES)
def test_a_bad_batch_line_is_exit_2_naming_the_line_and_runs_nothing(claims, files, name, words):
    before = claims.snapshot()
    result = claims("batch", files[name], "--keep-going", as_="admin")
    assert result.code == 2 and result.err == ""
    assert result.json["done"] == 0 and [f["line"] for f in result.json["failed"]] == [1]
    assert words in result.json["failed"][0]["error"]["message"]
    assert claims.snapshot() == before


@pytest.mark.parametrize("clock", CLOCKS)
@pytest.mark.parametrize("argv, who", CLOCK_COMMANDS)
def test_a_clock_at_the_calendars_edge_is_bad_input(claims, clock, argv, who):
    error = claims.fails(2, *argv, as_=who, now=clock).error
    assert "CLAIMS_NOW" in error["message"]


def test_the_catalogue_is_large_enough():
    assert len(CATALOGUE) + len(BATCH_LINES) + len(CLOCKS) * len(CLOCK_COMMANDS) >= 150
    assert len({tuple(argv) + (who,) for argv, who, *_ in CATALOGUE}) == len(CATALOGUE)
