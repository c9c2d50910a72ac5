"""Verification re-hashes each stored event by splicing its payload's canonical text into the other
fields; that must be byte-for-byte the documented ``event_hash`` (canonical JSON of every field),
whatever the fields hold — including values of the wrong type, which SQLite will store."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from claims.audit import event_hash
from claims.canonical import canonical_json
from claims.chain import StoredEvent, parse_json, spliced_hash

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
