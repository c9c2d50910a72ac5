"""Exit 4 (cli.md): refused by a rule; "the message names the rule and its source", and nothing is written.

Each test runs the command as a user types it and checks the exit code, the error's rule id, the words of
the message (the rule and its source) and — through `claims.fails` — that stdout is empty and the
database unchanged.
"""

from __future__ import annotations

import pytest
from cli_support import life_policy, person

APPLY_CI = ["--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013"]


def refused(result, rule: str, *words: str) -> str:
    error = result.error
    assert error["code"] == "refused", error
    assert error["rule"] == rule, error
    assert error["message"].startswith("refused"), error["message"]
    for word in words:
        assert word in error["message"], f"{word!r} not in {error['message']!r}"
    return error["message"]


# the state machine (deck slide 18): "A command the role may run but the claim's state forbids … names the state" --
@pytest.mark.parametrize(
    "upto, argv, as_, state",
    [
        ("reported", ["investigate"], "wang", "reported"),
        ("reported", ["decide", "approve", "--amount", "100", "--reason", "r"], "zhao", "reported"),
        ("reported", ["close"], "wang", "reported"),
        ("reported", ["appeal", "--reason", "r"], "li", "reported"),
        ("applied", ["notify"], "wang", "applied"),
        ("applied", ["pay", "--amount", "100"], "wang", "applied"),
        ("investigating", ["investigate"], "wang", "investigating"),
        ("notified", ["withdraw", "--reason", "r"], "li", "approved"),
        ("notified", ["attach", "claim_form"], "li", "approved"),
        ("notified", ["appeal", "--reason", "r"], "li", "approved"),
        ("notified", ["decide", "approve", "--amount", "100", "--reason", "r"], "zhao", "approved"),
        ("paid", ["pay", "--amount", "60000"], "wang", "paid"),
        ("paid", ["withdraw", "--reason", "r"], "li", "paid"),
        ("reported", ["request", "claim_form", "--reason", "r"], "wang", "reported"),
        ("investigating", ["close"], "wang", "investigating"),
        ("notified", ["close"], "wang", "approved"),
    ],
)
def test_deck_slide18_state_refusal_names_the_state(claims, walk, upto, argv, as_, state):
    claim = walk.critical_illness(upto)
    message = refused(claims.fails(4, argv[0], claim, *argv[1:], as_=as_), "state", f"`{argv[0]}`", state)
    assert "deck slide 18" in message


def test_deck_slide18_a_declined_claim_is_appealed_or_closed_not_withdrawn_or_supplemented(claims, walk):
    claim = walk.critical_illness("notified", outcome="decline")
    refused(claims.fails(4, "withdraw", claim, "--reason", "r", as_="li"), "state", "declined")
    refused(claims.fails(4, "attach", claim, "pathology_report", as_="li"), "state", "declined")
    refused(claims.fails(4, "pay", claim, "--amount", "100", as_="wang"), "state", "declined")


def test_cli_md_decide_keeps_the_claim_investigating_until_notified(claims, walk):
    claim = walk.critical_illness("decided")
    status = claims.ok("status", claim, as_="wang").json
    assert status["state"] == "investigating" and status["decision"]["outcome"] == "approve"
    assert "notify" in status["allowed_actions"] and "decide" not in status["allowed_actions"]


def test_deck_slide18_closed_and_withdrawn_claims_take_no_step_but_consultation(claims, walk):
    closed = walk.critical_illness("paid")
    claims.ok("close", closed, as_="wang")
    withdrawn = walk.critical_illness("applied", event="2026-04-26")
    claims.ok("withdraw", withdrawn, "--reason", "recovered", as_="li")
    for claim, state in ((closed, "closed"), (withdrawn, "withdrawn")):
        refused(claims.fails(4, "attach", claim, "claim_form", as_="li"), "state", state)
        refused(claims.fails(4, "withdraw", claim, "--reason", "r", as_="li"), "state", state)
        refused(claims.fails(4, "appeal", claim, "--reason", "r", as_="li"), "state", state)
        claims.ok("consult", claim, "--note", "asked about the file", as_="li")


# reporting (报案) --------------------------------------------------------------------------------------------
def test_insurance_law_art21_late_report_without_a_reason_is_refused(claims):
    result = claims.fails(4, "report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-20", as_="li")
    refused(result, "late_report", "2026-04-30", "--late-reason", "Insurance Law Art. 21")


def test_insurance_law_art26_report_after_the_limitation_is_refused(claims):
    result = claims.fails(
        4, "report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2024-04-30", "--late-reason", "abroad", as_="li"
    )
    refused(result, "limitation", "2026-04-30", "2 years", "health", "Insurance Law Art. 26")


def test_insurance_law_art26_life_policy_has_five_years(claims):
    # P-2021-0005 (life) issued 2021-08-01; an event of 2021-09-01 may be reported until 2026-09-01
    late = ["--type", "death", "--event-date", "2021-09-01", "--late-reason", "the family found the policy late"]
    result = claims.fails(4, "report", "P-2021-0005", *late, as_="li", now="2026-09-02T09:00:00+08:00")
    refused(result, "limitation", "2026-09-01", "5 years", "life", "Insurance Law Art. 26")
    claims.ok("report", "P-2021-0005", *late, as_="li", now="2026-09-01T09:00:00+08:00")


def test_insurance_law_art26_apply_after_the_limitation_is_refused(claims):
    claim = claims.ok(
        "report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2024-05-01", "--late-reason", "abroad", as_="li"
    ).json["claim"]
    result = claims.fails(4, "apply", claim, *APPLY_CI, as_="li", now="2026-05-02T09:00:00+08:00")
    refused(result, "limitation", "expired on 2026-05-01", "Insurance Law Art. 26")


def test_insurance_law_art14_lapsed_policy_is_refused(claims):
    result = claims.fails(4, "report", "P-2018-0004", "--type", "death", "--event-date", "2026-04-28", as_="li")
    refused(result, "policy_in_force", "P-2018-0004", "lapsed", "not in force", "Insurance Law Art. 14")


def test_policy_contract_type_not_covered_is_refused(claims):
    result = claims.fails(4, "report", "P-2022-0002", "--type", "death", "--event-date", "2026-04-28", as_="li")
    refused(result, "coverage", "does not cover death", "critical_illness, medical", "policy contract")


def test_event_before_the_policy_was_issued_is_refused(claims):
    result = claims.fails(4, "report", "P-2024-0003", "--type", "medical", "--event-date", "2024-01-09", "--late-reason", "r", as_="li")
    refused(result, "policy_in_force", "2024-01-10")


def test_event_in_the_future_is_refused(claims):
    result = claims.fails(4, "report", "P-2022-0002", "--type", "medical", "--event-date", "2026-05-02", as_="li")
    refused(result, "event_date", "2026-05-02", "future")


# applying (申请): who, with which ID, signed by whom ---------------------------------------------------------------
def test_deck_slide14_policyholder_who_pays_may_not_claim_the_insureds_benefit(claims):
    claim = claims.ok("report", "P-2024-0003", "--type", "medical", "--event-date", "2026-04-28", as_="li").json["claim"]
    result = claims.fails(
        4,
        "apply",
        claim,
        "--applicant",
        "陈女士",
        "--id-type",
        "resident_id",
        "--id-number",
        "310101198503030027",
        "--relation",
        "insured",
        as_="li",
    )
    refused(result, "eligible_applicant", "陈小明", "policyholder", "deck slide")


def test_deck_slide13_only_the_named_death_beneficiary_claims_the_death_benefit(claims):
    claim = claims.ok("report", "P-2023-0001", "--type", "death", "--event-date", "2026-04-28", as_="li").json["claim"]
    stranger = person("张小弟", "11010519900101001", "1990-01-01")
    result = claims.fails(
        4,
        "apply",
        claim,
        "--applicant",
        "张小弟",
        "--id-type",
        "resident_id",
        "--id-number",
        stranger["id_number"],
        "--relation",
        "beneficiary",
        as_="li",
    )
    refused(result, "eligible_applicant", "张小弟", "deck slides 12, 13, 14")


def test_art42_heirs_may_not_claim_when_a_death_beneficiary_is_named(claims):
    claim = claims.ok("report", "P-2023-0001", "--type", "death", "--event-date", "2026-04-28", as_="li").json["claim"]
    heir = person("张小弟", "11010519900101001", "1990-01-01")
    result = claims.fails(
        4,
        "apply",
        claim,
        "--applicant",
        "张小弟",
        "--id-type",
        "resident_id",
        "--id-number",
        heir["id_number"],
        "--relation",
        "heir",
        as_="li",
    )
    refused(result, "eligible_applicant", "heir", "Arts. 39–42")


def test_eligibility_a_stranger_without_relation_is_refused(claims, walk):
    claim = walk.critical_illness("reported")
    stranger = person("路人", "11010519900101002", "1990-01-01")
    result = claims.fails(
        4, "apply", claim, "--applicant", "路人", "--id-type", "resident_id", "--id-number", stranger["id_number"], as_="li"
    )
    refused(result, "eligible_applicant", "路人")


def test_civil_code_a_minor_never_applies_alone(claims):
    claim = claims.ok("report", "P-2024-0003", "--type", "medical", "--event-date", "2026-04-28", as_="li").json["claim"]
    result = claims.fails(
        4, "apply", claim, "--applicant", "陈小明", "--id-type", "resident_id", "--id-number", "310101201209010011", as_="li"
    )
    refused(result, "minor_applicant", "陈小明", "under 18", "guardian", "Civil Code")


def test_deck_slide11_household_register_without_photo_is_refused(claims, walk):
    claim = walk.critical_illness("reported")
    result = claims.fails(4, "apply", claim, "--applicant", "陈某", "--id-type", "household_register", "--id-number", "HR-630102", as_="li")
    refused(result, "photo_id", "household register", "photo", "deck slide 11")


@pytest.mark.parametrize("id_type, extra", [("household_register", ["--id-photo"]), ("passport", []), ("other_photo_id", [])])
def test_deck_slide11_other_photo_ids_are_accepted(claims, walk, id_type, extra):
    # the policy holds 陈某's resident ID; a passport or a household register with a photo has a number of its own
    claim = walk.critical_illness("reported")
    claims.ok("apply", claim, "--applicant", "陈某", "--id-type", id_type, "--id-number", "E12345678", *extra, as_="li")


def test_gb11643_check_character_x_may_be_typed_in_lower_case(claims):
    claim = claims.ok("report", "P-2023-0001", "--type", "death", "--event-date", "2026-04-28", as_="li").json["claim"]
    claims.ok("apply", claim, "--applicant", "陈先生", "--id-type", "resident_id", "--id-number", "11010519800501003x", as_="li")


def test_gb11643_bad_check_digit_is_refused(claims, walk):
    claim = walk.critical_illness("reported")
    result = claims.fails(
        4, "apply", claim, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110014", as_="li"
    )
    refused(result, "photo_id", "check digit", "GB 11643")


def test_deck_slide11_expired_id_is_refused(claims, walk):
    claim = walk.critical_illness("reported")
    result = claims.fails(4, "apply", claim, *APPLY_CI, "--id-expires", "2026-04-30", as_="li")
    refused(result, "photo_id", "expired", "2026-04-30", "deck slide 11")


def test_deck_slide9_proxy_signature_is_refused(claims, walk):
    claim = walk.critical_illness("reported")
    result = claims.fails(4, "apply", claim, *APPLY_CI, "--signed-by", "李业务员", as_="li")
    refused(result, "proxy_signature", "李业务员", "陈某", "deck slide 9")


def test_id_number_not_matching_the_policy_is_refused(claims, walk):
    claim = walk.critical_illness("reported")
    other = person("陈某", "63010219750211002", "1975-02-11")["id_number"]
    result = claims.fails(4, "apply", claim, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", other, as_="li")
    refused(result, "id_matches_policy", "陈某")


def test_spc_iii_art11_beneficiary_changed_after_the_event_cannot_claim(claims, add_policies):
    insured = person("周某", "11010519600101001", "1960-01-01")
    new_beneficiary = person("周太太", "11010519620101002", "1962-01-01", kind="death", share="100", since="2026-04-27")
    add_policies(life_policy("P-2020-0009", "2020-01-01", insured, [new_beneficiary]))
    claim = claims.ok("report", "P-2020-0009", "--type", "death", "--event-date", "2026-04-25", as_="li").json["claim"]
    result = claims.fails(
        4, "apply", claim, "--applicant", "周太太", "--id-type", "resident_id", "--id-number", new_beneficiary["id_number"], as_="li"
    )
    refused(result, "beneficiary_changed", "2026-04-27", "SPC Interpretation III Art. 11")


# investigating: Insurance Law Art. 22 -------------------------------------------------------------------------------
def test_insurance_law_art22_materials_incomplete_names_every_missing_document(claims, walk):
    claim = walk.critical_illness("applied")
    for doc in ("claim_form", "applicant_id", "bank_account", "diagnosis_certificate"):
        claims.ok("attach", claim, doc, as_="li")
    result = claims.fails(4, "investigate", claim, as_="wang")
    message = refused(
        result, "materials_complete", "materials incomplete", "pathology_report, medical_records are missing", "(Insurance Law Art. 22)"
    )
    assert message.startswith("refused: materials incomplete — pathology_report, medical_records are missing (Insurance Law Art. 22); "
                              "allowed now: ")


# deciding -------------------------------------------------------------------------------------------------------------
def test_cli_md_decline_without_a_ground_is_a_rule_refusal(claims, walk):
    claim = walk.critical_illness("investigating")
    refused(claims.fails(4, "decide", claim, "decline", "--reason", "r", as_="zhao"), "decision_inputs", "--ground")


def test_cli_md_approval_without_an_amount_is_a_rule_refusal(claims, walk):
    claim = walk.critical_illness("investigating")
    refused(claims.fails(4, "decide", claim, "approve", "--reason", "r", as_="zhao"), "decision_inputs", "--amount")


def test_house_rule_over_the_authority_limit_is_refused(claims, walk):
    claim = walk.critical_illness("investigating")
    result = claims.fails(4, "decide", claim, "approve", "--amount", "60000", "--reason", "r", as_="wang")
    refused(result, "authority_limit", "60000.00", "wang", "50000.00", "authority")
    claims.ok("decide", claim, "approve", "--amount", "60000", "--reason", "r", as_="sun")


def test_house_rule_at_the_authority_limit_is_allowed_and_a_decline_is_within_any_authority(claims, walk):
    claims.ok("decide", walk.critical_illness("investigating"), "partial", "--amount", "50000", "--reason", "r", as_="wang")
    claims.ok(
        "decide",
        walk.critical_illness("investigating", event="2026-04-24"),
        "decline",
        "--ground",
        "exclusion",
        "--reason",
        "r",
        as_="wang",
    )


def test_policy_contract_amount_above_the_sum_insured_is_refused(claims, walk):
    claim = walk.critical_illness("investigating")
    refused(claims.fails(4, "decide", claim, "approve", "--amount", "60000.01", "--reason", "r", as_="zhao"), "sum_insured", "60000.00")


def test_one_decision_per_review(claims, walk):
    claim = walk.critical_illness("decided")
    refused(claims.fails(4, "decide", claim, "partial", "--amount", "100", "--reason", "r", as_="zhao"), "decision_recorded", "already")


def test_notify_without_a_decision_is_refused(claims, walk):
    claim = walk.critical_illness("investigating")
    refused(claims.fails(4, "notify", claim, as_="wang"), "decision_recorded", "no decision")


@pytest.mark.parametrize(
    "ground, rule, source",
    [("nondisclosure", "contestability", "Insurance Law Art. 16"), ("suicide", "suicide_exclusion", "Insurance Law Art. 44")],
)
def test_art16_art44_decline_more_than_two_years_after_issue_is_refused(claims, ground, rule, source):
    # P-2023-0001 was issued 2023-03-01; the insured died 2026-04-25
    claim = claims.ok("report", "P-2023-0001", "--type", "death", "--event-date", "2026-04-25", "--cause", "suicide", as_="li").json[
        "claim"
    ]
    claims.ok("apply", claim, "--applicant", "陈先生", "--id-type", "resident_id", "--id-number", "11010519800501003X", as_="li")
    for doc in ("claim_form", "applicant_id", "bank_account", "death_certificate", "household_deregistration"):
        claims.ok("attach", claim, doc, as_="li")
    claims.ok("investigate", claim, as_="wang")
    result = claims.fails(4, "decide", claim, "decline", "--ground", ground, "--reason", "r", as_="zhao")
    refused(result, rule, "barred", "2023-03-01", source)
    claims.ok("decide", claim, "decline", "--ground", "fraud", "--reason", "fabricated (Art. 27)", as_="zhao")


# paying ---------------------------------------------------------------------------------------------------------------
def test_art23_payment_other_than_the_approved_amount_is_refused(claims, walk):
    claim = walk.critical_illness("notified")
    refused(
        claims.fails(4, "pay", claim, "--amount", "59999.99", as_="wang"), "payment_amount", "60000.00", "59999.99", "Insurance Law Art. 23"
    )
    refused(claims.fails(4, "pay", claim, "--amount", "60000.01", as_="wang"), "payment_amount", "60000.00")


def test_house_rule_four_eyes_the_decider_may_not_release_the_payment(claims, walk):
    claim = walk.critical_illness("notified")
    refused(claims.fails(4, "pay", claim, "--amount", "60000", as_="zhao"), "four_eyes", "zhao", "10000.00", "four-eyes")
    claims.ok("pay", claim, "--amount", "60000", as_="sun")


def test_house_rule_four_eyes_does_not_apply_at_or_below_the_threshold(claims, walk):
    claim = walk.critical_illness("notified", outcome="partial", amount="10000")
    assert claims.ok("pay", claim, "--amount", "10000", as_="zhao").json["state"] == "paid"


def test_art25_advance_payment_before_day_sixty_is_refused(claims, walk):
    claim = walk.critical_illness("investigating")  # applied 2026-05-01 with nothing missing from 2026-05-01
    result = claims.fails(4, "pay", claim, "--amount", "1000", "--advance", as_="wang", now="2026-06-29T09:00:00+08:00")
    refused(result, "advance_payment", "2026-06-30", "Insurance Law Art. 25")


def test_art25_a_plain_payment_during_investigation_is_refused(claims, walk):
    claim = walk.critical_illness("investigating")
    refused(claims.fails(4, "pay", claim, "--amount", "1000", as_="wang", now="2026-07-10T09:00:00+08:00"), "advance_payment", "--advance")


def test_art25_no_advance_flag_once_approved(claims, walk):
    claim = walk.critical_illness("notified")
    refused(claims.fails(4, "pay", claim, "--amount", "60000", "--advance", as_="wang"), "payment_amount", "Art. 25")


# appealing -----------------------------------------------------------------------------------------------------------
def test_house_rule_appeal_after_the_window_is_refused(claims, walk):
    claim = walk.critical_illness("notified", outcome="decline")  # notified 2026-05-01: window to 2026-06-30
    claims.ok("consult", claim, "--note", "customer upset", as_="li", now="2026-06-30T20:00:00+08:00")
    refused(claims.fails(4, "appeal", claim, "--reason", "r", as_="li", now="2026-07-01T09:00:00+08:00"), "appeal_window", "2026-06-30")


def test_house_rule_appeal_on_the_last_day_of_the_window_is_accepted(claims, walk):
    claim = walk.critical_illness("notified", outcome="decline")
    assert claims.ok("appeal", claim, "--reason", "r", as_="li", now="2026-06-30T23:00:00+08:00").json["state"] == "appealed"


def test_appeal_of_a_fully_paid_claim_is_refused(claims, walk):
    claim = walk.critical_illness("paid")
    refused(claims.fails(4, "appeal", claim, "--reason", "want more", as_="li"), "appeal_after_partial", "partial")


# cli.md, Time: "a command dated before the claim's last event is refused (exit 4)" ----------------------------------
def test_cli_md_time_command_dated_before_the_claims_last_event_is_refused(claims, walk):
    claim = walk.critical_illness("applied", now="2026-05-03T10:00:00+08:00")
    result = claims.fails(4, "attach", claim, "claim_form", as_="li", now="2026-05-03T09:59:59+08:00")
    refused(result, "clock", "before the claim's last event", "2026-05-03T10:00:00")
    claims.ok("attach", claim, "claim_form", as_="li", now="2026-05-03T10:00:00+08:00")


def test_cli_md_time_other_claims_may_run_at_an_earlier_time(claims, walk):
    walk.critical_illness("applied", now="2026-05-03T10:00:00+08:00")
    claims.ok(
        "report", "P-2023-0001", "--type", "critical_illness", "--event-date", "2026-04-25", as_="li", now="2026-05-02T09:00:00+08:00"
    )


# issue 10: a refusal says what can be done now ----------------------------------------------------------------------------
def test_a_state_refusal_lists_what_this_user_may_do_now_and_points_to_status(claims, walk):
    claim = walk.critical_illness("reported")
    message = refused(claims.fails(4, "pay", claim, "--amount", "100", as_="wang"), "state", "reported")
    allowed = claims.ok("status", claim, as_="wang").json["allowed_actions"]
    assert f"allowed now: {', '.join(allowed)} — see `claims status {claim}`" in message


def test_a_rule_refusal_lists_the_agents_own_next_steps_not_the_handlers(claims, walk):
    claim = walk.critical_illness("applied")
    message = refused(claims.fails(4, "appeal", claim, "--reason", "r", as_="li"), "state")
    allowed = claims.ok("status", claim, as_="li").json["allowed_actions"]
    assert "investigate" not in allowed and f"allowed now: {', '.join(allowed)}" in message


def test_art23_paying_a_decided_claim_before_notifying_points_to_notify_not_to_advance(claims, walk):
    claim = walk.critical_illness("decided")
    message = refused(claims.fails(4, "pay", claim, "--amount", "60000", as_="sun"), "notified_first", "claims notify", "Art. 23")
    assert "--advance" not in message and "notify" in message.split("allowed now:")[1]
