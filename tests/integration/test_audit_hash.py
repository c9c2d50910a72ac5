"""Verification re-hashes each stored event by splicing its payload's canonical text into the other
fields; that must be byte-for-byte the documented ``event_hash`` (canonical JSON of every field),
whatever the fields hold — including values of the wrong type, which SQLite will store."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from claims.audit import event_hash, seal
from claims.canonical import canonical_json
from claims.chain import ChainCheck, StoredEvent, parse_json, spliced_hash

from . import test_audit_book

book, book_template = test_audit_book.book, test_audit_book.book_template  # the fixtures, for pytest to find

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=20)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | TEXT,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=10)
ODD = st.none() | st.integers() | TEXT


@given(claim=TEXT, seq=st.integers(1, 10**9), event=TEXT, from_state=st.none() | TEXT, to_state=TEXT, at=TEXT, actor=TEXT, role=TEXT,
       payload=st.dictionaries(TEXT, JSON, max_size=4), version=TEXT, prev=st.none() | TEXT)
def test_the_spliced_hash_is_the_event_hash(claim, seq, event, from_state, to_state, at, actor, role, payload, version, prev):
    row = StoredEvent(claim, seq, event, from_state, to_state, at, actor, role, canonical_json(payload), version, prev, "")
    expected = event_hash(claim, seq, event, from_state, to_state, at, actor, role, payload, version, prev)
    assert spliced_hash(row, canonical_json(payload)) == expected
    assert parse_json(row.payload) == payload


@given(seq=ODD | st.booleans(), actor=ODD, from_state=ODD)
def test_columns_of_another_type_are_hashed_as_they_are(seq, actor, from_state):
    payload = {"args": {}}
    row = StoredEvent("CLM-1", seq, "consult", from_state, "applied", "2026-05-01", actor, "agent", canonical_json(payload), "v", None, "")
    expected = event_hash("CLM-1", seq, "consult", from_state, "applied", "2026-05-01", actor, "agent", payload, "v", None)
    assert spliced_hash(row, canonical_json(payload)) == expected


# Hashes pinned as the code before orjson (commit 905d08c) computed them: the writer path must keep producing
# exactly these, or databases written before could no longer be verified.
PINNED_PAYLOAD = {"args": {"applicant": "陈某", "id_type": "resident_id", "id_number": "630102197502110013", "relation": None,
                           "signed_by": None},
                  "facts": {"persons": {"insured": {"name": "陈某", "birth_date": "1975-02-11"}, "beneficiaries": []}},
                  "note": "tab\there, line\u2028separator, control\x01, quote \" backslash \\ slash / emoji 😀 DEL \x7f", "count": 3,
                  "late": False, "required": ["claim_form", "applicant_id"]}
PINNED_EVENT = ("CLM-000001", 2, "apply", "reported", "applied", "2026-05-01T09:00:00+08:00", "li", "agent", PINNED_PAYLOAD,
                "e84aea038c79f5b2bb0e1a9fd6d02e4b1c7a1e0a8f2b7b8d5e4b1d3e9c3a2f10", "f8b97e80" + "0" * 56)
PINNED_HASH = "bc343f72fe1aab326bba113505bc73846afdb7e5d681a08a0b5f8f510e79605c"
# The heads of the book below. They changed, on purpose, when steps began to record the policy version they read and
# imports the versions they attest (issue 8), and again with the working-day settings and the calendar an application
# records (issue 11); the event hash above did not change.
PINNED_HEADS = [("@admin", 7, "cccdd9893a00bbddb8d3a0002959b3c6a310da181e75635ea9ab69c1d977d29c"),  # with the 7 example policies
                ("CLM-000001", 15, "57ce420fab288521d951a0bdf33c30f6f0b5038caba1b5f8e96ba83cd1b84030"),
                ("CLM-000002", 2, "9795e3dbc855405c5f5b108a2326fbd7425ec3929e8d618c777d6d2bf87ad5a8")]
PINNED_SETTINGS = "5801ccc88e7bc11721d89e46de31acd7eb80f4047455341056412679933394a3"


def test_a_known_event_hashes_as_it_always_has():
    assert event_hash(*PINNED_EVENT) == PINNED_HASH
    assert seal(*PINNED_EVENT).hash == PINNED_HASH
    claim, seq, event, from_state, to_state, at, actor, role, payload, version, prev = PINNED_EVENT
    row = StoredEvent(claim, seq, event, from_state, to_state, at, actor, role, canonical_json(payload), version, prev, PINNED_HASH)
    check, problems = ChainCheck(claim), []
    check.next_seq, check.head = seq, prev
    assert check.link(row, problems) == payload and problems == []


def test_the_audited_book_written_through_the_cli_hashes_as_it_always_has(book):
    """Every event of the tamper tests' book, written by the real commands at fixed times, ends in the same heads — on either
    back end: the hashes do not depend on where the events are stored."""
    heads = book.database.rows("SELECT claim_id, max(seq), hash FROM audit_event e WHERE seq = (SELECT max(seq) FROM audit_event "
                               "WHERE claim_id = e.claim_id) GROUP BY claim_id, hash ORDER BY claim_id")
    versions = [row[0] for row in book.database.rows("SELECT version FROM settings_version")]
    assert heads == PINNED_HEADS
    assert versions == [PINNED_SETTINGS]
    assert book.found() == set()
