"""The nine tamper cases of issue 3, each caught by the check named in its assertion.

Every case edits the database file as an attacker with raw access would (the append-only
triggers dropped first), then asks `claims audit verify`. Each test pins the exact problem
(claim, seq, check) its check reports, so it fails if that check goes missing.
"""

from __future__ import annotations

import json

import pytest

from claims.audit import event_hash

from . import test_audit_book
from .test_audit_book import OPEN, PAID, SEQ, canonical

book, book_template = test_audit_book.book, test_audit_book.book_template  # the fixtures, for pytest to find

ADMIN = "@admin"


# 1. an event's payload edited ---------------------------------------------------------------------
def test_an_edited_payload_breaks_that_events_hash(book):
    with book.tampering() as con:
        con.execute("UPDATE audit_event SET payload = replace(payload, 'money comes', 'money came') WHERE claim_id = ? AND seq = ?",
                    (PAID, SEQ["consult"]))
    assert book.found() == {(PAID, SEQ["consult"], "hash")}


def test_an_edited_amount_is_caught_by_its_hash_and_by_replay(book):
    with book.tampering() as con:
        con.execute("UPDATE audit_event SET payload = replace(payload, '\"60000.00\"', '\"6000.00\"') WHERE claim_id = ? AND seq = ?",
                    (PAID, SEQ["pay"]))
    found = book.found()
    assert (PAID, SEQ["pay"], "hash") in found
    assert (PAID, SEQ["pay"], "rule") in found  # a payment must equal the approved amount (Art. 23)
    assert (PAID, None, "stored") in found  # the claim row says 60000.00 was paid


# 2. an event's from/to state edited ------------------------------------------------------------------
def test_an_edited_to_state_is_caught_by_its_hash_and_by_the_state_machine(book):
    with book.tampering() as con:
        con.execute("UPDATE audit_event SET to_state = 'approved' WHERE claim_id = ? AND seq = ?", (PAID, SEQ["investigate"]))
    found = book.found()
    assert {(PAID, SEQ["investigate"], "hash"), (PAID, SEQ["investigate"], "to_state")} <= found


def test_an_edited_from_state_is_caught_by_its_hash_and_by_the_fold(book):
    with book.tampering() as con:
        con.execute("UPDATE audit_event SET from_state = 'applied' WHERE claim_id = ? AND seq = ?", (PAID, SEQ["notify"]))
    assert book.found() == {(PAID, SEQ["notify"], "hash"), (PAID, SEQ["notify"], "from_state")}


# 3. an event deleted from the middle ---------------------------------------------------------------------
def test_a_deleted_event_leaves_a_gap_in_seq_and_a_broken_link(book):
    with book.tampering() as con:
        con.execute("DELETE FROM audit_event WHERE claim_id = ? AND seq = 6", (PAID,))
    assert book.found() == {(PAID, 7, "seq"), (PAID, 7, "chain"), (PAID, SEQ["investigate"], "rule"), (PAID, None, "stored")}


# 4. two events swapped ----------------------------------------------------------------------------------
def test_two_swapped_events_break_both_hashes_and_both_links(book):
    with book.tampering() as con:
        con.execute("UPDATE audit_event SET seq = -5 WHERE claim_id = ? AND seq = 5", (PAID,))
        con.execute("UPDATE audit_event SET seq = 5 WHERE claim_id = ? AND seq = 4", (PAID,))
        con.execute("UPDATE audit_event SET seq = 4 WHERE claim_id = ? AND seq = -5", (PAID,))
    # two attachments trade places: the claim they fold into is the same, only the chain can tell —
    # each now sits at a seq it was not hashed with, and the links into 4, 5 and 6 no longer meet
    assert book.found() == {(PAID, 4, "hash"), (PAID, 5, "hash"), (PAID, 4, "chain"), (PAID, 5, "chain"), (PAID, 6, "chain")}


# 5. an event inserted with a forged hash -------------------------------------------------------------------
def test_an_event_inserted_in_the_middle_breaks_the_link_after_it(book):
    before = {e.seq: e for e in book.events(PAID)}
    at = SEQ["consult"]
    forged_payload = {"args": {"note": "claimant agreed to a lower amount"}}
    e = before[at - 1]
    forged = event_hash(PAID, at, "consult", e.to_state, e.to_state, e.at, "li", "agent", forged_payload, e.settings_version, e.hash)
    with book.tampering() as con:
        for seq in sorted(before, reverse=True)[: len(before) - at + 1]:
            con.execute("UPDATE audit_event SET seq = seq + 1 WHERE claim_id = ? AND seq = ?", (PAID, seq))
        con.execute("INSERT INTO audit_event (claim_id, seq, event, from_state, to_state, at, actor, role, payload, settings_version, "
                    "prev_hash, hash) VALUES (?, ?, 'consult', ?, ?, ?, 'li', 'agent', ?, ?, ?, ?)",
                    (PAID, at, e.to_state, e.to_state, e.at, canonical(forged_payload), e.settings_version, e.hash, forged))
    found = book.found()
    assert (PAID, at + 1, "chain") in found  # the event after it still points at the one before the forgery
    assert not any(seq == at for _, seq, _ in found)  # the forged event itself hashes and links correctly
    assert (PAID, None, "stored") in found  # and the claim row knows one event less


def test_an_event_appended_with_a_made_up_hash_is_caught_by_its_hash(book):
    last = book.events(OPEN)[-1]
    payload = {"args": {"note": "forged"}}
    with book.tampering() as con:
        con.execute("INSERT INTO audit_event (claim_id, seq, event, from_state, to_state, at, actor, role, payload, settings_version, "
                    "prev_hash, hash) VALUES (?, ?, 'consult', 'reported', 'reported', ?, 'li', 'agent', ?, ?, ?, ?)",
                    (OPEN, last.seq + 1, last.at, canonical(payload), last.settings_version, last.hash, "0" * 64))
    found = book.found()
    assert (OPEN, last.seq + 1, "hash") in found
    assert found <= {(OPEN, last.seq + 1, "hash"), (OPEN, None, "stored")}


# 6. the tail truncated (with an anchor) ----------------------------------------------------------------------
def test_a_truncated_tail_is_caught_by_the_anchor(book):
    anchor = book.anchor()
    paid = _previous_claim_row(book)
    with book.tampering() as con:  # remove `close` and put the claim row back as it was before it: all consistent
        con.execute("DELETE FROM audit_event WHERE claim_id = ? AND seq = ?", (PAID, SEQ["close"]))
        con.execute("UPDATE claim SET state = ?, version = ?, snapshot = ?, next_due = ?, updated_at = ? WHERE id = ?",
                    (paid["state"], paid["version"], paid["snapshot"], paid["next_due"], paid["updated_at"], PAID))
    assert book.found() == set()  # the chain alone cannot tell
    assert book.found("--anchor", anchor) == {(PAID, SEQ["close"], "anchor")}
    problem = book.verify("--anchor", anchor).json["problems"][0]["problem"]
    assert "log ends at seq 14" in problem and "removed from the tail" in problem


def _previous_claim_row(book) -> dict:
    """The claim row as it stood before `close`, which changed nothing but the state and the version."""
    row = book.claim_row(PAID)
    snapshot = json.loads(row["snapshot"])
    snapshot.update(state="paid", version=SEQ["pay"])
    return {"state": "paid", "version": SEQ["pay"], "snapshot": canonical(snapshot), "next_due": None, "updated_at": row["updated_at"]}


# 7. a whole chain recomputed consistently (with an anchor) -------------------------------------------------------
def test_a_chain_recomputed_from_scratch_is_caught_by_the_anchor(book):
    anchor = book.anchor()

    def lower_the_benefit(events):
        events[SEQ["decide"] - 1]["payload"]["args"]["amount"] = "55000.00"
        events[SEQ["pay"] - 1]["payload"]["args"]["amount"] = "55000.00"

    book.rewrite(PAID, lower_the_benefit)
    with book.tampering() as con:  # and the claim row to match: a legal, consistent, rewritten history
        snapshot = json.loads(book.claim_row(PAID)["snapshot"])
        snapshot["decision"]["amount"] = snapshot["paid_amount"] = "55000.00"
        snapshot["paid_to"] = {"陈某": "55000.00"}
        con.execute("UPDATE claim SET paid_amount = '55000.00', snapshot = ? WHERE id = ?", (canonical(snapshot), PAID))
    assert book.found() == set()  # every hash links and every step is legal: only the anchor can tell
    assert book.found("--anchor", anchor) == {(PAID, SEQ["close"], "anchor")}
    assert "rewritten" in book.verify("--anchor", anchor).json["problems"][0]["problem"]


def test_an_anchor_whose_chain_vanished_entirely_is_reported(book):
    anchor = book.anchor()
    with book.tampering() as con:
        con.execute("DELETE FROM audit_event WHERE claim_id = ?", (OPEN,))
        con.execute("DELETE FROM claim WHERE id = ?", (OPEN,))
    assert book.found() == set()
    assert book.found("--anchor", anchor) == {(OPEN, 2, "anchor")}


def test_an_edited_anchor_file_is_reported(book, tmp_path):
    doc = json.loads(open(book.anchor()).read())
    doc["heads"][-1]["seq"] = 1
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(doc))
    assert (None, None, "anchor") in book.found("--anchor", str(path))


# the stored payload must be canonical text, a JSON object ---------------------------------------------------------
def _set_payload(book, claim: str, seq: int, change) -> None:
    with book.tampering() as con:
        (text,) = con.execute("SELECT payload FROM audit_event WHERE claim_id = ? AND seq = ?", (claim, seq)).fetchone()
        con.execute("UPDATE audit_event SET payload = ? WHERE claim_id = ? AND seq = ?", (change(text), claim, seq))


@pytest.mark.parametrize("reformat", [
    lambda text: json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False),  # spaces after , and :
    lambda text: json.dumps(json.loads(text), sort_keys=True, separators=(",", ":")),  # 陈某 escaped as \u9648\u67d0
    lambda text: json.dumps(dict(reversed(json.loads(text).items())), separators=(",", ":"), ensure_ascii=False),  # keys unsorted
], ids=["spaced", "escaped", "unsorted"])
def test_a_payload_rewritten_in_another_form_of_the_same_content_is_caught_as_not_canonical(book, reformat):
    """The same content keeps the same hash, so only the canonical-text check can see the stored text changed."""
    _set_payload(book, PAID, SEQ["apply"], reformat)
    assert book.found() == {(PAID, SEQ["apply"], "payload")}


def test_a_payload_with_a_float_is_caught_as_not_canonical_and_by_its_hash(book):
    _set_payload(book, PAID, SEQ["consult"], lambda text: text.replace('{"args":{', '{"args":{"amount":1e16,', 1))
    assert book.found() == {(PAID, SEQ["consult"], "payload"), (PAID, SEQ["consult"], "hash")}


@pytest.mark.parametrize("text, problem", [("{not json", "is not JSON"), ('["a list"]', "is not a JSON object")])
def test_a_payload_that_is_not_a_json_object_is_reported_and_stops_the_replay(book, text, problem):
    _set_payload(book, PAID, SEQ["consult"], lambda _: text)
    doc = book.verify().json
    assert [(p["claim"], p["seq"], p["check"]) for p in doc["problems"]] == [(PAID, SEQ["consult"], "payload")]
    assert problem in doc["problems"][0]["problem"]


# 8. the claim's stored state or amount edited without an event ----------------------------------------------------
@pytest.mark.parametrize("column, value", [("paid_amount", "70000.00"), ("state", "paid"), ("version", 14)])
def test_a_stored_column_edited_without_an_event(book, column, value):
    with book.tampering() as con:
        con.execute(f"UPDATE claim SET {column} = ? WHERE id = ?", (value, PAID))
    doc = book.verify().json
    assert {(p["claim"], p["seq"], p["check"]) for p in doc["problems"]} == {(PAID, None, "stored")}
    assert any(f"stored {column} is" in p["problem"] for p in doc["problems"])


def test_a_stored_snapshot_edited_without_an_event(book):
    snapshot = json.loads(book.claim_row(PAID)["snapshot"])
    snapshot["paid_amount"], snapshot["flags"] = "90000.00", ["late_report"]
    with book.tampering() as con:
        con.execute("UPDATE claim SET snapshot = ? WHERE id = ?", (canonical(snapshot), PAID))
    doc = book.verify().json
    assert [(p["claim"], p["seq"], p["check"]) for p in doc["problems"]] == [(PAID, None, "stored")]
    assert "snapshot differs" in doc["problems"][0]["problem"] and "flags" in doc["problems"][0]["problem"]


# 9. a settings version edited after use ----------------------------------------------------------------------------
def test_a_settings_version_edited_after_use(book):
    with book.tampering() as con:  # a 1-day reporting window would make CLM-000001's report late
        con.execute("UPDATE settings_version SET body = replace(body, '\"reporting_window_days\":10', '\"reporting_window_days\":1')")
    doc = book.verify().json
    assert [(p["claim"], p["seq"], p["check"]) for p in doc["problems"]] == [(ADMIN, 1, "settings")]
    assert "was edited" in doc["problems"][0]["problem"]
    # replay judged every event against the version the admin chain proves, not the edited body
    assert book.ok("replay", PAID).json["consistent"] is True


# the append-only triggers -------------------------------------------------------------------------------------------
def test_update_and_delete_on_the_audit_log_fail_at_the_database(book):
    for statement in ("UPDATE audit_event SET payload = '{}' WHERE claim_id = ?", "DELETE FROM audit_event WHERE claim_id = ?"):
        with book.database.raw() as con, pytest.raises(Exception, match="append-only"):
            con.execute(statement, (PAID,))
    assert book.found() == set()


def test_verification_does_not_depend_on_the_triggers(book):
    assert book.verify().json["warnings"] == []
    with book.tampering():
        pass
    doc = book.verify().json
    assert doc["ok"] is True and doc["problems"] == []
    expected = [f"{table}_no_{verb}" for table in ("audit_event", "policy_version") for verb in ("update", "delete")]
    if book.database.kind == "postgres":  # a server also refuses TRUNCATE
        expected = [f"{table}_no_{verb}" for table in ("audit_event", "policy_version") for verb in ("update", "delete", "truncate")]
    assert [w.split()[3] for w in doc["warnings"]] == expected
