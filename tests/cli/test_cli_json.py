"""cli.md, JSON shapes (keys fixed; more may be added), the --json error document, and privacy
(deck slide 19: ID numbers, phone numbers and bank accounts masked for roles that do not need them)."""

from __future__ import annotations

import json
import re
from datetime import datetime

from cli_support import POLICIES, Claims, life_policy, person, run_main

STATUS_KEYS = {
    "claim",
    "policy",
    "type",
    "state",
    "version",
    "flags",
    "received_documents",
    "missing_documents",
    "deadlines",
    "decision",
    "paid_amount",
    "allowed_actions",
}
HISTORY_KEYS = {"seq", "event", "from", "to", "at", "actor", "role", "payload", "prev_hash", "hash"}
MONEY = re.compile(r"^\d+\.\d{2}$")


def one_json_document(result) -> object:
    assert result.code == 0 and result.err == ""
    assert result.out.endswith("\n") and result.out.count("\n") == 1, "exactly one JSON document on stdout"
    return json.loads(result.out)


def test_init_user_add_policy_import_shapes(tmp_path):
    run = Claims(tmp_path / "new.db", tmp_path)
    init = one_json_document(run("init", "--training", as_="boss"))
    assert init["ok"] is True and init["training"] is True and isinstance(init["settings_version"], str) and init["settings_version"]
    added = one_json_document(run("user", "add", "wu", "--role", "handler", "--limit", "20000", as_="boss"))
    assert {k: added[k] for k in ("user", "role", "limit")} == {"user": "wu", "role": "handler", "limit": "20000.00"}
    assert one_json_document(run("user", "add", "ma", "--role", "agent", as_="boss"))["limit"] is None
    imported = one_json_document(run("policy", "import", str(POLICIES), as_="boss"))
    assert {k: imported[k] for k in ("imported", "unchanged")} == {"imported": 7, "unchanged": 0}
    again = one_json_document(run("policy", "import", str(POLICIES), as_="boss"))
    assert {k: again[k] for k in ("imported", "unchanged")} == {"imported": 0, "unchanged": 7}


def test_policy_show_is_the_policy_as_imported(claims):
    shown = one_json_document(claims("policy", "show", "P-2023-0001", as_="admin"))
    assert shown["policy"] == "P-2023-0001" and shown["line"] == "life" and shown["issued"] == "2023-03-01"
    assert shown["coverages"] == [{"type": "death", "sum_insured": "100000.00"}, {"type": "critical_illness", "sum_insured": "60000.00"}]
    assert shown["beneficiaries"][0]["name"] == "陈先生" and shown["beneficiaries"][0]["kind"] == "death"


def test_report_shape(claims):
    doc = one_json_document(claims("report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25", as_="li"))
    assert {"claim", "state", "flags"} <= set(doc)
    assert re.fullmatch(r"CLM-\d+", doc["claim"]) and doc["state"] == "reported" and doc["flags"] == []


def test_status_shape(claims, walk):
    claim = walk.critical_illness("reported")
    doc = one_json_document(claims("status", claim, as_="li"))
    assert STATUS_KEYS <= set(doc)
    assert (doc["claim"], doc["policy"], doc["type"], doc["state"], doc["version"]) == (
        claim,
        "P-2022-0002",
        "critical_illness",
        "reported",
        1,
    )
    assert doc["decision"] is None and doc["paid_amount"] == "0.00"
    for deadline in doc["deadlines"]:
        assert set(deadline) >= {"name", "due", "overdue", "rule"}
        datetime.strptime(deadline["due"], "%Y-%m-%d")
        assert isinstance(deadline["overdue"], bool) and deadline["rule"]


def test_every_flow_command_answers_with_the_status_shape(claims, walk):
    claim = walk.critical_illness("reported")
    steps = [
        (["apply", claim, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013"], "li"),
        (["attach", claim, "claim_form"], "li"),
        (["attach", claim, "applicant_id"], "li"),
        (["attach", claim, "bank_account"], "li"),
        (["attach", claim, "diagnosis_certificate"], "li"),
        (["attach", claim, "pathology_report"], "li"),
        (["attach", claim, "medical_records"], "li"),
        (["consult", claim, "--note", "asked about timing"], "li"),
        (["investigate", claim], "wang"),
        (["request", claim, "itemized_bill", "--reason", "needed for the review"], "wang"),
        (["attach", claim, "itemized_bill"], "li"),
        (["decide", claim, "partial", "--amount", "40000", "--reason", "part excluded"], "zhao"),
        (["notify", claim], "wang"),
        (["pay", claim, "--amount", "40000"], "wang"),
        (["close", claim], "wang"),
    ]
    version = 1
    for argv, user in steps:
        doc = one_json_document(claims(*argv, as_=user))
        assert STATUS_KEYS <= set(doc), argv
        assert doc["version"] > version, argv
        version = doc["version"]
    assert doc["state"] == "closed" and doc["paid_amount"] == "40000.00"
    assert doc["decision"] == {"outcome": "partial", "amount": "40000.00", "ground": None, "reason": "part excluded"}


def test_decision_shape_of_a_decline(claims, walk):
    claim = walk.critical_illness("decided", outcome="decline", ground="not_covered")
    doc = one_json_document(claims("status", claim, as_="wang"))
    assert {k: doc["decision"][k] for k in ("outcome", "amount", "ground", "reason")} == {
        "outcome": "decline",
        "amount": None,
        "ground": "not_covered",
        "reason": "excluded condition",
    }


def test_list_shape(claims, walk):
    claim = walk.critical_illness("applied")
    rows = one_json_document(claims("list", as_="wang"))
    assert isinstance(rows, list) and len(rows) == 1
    assert {"claim", "policy", "type", "state", "next_due", "overdue"} <= set(rows[0])
    assert rows[0]["claim"] == claim and rows[0]["state"] == "applied" and rows[0]["overdue"] is False
    datetime.strptime(rows[0]["next_due"], "%Y-%m-%d")


def test_list_filters_by_state_and_type(claims, walk):
    a = walk.critical_illness("applied")
    b = claims.ok("report", "P-2024-0003", "--type", "medical", "--event-date", "2026-04-28", as_="li").json["claim"]
    assert [r["claim"] for r in claims.ok("list", "--state", "reported", as_="li").json] == [b]
    assert [r["claim"] for r in claims.ok("list", "--type", "critical_illness", as_="li").json] == [a]
    assert claims.ok("list", "--state", "paid", as_="li").json == []


def test_history_shape_and_chain(claims, walk):
    claim = walk.critical_illness("investigating")
    rows = one_json_document(claims("history", claim, as_="qian"))
    for row in rows:
        assert HISTORY_KEYS <= set(row)
        assert datetime.fromisoformat(row["at"]).utcoffset() is not None, "timestamps carry a UTC offset"
        assert re.fullmatch(r"[0-9a-f]{64}", row["hash"])
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["from"] is None and rows[0]["to"] == "reported" and rows[0]["prev_hash"] is None
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(rows, rows[1:], strict=False))
    assert [r["event"] for r in rows] == ["report", "apply", "notice", *["attach"] * 6, "investigate"]
    for row in rows:
        if row["event"] in ("notice", "attach"):
            assert row["from"] == row["to"] == "applied"
    assert (rows[1]["from"], rows[1]["to"]) == ("reported", "applied")
    assert (rows[-1]["from"], rows[-1]["to"], rows[-1]["actor"], rows[-1]["role"]) == ("applied", "investigating", "wang", "handler")


def test_money_is_a_decimal_string_with_two_places(claims, walk):
    claim = walk.critical_illness("paid", outcome="partial", amount="12345.6")
    doc = claims.ok("status", claim, as_="wang").json
    assert doc["paid_amount"] == "12345.60" and doc["decision"]["amount"] == "12345.60"
    assert MONEY.match(doc["paid_amount"])


def test_json_error_goes_to_stderr_with_code_message_rule_and_nothing_on_stdout(claims, walk):
    claim = walk.critical_illness("reported")
    result = claims("investigate", claim, as_="wang")
    assert result.code == 4 and result.out == ""
    doc = json.loads(result.err)
    assert set(doc) == {"error"} and set(doc["error"]) == {"code", "message", "rule"}
    assert doc["error"]["code"] == "refused" and doc["error"]["rule"] == "state"


def test_json_error_codes_of_each_exit_code(claims, walk):
    claim = walk.critical_illness("reported")
    kinds = {
        2: claims("status", claim, "--nope", as_="li"),
        3: claims("status", "CLM-999999", as_="li"),
        4: claims("investigate", claim, as_="wang"),
        5: claims("report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25", as_="li"),
        6: claims("investigate", claim, as_="li"),
    }
    names = {2: "bad_input", 3: "not_found", 4: "refused", 5: "conflict", 6: "forbidden"}
    for code, result in kinds.items():
        assert result.code == code and result.out == "" and result.error["code"] == names[code]


# global options (cli.md): before or after the sub-command --------------------------------------------------------
def test_global_options_after_the_subcommand(claims, walk):
    claim = walk.critical_illness("reported")
    env = {"CLAIMS_NOW": "2026-05-01T09:00:00+08:00", "CLAIMS_DB": None, "CLAIMS_USER": None}
    result = run_main(["status", claim, "--json", "--db", str(claims.db), "--as", "li"], env)
    assert result.code == 0 and json.loads(result.out)["claim"] == claim
    result = run_main(["--as=wang", "status", claim, "--db=" + str(claims.db), "--json"], env)
    assert result.code == 0 and json.loads(result.out)["state"] == "reported"


def test_global_options_from_the_environment(claims, walk):
    claim = walk.critical_illness("reported")
    env = {"CLAIMS_NOW": "2026-05-01T09:00:00+08:00", "CLAIMS_DB": str(claims.db), "CLAIMS_USER": "li"}
    result = run_main(["--json", "status", claim], env)
    assert result.code == 0 and json.loads(result.out)["claim"] == claim
    result = run_main(["--json", "investigate", claim], env)
    assert result.code == 6 and "li" in json.loads(result.err)["error"]["message"]


# privacy (deck slide 19) -----------------------------------------------------------------------------------------
def test_deck_slide19_agent_sees_id_numbers_masked_in_status_and_history(claims, walk):
    claim = walk.critical_illness("applied")
    status = claims.ok("status", claim, as_="li").json
    assert status["applicant"]["id_number"] == "**************0013"
    history = claims.ok("history", claim, as_="li").out
    assert "630102197502110013" not in history and "**************0013" in history


def test_deck_slide19_handler_sees_the_id_number(claims, walk):
    claim = walk.critical_illness("applied")
    assert claims.ok("status", claim, as_="wang").json["applicant"]["id_number"] == "630102197502110013"
    assert "630102197502110013" in claims.ok("history", claim, as_="zhao").out


def test_deck_slide19_agents_human_status_is_masked_too(claims, walk):
    claim = walk.critical_illness("applied")
    out = claims.ok("status", claim, as_="li", json_out=False).out
    assert "630102197502110013" not in out and "0013" in out


def test_deck_slide19_apply_answer_to_an_agent_is_masked(claims, walk):
    claim = walk.critical_illness("reported")
    doc = claims.ok("apply", claim, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013", as_="li").json
    assert "630102197502110013" not in json.dumps(doc, ensure_ascii=False)


def test_deck_slide19_phone_numbers_on_the_policy_are_masked_for_agents(claims, add_policies):
    insured = person("郑某", "11010519600101001", "1960-01-01", phone="13912345678")
    heir = person("郑小某", "11010519900101002", "1990-01-01", phone="13887654321")
    add_policies(life_policy("P-2020-0011", "2020-01-01", insured, [{**heir, "kind": "death", "share": "100"}]))
    claim = claims.ok("report", "P-2020-0011", "--type", "death", "--event-date", "2026-04-28", as_="li").json["claim"]
    claims.ok("apply", claim, "--applicant", "郑小某", "--id-type", "resident_id", "--id-number", heir["id_number"], as_="li")
    agent_view = claims.ok("history", claim, as_="li").out
    for secret in ("13912345678", "13887654321", insured["id_number"], heir["id_number"]):
        assert secret not in agent_view
    assert "*********78" in agent_view
    handler_view = claims.ok("history", claim, as_="wang").out
    assert "13912345678" in handler_view and heir["id_number"] in handler_view
