"""Checking stored audit events link into an intact hash chain.

A chain is intact when its ``seq`` runs from 1 without gaps, each ``prev_hash`` is the hash of
the event before it (``null`` for the first), each stored payload is canonical JSON text, and
each hash is the SHA-256 of the event's canonical form (``claims.audit.event_hash``).

The canonical form is assembled here by splicing the payload's canonical text between the
other fields, which is byte-identical to ``event_hash`` and saves encoding each event twice.
"""

from __future__ import annotations

import json
from collections import namedtuple
from dataclasses import dataclass
from hashlib import sha256
from json.encoder import encode_basestring

from claims.audit import event_hash
from claims.canonical import canonical_json

# The stored columns of an audit event, in the order the streaming reads return them.
EVENT_COLUMNS = ("claim_id", "seq", "event", "from_state", "to_state", "at", "actor", "role",
                 "payload", "settings_version", "prev_hash", "hash")
StoredEvent = namedtuple("StoredEvent", EVENT_COLUMNS)  # an audit_event row as stored (payload: text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the record: which claim (or chain), which event, which check, what."""

    claim: str | None
    seq: int | None
    check: str
    problem: str

    def as_dict(self) -> dict:
        return {"claim": self.claim, "seq": self.seq, "check": self.check, "problem": self.problem}

    def __str__(self) -> str:
        where = f"{self.claim} seq {self.seq}" if self.seq is not None else (self.claim or "database")
        return f"{where}: {self.problem} [{self.check}]"


def spliced_hash(row: StoredEvent, canonical_payload: str) -> str:
    """``event_hash`` of a stored row whose payload's canonical text is already known."""
    e, from_state, prev_hash = encode_basestring, row.from_state, row.prev_hash
    try:
        if type(row.seq) is not int:
            raise TypeError("seq")
        text = (f'{{"actor":{e(row.actor)},"at":{e(row.at)},"claim_id":{e(row.claim_id)},"event":{e(row.event)},'
                f'"from":{"null" if from_state is None else e(from_state)},"payload":{canonical_payload},'
                f'"prev_hash":{"null" if prev_hash is None else e(prev_hash)},"role":{e(row.role)},"seq":{row.seq},'
                f'"settings_version":{e(row.settings_version)},"to":{e(row.to_state)}}}')
    except TypeError:  # a column holding another type than the schema's (SQLite keeps what was written): hash it as it is
        return event_hash(row.claim_id, row.seq, row.event, from_state, row.to_state, row.at, row.actor, row.role,
                          json.loads(canonical_payload), row.settings_version, prev_hash)
    return sha256(text.encode("utf-8")).hexdigest()


class ChainCheck:
    """Walks one chain's stored events in ``seq`` order, collecting what does not link."""

    def __init__(self, chain: str, watch: int | None = None):
        self.chain = chain
        self.next_seq = 1
        self.head: str | None = None  # the hash of the last event seen
        self.watch = watch  # a seq whose stored hash to keep (an anchor's head)
        self.watched: str | None = None

    def link(self, row: StoredEvent, problems: list[Problem]) -> dict | None:
        """Check one event; returns its payload (parsed), or None if the payload is not JSON."""
        seq = row.seq
        if type(seq) is not int:
            problems.append(Problem(self.chain, None, "seq", f"an event has seq {seq!r}, not a whole number"))
        elif seq != self.next_seq:
            what = "the chain does not start at seq 1" if self.next_seq == 1 else f"seq {self.next_seq} is missing"
            if seq < self.next_seq:
                what = f"seq {seq} appears again"
            problems.append(Problem(self.chain, seq, "seq", f"{what} (found seq {seq} after {self.next_seq - 1 or 'nothing'})"))
        if row.prev_hash != self.head:
            expected = "null (it is the first event)" if self.head is None else f"{self.head[:12]}…, the hash of the event before"
            problems.append(Problem(self.chain, seq, "chain", f"prev_hash is {_short(row.prev_hash)}, expected {expected}"))
        payload = self._payload(row, problems)
        if payload is not None:
            canonical = canonical_json(payload)
            if canonical != row.payload:
                problems.append(Problem(self.chain, seq, "payload", "the stored payload is not canonical JSON text"))
            if spliced_hash(row, canonical) != row.hash:
                problems.append(Problem(self.chain, seq, "hash", f"the stored hash {_short(row.hash)} does not match the event's content"))
        if seq == self.watch:
            self.watched = row.hash
        self.head = row.hash
        self.next_seq = (seq if type(seq) is int else self.next_seq) + 1
        return payload

    def _payload(self, row, problems: list[Problem]) -> dict | None:
        try:
            payload = parse_json(row.payload)
        except (TypeError, ValueError):
            problems.append(Problem(self.chain, row.seq, "payload", "the stored payload is not JSON"))
            return None
        if not isinstance(payload, dict):
            problems.append(Problem(self.chain, row.seq, "payload", "the stored payload is not a JSON object"))
            return None
        return payload


_scan = json.JSONDecoder().scan_once


def parse_json(text: str):
    """``json.loads`` without its Python-level wrapper, which costs more than the parse of a payload."""
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        end = -1
    return value if end == len(text) else json.loads(text)  # not bare JSON: let json.loads accept it, or say why not


def _short(digest) -> str:
    return "null" if digest is None else f"{str(digest)[:12]}…"
