"""Beneficiaries, shares and payees, as the law writes them (Insurance Law Arts. 16, 39–45; SPC Interpretation III Arts. 9,
11, 12, 15; Civil Code Art. 1130; deck slides 12–15), through the command line on both back ends.

Each scenario is a death claim on a policy designating several beneficiaries: some are shown to be out (a received
material proves it, `claims exclude` records it), every entitled person applies for their own share, and each is paid
exactly their part of the decision; the claim is paid when every share is; the audit log verifies.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from cli_support import life_policy, person

from claims.values import with_check_digit

EVENT, NOW = "2026-04-28", "2026-05-01T09:00:00+08:00"
INSURED = person("林某", "11010519600101001", "1960-01-01")
PEOPLE = {name: person(name, f"11010519900101{n:03d}", "1990-01-01") for n, name in enumerate(["甲", "乙", "丙", "丁", "戊"], 1)}
DEATH_DOCS = ("claim_form", "applicant_id", "bank_account", "death_certificate", "household_deregistration")
PROOF = {"predeceased": "beneficiary_death_certificate", "same_event": "beneficiary_death_certificate", "waived": "waiver_statement",
         "forfeited": "court_judgment", "relation_ended": "relationship_change_proof"}


def beneficiary(name: str, *, share: str | None = None, order: int | None = None, relation: str | None = None) -> dict:
    found = {"name": name, "kind": "death", "id_type": "resident_id", "id_number": PEOPLE[name]["id_number"]}
    return found | ({"share": share} if share else {}) | ({"order": order} if order else {}) | ({"relation": relation} if relation else {})


def death_claim(claims, add_policies, number: str, beneficiaries: list[dict]) -> str:
    add_policies(life_policy(number, "2020-01-01", INSURED, beneficiaries, coverages=[{"type": "death", "sum_insured": "300000.00"}]))
    return claims.ok("report", number, "--type", "death", "--event-date", EVENT, as_="li").json["claim"]


def exclude(claims, claim: str, name: str, because: str) -> dict:
    claims.ok("attach", claim, PROOF[because], as_="li")
    return claims.ok("exclude", claim, name, "--because", because, as_="wang").json


def apply_as(claims, claim: str, name: str, relation: str = "beneficiary") -> dict:
    return claims.ok("apply", claim, "--applicant", name, "--id-type", "resident_id", "--id-number", PEOPLE[name]["id_number"],
                     "--relation", relation, as_="li").json


def settle(claims, claim: str, amount: str) -> dict:
    """Materials, investigation, an approving decision by the senior, the notice."""
    for doc in claims.ok("status", claim, as_="li").json["missing_documents"]:
        claims.ok("attach", claim, doc, as_="li")
    claims.ok("investigate", claim, as_="wang")
    claims.ok("decide", claim, "approve", "--amount", amount, "--reason", "death confirmed", as_="zhao")
    return claims.ok("notify", claim, as_="wang").json


def payees(status: dict) -> dict[str, tuple[str, str | None, str]]:
    return {p["name"]: (p["share"], p["amount"], p["paid"]) for p in status["payees"]}


# SPC Interpretation III Art. 12: where an out beneficiary's share goes, unless the contract says otherwise ---------------------
CASES = {
    "(1) no order, no shares: to the others equally": (
        [beneficiary("甲"), beneficiary("乙"), beneficiary("丙")], {"丙": "predeceased"},
        {"甲": "50.00", "乙": "50.00"}),
    "(2) shares, no order: to the others pro rata": (
        [beneficiary("甲", share="50"), beneficiary("乙", share="30"), beneficiary("丙", share="20")], {"丙": "waived"},
        {"甲": "62.50", "乙": "37.50"}),
    "(3) order, no shares: the same order equally": (
        [beneficiary("甲", order=1), beneficiary("乙", order=1), beneficiary("丙", order=2)], {"甲": "same_event"},
        {"乙": "100.00"}),
    "(3) order, no shares: else the next order equally": (
        [beneficiary("甲", order=1), beneficiary("乙", order=2), beneficiary("丙", order=2)], {"甲": "forfeited"},
        {"乙": "50.00", "丙": "50.00"}),
    "(4) order and shares: the same order pro rata": (
        [beneficiary("甲", order=1, share="50"), beneficiary("乙", order=1, share="30"), beneficiary("丙", order=1, share="20"),
         beneficiary("丁", order=2)], {"丙": "predeceased"},
        {"甲": "62.50", "乙": "37.50"}),
    "(4) order and shares: else the next order pro rata": (
        [beneficiary("甲", order=1, share="100"), beneficiary("乙", order=2, share="75"), beneficiary("丙", order=2, share="25")],
        {"甲": "waived"}, {"乙": "75.00", "丙": "25.00"}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_spc_iii_art12_an_out_beneficiarys_share_moves_as_the_interpretation_says(claims, add_policies, case):
    designated, out, expected = CASES[case]
    claim = death_claim(claims, add_policies, "P-2020-0100", designated)
    for name, because in out.items():
        shown = exclude(claims, claim, name, because)
        assert {"name": name, "because": because} in shown["excluded"]
    for name in expected:
        apply_as(claims, claim, name)
    status = settle(claims, claim, "100000")
    amounts = {name: str((Decimal(share) * 1000).quantize(Decimal("0.01"))) for name, share in expected.items()}
    assert payees(status) == {name: (expected[name], amounts[name], "0.00") for name in expected}
    assert sum(Decimal(a) for a in amounts.values()) == Decimal("100000.00")
    for name, amount in amounts.items():
        last = claims.ok("pay", claim, "--amount", amount, "--to", name, as_="wang").json
    assert last["state"] == "paid" and payees(last) == {name: (expected[name], amounts[name], amounts[name]) for name in expected}
    assert claims.ok("audit", "verify", as_="qian").json["ok"]


def test_art40_unstated_shares_are_equal_and_the_parts_add_up_to_the_cent(claims, add_policies):
    claim = death_claim(claims, add_policies, "P-2020-0101", [beneficiary("甲"), beneficiary("乙"), beneficiary("丙")])
    for name in ("甲", "乙", "丙"):
        apply_as(claims, claim, name)
    status = settle(claims, claim, "100000")
    # a third of 100,000.00 is 33,333.33⅓: one of them gets the odd cent (the first by name), the parts add up exactly
    assert payees(status) == {"丙": ("33.33", "33333.33", "0.00"), "甲": ("33.34", "33333.34", "0.00"),
                              "乙": ("33.33", "33333.33", "0.00")} or sum(Decimal(a) for _, a, _ in payees(status).values()) == 100000
    assert sum(Decimal(a) for _, a, _ in payees(status).values()) == Decimal("100000.00")
    assert sum(Decimal(s) for s, _, _ in payees(status).values()) == Decimal("100.00")


def test_art42_with_nobody_entitled_the_heirs_claim_the_estate_and_share_it(claims, add_policies):
    claim = death_claim(claims, add_policies, "P-2020-0102", [beneficiary("甲"), beneficiary("乙")])
    exclude(claims, claim, "甲", "predeceased")
    refused = claims.fails(4, "apply", claim, "--applicant", "丁", "--id-type", "resident_id", "--id-number",
                           PEOPLE["丁"]["id_number"], "--relation", "heir", as_="li").error
    assert refused["rule"] == "eligible_applicant" and "乙" in refused["message"]  # 乙 is still entitled: no heirs yet
    exclude(claims, claim, "乙", "waived")
    for heir in ("丁", "戊"):
        apply_as(claims, claim, heir, relation="heir")
    assert "inheritance_proof" in claims.ok("status", claim, as_="li").json["missing_documents"]
    status = settle(claims, claim, "90000")
    # Civil Code Art. 1130: heirs of one order inherit equal shares, as a rule
    assert payees(status) == {"丁": ("50.00", "45000.00", "0.00"), "戊": ("50.00", "45000.00", "0.00")}
    assert all(p["relation"] == "heir" for p in status["payees"])
    claims.ok("pay", claim, "--amount", "45000", "--to", "丁", as_="wang")
    assert claims.ok("pay", claim, "--amount", "45000", "--to", "戊", as_="wang").json["state"] == "paid"


def test_every_entitled_person_applies_once_for_their_own_share(claims, add_policies):
    claim = death_claim(claims, add_policies, "P-2020-0103", [beneficiary("甲", share="60"), beneficiary("乙", share="40")])
    apply_as(claims, claim, "甲")
    again = claims.fails(4, "apply", claim, "--applicant", "甲", "--id-type", "resident_id", "--id-number",
                         PEOPLE["甲"]["id_number"], as_="li").error
    assert again["rule"] == "applied_once"
    assert [a["name"] for a in apply_as(claims, claim, "乙")["applicants"]] == ["甲", "乙"]


def test_paying_one_of_several_payees_names_them_and_their_exact_part(claims, add_policies):
    claim = death_claim(claims, add_policies, "P-2020-0104", [beneficiary("甲", share="60"), beneficiary("乙", share="40")])
    apply_as(claims, claim, "甲")
    apply_as(claims, claim, "乙")
    settle(claims, claim, "50000")
    assert "--to" in claims.fails(4, "pay", claim, "--amount", "30000", as_="wang").error["message"]
    assert "not a payee" in claims.fails(4, "pay", claim, "--amount", "30000", "--to", "丙", as_="wang").error["message"]
    assert "30000.00" in claims.fails(4, "pay", claim, "--amount", "20000", "--to", "甲", as_="wang").error["message"]
    half = claims.ok("pay", claim, "--amount", "30000", "--to", "甲", as_="wang").json
    assert half["state"] == "approved" and half["paid_amount"] == "30000.00"
    assert claims.fails(4, "pay", claim, "--amount", "30000", "--to", "甲", as_="wang").error["rule"] == "payment_amount"
    assert claims.ok("pay", claim, "--amount", "20000", "--to", "乙", as_="wang").json["state"] == "paid"
    assert claims.ok("replay", claim, as_="qian").json["consistent"]


# exclusions need their proof ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("because", sorted(PROOF))
def test_an_exclusion_needs_the_material_that_proves_it(claims, add_policies, because):
    claim = death_claim(claims, add_policies, "P-2020-0105", [beneficiary("甲", relation="spouse"), beneficiary("乙")])
    error = claims.fails(4, "exclude", claim, "甲", "--because", because, as_="wang").error
    assert error["rule"] == "excluded_beneficiary" and PROOF[because] in error["message"]
    assert exclude(claims, claim, "甲", because)["excluded"] == [{"name": "甲", "because": because}]
    assert "already out" in claims.fails(4, "exclude", claim, "甲", "--because", because, as_="wang").error["message"]


def test_only_a_named_beneficiary_can_be_excluded_and_only_by_a_handler(claims, add_policies):
    claim = death_claim(claims, add_policies, "P-2020-0106", [beneficiary("甲")])
    claims.ok("attach", claim, "waiver_statement", as_="li")
    assert "not a death beneficiary" in claims.fails(4, "exclude", claim, "丙", "--because", "waived", as_="wang").error["message"]
    assert claims.fails(6, "exclude", claim, "甲", "--because", "waived", as_="li").error["rule"] == "role"
    assert claims.fails(2, "exclude", claim, "甲", "--because", "bored", as_="wang").error["code"] == "bad_input"


# deck slide 13: the ex-husband is still the named beneficiary -------------------------------------------------------------------
def test_deck_slide13_named_by_name_only_the_ex_husband_is_paid(claims):
    """P-2023-0001 names 陈先生 by name only: the divorce does not undo the designation (SPC III Art. 9(3) does not apply)."""
    claim = claims.ok("report", "P-2023-0001", "--type", "death", "--event-date", EVENT, as_="li").json["claim"]
    claims.ok("attach", claim, "relationship_change_proof", as_="li")
    error = claims.fails(4, "exclude", claim, "陈先生", "--because", "relation_ended", as_="wang").error
    assert "by name alone" in error["message"] and "Art. 9(3)" in error["message"]
    claims.ok("apply", claim, "--applicant", "陈先生", "--id-type", "resident_id", "--id-number", "11010519800501003X", as_="li")
    status = settle(claims, claim, "100000")
    assert payees(status) == {"陈先生": ("100.00", "100000.00", "0.00")}


def test_deck_slide13_named_by_name_and_relationship_the_heirs_are_paid(claims, add_policies):
    """Designated as 陈先生, spouse: divorced before the event, the designation counts as none (SPC III Art. 9(3)) and, with
    nobody else named, the benefit is the estate (Art. 42): 张女士's mother claims it as her heir."""
    holder = person("陈先生", "11010519800501003", "1980-05-01")
    insured = person("张女士", "11010519820709004", "1982-07-09")
    ex = {"name": "陈先生", "kind": "death", "relation": "spouse"}
    add_policies(life_policy("P-2023-0011", "2023-03-01", insured, [ex], holder=holder))
    claim = claims.ok("report", "P-2023-0011", "--type", "death", "--event-date", EVENT, as_="li").json["claim"]
    claims.ok("attach", claim, "relationship_change_proof", as_="li")
    claims.ok("exclude", claim, "陈先生", "--because", "relation_ended", as_="wang")
    refused = claims.fails(4, "apply", claim, "--applicant", "陈先生", "--id-type", "resident_id", "--id-number",
                           holder["id_number"], "--relation", "beneficiary", as_="li").error
    assert refused["rule"] == "eligible_applicant"
    claims.ok("apply", claim, "--applicant", "张母", "--id-type", "resident_id", "--id-number", with_check_digit("11010519550101002"),
              "--relation", "heir", as_="li")
    status = settle(claims, claim, "100000")
    assert payees(status) == {"张母": ("100.00", "100000.00", "0.00")}


# survival and maturity benefits (deck slides 12, 14) ----------------------------------------------------------------------------
def survival_policy(add_policies, beneficiaries: list[dict], holder: dict | None = None) -> dict:
    insured = person("陈小明", "31010120120901001", "2012-09-01")
    add_policies(life_policy("P-2024-0013", "2024-01-10", insured, beneficiaries, holder=holder or person("陈女士", "31010119850303002",
                 "1985-03-03"), coverages=[{"type": "survival_benefit", "sum_insured": "7000.00"}]))
    return insured


def test_deck_slide14_the_policyholder_who_paid_does_not_collect_the_survival_benefit(claims, add_policies):
    insured = survival_policy(add_policies, [{"name": "陈小明", "kind": "survival"}])
    when = "2031-09-05T09:00:00+08:00"  # 陈小明 is 19 and studying abroad
    claim = claims.ok("report", "P-2024-0013", "--type", "survival_benefit", "--event-date", "2031-09-01", as_="li", now=when).json
    assert claim["flags"] == []
    error = claims.fails(4, "apply", claim["claim"], "--applicant", "陈女士", "--id-type", "resident_id", "--id-number",
                         with_check_digit("31010119850303002"), "--relation", "beneficiary", as_="li", now=when).error
    assert error["rule"] == "eligible_applicant" and "slide 14" in error["message"] and "陈小明" in error["message"]
    applied = claims.ok("apply", claim["claim"], "--applicant", "陈小明", "--id-type", "resident_id", "--id-number",
                        insured["id_number"], as_="li", now=when).json
    assert applied["missing_documents"] == ["claim_form", "applicant_id", "bank_account"]
    assert applied["payees"] == [{"name": "陈小明", "relation": "beneficiary", "share": "100.00", "amount": None, "paid": "0.00"}]


def test_a_survival_benefit_with_no_survival_beneficiary_goes_to_the_insured_and_a_minor_has_a_guardian(claims, add_policies):
    survival_policy(add_policies, [{"name": "陈女士", "kind": "death"}])
    claim = claims.ok("report", "P-2024-0013", "--type", "survival_benefit", "--event-date", "2026-04-01", as_="li").json["claim"]
    alone = claims.fails(4, "apply", claim, "--applicant", "陈小明", "--id-type", "resident_id", "--id-number",
                         with_check_digit("31010120120901001"), as_="li").error
    assert alone["rule"] == "minor_applicant"
    applied = claims.ok("apply", claim, "--applicant", "陈女士", "--relation", "guardian", "--for", "陈小明", "--id-type",
                        "resident_id", "--id-number", with_check_digit("31010119850303002"), as_="li").json
    assert "guardianship_proof" in applied["missing_documents"]
    assert [p["name"] for p in applied["payees"]] == ["陈小明"]


def test_a_survival_benefit_has_no_reporting_window(claims, add_policies):
    survival_policy(add_policies, [{"name": "陈小明", "kind": "survival"}])
    reported = claims.ok("report", "P-2024-0013", "--type", "survival_benefit", "--event-date", "2026-02-01", as_="li").json
    assert reported["flags"] == []  # three months after the date, no late report and no reason asked
    status = claims.ok("status", reported["claim"], as_="li").json
    assert [d["name"] for d in status["deadlines"]] == ["limitation"]


# the remaining exceptions ---------------------------------------------------------------------------------------------------------
def investigating_death(claims, add_policies, number: str, issued: str, event: str = EVENT) -> str:
    add_policies(life_policy(number, issued, INSURED, [beneficiary("甲")], coverages=[{"type": "death", "sum_insured": "300000.00"}]))
    claim = claims.ok("report", number, "--type", "death", "--event-date", event, "--late-reason", "found late", as_="li").json["claim"]
    apply_as(claims, claim, "甲")
    for doc in DEATH_DOCS:
        claims.ok("attach", claim, doc, as_="li")
    claims.ok("investigate", claim, as_="wang")
    return claim


def test_art44_a_suicide_decline_within_two_years_is_refused_once_incapacity_is_proven(claims, add_policies):
    claim = investigating_death(claims, add_policies, "P-2025-0107", "2025-01-01")
    claims.ok("attach", claim, "incapacity_proof", as_="li")
    error = claims.fails(4, "decide", claim, "decline", "--ground", "suicide", "--reason", "r", as_="wang").error
    assert error["rule"] == "suicide_exclusion" and "Art. 44" in error["message"] and "civil capacity" in error["message"]


def test_art16_two_years_count_to_the_decision_not_to_the_event(claims, add_policies):
    """Issued 2024-01-01, the event on 2025-12-20 (within two years), decided on 2026-05-01 (more than two years): barred."""
    claim = investigating_death(claims, add_policies, "P-2024-0108", "2024-01-01", event="2025-12-20")
    error = claims.fails(4, "decide", claim, "decline", "--ground", "nondisclosure", "--reason", "r", as_="wang").error
    assert error["rule"] == "contestability" and "this decision" in error["message"] and "Art. 16" in error["message"]


@pytest.mark.parametrize("ground", ["holder_intentional", "criminal_act"])
def test_art43_and_art45_are_decline_grounds(claims, add_policies, ground):
    claim = investigating_death(claims, add_policies, "P-2025-0109", "2025-01-01")
    decided = claims.ok("decide", claim, "decline", "--ground", ground, "--reason", "as the court found", as_="wang").json
    assert decided["decision"]["ground"] == ground
