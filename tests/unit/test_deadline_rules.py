"""Deadlines (domain.md, Deadlines and time rules): "Within N days of D" means due on D + N, overdue the day after.

Sources: Insurance Law Arts. 21, 23, 24, 25, 26; SPC Interpretation II Art. 15; the house appeal window.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from claims.records import Claim
from workflows import deadlines as dl
from workflows.office import read_settings

S = read_settings()
D = date.fromisoformat


def claim(state: str, **kw) -> Claim:
    base = {
        "id": "CLM-000001",
        "policy": "P-2022-0002",
        "type": "critical_illness",
        "state": state,
        "event_date": "2026-04-25",
        "line": "health",
        "reported_on": "2026-05-01",
    }
    base.update(kw)
    return Claim(**base)


def by_name(c: Claim, today: str, settings=S) -> dict:
    return {d.name: d for d in dl.deadlines(c, settings, D(today))}


def test_settings_defaults_are_those_of_domain_md():
    assert (S.reporting_window_days, S.limitation_years_life, S.limitation_years_other) == (10, 5, 2)
    assert (S.decision_days, S.refusal_notice_days, S.payment_days, S.advance_payment_days, S.appeal_window_days) == (30, 3, 10, 60, 60)
    assert (S.contestability_years, S.suicide_exclusion_years) == (2, 2)
    assert str(S.four_eyes_threshold) == "10000.00" and S.time_zone == "Asia/Shanghai"


# Insurance Law Art. 21 + product clause: report within 10 days of the event ---------------------------
def test_art21_report_window_is_event_date_plus_ten_days():
    assert dl.report_due(D("2026-04-25"), S) == D("2026-05-05")


@pytest.mark.parametrize("reported_on, overdue", [("2026-05-05", False), ("2026-05-06", True), ("2026-04-25", False)])
def test_art21_report_due_on_d_plus_10_is_in_time_and_late_the_day_after(reported_on, overdue):
    found = by_name(claim("reported", reported_on=reported_on), reported_on)
    assert found["report"].due == D("2026-05-05")
    assert found["report"].overdue is overdue
    assert found["report"].as_dict()["rule"].startswith("Insurance Law Art. 21")


def test_art21_reporting_window_is_a_product_setting():
    five = replace(S, reporting_window_days=5)
    assert dl.report_due(D("2026-04-25"), five) == D("2026-04-30")


# Insurance Law Art. 26: 5 years for life insurance, 2 years for health, accident and other lines -----
@pytest.mark.parametrize("line, due", [("life", "2031-04-25"), ("health", "2028-04-25"), ("accident", "2028-04-25")])
def test_art26_limitation_five_years_life_two_years_other_lines(line, due):
    assert dl.limitation_due(D("2026-04-25"), line, S) == D(due)


def test_art26_limitation_counted_from_29_february():
    assert dl.limitation_due(D("2024-02-29"), "health", S) == D("2026-02-28")
    assert dl.limitation_due(D("2024-02-29"), "life", S) == D("2029-02-28")


@pytest.mark.parametrize("today, overdue", [("2028-04-25", False), ("2028-04-26", True)])
def test_art26_limitation_shown_while_reported_and_overdue_the_day_after(today, overdue):
    found = by_name(claim("reported"), today)
    assert found["limitation"].due == D("2028-04-25") and found["limitation"].overdue is overdue
    assert found["limitation"].as_dict()["rule"] == "Insurance Law Art. 26"


# Insurance Law Art. 23 with SPC Interpretation II Art. 15: 30 days, paused while materials are missing ---
def test_art23_decision_due_thirty_days_after_apply_when_nothing_was_missing():
    c = claim("applied", applied_on="2026-05-01", notice=None)
    assert dl.decision_due(c, S, D("2026-05-10")) == D("2026-05-31")
    found = by_name(c, "2026-05-31")
    assert found["decision"].due == D("2026-05-31") and not found["decision"].overdue
    assert by_name(c, "2026-06-01")["decision"].overdue


def test_spc_ii_art15_days_between_notice_and_last_supplement_do_not_count():
    c = claim(
        "applied", applied_on="2026-05-01", notice={"on": "2026-05-01", "missing": ["pathology_report"]}, supplements_done_on="2026-05-11"
    )
    assert dl.paused_days(c, D("2026-06-30")) == 10
    assert dl.decision_due(c, S, D("2026-06-30")) == D("2026-06-10")
    assert not by_name(c, "2026-06-10")["decision"].overdue
    assert by_name(c, "2026-06-11")["decision"].overdue


def test_spc_ii_art15_clock_stays_paused_while_materials_are_still_outstanding():
    c = claim("applied", applied_on="2026-05-01", notice={"on": "2026-05-01", "missing": ["pathology_report"]})
    for today in ("2026-05-20", "2026-07-01", "2026-12-31"):
        found = by_name(c, today)["decision"]
        assert found.due == D(today) + (D("2026-05-31") - D("2026-05-01")) and not found.overdue


def test_spc_ii_art15_an_empty_notice_pauses_nothing():
    c = claim("applied", applied_on="2026-05-01", notice={"on": "2026-05-01", "missing": []})
    assert dl.paused_days(c, D("2026-06-30")) == 0


def test_art23_decision_days_is_a_setting():
    c = claim("investigating", applied_on="2026-05-01")
    assert dl.decision_due(c, replace(S, decision_days=5), D("2026-05-02")) == D("2026-05-06")


def test_art23_review_after_an_appeal_has_its_own_thirty_days():
    c = claim("appealed", applied_on="2026-01-01", review_from="2026-05-01")
    assert by_name(c, "2026-05-02")["decision"].due == D("2026-05-31")


# Insurance Law Art. 24: refusal notice within 3 days of the decision ------------------------------------
def test_art24_refusal_notice_due_three_days_after_the_decline_is_recorded():
    c = claim(
        "investigating",
        applied_on="2026-04-01",
        decision={"outcome": "decline", "amount": None, "ground": "exclusion", "reason": "r", "by": "zhao", "on": "2026-05-01"},
    )
    found = by_name(c, "2026-05-04")
    assert found["refusal_notice"].due == D("2026-05-04") and not found["refusal_notice"].overdue
    assert found["refusal_notice"].as_dict()["rule"] == "Insurance Law Art. 24"
    assert "decision" not in found
    assert by_name(c, "2026-05-05")["refusal_notice"].overdue


def test_art24_no_refusal_notice_deadline_for_an_approval():
    c = claim(
        "investigating",
        applied_on="2026-05-01",
        decision={"outcome": "approve", "amount": "100.00", "ground": None, "reason": "r", "by": "zhao", "on": "2026-05-02"},
    )
    assert "refusal_notice" not in by_name(c, "2026-05-03")


# Insurance Law Art. 23: pay within 10 days of agreement ---------------------------------------------------
def test_art23_payment_due_ten_days_after_the_approval_notice():
    c = claim(
        "approved",
        applied_on="2026-04-01",
        notified_on="2026-05-01",
        decision={"outcome": "approve", "amount": "100.00", "ground": None, "reason": "r", "by": "zhao", "on": "2026-05-01"},
    )
    found = by_name(c, "2026-05-11")
    assert list(found) == ["payment"]
    assert found["payment"].due == D("2026-05-11") and not found["payment"].overdue
    assert found["payment"].as_dict()["rule"] == "Insurance Law Art. 23"
    assert by_name(c, "2026-05-12")["payment"].overdue


# Insurance Law Art. 25: advance payment from day 60 -----------------------------------------------------
def test_art25_advance_payment_allowed_from_day_sixty_after_the_request():
    c = claim("investigating", applied_on="2026-03-01")
    assert dl.advance_payment_from(c, S, D("2026-05-01")) == D("2026-04-30")
    assert "advance_payment" not in by_name(c, "2026-04-29")
    found = by_name(c, "2026-04-30")["advance_payment"]
    assert found.due == D("2026-04-30") and not found.overdue
    assert found.as_dict()["rule"] == "Insurance Law Art. 25"
    assert by_name(c, "2026-05-01")["advance_payment"].overdue


def test_art25_sixty_days_are_unpaused_days():
    c = claim(
        "investigating", applied_on="2026-03-01", notice={"on": "2026-03-01", "missing": ["claim_form"]}, supplements_done_on="2026-03-11"
    )
    assert dl.advance_payment_from(c, S, D("2026-05-20")) == D("2026-05-10")


def test_art25_advance_paid_is_no_longer_overdue():
    c = claim("investigating", applied_on="2026-03-01", flags=["advance_paid"])
    found = by_name(c, "2026-05-20")["advance_payment"]
    assert not found.overdue and not found.obligation


# House rule: appeal window 60 days after the decision notice ------------------------------------------
def test_house_appeal_window_sixty_days_after_a_refusal_notice():
    c = claim(
        "declined",
        applied_on="2026-03-01",
        notified_on="2026-05-01",
        decision={"outcome": "decline", "amount": None, "ground": "exclusion", "reason": "r", "by": "zhao", "on": "2026-04-30"},
    )
    assert dl.appeal_due(c, S) == D("2026-06-30")
    found = by_name(c, "2026-05-02")["appeal"]
    assert found.due == D("2026-06-30") and found.as_dict()["rule"].startswith("house rule")


def test_house_appeal_window_shown_after_a_partial_payment_only():
    partial = {"outcome": "partial", "amount": "100.00", "ground": None, "reason": "r", "by": "zhao", "on": "2026-04-30"}
    assert "appeal" in by_name(claim("paid", applied_on="2026-03-01", notified_on="2026-05-01", decision=partial), "2026-05-05")
    full = {**partial, "outcome": "approve"}
    assert by_name(claim("paid", applied_on="2026-03-01", notified_on="2026-05-01", decision=full), "2026-05-05") == {}


# cli.md: deadlines listed by stage; the work queue sorts by the earliest open obligation ---------------
@pytest.mark.parametrize(
    "state, names",
    [("reported", ["report", "limitation"]), ("applied", ["decision"]), ("investigating", ["decision"]), ("closed", []), ("withdrawn", [])],
)
def test_cli_md_deadlines_by_stage(state, names):
    c = claim(state, applied_on="2026-04-20")
    assert [d.name for d in dl.deadlines(c, S, D("2026-05-01"))] == names


def test_next_due_is_the_earliest_obligation_not_the_report_window():
    c = claim("reported")
    assert dl.next_due(c, S, D("2026-05-01")) == D("2028-04-25")
    assert dl.next_due(claim("closed"), S, D("2026-05-01")) is None
