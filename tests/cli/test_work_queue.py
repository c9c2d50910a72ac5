"""Finding and holding work (docs/cli.md, list and assign): filters, a handler's own queue, assignment, counts."""

from __future__ import annotations

import pytest


@pytest.fixture
def queue(claims, walk):
    """Five claims: li reported four, zhou (another agent) one; two applied for (陈某, 张女士's death: 陈先生)."""
    claims.ok("user", "add", "zhou", "--role", "agent")
    a = walk.critical_illness("applied", event="2026-04-25")
    b = walk.critical_illness("reported", event="2026-04-26")
    c = claims.ok("report", "P-2023-0001", "--type", "death", "--event-date", "2026-04-27", as_="li").json["claim"]
    claims.ok("apply", c, "--applicant", "陈先生", "--id-type", "resident_id", "--id-number", "11010519800501003X", as_="li")
    d = claims.ok("report", "P-2021-0005", "--type", "disability", "--event-date", "2026-04-28", as_="zhou").json["claim"]
    e = claims.ok("report", "P-2024-0003", "--type", "medical", "--event-date", "2026-04-29", as_="li").json["claim"]
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def ids(result) -> list[str]:
    return [row["claim"] for row in result.json]


def test_assign_hands_a_claim_to_a_handler_and_records_it(claims, queue):
    status = claims.ok("assign", queue["a"], "--to", "sun", as_="wang").json
    assert status["assignee"] == "sun"
    last = claims.ok("history", queue["a"], as_="qian").json[-1]
    assert (last["event"], last["actor"], last["payload"]["args"]) == ("assign", "wang", {"to": "sun"})
    assert claims.ok("status", queue["a"], as_="li").json["assignee"] == "sun"
    assert claims.ok("audit", "verify", as_="qian").json["ok"]


@pytest.mark.parametrize("to, words", [("li", "is an agent"), ("nobody", "is not registered"), ("qian", "is an auditor")])
def test_a_claim_is_assigned_only_to_a_handler_or_senior(claims, queue, to, words):
    error = claims.fails(4, "assign", queue["a"], "--to", to, as_="wang").error
    assert error["rule"] == "assignee" and words in error["message"]


def test_agents_do_not_assign_and_closed_claims_are_not_assigned(claims, queue, walk):
    assert claims.fails(6, "assign", queue["a"], "--to", "sun", as_="li").error["rule"] == "role"
    paid = walk.critical_illness("paid", event="2026-04-24")
    claims.ok("close", paid, as_="wang")
    assert claims.fails(4, "assign", paid, "--to", "sun", as_="wang").error["rule"] == "state"
    claims.ok("assign", queue["b"], "--to", "sun", as_="wang")
    assert "already assigned to sun" in claims.fails(4, "assign", queue["b"], "--to", "sun", as_="wang").error["message"]


def test_mine_is_a_handlers_assigned_claims_and_an_agents_own(claims, queue):
    claims.ok("assign", queue["a"], "--to", "sun", as_="wang")
    claims.ok("assign", queue["d"], "--to", "sun", as_="zhao")
    claims.ok("assign", queue["c"], "--to", "zhao", as_="zhao")
    assert sorted(ids(claims.ok("list", "--mine", as_="sun"))) == sorted([queue["a"], queue["d"]])
    assert ids(claims.ok("list", "--mine", as_="zhao")) == [queue["c"]]
    assert ids(claims.ok("list", "--mine", as_="wang")) == []
    assert sorted(ids(claims.ok("list", "--mine", as_="li"))) == sorted([queue[k] for k in "abce"])
    assert ids(claims.ok("list", "--mine", as_="zhou")) == [queue["d"]]
    assert sorted(ids(claims.ok("list", "--assignee", "sun", as_="qian"))) == sorted([queue["a"], queue["d"]])


def test_filters_by_policy_state_type_and_a_part_of_a_name(claims, queue):
    assert sorted(ids(claims.ok("list", "--policy", "P-2022-0002", as_="li"))) == sorted([queue["a"], queue["b"]])
    assert sorted(ids(claims.ok("list", "--state", "applied", as_="li"))) == sorted([queue["a"], queue["c"]])
    assert len(ids(claims.ok("list", "--state", "applied", "--state", "reported", as_="li"))) == 5
    assert ids(claims.ok("list", "--type", "death", as_="li")) == [queue["c"]]
    assert ids(claims.ok("list", "--applicant", "先生", as_="li")) == [queue["c"]]  # the applicant 陈先生
    assert ids(claims.ok("list", "--applicant", "张女士", as_="li")) == [queue["c"]]  # the insured
    assert sorted(ids(claims.ok("list", "--applicant", "陈", as_="li"))) == sorted([queue["a"], queue["b"], queue["c"], queue["e"]])
    assert ids(claims.ok("list", "--applicant", "100%_", as_="li")) == []  # % and _ are letters here, not patterns


def test_limit_and_offset_and_the_screen_says_what_was_left_out(claims, queue):
    everything = ids(claims.ok("list", as_="li"))
    assert len(everything) == 5
    assert ids(claims.ok("list", "--limit", "2", as_="li")) == everything[:2]
    assert ids(claims.ok("list", "--limit", "2", "--offset", "2", as_="li")) == everything[2:4]
    screen = claims.ok("list", "--limit", "2", as_="li", json_out=False).out
    assert "showing 2 of 5 claims" in screen
    assert "5 claims" in claims.ok("list", as_="li", json_out=False).out


def test_a_row_names_the_applicant_or_insured_the_assignee_and_the_next_deadline(claims, queue):
    claims.ok("assign", queue["c"], "--to", "sun", as_="wang")
    rows = {row["claim"]: row for row in claims.ok("list", as_="li").json}
    assert (rows[queue["c"]]["applicant"], rows[queue["c"]]["insured"], rows[queue["c"]]["assignee"]) == ("陈先生", "张女士", "sun")
    assert rows[queue["c"]]["next_deadline"] == "decision"
    assert rows[queue["b"]]["next_deadline"] == "limitation" and rows[queue["b"]]["applicant"] == "陈某"  # not applied: the insured
    screen = claims.ok("list", as_="li", json_out=False).out
    assert "陈先生" in screen and "sun" in screen and "decision 2026-05-" in screen


def test_an_assignee_changed_in_the_table_is_caught_by_verify(claims, queue):
    claims.ok("assign", queue["a"], "--to", "sun", as_="wang")
    with claims.database.tampering() as con:
        con.execute("UPDATE claim SET assignee = 'wang' WHERE id = ?", (queue["a"],))
    problems = claims("audit", "verify", as_="qian").json["problems"]
    assert [(p["claim"], p["check"]) for p in problems] == [(queue["a"], "stored")] and "assignee" in problems[0]["problem"]
