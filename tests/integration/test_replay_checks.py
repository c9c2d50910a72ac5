"""Replay re-judges every step: forgeries whose hashes all link are still caught by the rules.

Each test rewrites a chain as a forger who knows the hash scheme (every hash recomputed, so the
chain itself is intact) and checks that replay names the step the rules in force then would
not have allowed, or whose recorded payload they would not have derived.
"""

from __future__ import annotations

import pytest

from . import test_audit_book
from .test_audit_book import LATER, OPEN, PAID, SEQ

book, book_template = test_audit_book.book, test_audit_book.book_template  # the fixtures, for pytest to find

ADMIN = "@admin"


def _edit(seq: int, **columns):
    def change(events):
        events[seq - 1].update(columns)

    return change


def test_a_decision_recorded_by_an_agent_is_a_role_problem(book):
    book.rewrite(PAID, _edit(SEQ["decide"], actor="li", role="agent"))
    found = book.found()
    assert (PAID, SEQ["decide"], "role") in found
    problem = next(p for p in book.verify().json["problems"] if p["check"] == "role")["problem"]
    assert problem.startswith("the agent role may not run `decide`")


def test_a_role_the_actor_never_held_is_a_role_problem(book):
    book.rewrite(PAID, _edit(SEQ["decide"], actor="wang", role="senior"))
    assert book.found() >= {(PAID, SEQ["decide"], "role")}
    assert "wang was not registered as senior" in book.verify().json["problems"][0]["problem"]


def test_a_payment_the_rules_would_refuse_is_a_rule_problem(book):
    def overpay(events):
        events[SEQ["pay"] - 1]["payload"]["args"]["amount"] = "70000.00"

    book.rewrite(PAID, overpay)
    doc = book.verify().json
    rule = [p for p in doc["problems"] if p["check"] == "rule"]
    assert [(p["claim"], p["seq"]) for p in rule] == [(PAID, SEQ["pay"])]
    assert "the payment to 陈某 must equal their part of the approved amount still unpaid, 60000.00" in rule[0]["problem"]


def test_a_step_dated_before_the_one_before_it_is_refused_by_the_clock_rule(book):
    book.rewrite(PAID, _edit(SEQ["notify"], at="2026-05-06T09:00:00.000000+08:00"))  # before `decide` at 10:00
    problems = book.verify().json["problems"]
    assert [(p["seq"], p["check"]) for p in problems if p["claim"] == PAID][0] == (SEQ["notify"], "rule")
    assert "before the claim's last event" in problems[0]["problem"]


def test_a_derived_value_that_does_not_follow_from_the_inputs_is_caught(book):
    def mark_late(events):
        events[0]["payload"]["late"] = True  # reported six days after the event: inside the 10-day window

    book.rewrite(PAID, mark_late)
    doc = book.verify().json
    assert (PAID, 1, "derived") in {(p["claim"], p["seq"], p["check"]) for p in doc["problems"]}
    assert "late: recorded true, derived false" in doc["problems"][0]["problem"]


def test_the_art_22_notice_must_list_what_apply_derived(book):
    def forget_a_document(events):
        events[SEQ["notice"] - 1]["payload"]["missing"].remove("pathology_report")

    book.rewrite(PAID, forget_a_document)
    assert (PAID, SEQ["notice"], "derived") in book.found()


def test_the_art_22_notice_cannot_be_left_out(book):
    book.rewrite(PAID, _edit(SEQ["notice"], event="consult", payload={"args": {"note": "no notice sent"}}))
    found = book.found()
    assert (PAID, SEQ["notice"], "follow_up") in found
    problem = next(p for p in book.verify().json["problems"] if p["check"] == "follow_up")["problem"]
    assert "`apply` (seq 2) derives a notice event next, but the log has consult" in problem


def test_a_forged_state_change_is_not_what_the_machine_does(book):
    def skip_investigation(events):
        events[SEQ["investigate"] - 1].update(event="consult", to_state="applied", payload={"args": {"note": "x"}})
        for e in events[SEQ["investigate"]:]:
            e["from_state"] = "applied" if e["from_state"] == "investigating" else e["from_state"]

    book.rewrite(PAID, skip_investigation)
    assert (PAID, SEQ["decide"], "rule") in book.found()  # decide is not possible while the claim is applied


def test_the_first_event_must_report_the_claim(book):
    book.rewrite(OPEN, _edit(1, event="consult"))
    assert (OPEN, 1, "rule") in book.found()


def test_settings_put_in_force_later_do_not_change_how_old_events_replay(book, tmp_path):
    settings = tmp_path / "short.toml"
    settings.write_text("reporting_window_days = 3\ndecision_days = 20\n", encoding="utf-8")
    book.ok("settings", "load", str(settings), as_="admin")
    late = book.ok("report", "P-2021-0005", "--type", "death", "--event-date", "2026-05-01", "--late-reason", "in hospital",
                   as_="li", now=LATER).json
    assert late["flags"] == ["late_report"]  # five days after the event: late under the new 3-day window
    doc = book.verify().json
    assert doc["ok"] is True and doc["settings_versions"] == 2
    assert book.ok("replay", PAID).json["flags"] == []  # six days after its event, judged on the 10-day window then in force
    assert book.ok("replay", late["claim"]).json["flags"] == ["late_report"]


def test_events_without_a_claim_row_are_reported(book):
    with book.tampering() as con:
        con.execute("DELETE FROM claim WHERE id = ?", (OPEN,))
    doc = book.verify().json
    assert [(p["claim"], p["seq"], p["check"]) for p in doc["problems"]] == [(OPEN, None, "claim")]
    assert doc["events"] == book.verify().json["events"]  # its events are still counted


def test_a_claim_row_without_events_is_reported(book):
    with book.tampering() as con:
        con.execute("DELETE FROM audit_event WHERE claim_id = ?", (OPEN,))
    assert book.found() == {(OPEN, None, "events")}


def test_a_user_table_that_disagrees_with_the_admin_chain_is_reported(book):
    with book.tampering() as con:
        con.execute("UPDATE app_user SET role = 'senior', authority_limit = NULL WHERE name = 'wang'")
    doc = book.verify().json
    assert [(p["claim"], p["check"]) for p in doc["problems"]] == [(ADMIN, "user")]
    assert "app_user says wang is senior; the admin chain's last user_add says handler (limit 50000.00)" in doc["problems"][0]["problem"]


def test_an_edited_admin_event_breaks_the_admin_chain(book):
    with book.tampering() as con:
        con.execute("UPDATE audit_event SET payload = replace(payload, '\"auditor\"', '\"admin\"') WHERE claim_id = '@admin'")
    # qian's user_add (seq 6) now says admin: its hash breaks, and the user table no longer agrees with it
    assert book.found() == {(ADMIN, 6, "hash"), (ADMIN, None, "user")}


@pytest.mark.parametrize("scope, expected", [(OPEN, set()), (PAID, {(PAID, None, "stored")})])
def test_verify_one_claim_checks_only_that_claim_and_the_admin_chain(book, scope, expected):
    with book.tampering() as con:
        con.execute("UPDATE claim SET paid_amount = '1.00' WHERE id = ?", (PAID,))
    assert book.found("--claim", scope) == expected
    doc = book.verify("--claim", scope).json
    assert doc["claims"] == 1


def test_verify_one_claim_without_a_row_reports_only_that_claim(book):
    with book.tampering() as con:
        con.execute("DELETE FROM claim")
    assert book.found("--claim", OPEN) == {(OPEN, None, "claim")}
