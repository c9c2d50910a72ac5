"""cli.md, order of checks: usage (2) → existence (3) → role (6) → state machine and rules (4) → write (5);
and exit 5, a duplicate report (domain.md: same policy, claim type and event date, not withdrawn)."""

from __future__ import annotations

REPORT = ["report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25"]


# order of checks ---------------------------------------------------------------------------------------------------
def test_order_usage_before_existence(claims):
    claims.fails(2, "pay", "CLM-999999", "--amount", "abc", as_="wang")
    claims.fails(2, "report", "P-0000-0000", "--type", "death", "--event-date", "someday", as_="li")


def test_order_usage_before_role(claims, walk):
    claim = walk.critical_illness("notified")
    claims.fails(2, "pay", claim, "--amount", "0", as_="li")


def test_order_existence_before_role(claims, walk):
    walk.critical_illness("reported")
    assert claims.fails(3, "attach", "CLM-999999", "claim_form", as_="qian").error["code"] == "not_found"
    assert claims.fails(3, "investigate", "CLM-999999", as_="li").error["code"] == "not_found"
    assert (
        claims.fails(3, "report", "P-0000-0000", "--type", "death", "--event-date", "2026-04-25", as_="qian").error["code"] == "not_found"
    )


def test_order_unknown_document_type_before_role(claims, walk):
    claim = walk.critical_illness("applied")
    assert claims.fails(3, "attach", claim, "x_ray", as_="qian").error["code"] == "not_found"


def test_order_role_before_state(claims, walk):
    claim = walk.critical_illness("reported")
    for argv in (
        ["investigate", claim],
        ["pay", claim, "--amount", "100"],
        ["close", claim],
        ["decide", claim, "approve", "--amount", "100", "--reason", "r"],
    ):
        assert claims.fails(6, *argv, as_="li").error["rule"] == "role"
    assert claims.fails(6, "attach", claim, "claim_form", as_="qian").error["rule"] == "role"
    assert claims.fails(6, "consult", claim, "--note", "n", as_="admin").error["rule"] == "role"


def test_order_role_before_rules(claims):
    # a late report without a reason, by an auditor: the role refusal (6) comes first
    assert (
        claims.fails(6, "report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-01", as_="qian").error["rule"]
        == "role"
    )


def test_order_state_before_the_commands_other_rules(claims, walk):
    # the applicant is a stranger and gives no relation, but the claim is no longer open for an application
    claim = walk.critical_illness("investigating")
    error = claims.fails(4, "apply", claim, "--applicant", "路人", "--id-type", "passport", "--id-number", "E1", as_="li").error
    assert error["rule"] == "state" and "investigating" in error["message"]


def test_order_rules_before_the_duplicate_conflict(claims):
    claims.ok(*REPORT[:-1], "2026-04-10", "--late-reason", "in hospital", as_="li")
    error = claims.fails(4, *REPORT[:-1], "2026-04-10", as_="li").error
    assert error["rule"] == "late_report"


# exit 5: duplicate report ------------------------------------------------------------------------------------------
def test_duplicate_report_is_exit_5_naming_the_earlier_claim(claims):
    first = claims.ok(*REPORT, as_="li").json["claim"]
    error = claims.fails(5, *REPORT, "--channel", "phone", as_="li").error
    assert error["code"] == "conflict" and error["rule"] == "duplicate_report"
    assert "duplicate" in error["message"] and first in error["message"] and "P-2022-0002" in error["message"]


def test_duplicate_report_by_another_user_is_still_a_duplicate(claims):
    claims.ok(*REPORT, as_="li")
    claims.fails(5, *REPORT, as_="wang")


def test_duplicate_report_after_the_claim_moved_on(claims, walk):
    walk.critical_illness("paid")
    claims.fails(5, *REPORT, as_="li")


def test_not_a_duplicate_other_type_or_other_date(claims):
    claims.ok(*REPORT, as_="li")
    claims.ok("report", "P-2022-0002", "--type", "medical", "--event-date", "2026-04-25", as_="li")
    claims.ok("report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-26", as_="li")


def test_not_a_duplicate_once_the_earlier_claim_was_withdrawn(claims):
    first = claims.ok(*REPORT, as_="li").json["claim"]
    claims.ok("withdraw", first, "--reason", "reported by mistake", as_="li")
    second = claims.ok(*REPORT, as_="li").json["claim"]
    assert second != first
