"""Every guard of workflows/guards.py, passing and refusing, its refusal naming the rule and the source.

Steps are built directly: a Claim, the policy facts a step is judged on, the command's inputs, a
clock reading and the default settings (workflows/settings.toml). No database.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from claims.policies import read_policy_file
from claims.records import Claim
from claims.storage import policy_row
from claims.values import with_check_digit
from workflows import guards as g
from workflows.facts import persons, policy_terms
from workflows.office import read_settings
from workflows.step import Step

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies.json"
S = read_settings()
CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 5, 1, 9, 0, tzinfo=CST)
POLICY = {p["policy"]: {**p, "digest": policy_row(p)["digest"]} for p in read_policy_file(POLICIES)}  # as stored
WANG = {"name": "wang", "role": "handler", "limit": "50000.00"}
ZHAO = {"name": "zhao", "role": "senior", "limit": None}


def claim(state="reported", policy="P-2022-0002", type_="critical_illness", **kw) -> Claim:
    base = {
        "id": "CLM-000001",
        "policy": policy,
        "type": type_,
        "state": state,
        "event_date": "2026-04-25",
        "line": POLICY[policy]["line"],
        "reported_on": "2026-05-01",
        "applied_on": "2026-05-01",
        "version": 1,
        "persons": persons(POLICY[policy]),  # as the application read the policy (payees are computed from them)
    }
    base.update(kw)
    return Claim(**base)


def step(command, c: Claim, args=None, facts=None, now=NOW, actor=WANG, probe=False, settings=S) -> Step:
    return Step(command, c, args or {}, facts or {}, now, settings, actor=actor, probe=probe)


def terms(policy="P-2022-0002", type_="critical_illness", paid_elsewhere="0.00", limit="50000.00", **changes) -> dict:
    found = policy_terms(POLICY[policy], type_)
    found.update(paid_elsewhere=paid_elsewhere, authority_limit=limit, **changes)
    return found


def refused(guard, s: Step, rule: str, source: str, *words: str) -> str:
    refusal = guard.refusal(s)
    assert refusal is not None, f"{guard.rule} should refuse"
    assert refusal.rule == rule and refusal.exit_code == 4
    assert refusal.message.startswith("refused: ")
    assert refusal.message.endswith(f"({guard.source})"), refusal.message
    assert source in guard.source, guard.source
    for word in words:
        assert word in refusal.message, f"{word!r} not in {refusal.message!r}"
    return refusal.message


def passes(guard, s: Step) -> None:
    refusal = guard.refusal(s)
    assert refusal is None, refusal.message


# cli.md, Time: a command dated before the claim's last event is refused -------------------------------
def test_clock_cli_md_command_dated_before_the_claims_last_event_is_refused():
    c = claim(last_event_at="2026-05-02T10:00:00.000000+08:00")
    refused(g.not_before_last_event, step("attach", c), "clock", "docs/cli.md, Time", "before the claim's last event")
    passes(g.not_before_last_event, step("attach", c, now=datetime(2026, 5, 2, 10, 0, tzinfo=CST)))
    passes(g.not_before_last_event, step("attach", c, now=datetime(2026, 5, 3, tzinfo=CST)))


# Reporting ----------------------------------------------------------------------------------------------
def test_event_date_cannot_lie_in_the_future():
    c = claim("new")
    refused(
        g.event_not_in_future,
        step("report", c, {"event_date": "2026-05-02"}),
        "event_date",
        "insured event cannot lie in the future",
        "2026-05-02",
    )
    passes(g.event_not_in_future, step("report", c, {"event_date": "2026-05-01"}))


def test_event_date_today_is_the_insurers_calendar_day_asia_shanghai():
    late_utc = datetime(2026, 5, 1, 17, 0, tzinfo=UTC)  # 2026-05-02 01:00 in Shanghai
    passes(g.event_not_in_future, step("report", claim("new"), {"event_date": "2026-05-02"}, now=late_utc))


@pytest.mark.parametrize("status", ["lapsed", "terminated"])
def test_insurance_law_art14_policy_must_be_in_force(status):
    c = claim("new", policy="P-2018-0004", type_="death")
    facts = policy_terms({**POLICY["P-2018-0004"], "status": status}, "death")
    refused(
        g.policy_in_force,
        step("report", c, facts=facts),
        "policy_in_force",
        "policy contract; Insurance Law Art. 14",
        status,
        "not in force",
    )
    passes(g.policy_in_force, step("report", claim("new"), facts=policy_terms(POLICY["P-2022-0002"], "critical_illness")))


def test_insurance_law_art14_event_before_the_policy_was_issued_is_refused():
    c = claim("new", event_date="2022-06-14")
    refused(g.policy_in_force, step("report", c, facts=terms()), "policy_in_force", "Insurance Law Art. 14", "before", "2022-06-15")
    passes(g.policy_in_force, step("report", claim("new", event_date="2022-06-15"), facts=terms()))


def test_policy_contract_must_cover_the_claim_type():
    c = claim("new", type_="death")
    refused(
        g.policy_covers_type,
        step("report", c, facts=policy_terms(POLICY["P-2022-0002"], "death")),
        "coverage",
        "policy contract",
        "does not cover death",
        "critical_illness, medical",
    )
    passes(g.policy_covers_type, step("report", claim("new"), facts=terms()))


@pytest.mark.parametrize(
    "policy, type_, event, today, ok",
    [
        ("P-2022-0002", "critical_illness", "2024-05-01", "2026-05-01", True),  # health: 2 years, last day
        ("P-2022-0002", "critical_illness", "2024-04-30", "2026-05-01", False),
        ("P-2023-0001", "death", "2024-04-30", "2026-05-01", True),  # life: 5 years
        ("P-2023-0001", "death", "2023-05-01", "2028-05-01", True),
        ("P-2023-0001", "death", "2023-05-01", "2028-05-02", False),
    ],
)
def test_insurance_law_art26_limitation_five_years_life_two_years_health(policy, type_, event, today, ok):
    c = claim("reported", policy=policy, type_=type_, event_date=event)
    s = step("apply", c, now=datetime.fromisoformat(today + "T12:00:00+08:00"))
    if ok:
        passes(g.within_limitation, s)
    else:
        years = "5 years" if POLICY[policy]["line"] == "life" else "2 years"
        refused(g.within_limitation, s, "limitation", "Insurance Law Art. 26", "expired", years)


def test_insurance_law_art26_accident_line_is_two_years():
    c = claim("reported", line="accident", event_date="2024-04-30")
    refused(g.within_limitation, step("report", c), "limitation", "Insurance Law Art. 26", "2 years", "accident")


@pytest.mark.parametrize(
    "event, reason, ok",
    [("2026-04-21", None, True), ("2026-04-20", None, False), ("2026-04-20", "in hospital", True), ("2026-04-20", "   ", False)],
)
def test_insurance_law_art21_late_report_needs_a_stated_reason(event, reason, ok):
    c = claim("new", event_date=event)
    s = step("report", c, {"event_date": event, "late_reason": reason})
    if ok:
        passes(g.late_report_has_reason, s)
    else:
        refused(g.late_report_has_reason, s, "late_report", "Insurance Law Art. 21; product clause", "late", "10-day", "--late-reason")


# Applying: identity (deck slide 11), signature (deck slide 9) ---------------------------------------------
def apply_args(applicant="陈某", number="630102197502110013", **kw) -> dict:
    args = {
        "applicant": applicant,
        "id_type": "resident_id",
        "id_number": number,
        "id_expires": None,
        "id_photo": False,
        "relation": "insured",
        "signed_by": None,
        "for": None,
    }
    args.update(kw)
    return args


def apply_step(args: dict, c: Claim | None = None, policy="P-2022-0002", now=NOW) -> Step:
    c = c or claim("reported", policy=policy)
    return step("apply", c, args, {"persons": persons(POLICY[policy])}, now=now)


def test_deck_slide11_household_register_without_photo_is_no_proof_of_identity():
    args = apply_args(id_type="household_register", number="H123")
    refused(g.valid_photo_id, apply_step(args), "photo_id", "deck slide 11", "household register", "photo")
    passes(g.valid_photo_id, apply_step({**args, "id_photo": True}))


@pytest.mark.parametrize("id_type", ["passport", "other_photo_id"])
def test_deck_slide11_other_photo_ids_are_accepted(id_type):
    passes(g.valid_photo_id, apply_step(apply_args(id_type=id_type, number="E12345678")))


def test_deck_slide11_gb11643_resident_id_check_digit_must_be_valid():
    refused(g.valid_photo_id, apply_step(apply_args(number="630102197502110014")), "photo_id", "deck slide 11", "check digit", "GB 11643")
    passes(g.valid_photo_id, apply_step(apply_args()))


def test_deck_slide11_id_must_be_unexpired():
    refused(g.valid_photo_id, apply_step(apply_args(id_expires="2026-04-30")), "photo_id", "deck slide 11", "expired", "2026-04-30")
    passes(g.valid_photo_id, apply_step(apply_args(id_expires="2026-05-01")))  # valid through its last day
    passes(g.valid_photo_id, apply_step(apply_args(id_expires="2036-05-01")))


def test_deck_slide9_no_one_signs_for_the_applicant():
    refused(
        g.no_proxy_signature,
        apply_step(apply_args(signed_by="李业务员")),
        "proxy_signature",
        "deck slide 9",
        "signed by the applicant",
        "李业务员",
    )
    passes(g.no_proxy_signature, apply_step(apply_args(signed_by="陈某")))
    passes(g.no_proxy_signature, apply_step(apply_args()))


# Applying: who may apply (deck slides 13, 14, 17; Art. 42; Civil Code; SPC III Art. 11) ----------------
ELIGIBLE_SOURCE = "deck slides 12, 13, 14, 17; Insurance Law Arts. 39–42; SPC Interpretation III Art. 12"


def test_deck_slide17_the_insured_claims_critical_illness():
    passes(g.applicant_eligible, apply_step(apply_args()))


def test_deck_slide14_the_policyholder_who_paid_is_not_the_applicant():
    c = claim("reported", policy="P-2024-0003", type_="medical")
    args = apply_args("陈女士", "310101198503030027", relation="insured")
    refused(
        g.applicant_eligible,
        apply_step(args, c, "P-2024-0003"),
        "eligible_applicant",
        ELIGIBLE_SOURCE,
        "only the insured",
        "陈小明",
        "policyholder",
    )


def test_deck_slide13_death_benefit_goes_to_the_named_death_beneficiary():
    c = claim("reported", policy="P-2023-0001", type_="death")
    passes(g.applicant_eligible, apply_step(apply_args("陈先生", "11010519800501003X", relation="beneficiary"), c, "P-2023-0001"))
    message = refused(
        g.applicant_eligible,
        apply_step(apply_args("张某", with_check_digit("11010519900101001"), relation="beneficiary"), c, "P-2023-0001"),
        "eligible_applicant",
        ELIGIBLE_SOURCE,
        "张某",
    )
    assert "entitled" in message and "陈先生" in message


def test_art42_heirs_claim_only_when_no_death_beneficiary_is_named():
    c = claim("reported", policy="P-2023-0001", type_="death")
    refused(
        g.applicant_eligible,
        apply_step(apply_args("陈小弟", with_check_digit("11010519900101001"), relation="heir"), c, "P-2023-0001"),
        "eligible_applicant",
        ELIGIBLE_SOURCE,
        "heir",
    )
    no_beneficiary = {**POLICY["P-2023-0001"], "beneficiaries": []}
    s = step("apply", c, apply_args("陈小弟", with_check_digit("11010519900101001"), relation="heir"), {"persons": persons(no_beneficiary)})
    passes(g.applicant_eligible, s)


def test_minor_civil_code_a_minor_never_applies_alone():
    c = claim("reported", policy="P-2024-0003", type_="medical")
    alone = apply_step(apply_args("陈小明", "310101201209010011", relation="insured"), c, "P-2024-0003")
    refused(g.minor_has_guardian, alone, "minor_applicant", "deck slide 11; Civil Code", "under 18", "guardian")
    guardian = apply_step(apply_args("陈女士", "310101198503030027", relation="guardian"), c, "P-2024-0003")
    passes(g.minor_has_guardian, guardian)
    passes(g.applicant_eligible, guardian)


def test_minor_civil_code_a_minor_death_beneficiary_claims_through_the_guardian():
    # P-2021-0005 with 李强's minor son as the only death beneficiary
    son = {"name": "李小强", "birth_date": "2015-06-01", "kind": "death", "share": "100.00"}
    policy = {**POLICY["P-2021-0005"], "beneficiaries": [son]}
    c = claim("reported", policy="P-2021-0005", type_="death")
    alone = step(
        "apply", c, apply_args("李小强", with_check_digit("44030420150601001"), relation="beneficiary"), {"persons": persons(policy)}
    )
    passes(g.applicant_eligible, alone)
    refused(g.minor_has_guardian, alone, "minor_applicant", "Civil Code", "李小强", "under 18")
    mother = step(
        "apply", c, apply_args("王女士", with_check_digit("44030419800101002"), relation="guardian"), {"persons": persons(policy)}
    )
    passes(g.applicant_eligible, mother)
    passes(g.minor_has_guardian, mother)


def test_minor_civil_code_adult_from_the_eighteenth_birthday():
    c = claim("reported", policy="P-2024-0003", type_="medical", event_date="2030-08-20")
    args = apply_args("陈小明", "310101201209010011", relation="insured")
    refused(
        g.minor_has_guardian,
        apply_step(args, c, "P-2024-0003", now=datetime(2030, 8, 31, 12, tzinfo=CST)),
        "minor_applicant",
        "Civil Code",
        "under 18",
    )
    passes(g.minor_has_guardian, apply_step(args, c, "P-2024-0003", now=datetime(2030, 9, 1, 12, tzinfo=CST)))


def test_policy_file_id_number_must_match_the_person_on_the_policy():
    wrong = with_check_digit("63010219750211002")
    refused(g.id_matches_policy, apply_step(apply_args(number=wrong)), "id_matches_policy", "cli.md, Policy file", "does not match", "陈某")
    passes(g.id_matches_policy, apply_step(apply_args()))


def test_policy_file_a_passport_is_not_matched_against_the_resident_id_on_the_policy():
    passes(g.id_matches_policy, apply_step(apply_args(id_type="passport", number="E12345678")))


def test_gb11643_lower_case_x_matches_the_policys_upper_case_x():
    c = claim("reported", policy="P-2023-0001", type_="death")
    passes(g.id_matches_policy, apply_step(apply_args("陈先生", "11010519800501003x", relation="beneficiary"), c, "P-2023-0001"))


def test_spc_iii_art11_beneficiary_changed_after_the_event_cannot_claim():
    changed = {**POLICY["P-2023-0001"], "beneficiaries": [{"name": "陈先生", "kind": "death", "share": "100.00", "since": "2026-04-26"}]}
    c = claim("reported", policy="P-2023-0001", type_="death")
    args = apply_args("陈先生", "11010519800501003X", relation="beneficiary")
    s = step("apply", c, args, {"persons": persons(changed)})
    refused(
        g.beneficiary_not_changed_after_event,
        s,
        "beneficiary_changed",
        "SPC Interpretation III Art. 11",
        "2026-04-26",
        "after the insured event",
    )
    before = {**changed, "beneficiaries": [{**changed["beneficiaries"][0], "since": "2026-04-25"}]}
    passes(g.beneficiary_not_changed_after_event, step("apply", c, args, {"persons": persons(before)}))


# Investigating: Art. 22 --------------------------------------------------------------------------------------
def test_insurance_law_art22_materials_complete_before_investigation():
    c = claim(
        "applied",
        required=["claim_form", "applicant_id", "bank_account", "diagnosis_certificate", "pathology_report", "medical_records"],
        received={"claim_form": [None], "applicant_id": [None], "bank_account": [None], "diagnosis_certificate": [None]},
    )
    message = refused(g.materials_complete, step("investigate", c), "materials_complete", "Insurance Law Art. 22", "materials incomplete")
    assert "pathology_report, medical_records are missing" in message
    one = replace(c, received={**c.received, "pathology_report": [None]})
    assert "medical_records is missing" in refused(
        g.materials_complete, step("investigate", one), "materials_complete", "Insurance Law Art. 22"
    )
    full = replace(one, received={**one.received, "medical_records": [None]})
    passes(g.materials_complete, step("investigate", full))


# Deciding ----------------------------------------------------------------------------------------------------
DECISION = {"outcome": "approve", "amount": "60000.00", "ground": None, "reason": "r", "by": "zhao", "on": "2026-05-01"}


def decide_step(args: dict, c: Claim | None = None, actor=ZHAO, **facts) -> Step:
    base = {"outcome": "approve", "amount": None, "ground": None, "reason": "r"}
    return step("decide", c or claim("investigating"), {**base, **args}, terms(**facts), actor=actor)


def test_one_decision_per_review():
    refused(
        g.no_decision_yet,
        decide_step({}, claim("investigating", decision=DECISION)),
        "decision_recorded",
        "one decision per review",
        "already recorded",
    )
    passes(g.no_decision_yet, decide_step({}))


@pytest.mark.parametrize(
    "args, words",
    [
        ({"outcome": "decline"}, ["--ground"]),
        ({"outcome": "decline", "ground": "exclusion", "amount": "10.00"}, ["--amount"]),
        ({"outcome": "approve"}, ["--amount"]),
        ({"outcome": "partial"}, ["--amount"]),
        ({"outcome": "approve", "amount": "10.00", "ground": "other"}, ["--ground", "decline"]),
    ],
)
def test_cli_md_decide_a_decline_needs_a_ground_an_approval_an_amount(args, words):
    refused(g.decision_has_inputs, decide_step(args), "decision_inputs", "docs/cli.md, decide", *words)


@pytest.mark.parametrize(
    "args",
    [{"outcome": "decline", "ground": "exclusion"}, {"outcome": "approve", "amount": "1.00"}, {"outcome": "partial", "amount": "1.00"}],
)
def test_cli_md_decide_complete_inputs_pass(args):
    passes(g.decision_has_inputs, decide_step(args))


def test_policy_contract_decision_within_the_remaining_sum_insured():
    refused(
        g.within_sum_insured, decide_step({"amount": "60000.01"}), "sum_insured", "policy contract: the sum insured", "60000.01", "60000.00"
    )
    passes(g.within_sum_insured, decide_step({"amount": "60000.00"}))
    refused(
        g.within_sum_insured, decide_step({"amount": "50000.00"}, paid_elsewhere="20000.00"), "sum_insured", "the sum insured", "40000.00"
    )
    passes(g.within_sum_insured, decide_step({"outcome": "decline", "ground": "exclusion"}))


def test_policy_contract_a_new_decision_cannot_approve_less_than_already_paid():
    c = claim("investigating", paid_amount="30000.00")
    refused(g.within_sum_insured, decide_step({"amount": "20000.00"}, c), "sum_insured", "the sum insured", "already paid")
    passes(g.within_sum_insured, decide_step({"amount": "30000.00"}, c))


def test_house_rule_authority_limit_applies_to_the_amount_approved():
    refused(
        g.within_authority,
        decide_step({"amount": "50000.01"}, actor=WANG, limit="50000.00"),
        "authority_limit",
        "house rule: authority limits",
        "wang",
        "50000.00",
        "senior",
    )
    passes(g.within_authority, decide_step({"amount": "50000.00"}, actor=WANG, limit="50000.00"))
    passes(g.within_authority, decide_step({"outcome": "partial", "amount": "60000.00"}, actor=ZHAO, limit=None))


def test_house_rule_a_decline_is_within_any_handlers_authority():
    passes(g.within_authority, decide_step({"outcome": "decline", "ground": "exclusion"}, actor=WANG, limit="1.00"))


DEATH = {"policy": "P-2023-0001", "type_": "death"}


def test_art16_the_two_years_count_to_the_decision():
    """Art. 16: no rescission for non-disclosure more than two years after the contract was formed — the rescission is the
    decision, so the years count to it, whatever the date of the event."""
    args = {"outcome": "decline", "ground": "nondisclosure"}
    early_event = claim("investigating", event_date="2024-12-01", **DEATH)
    # issued 2023-03-01: a decision on 2025-03-01 is within two years, one on 2025-03-02 is not
    passes(g.nondisclosure_within_two_years, step("decide", early_event, {"reason": "r", **args}, terms(**DEATH_TERMS),
                                                  now=datetime(2025, 3, 1, 12, tzinfo=CST), actor=ZHAO))
    refused(g.nondisclosure_within_two_years, step("decide", early_event, {"reason": "r", **args}, terms(**DEATH_TERMS),
                                                   now=datetime(2025, 3, 2, 12, tzinfo=CST), actor=ZHAO),
            "contestability", "Insurance Law Art. 16", "barred", "this decision", "2023-03-01")


def test_art44_the_two_years_count_to_the_event():
    args = {"outcome": "decline", "ground": "suicide"}
    # issued 2023-03-01: an event on 2025-03-01 is within two years, one on 2025-03-02 is not
    passes(g.suicide_within_two_years, decide_step(args, claim("investigating", event_date="2025-03-01", **DEATH), **DEATH_TERMS))
    refused(g.suicide_within_two_years, decide_step(args, claim("investigating", event_date="2025-03-02", **DEATH), **DEATH_TERMS),
            "suicide_exclusion", "Insurance Law Art. 44", "barred", "the event", "2023-03-01")


def test_art44_within_two_years_a_suicide_decline_is_barred_once_incapacity_is_proven():
    args = {"outcome": "decline", "ground": "suicide"}
    proven = claim("investigating", event_date="2025-03-01", received={"incapacity_proof": [None]}, **DEATH)
    refused(g.suicide_within_two_years, decide_step(args, proven, **DEATH_TERMS), "suicide_exclusion", "Insurance Law Art. 44",
            "lacked civil capacity", "incapacity_proof")


DEATH_TERMS = {"policy": "P-2023-0001", "type_": "death"}


@pytest.mark.parametrize("guard, ground", [(g.nondisclosure_within_two_years, "nondisclosure"), (g.suicide_within_two_years, "suicide")])
def test_art16_art44_two_years_count_from_reinstatement(guard, ground):
    args = {"outcome": "decline", "ground": ground}
    c = claim("investigating", event_date="2026-04-25", **DEATH)
    passes(guard, decide_step(args, c, policy="P-2023-0001", type_="death", reinstated="2025-01-10"))
    refused(
        guard, decide_step(args, c, policy="P-2023-0001", type_="death", reinstated="2024-01-10"), guard.rule, guard.source, "2024-01-10"
    )


def test_art16_art44_other_grounds_are_not_barred():
    c = claim("investigating", event_date="2026-04-25", **DEATH)
    for guard in (g.nondisclosure_within_two_years, g.suicide_within_two_years):
        passes(guard, decide_step({"outcome": "decline", "ground": "fraud"}, c, policy="P-2023-0001", type_="death"))


# Notifying and paying -------------------------------------------------------------------------------------
def test_arts_23_24_notify_needs_a_recorded_decision():
    refused(g.has_decision, step("notify", claim("investigating")), "decision_recorded", "Insurance Law Arts. 23, 24", "no decision")
    passes(g.has_decision, step("notify", claim("investigating", decision=DECISION)))


def pay_step(amount: str, c: Claim | None = None, advance=False, actor=WANG, **facts) -> Step:
    c = c or claim("approved", decision=DECISION, notified_on="2026-05-01")
    return step("pay", c, {"amount": amount, "advance": advance}, terms(**facts), actor=actor)


def test_art23_payment_equals_the_approved_amount_still_unpaid():
    refused(g.pays_approved_amount, pay_step("59999.99"), "payment_amount", "Insurance Law Art. 23", "60000.00", "59999.99")
    passes(g.pays_approved_amount, pay_step("60000.00"))
    after_advance = claim("approved", decision=DECISION, notified_on="2026-05-01", paid_amount="20000.00")
    passes(g.pays_approved_amount, pay_step("40000.00", after_advance))
    refused(g.pays_approved_amount, pay_step("60000.00", after_advance), "payment_amount", "Art. 23", "40000.00")


def test_art25_no_advance_flag_once_approved():
    refused(g.pays_approved_amount, pay_step("60000.00", advance=True), "payment_amount", "Insurance Law Art. 23", "Art. 25")


def test_house_rule_four_eyes_the_decider_may_not_release_a_payment_above_the_threshold():
    refused(g.four_eyes, pay_step("60000.00", actor=ZHAO), "four_eyes", "house rule: four-eyes above the threshold", "zhao", "10000.00")
    passes(g.four_eyes, pay_step("60000.00", actor=WANG))
    small = claim("approved", decision={**DECISION, "amount": "10000.00"}, notified_on="2026-05-01")
    passes(g.four_eyes, pay_step("10000.00", small, actor=ZHAO))  # at the threshold, not above it


def test_house_rule_four_eyes_threshold_is_a_setting():
    small = claim("approved", decision={**DECISION, "amount": "10000.00"}, notified_on="2026-05-01")
    s = step("pay", small, {"amount": "10000.00", "advance": False}, terms(), actor=ZHAO, settings=replace(S, four_eyes_threshold=5000))
    refused(g.four_eyes, s, "four_eyes", "four-eyes", "5000.00")


def test_art25_during_investigation_only_an_advance_payment():
    c = claim("investigating", applied_on="2026-03-01")
    refused(g.advance_flag_given, pay_step("100.00", c), "advance_payment", "Insurance Law Art. 25", "--advance")
    passes(g.advance_flag_given, pay_step("100.00", c, advance=True))


def test_art25_advance_payment_from_day_sixty_after_the_request():
    not_yet = claim("investigating", applied_on="2026-03-03")  # day 60 is 2026-05-02
    refused(
        g.advance_after_sixty_days,
        pay_step("100.00", not_yet, advance=True),
        "advance_payment",
        "Insurance Law Art. 25",
        "2026-05-02",
        "60 days",
    )
    passes(g.advance_after_sixty_days, pay_step("100.00", claim("investigating", applied_on="2026-03-02"), advance=True))


def test_spc_ii_art15_advance_payment_day_sixty_excludes_paused_days():
    c = claim(
        "investigating", applied_on="2026-03-01", notice={"on": "2026-03-01", "missing": ["claim_form"]}, supplements_done_on="2026-03-11"
    )
    refused(g.advance_after_sixty_days, pay_step("100.00", c, advance=True), "advance_payment", "Art. 25", "2026-05-10")


def test_art25_no_advance_once_a_decision_is_recorded():
    c = claim("investigating", applied_on="2026-01-01", decision=DECISION)
    refused(g.advance_after_sixty_days, pay_step("100.00", c, advance=True), "advance_payment", "Art. 25", "decision is recorded")


def test_art25_advance_plus_paid_stays_within_the_sum_insured():
    c = claim("investigating", applied_on="2026-01-01", paid_amount="50000.00")
    refused(g.within_sum_insured, pay_step("10000.01", c, advance=True), "sum_insured", "the sum insured", "60000.01")
    passes(g.within_sum_insured, pay_step("10000.00", c, advance=True))


# Appealing ---------------------------------------------------------------------------------------------------
def test_house_rule_appeal_within_sixty_days_of_the_decision_notice():
    c = claim("declined", notified_on="2026-03-02", decision={**DECISION, "outcome": "decline", "amount": None, "ground": "exclusion"})
    passes(g.within_appeal_window, step("appeal", c))  # 2026-03-02 + 60 = 2026-05-01
    late = replace(c, notified_on="2026-03-01")
    refused(g.within_appeal_window, step("appeal", late), "appeal_window", "house rule: appeal window setting", "closed on 2026-04-30")


def test_appeal_after_payment_only_after_a_partial_decision():
    full = claim("paid", notified_on="2026-04-20", decision=DECISION)
    refused(g.paid_partially, step("appeal", full), "appeal_after_partial", "docs/rules.md", "partial")
    passes(g.paid_partially, step("appeal", replace(full, decision={**DECISION, "outcome": "partial"})))


# "What may I do next" asks the same guards without the command's inputs -------------------------------------
def test_guards_that_need_the_commands_inputs_are_skipped_when_only_asking():
    s = step("decide", claim("investigating"), probe=True)
    assert g.decision_has_inputs.refusal(s) is None
    assert g.materials_complete.refusal(step("investigate", claim("applied", required=["claim_form"]), probe=True)) is not None


def test_every_guard_names_a_rule_and_a_source():
    found = [v for v in vars(g).values() if isinstance(v, g.Guard)]
    assert len(found) >= 25
    for guard in found:
        assert guard.rule and guard.source
