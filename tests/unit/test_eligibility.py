"""Who may apply (申请资格人): domain.md, read from deck slides 11, 13, 14, 17, Insurance Law Art. 42,
the Civil Code (under 18 is a minor) and SPC Interpretation III Art. 11."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from claims.policies import read_policy_file
from workflows import eligibility as el
from workflows.facts import persons

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies.json"
POLICY = {p["policy"]: p for p in read_policy_file(POLICIES)}
CI_2022 = persons(POLICY["P-2022-0002"])  # insured = holder = 陈某, no beneficiaries
LIFE_2023 = persons(POLICY["P-2023-0001"])  # holder 陈先生 (death beneficiary), insured 张女士
MINOR_2024 = persons(POLICY["P-2024-0003"])  # holder 陈女士 (death beneficiary), insured 陈小明 born 2012-09-01 (survival beneficiary)
LIFE_2021 = persons(POLICY["P-2021-0005"])  # insured 李强, death beneficiary 李娜


# deck slide 17 (陈某's critical illness): insured benefits are claimed by the insured --------------------
@pytest.mark.parametrize("claim_type", ["critical_illness", "medical", "disability"])
def test_deck_slide17_insured_benefits_go_to_the_insured(claim_type):
    assert el.eligibility_problem(claim_type, "insured", "张女士", LIFE_2023) is None


@pytest.mark.parametrize("claim_type", ["critical_illness", "medical", "disability"])
def test_deck_slide17_a_death_beneficiary_cannot_claim_an_insured_benefit(claim_type):
    problem = el.eligibility_problem(claim_type, "beneficiary", "陈先生", LIFE_2023)
    assert problem and "only the insured (张女士)" in problem


# deck slide 14 (陈女士 and the survival benefit): the policyholder who paid is not the applicant ----------
def test_deck_slide14_policyholder_who_paid_is_not_the_applicant():
    problem = el.eligibility_problem("medical", "insured", "陈女士", MINOR_2024)
    assert problem and "陈小明" in problem and "policyholder who pays is not the applicant" in problem


def test_deck_slide14_policyholder_of_an_adult_insured_is_refused_too():
    problem = el.eligibility_problem("critical_illness", "insured", "陈先生", LIFE_2023)
    assert problem and "policyholder" in problem


# deck slide 13 / Insurance Law Art. 42: death benefit to the named death beneficiary, else the heirs ---
def test_deck_slide13_named_death_beneficiary_claims_the_death_benefit():
    assert el.relation_of("陈先生", "death", LIFE_2023) == "beneficiary"
    assert el.eligibility_problem("death", "beneficiary", "陈先生", LIFE_2023) is None


def test_deck_slide13_the_insured_is_not_the_death_beneficiary():
    problem = el.eligibility_problem("death", "insured", "张女士", LIFE_2023)
    assert problem and "not entitled to the death benefit" in problem and "陈先生" in problem


def test_deck_slide13_a_survival_beneficiary_is_not_a_death_beneficiary():
    problem = el.eligibility_problem("death", "beneficiary", "陈小明", MINOR_2024)
    assert problem and "not entitled to the death benefit" in problem and "陈女士" in problem


def test_art42_heirs_only_when_there_is_no_death_beneficiary():
    problem = el.eligibility_problem("death", "heir", "张小弟", LIFE_2023)
    assert problem and ("heir" in problem or "death beneficiary" in problem)
    no_one_named = {**LIFE_2023, "beneficiaries": []}
    assert el.relation_of("张小弟", "death", no_one_named) == "heir"
    assert el.eligibility_problem("death", "heir", "张小弟", no_one_named) is None


def test_art42_a_survival_beneficiary_alone_leaves_the_death_benefit_to_the_heirs():
    only_survival = {**MINOR_2024, "beneficiaries": [b for b in MINOR_2024["beneficiaries"] if b["kind"] == "survival"]}
    assert el.eligibility_problem("death", "heir", "陈女士", only_survival) is None


def test_accident_benefit_to_the_insured_or_a_death_beneficiary():
    assert el.eligibility_problem("accident", "insured", "陈小明", MINOR_2024) is None
    assert el.eligibility_problem("accident", "beneficiary", "陈女士", MINOR_2024) is None
    problem = el.eligibility_problem("accident", "insured", "路人甲", MINOR_2024)
    assert problem and "neither the insured nor an entitled death beneficiary" in problem


def test_a_named_relation_must_be_true():
    problem = el.eligibility_problem("death", "beneficiary", "张女士", LIFE_2023)
    assert problem
    problem = el.eligibility_problem("accident", "insured", "陈女士", MINOR_2024)
    assert problem and "not the insured" in problem


# guardians and representatives act for someone (deck slide 11; product practice) ----------------------
def test_deck_slide11_a_guardian_acts_for_the_insured_of_an_insured_benefit():
    args = {"applicant": "陈女士", "relation": "guardian", "for": None}
    assert el.acting_for(args, "medical", MINOR_2024) == "陈小明"


def test_a_representative_of_a_death_claim_acts_for_the_single_named_beneficiary():
    args = {"applicant": "律师王", "relation": "representative", "for": None}
    assert el.acting_for(args, "death", LIFE_2021) == "李娜"
    shared = [{**b, "share": "50.00"} for b in LIFE_2021["beneficiaries"]]
    two = {**LIFE_2021, "beneficiaries": [*shared, {"name": "李明", "kind": "death", "share": "50.00"}]}
    assert el.acting_for(args, "death", two) is None
    assert el.acting_for({**args, "for": "李明"}, "death", two) == "李明"


def test_an_applicant_in_their_own_right_acts_for_themselves():
    assert el.acting_for({"applicant": "陈先生", "relation": "beneficiary"}, "death", LIFE_2023) == "陈先生"


# Civil Code: under 18 on the application date is a minor -------------------------------------------------
@pytest.mark.parametrize("on, minor", [(date(2026, 5, 1), True), (date(2030, 8, 31), True), (date(2030, 9, 1), False)])
def test_civil_code_art17_minor_until_the_eighteenth_birthday(on, minor):
    assert el.is_minor(el.person("陈小明", MINOR_2024), on) is minor


def test_civil_code_a_person_without_a_birth_date_is_not_presumed_a_minor():
    assert not el.is_minor({"name": "王太太"}, date(2026, 5, 1))
    assert not el.is_minor(None, date(2026, 5, 1))


def test_people_are_matched_by_name_on_the_policy():
    assert el.person("李娜", LIFE_2021)["birth_date"] == "1972-12-12"
    assert el.person("无名氏", LIFE_2021) is None
    assert [b["name"] for b in el.death_beneficiaries(MINOR_2024)] == ["陈女士"]
