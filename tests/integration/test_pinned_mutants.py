"""Tests that pin what a mutation run found unguarded (issue 8 §5). Each names the single change it catches.

A mutation run over the rules, audit and storage code caught 112 of 117 non-equivalent changes; these are the five it
did not, and the product hole it found, each written from the rule it protects so that the change makes it fail.
"""

from __future__ import annotations

import json

from claims.audit import event_hash
from claims.chain import ChainCheck, Problem, StoredEvent
from claims.storage import claim_row
from workflows.admin_record import read_admin_record
from workflows.replay import Replayer

from . import test_audit_book
from .test_audit_book import PAID, SEQ, START, Book, canonical

book, book_template = test_audit_book.book, test_audit_book.book_template  # the fixtures, for pytest to find


# replay compares a follow-up event's time, actor and role with its command's --------------------------------------------------
def test_a_notice_reattributed_to_an_auditor_in_a_rehashed_chain_is_caught(book):
    """Mutant: drop the (at, actor, role) comparison. A forger who re-hashes the chain could then make the Art. 22 notice
    look sent by an auditor, and verify would find nothing."""
    def reattribute(events):
        events[SEQ["notice"] - 1].update(actor="qian", role="auditor")

    book.rewrite(PAID, reattribute)
    assert book.found() == {(PAID, SEQ["notice"], "follow_up")}


def test_a_notice_redated_in_a_rehashed_chain_is_caught(book):
    def redate(events):
        events[SEQ["notice"] - 1]["at"] = "2026-05-01T09:30:00.000000+08:00"

    book.rewrite(PAID, redate)
    assert (PAID, SEQ["notice"], "follow_up") in book.found()


# replay reports a follow-up that is missing ------------------------------------------------------------------------------------------
def test_a_chain_that_ends_right_after_apply_without_its_notice_is_caught(book):
    """Mutant: stop reporting a derived follow-up the log lacks. A chain ending right after `apply` — the Art. 22 notice cut
    off, the claim row made to match — must still be reported."""
    claim = book.ok("report", "P-2021-0005", "--type", "disability", "--event-date", "2026-04-28", as_="li").json["claim"]
    book.ok("apply", claim, "--applicant", "李强", "--id-type", "resident_id", "--id-number", "44030419701010001X", as_="li")
    with book.tampering() as con:
        con.execute("DELETE FROM audit_event WHERE claim_id = ? AND seq = 3", (claim,))
        _match_claim_row(con, book, claim)
    assert book.found() == {(claim, 2, "follow_up")}


def _match_claim_row(con, book: Book, claim: str) -> None:
    """Make the claim row the fold of the events left, as a careful forger would."""
    from claims.storage import open_store

    store = open_store(str(book.db))
    try:
        with store.read() as tx:
            record = read_admin_record(tx, prove_policies=False)
            rows = [StoredEvent(*row) for row in tx.rows(
                "SELECT claim_id, seq, event, from_state, to_state, at, actor, role, payload, settings_version, prev_hash, hash "
                "FROM audit_event WHERE claim_id = :c ORDER BY seq", {"c": claim})]
    finally:
        store.close()
    folded = Replayer(record).replay(claim, rows[:2]).claim
    row = claim_row(folded, None, None)
    con.execute("UPDATE claim SET version = ?, state = ?, snapshot = ?, next_due = NULL WHERE id = ?",
                (row["version"], row["state"], row["snapshot"], claim))


# the chain check resynchronises after a gap in seq ------------------------------------------------------------------------------------
def _linked(seqs: list[int]) -> list[StoredEvent]:
    rows, prev = [], None
    for seq in seqs:
        payload = {"args": {"note": f"n{seq}"}}
        digest = event_hash("C", seq, "consult", "applied", "applied", START, "li", "agent", payload, "v", prev)
        rows.append(StoredEvent("C", seq, "consult", "applied", "applied", START, "li", "agent", canonical(payload), "v", prev, digest))
        prev = digest
    return rows


def test_after_a_gap_in_seq_the_chain_check_resynchronises():
    """Mutant: count on from the expected seq instead of the one found. One missing event must be one problem, not one per
    event after it."""
    check, problems = ChainCheck("C"), []
    for row in _linked([1, 2, 4, 5, 6]):
        check.link(row, problems)
    assert problems == [Problem("C", 4, "seq", "seq 3 is missing (found seq 4 after 2)")]


def test_a_deleted_event_is_exactly_one_gap_and_one_broken_link(book):
    with book.tampering() as con:
        con.execute("DELETE FROM audit_event WHERE claim_id = ? AND seq = 6", (PAID,))
    # one gap, one broken link, the investigation that now lacks a material (seq 11), the claim row that still counts it:
    # nothing for each event after the gap
    assert book.found() == {(PAID, 7, "seq"), (PAID, 7, "chain"), (PAID, SEQ["investigate"], "rule"), (PAID, None, "stored")}


def test_a_duplicated_seq_is_reported_once(book):
    rows = _linked([1, 2, 3])
    check, problems = ChainCheck("C"), []
    for row in [rows[0], rows[1], rows[1], rows[2]]:
        check.link(row, problems)
    assert [p.check for p in problems] == ["seq", "chain"]  # the third event links to the second again
    assert problems[0].problem.startswith("seq 2 appears again")


# the work queue ------------------------------------------------------------------------------------------------------------------------
def test_the_stored_next_deadline_is_the_earliest_open_one(book):
    """Mutant: store the latest due date instead of the earliest. On day 60 a claim carries its decision deadline (overdue
    since the 5th working day) and the Art. 25 advance payment (due that day): `list --overdue` must show it that very day."""
    claim = book.ok("report", "P-2021-0005", "--type", "disability", "--event-date", "2026-04-28", as_="li").json["claim"]
    for doc in ("claim_form", "applicant_id", "bank_account", "disability_assessment", "medical_records"):
        book.ok("attach", claim, doc, as_="li")
    book.ok("apply", claim, "--applicant", "李强", "--id-type", "resident_id", "--id-number", "44030419701010001X", as_="li")
    book.ok("investigate", claim, as_="wang")
    day60 = "2026-06-30T09:00:00+08:00"  # applied 2026-05-01: decision due 05-11 (5 working days), advance payment from 06-30
    status = book.ok("consult", claim, "--note", "still waiting", as_="li", now=day60).json
    dues = {d["name"]: d["due"] for d in status["deadlines"]}
    assert dues == {"decision": "2026-05-11", "advance_payment": "2026-06-30"}
    assert book.database.rows("SELECT next_due FROM claim WHERE id = ?", (claim,)) == [("2026-05-11",)]
    assert claim in [row["claim"] for row in book.ok("list", "--overdue", as_="li", now=day60).json]


def test_withdrawn_claims_are_left_out_of_the_default_queue(book):
    """Mutant: drop `withdrawn` from the finished states. The queue is work to do; a withdrawn claim is none."""
    claim = book.ok("report", "P-2021-0005", "--type", "disability", "--event-date", "2026-04-28", as_="li").json["claim"]
    book.ok("withdraw", claim, "--reason", "recovered", as_="li")
    assert claim not in [row["claim"] for row in book.ok("list", as_="li").json]
    assert claim in [row["claim"] for row in book.ok("list", "--state", "withdrawn", as_="li").json]
    assert PAID not in [row["claim"] for row in book.ok("list", as_="li").json]  # closed: left out too


# identity against the policy ----------------------------------------------------------------------------------------------------------
def test_a_lower_case_check_character_matches_the_policys_upper_case_x(book):
    """Mutant: compare ID numbers case-sensitively. 陈先生 is policyholder (ID ending in X) and death beneficiary of
    P-2023-0001; typed with a lower-case x his own ID must match."""
    claim = book.ok("report", "P-2023-0001", "--type", "death", "--event-date", "2026-04-28", as_="li").json["claim"]
    book.ok("apply", claim, "--applicant", "陈先生", "--id-type", "resident_id", "--id-number", "11010519800501003x", as_="li")


def test_a_person_on_a_policy_twice_is_checked_against_every_record(book):
    """The hole: 陈先生's beneficiary record carries no ID number; his policyholder record does. Any other valid resident ID
    used to pass, because only the first record found (the beneficiary's) was looked at."""
    claim = book.ok("report", "P-2023-0001", "--type", "death", "--event-date", "2026-04-28", as_="li").json["claim"]
    result = book.run("apply", claim, "--applicant", "陈先生", "--id-type", "resident_id", "--id-number", "110105198005010099",
                      as_="li")
    assert result.code == 4 and result.error["rule"] == "id_matches_policy", result.err
    assert json.loads(book.ok("status", claim, as_="li").out)["state"] == "reported"
