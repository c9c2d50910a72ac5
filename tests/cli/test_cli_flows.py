"""Whole flows as people type them: the deck's claim flow (slide 18) with the deadlines of Insurance Law
Arts. 21–25 and SPC Interpretation II Art. 15, appeals, withdrawal, advance payment, the work queue."""

from __future__ import annotations

import hashlib

from cli_support import CI_DOCS, life_policy, person

from claims.values import with_check_digit


def at(day: str, time: str = "09:00:00") -> str:
    return f"{day}T{time}+08:00"


def deadline(doc: dict, name: str) -> dict:
    """The named deadline of a status, without its days_left (which depends on the day it is read; tests/cli/test_screens.py
    checks it)."""
    found = [d for d in doc["deadlines"] if d["name"] == name]
    assert len(found) == 1, doc["deadlines"]
    return {key: value for key, value in found[0].items() if key != "days_left"}


def events(claims, claim: str) -> list[str]:
    return [e["event"] for e in claims.ok("history", claim, as_="qian").json]


# Insurance Law Art. 21: a late report is accepted but flagged, with its reason --------------------------------------
def test_art21_late_report_is_accepted_and_flagged(claims):
    doc = claims.ok(
        "report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-10", "--late-reason", "in hospital", as_="li"
    ).json
    assert doc["state"] == "reported" and doc["flags"] == ["late_report"]
    status = claims.ok("status", doc["claim"], as_="li").json
    assert "late_report" in status["flags"]
    report = deadline(status, "report")
    assert report["due"] == "2026-04-20" and report["overdue"] is True
    first = claims.ok("history", doc["claim"], as_="qian").json[0]
    assert first["payload"]["late"] is True and first["payload"]["args"]["late_reason"] == "in hospital"


def test_art21_report_on_the_last_day_of_the_window_is_not_late(claims):
    doc = claims.ok("report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-21", as_="li").json
    assert doc["flags"] == []
    assert deadline(claims.ok("status", doc["claim"], as_="li").json, "report") == {
        "name": "report",
        "due": "2026-05-01",
        "overdue": False,
        "rule": "Insurance Law Art. 21; product clause",
    }


def test_reported_claim_shows_the_limitation_deadline(claims, walk):
    status = claims.ok("status", walk.critical_illness("reported"), as_="li").json
    assert deadline(status, "limitation")["due"] == "2028-04-25"  # health line: 2 years (Art. 26)


# deck slide 17: the whole walk, materials in plain words ----------------------------------------------------------------
def test_deck_slide17_status_shows_missing_materials_until_complete(claims, walk):
    claim = walk.critical_illness("applied")
    status = claims.ok("status", claim, as_="li").json
    assert status["missing_documents"] == list(CI_DOCS) and status["received_documents"] == []
    for i, doc in enumerate(CI_DOCS):
        status = claims.ok("attach", claim, doc, as_="li").json
        assert status["received_documents"] == list(CI_DOCS[: i + 1])
        assert status["missing_documents"] == list(CI_DOCS[i + 1 :])
    assert "investigate" not in status["allowed_actions"]  # agents do not investigate
    assert "investigate" in claims.ok("status", claim, as_="wang").json["allowed_actions"]


def test_art22_the_missing_materials_notice_is_one_event_naming_everything(claims, walk):
    claim = walk.critical_illness("applied")
    history = claims.ok("history", claim, as_="qian").json
    notices = [e for e in history if e["event"] == "notice"]
    assert len(notices) == 1
    assert notices[0]["payload"]["missing"] == list(CI_DOCS) and "Art. 22" in notices[0]["payload"]["rule"]
    docs = claims.ok("docs", claim, as_="li").json
    assert docs["notice"]["missing"] == list(CI_DOCS) and docs["notice"]["on"] == "2026-05-01"


def test_art22_no_notice_when_everything_came_before_the_application(claims):
    claim = claims.ok("report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25", as_="li").json["claim"]
    for doc in CI_DOCS:
        claims.ok("attach", claim, doc, as_="li")
    claims.ok("apply", claim, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013", as_="li")
    assert "notice" not in events(claims, claim)
    # CIRC Order 2010 No. 4 Art. 23: the 5th working day after 2026-05-01 — 05-01..05 are the Labour Day holiday and
    # Saturday 05-09 is worked (国办发明电〔2025〕…, as chinese-calendar publishes it): 05-06, 07, 08, 09, 11
    assert deadline(claims.ok("status", claim, as_="li").json, "decision")["due"] == "2026-05-11"


def test_attaching_again_is_recorded_as_a_replacement_copy_with_its_sha256(claims, walk, tmp_path):
    claim = walk.critical_illness("applied")
    scan = tmp_path / "form.pdf"
    scan.write_bytes(b"%PDF-1.4 claim form")
    claims.ok("attach", claim, "claim_form", as_="li")
    claims.ok("attach", claim, "claim_form", "--file", str(scan), as_="li")
    row = next(r for r in claims.ok("docs", claim, as_="li").json["checklist"] if r["document"] == "claim_form")
    assert row["received"] is True and row["copies"] == 2
    last = claims.ok("history", claim, as_="qian").json[-1]
    assert last["event"] == "attach" and last["payload"]["args"]["sha256"] == hashlib.sha256(scan.read_bytes()).hexdigest()


# SPC Interpretation II Art. 15: the decision clock pauses while materials are outstanding -------------------------------
def test_spc_ii_art15_decision_deadline_paused_while_materials_are_missing(claims, walk):
    claim = walk.critical_illness("applied")  # applied 2026-05-01, everything missing (noticed that day)
    status = claims.ok("status", claim, as_="li", now=at("2026-05-11")).json
    # paused 05-02..05-11 (today, while materials are missing); then 5 working days: 05-12, 13, 14, 15, 18
    assert deadline(status, "decision") == {
        "name": "decision",
        "due": "2026-05-18",
        "overdue": False,
        "rule": "CIRC Order 2010 No. 4 Art. 23; SPC Interpretation II Art. 15",
    }
    far = claims.ok("status", claim, as_="li", now=at("2026-07-20")).json
    # paused up to 07-20: 07-21, 22, 23, 24, 27
    assert deadline(far, "decision")["due"] == "2026-07-27" and not deadline(far, "decision")["overdue"]
    for doc in CI_DOCS:
        claims.ok("attach", claim, doc, as_="li", now=at("2026-05-11"))
    # the last supplement arrived 2026-05-11: paused 05-02..05-11, due 05-18 for good
    on_time = claims.ok("status", claim, as_="wang", now=at("2026-05-18", "23:00:00")).json
    assert deadline(on_time, "decision") == {**deadline(status, "decision"), "overdue": False}
    assert "overdue" not in on_time["flags"]
    late = claims.ok("status", claim, as_="wang", now=at("2026-05-19")).json
    assert deadline(late, "decision")["due"] == "2026-05-18" and deadline(late, "decision")["overdue"] is True
    assert "overdue" in late["flags"]


def test_art23_a_complex_case_is_decided_within_30_days(claims, walk):
    claim = walk.critical_illness("applied")  # applied 2026-05-01
    marked = claims.ok("mark-complex", claim, "--reason", "the pathology needs a second opinion", as_="wang").json
    assert marked["complex"] == {"on": "2026-05-01", "reason": "the pathology needs a second opinion"}
    status = claims.ok("status", claim, as_="li", now=at("2026-05-11")).json
    # Insurance Law Art. 23: 30 days from the application, plus the 10 paused days (05-02..05-11)
    assert deadline(status, "decision") == {"name": "decision", "due": "2026-06-10", "overdue": False,
                                            "rule": "Insurance Law Art. 23; SPC Interpretation II Art. 15"}
    again = claims.fails(4, "mark-complex", claim, "--reason", "twice", as_="wang").error
    assert again["rule"] == "complex_case"
    assert claims.fails(6, "mark-complex", claim, "--reason", "r", as_="li").error["rule"] == "role"


def test_a_deadline_beyond_the_published_calendar_says_it_is_counted_monday_to_friday(claims, add_policies):
    add_policies(life_policy("P-2030-0009", "2030-01-01", person("吴某", "11010519800101001", "1980-01-01"), [],
                             coverages=[{"type": "critical_illness", "sum_insured": "10000.00"}]))
    when = "2030-06-03T09:00:00+08:00"
    claim = claims.ok("report", "P-2030-0009", "--type", "critical_illness", "--event-date", "2030-06-01", as_="li", now=when).json
    applied = claims.ok("apply", claim["claim"], "--applicant", "吴某", "--id-type", "resident_id", "--id-number",
                        with_check_digit("11010519800101001"), as_="li", now=when).json
    due = deadline(applied, "decision")
    # paused from 06-04 while the materials are missing (today is 06-03): 06-04 is Tuesday; Mon–Fri: 06-04..06-10
    assert due["due"] == "2030-06-10" and "Monday to Friday" in due["note"]


# Insurance Law Arts. 23 and 24: payment and refusal-notice deadlines ----------------------------------------------------
def test_art24_refusal_notice_due_three_days_after_the_decline(claims, walk):
    claim = walk.critical_illness("decided", outcome="decline")
    status = claims.ok("status", claim, as_="wang", now=at("2026-05-04")).json
    assert deadline(status, "refusal_notice") == {
        "name": "refusal_notice",
        "due": "2026-05-04",
        "overdue": False,
        "rule": "Insurance Law Art. 24",
    }
    assert deadline(claims.ok("status", claim, as_="wang", now=at("2026-05-05")).json, "refusal_notice")["overdue"] is True


def test_art23_payment_due_ten_days_after_the_approval_notice(claims, walk):
    claim = walk.critical_illness("notified")
    status = claims.ok("status", claim, as_="wang", now=at("2026-05-11")).json
    assert status["state"] == "approved"
    assert deadline(status, "payment") == {"name": "payment", "due": "2026-05-11", "overdue": False, "rule": "Insurance Law Art. 23"}
    assert deadline(claims.ok("status", claim, as_="wang", now=at("2026-05-12")).json, "payment")["overdue"] is True


# deck slide 19: a refusal carries coded grounds and a reason, and the appeal path is shown --------------------------------
def test_deck_slide19_refusal_shows_ground_reason_and_the_appeal_path(claims, walk):
    claim = walk.critical_illness("notified", outcome="decline", ground="exclusion")
    status = claims.ok("status", claim, as_="li").json
    assert status["state"] == "declined"
    assert status["decision"]["ground"] == "exclusion" and status["decision"]["reason"] == "excluded condition"
    assert "appeal" in status["allowed_actions"]
    assert deadline(status, "appeal")["due"] == "2026-06-30"
    assert "appeal" in claims.ok("status", claim, as_="li", json_out=False).out


# appeals ---------------------------------------------------------------------------------------------------------------
def test_partial_pay_appeal_investigate_decide_notify_pay_the_difference(claims, walk):
    claim = walk.critical_illness("paid", outcome="partial", amount="40000")
    status = claims.ok("status", claim, as_="li").json
    assert status["state"] == "paid" and status["paid_amount"] == "40000.00" and "appeal" in status["allowed_actions"]
    assert deadline(status, "appeal")["due"] == "2026-06-30"
    appealed = claims.ok("appeal", claim, "--reason", "the whole illness is covered", as_="li", now=at("2026-05-10")).json
    assert appealed["state"] == "appealed" and appealed["decision"] is None
    # a review has its own 5 working days (CIRC Order 2010 No. 4 Art. 23): after Sunday 05-10, 05-11..05-15
    assert deadline(appealed, "decision")["due"] == "2026-05-15"
    claims.ok("investigate", claim, as_="wang", now=at("2026-05-11"))
    refused = claims.fails(4, "decide", claim, "approve", "--amount", "30000", "--reason", "r", as_="zhao", now=at("2026-05-12"))
    assert refused.error["rule"] == "sum_insured" and "40000.00" in refused.error["message"]
    claims.ok("decide", claim, "approve", "--amount", "60000", "--reason", "fully covered on review", as_="zhao", now=at("2026-05-12"))
    claims.ok("notify", claim, as_="wang", now=at("2026-05-12"))
    assert claims.fails(4, "pay", claim, "--amount", "60000", as_="wang", now=at("2026-05-13")).error["rule"] == "payment_amount"
    paid = claims.ok("pay", claim, "--amount", "20000", as_="wang", now=at("2026-05-13")).json
    assert paid["state"] == "paid" and paid["paid_amount"] == "60000.00"
    assert claims.fails(4, "appeal", claim, "--reason", "r", as_="li", now=at("2026-05-14")).error["rule"] == "appeal_after_partial"
    assert events(claims, claim)[-6:] == ["pay", "appeal", "investigate", "decide", "notify", "pay"]


def test_decline_appeal_approve(claims, walk):
    claim = walk.critical_illness("notified", outcome="decline")
    assert claims.ok("appeal", claim, "--reason", "new pathology report", as_="li").json["state"] == "appealed"
    claims.ok("attach", claim, "pathology_report", as_="li")
    assert claims.ok("investigate", claim, as_="wang").json["state"] == "investigating"
    claims.ok("decide", claim, "approve", "--amount", "60000", "--reason", "confirmed on review", as_="zhao")
    assert claims.ok("notify", claim, as_="wang").json["state"] == "approved"
    paid = claims.ok("pay", claim, "--amount", "60000", as_="wang").json
    assert paid["state"] == "paid" and paid["paid_amount"] == "60000.00"
    assert claims.ok("close", claim, as_="wang").json["state"] == "closed"
    moves = [(e["event"], e["from"], e["to"]) for e in claims.ok("history", claim, as_="qian").json if e["from"] != e["to"]]
    assert moves[-6:] == [
        ("notify", "investigating", "declined"),
        ("appeal", "declined", "appealed"),
        ("investigate", "appealed", "investigating"),
        ("notify", "investigating", "approved"),
        ("pay", "approved", "paid"),
        ("close", "paid", "closed"),
    ]


def test_decline_then_close(claims, walk):
    claim = walk.critical_illness("notified", outcome="decline")
    assert claims.ok("close", claim, as_="wang").json["state"] == "closed"
    assert claims.fails(4, "appeal", claim, "--reason", "r", as_="li").error["rule"] == "state"


# withdrawal ---------------------------------------------------------------------------------------------------------------
def test_withdraw_from_each_open_state(claims, walk):
    for i, stage in enumerate(("reported", "applied", "investigating")):
        claim = walk.critical_illness(stage, event=f"2026-04-2{3 + i}")
        doc = claims.ok("withdraw", claim, "--reason", "customer recovered", as_="li").json
        assert doc["state"] == "withdrawn" and doc["allowed_actions"] == ["consult"] and doc["deadlines"] == []
        last = claims.ok("history", claim, as_="qian").json[-1]
        assert (last["event"], last["from"], last["to"]) == ("withdraw", stage, "withdrawn")
        assert last["payload"]["args"]["reason"] == "customer recovered"


def test_withdraw_from_appealed(claims, walk):
    claim = walk.critical_illness("notified", outcome="decline")
    claims.ok("appeal", claim, "--reason", "r", as_="li")
    assert claims.ok("withdraw", claim, "--reason", "accepts the refusal", as_="li").json["state"] == "withdrawn"


# Insurance Law Art. 25: advance payment from day 60, the final payment is the rest ----------------------------------------
def test_art25_advance_payment_after_sixty_days_then_the_rest(claims, walk):
    claim = walk.critical_illness("investigating")  # request with materials 2026-05-01: day 60 is 2026-06-30
    before = claims.ok("status", claim, as_="wang", now=at("2026-06-29")).json
    assert "pay" not in before["allowed_actions"] and all(d["name"] != "advance_payment" for d in before["deadlines"])
    due = claims.ok("status", claim, as_="wang", now=at("2026-06-30")).json
    assert "pay" in due["allowed_actions"]
    assert deadline(due, "advance_payment") == {
        "name": "advance_payment",
        "due": "2026-06-30",
        "overdue": False,
        "rule": "Insurance Law Art. 25",
    }
    advanced = claims.ok("pay", claim, "--amount", "20000", "--advance", as_="wang", now=at("2026-06-30")).json
    assert advanced["state"] == "investigating" and advanced["paid_amount"] == "20000.00" and "advance_paid" in advanced["flags"]
    assert deadline(advanced, "advance_payment")["overdue"] is False
    claims.ok("decide", claim, "approve", "--amount", "60000", "--reason", "amount fixed", as_="zhao", now=at("2026-07-02"))
    claims.ok("notify", claim, as_="wang", now=at("2026-07-02"))
    refused = claims.fails(4, "pay", claim, "--amount", "60000", as_="sun", now=at("2026-07-03"))
    assert refused.error["rule"] == "payment_amount" and "40000.00" in refused.error["message"]
    paid = claims.ok("pay", claim, "--amount", "40000", as_="sun", now=at("2026-07-03")).json
    assert paid["state"] == "paid" and paid["paid_amount"] == "60000.00"
    pays = [e for e in claims.ok("history", claim, as_="qian").json if e["event"] == "pay"]
    assert [(p["from"], p["to"], p["payload"]["args"]["amount"]) for p in pays] == [
        ("investigating", "investigating", "20000.00"),
        ("approved", "paid", "40000.00"),
    ]


def test_art25_advance_beyond_the_sum_insured_is_refused(claims, walk):
    claim = walk.critical_illness("investigating")
    claims.ok("pay", claim, "--amount", "50000", "--advance", as_="wang", now=at("2026-07-01"))
    refused = claims.fails(4, "pay", claim, "--amount", "10000.01", "--advance", as_="wang", now=at("2026-07-02"))
    assert refused.error["rule"] == "sum_insured"


# Art. 22: asking again for a material that could have been named in the notice -----------------------------------------
def test_art22_request_of_a_material_named_in_the_notice_flags_repeat_request(claims, walk):
    claim = walk.critical_illness("investigating")
    doc = claims.ok("request", claim, "pathology_report", "--reason", "a clearer copy", as_="wang").json
    assert "repeat_request" in doc["flags"]
    assert claims.ok("history", claim, as_="qian").json[-1]["payload"]["violation"] is True


def test_art22_request_of_a_new_material_is_no_violation_but_must_arrive(claims, walk):
    claim = walk.critical_illness("investigating")
    doc = claims.ok("request", claim, "itemized_bill", "--reason", "the hospital bill is disputed", as_="wang").json
    assert "repeat_request" not in doc["flags"] and doc["missing_documents"] == ["itemized_bill"]
    refused = claims.fails(4, "decide", claim, "approve", "--amount", "60000", "--reason", "r", as_="zhao")
    assert refused.error["rule"] == "materials_complete" and "itemized_bill" in refused.error["message"]
    claims.ok("attach", claim, "itemized_bill", as_="li")
    claims.ok("decide", claim, "approve", "--amount", "60000", "--reason", "r", as_="zhao")


# conditional materials, as the application makes them known -----------------------------------------------------------------
def test_deck_slide11_guardian_of_a_minor_applies_with_proof_of_guardianship(claims):
    claim = claims.ok("report", "P-2024-0003", "--type", "medical", "--event-date", "2026-04-28", as_="li").json["claim"]
    doc = claims.ok(
        "apply",
        claim,
        "--applicant",
        "陈女士",
        "--id-type",
        "resident_id",
        "--id-number",
        "310101198503030027",
        "--relation",
        "guardian",
        as_="li",
    ).json
    assert doc["state"] == "applied" and doc["applicant"]["for"] == "陈小明"
    assert "guardianship_proof" in doc["missing_documents"]
    assert {"admission_discharge_records", "original_invoices", "itemized_bill"} <= set(doc["missing_documents"])


def test_domain_materials_accidental_death_needs_accident_proof(claims):
    claim = claims.ok("report", "P-2021-0005", "--type", "death", "--event-date", "2026-04-28", "--cause", "accident", as_="li").json[
        "claim"
    ]
    li_na = person("李娜", "44030419721212002", "1972-12-12")["id_number"]
    doc = claims.ok("apply", claim, "--applicant", "李娜", "--id-type", "resident_id", "--id-number", li_na, as_="li").json
    assert doc["applicant"]["relation"] == "beneficiary"
    assert doc["missing_documents"] == [
        "claim_form",
        "applicant_id",
        "bank_account",
        "death_certificate",
        "household_deregistration",
        "accident_proof",
    ]


def test_domain_materials_accident_claim_of_the_insured_needs_a_disability_assessment(claims):
    claim = claims.ok("report", "P-2024-0003", "--type", "accident", "--event-date", "2026-04-28", as_="li").json["claim"]
    doc = claims.ok(
        "apply",
        claim,
        "--applicant",
        "陈女士",
        "--id-type",
        "resident_id",
        "--id-number",
        "310101198503030027",
        "--relation",
        "guardian",
        "--for",
        "陈小明",
        as_="li",
    ).json
    assert {"accident_proof", "disability_assessment", "guardianship_proof"} <= set(doc["missing_documents"])
    assert "death_certificate" not in doc["missing_documents"]


def test_art42_heirs_claim_with_proof_of_inheritance_when_no_beneficiary_is_named(claims, add_policies):
    insured = person("孙某", "11010519500101001", "1950-01-01")
    add_policies(life_policy("P-2020-0008", "2020-01-01", insured, []))
    claim = claims.ok("report", "P-2020-0008", "--type", "death", "--event-date", "2026-04-28", as_="li").json["claim"]
    heir = person("孙小某", "11010519800101002", "1980-01-01")["id_number"]
    doc = claims.ok(
        "apply", claim, "--applicant", "孙小某", "--id-type", "resident_id", "--id-number", heir, "--relation", "heir", as_="li"
    ).json
    assert doc["applicant"]["relation"] == "heir" and "inheritance_proof" in doc["missing_documents"]


def test_product_practice_a_representative_brings_power_of_attorney_and_their_id(claims, walk):
    claim = walk.critical_illness("reported")
    lawyer = person("王律师", "11010519850101003", "1985-01-01")["id_number"]
    doc = claims.ok(
        "apply",
        claim,
        "--applicant",
        "王律师",
        "--id-type",
        "resident_id",
        "--id-number",
        lawyer,
        "--relation",
        "representative",
        as_="li",
    ).json
    assert {"power_of_attorney", "representative_id"} <= set(doc["missing_documents"])


# Insurance Law Arts. 16 and 44 within two years (or after reinstatement) ---------------------------------------------------
def test_art44_suicide_within_two_years_of_reinstatement_may_be_declined(claims, add_policies):
    insured = person("吴某", "11010519700101001", "1970-01-01")
    wife = person("吴太太", "11010519720101002", "1972-01-01", kind="death", share="100")
    add_policies(life_policy("P-2015-0010", "2015-01-01", insured, [wife], reinstated="2025-01-01"))
    claim = claims.ok("report", "P-2015-0010", "--type", "death", "--event-date", "2026-04-25", "--cause", "suicide", as_="li").json[
        "claim"
    ]
    claims.ok("apply", claim, "--applicant", "吴太太", "--id-type", "resident_id", "--id-number", wife["id_number"], as_="li")
    for doc in ("claim_form", "applicant_id", "bank_account", "death_certificate", "household_deregistration"):
        claims.ok("attach", claim, doc, as_="li")
    claims.ok("investigate", claim, as_="wang")
    decided = claims.ok("decide", claim, "decline", "--ground", "suicide", "--reason", "within two years of reinstatement", as_="wang").json
    assert decided["decision"]["ground"] == "suicide"
    assert claims.ok("notify", claim, as_="wang").json["state"] == "declined"


# the work queue: most urgent first, overdue first ---------------------------------------------------------------------------
def test_list_overdue_first_then_by_due_date(claims, walk):
    a = walk.critical_illness("complete", event="2026-04-25", now=at("2026-05-01"))  # decision due 2026-05-11 (5 working days)
    b = walk.critical_illness("notified", event="2026-05-15", now=at("2026-05-20"))  # payment due 2026-05-30
    c = claims.ok("report", "P-2023-0001", "--type", "death", "--event-date", "2026-05-30", as_="li", now=at("2026-06-01")).json["claim"]
    d = walk.critical_illness("complete", event="2026-05-28", now=at("2026-06-01"))  # decision due 2026-06-08: 06-02..05, 08
    rows = claims.ok("list", as_="wang", now=at("2026-06-05")).json
    assert [r["claim"] for r in rows] == [a, b, d, c]
    assert [r["overdue"] for r in rows] == [True, True, False, False]
    assert [r["next_due"] for r in rows] == ["2026-05-11", "2026-05-30", "2026-06-08", "2031-05-30"]
    overdue = claims.ok("list", "--overdue", as_="wang", now=at("2026-06-05")).json
    assert [r["claim"] for r in overdue] == [a, b]
    assert [r["claim"] for r in claims.ok("list", "--overdue", as_="wang", now=at("2026-05-30")).json] == [a]


def test_list_the_work_queue_leaves_out_finished_claims_unless_asked_for(claims, walk):
    paid = walk.critical_illness("paid")
    claims.ok("close", paid, as_="wang")
    assert claims.ok("list", as_="qian").json == []
    rows = claims.ok("list", "--state", "closed", as_="qian").json
    assert rows == [
        {"claim": paid, "policy": "P-2022-0002", "type": "critical_illness", "state": "closed", "next_due": None, "next_deadline": None,
         "overdue": False, "applicant": "陈某", "insured": "陈某", "assignee": None}
    ]


# the diagram --------------------------------------------------------------------------------------------------------------
def test_diagram_draws_the_machine(claims):
    mermaid = claims.ok("diagram", as_="qian").json
    assert mermaid["format"] == "mermaid" and "investigating --> approved: notify" in mermaid["diagram"]
    dot = claims.ok("diagram", "--format", "dot", as_="admin").json
    assert '"paid" -> "appealed" [label="appeal"];' in dot["diagram"]


def test_list_limit_keeps_the_most_urgent(claims, walk):
    # x: applied 2026-05-01 with everything missing — its decision clock is paused (SPC II Art. 15), due moves on
    x = walk.critical_illness("applied", event="2026-04-25", now=at("2026-05-01"))
    # y: complete on 2026-05-02, decision due 2026-05-11 — overdue on 2026-06-05
    y = walk.critical_illness("complete", event="2026-04-26", now=at("2026-05-02"))
    rows = claims.ok("list", as_="wang", now=at("2026-06-05")).json
    # x on 06-05: paused 05-02..06-05, then 06-08, 09, 10, 11, 12
    assert [r["claim"] for r in rows] == [y, x] and rows[0]["overdue"] and rows[1]["next_due"] == "2026-06-12"
    assert [r["claim"] for r in claims.ok("list", "--limit", "1", as_="wang", now=at("2026-06-05")).json] == [y]
