"""Checking stored audit events link into an intact hash chain.

A chain is intact when its ``seq`` runs from 1 without gaps, each ``prev_hash`` is the hash of
the event before it (``null`` for the first), each stored payload is canonical JSON text, and
each hash is the SHA-256 of the event's canonical form (``claims.audit.event_hash``).

The canonical form is assembled here by splicing the payload's canonical text between the
other fields, which is byte-identical to ``event_hash`` and saves encoding each event twice.

An ordinary event takes a quick route: its payload is parsed by the standard library exactly as
``json.loads`` parses it (any float or NaN is marked as it is read), re-encoded by orjson —
byte-identical to ``canonical_json`` for such plain values, see ``claims.canonical`` — and the
event is hashed with that text spliced in as an ``orjson.Fragment``. A payload holding a float,
a column holding another type than text, a whole number or null, or anything orjson declines
takes the original route through the standard library alone (``_link_slowly``), so what is
reported never depends on the route (tests/unit/test_chain_routes.py compares them).
"""

from __future__ import annotations

import json
from collections import namedtuple
from dataclasses import dataclass
from hashlib import sha256
from json.encoder import encode_basestring

import orjson

from claims.audit import event_hash
from claims.canonical import REFUSED, canonical_json, plain_canonical_bytes, undecodable
from claims.i18n import _, listing

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
        if self.seq is not None:
            where = _("{claim} seq {seq}").format(claim=self.claim, seq=self.seq)
        else:
            where = self.claim or _("database")
        return _("{where}: {problem} [{check}]").format(where=where, problem=self.problem, check=self.check)


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
            problems.append(Problem(self.chain, None, "seq", _("an event has seq {seq!r}, not a whole number").format(seq=seq)))
        elif seq != self.next_seq:
            problems.append(Problem(self.chain, seq, "seq", _seq_problem(seq, self.next_seq)))
        if row.prev_hash != self.head:
            problems.append(Problem(self.chain, seq, "chain", _prev_hash_problem(row.prev_hash is None, self.head is None)))
        payload = self._link_quickly(row, problems)
        if seq == self.watch:
            self.watched = row.hash
        self.head = row.hash
        self.next_seq = (seq if type(seq) is int else self.next_seq) + 1
        return payload

    def _link_quickly(self, row: StoredEvent, problems: list[Problem]):
        """The payload checked for canonical text and the event for its hash, through orjson; else `_link_slowly`."""
        text = row.payload
        try:
            payload, end = _scan_marking_floats(text, 0)
        except (StopIteration, ValueError, TypeError):
            return self._link_slowly(row, problems)
        if end != len(text) or type(payload) is not dict or not _PLAIN_COLUMNS.issuperset(map(type, row)):
            return self._link_slowly(row, problems)
        canonical = plain_canonical_bytes(payload)  # None if a float was read (orjson refuses the marked ones)
        digest = None if canonical is None else _event_digest(row, canonical)
        if digest is None:
            return self._link_slowly(row, problems)
        if canonical != text.encode("utf-8", "surrogatepass"):  # (a lone surrogate cannot get here; if it did, it is not canonical)
            problems.append(Problem(self.chain, row.seq, "payload", _("the stored payload is not canonical JSON text")))
        if digest != row.hash:
            problems.append(self._hash_problem(row))
        return payload

    def _link_slowly(self, row: StoredEvent, problems: list[Problem]):
        """The same checks through the standard library alone: for any event, however unusual."""
        unreadable = [column for column, value in zip(EVENT_COLUMNS, row, strict=True) if undecodable(value)]
        if unreadable:
            problems.append(Problem(self.chain, row.seq, "encoding", _("the stored {columns} is not UTF-8 text: it was written outside "
                                                                       "this tool").format(columns=listing(unreadable))))
            return None
        payload = self._payload(row, problems)
        if payload is not None:
            canonical = canonical_json(payload)
            if canonical != row.payload:
                problems.append(Problem(self.chain, row.seq, "payload", _("the stored payload is not canonical JSON text")))
            if spliced_hash(row, canonical) != row.hash:
                problems.append(self._hash_problem(row))
        return payload

    def _hash_problem(self, row: StoredEvent) -> Problem:
        return Problem(self.chain, row.seq, "hash", _("the stored hash does not match the event's content"))

    def _payload(self, row, problems: list[Problem]) -> dict | None:
        try:
            payload = parse_json(row.payload)
        except (TypeError, ValueError):
            problems.append(Problem(self.chain, row.seq, "payload", _("the stored payload is not JSON")))
            return None
        if not isinstance(payload, dict):
            problems.append(Problem(self.chain, row.seq, "payload", _("the stored payload is not a JSON object")))
            return None
        return payload


def _seq_problem(seq: int, expected: int) -> str:
    """An event out of its place in the chain: `expected` is the seq that should come next."""
    if seq < expected:
        if expected == 1:  # a seq below 1
            return _("seq {seq} appears again (found seq {seq} after nothing)").format(seq=seq)
        return _("seq {seq} appears again (found seq {seq} after {last})").format(seq=seq, last=expected - 1)
    if expected == 1:
        return _("the chain does not start at seq 1 (found seq {seq} after nothing)").format(seq=seq)
    return _("seq {missing} is missing (found seq {seq} after {last})").format(missing=expected, seq=seq, last=expected - 1)


def _prev_hash_problem(found_null: bool, first: bool) -> str:
    if first:
        return _("prev_hash is null; it must be null, as the first event's") if found_null else \
            _("prev_hash is another value; it must be null, as the first event's")
    return _("prev_hash is null; it must be the hash of the event before it") if found_null else \
        _("prev_hash is another value; it must be the hash of the event before it")


_scan = json.JSONDecoder().scan_once


class _Float(float):
    """A float read from a payload: orjson refuses it (OPT_PASSTHROUGH_SUBCLASS), so the event takes the slow route."""


_scan_marking_floats = json.JSONDecoder(parse_float=_Float, parse_constant=_Float).scan_once  # otherwise exactly _scan
_PLAIN_COLUMNS = frozenset({str, int, type(None)})  # column types that orjson writes exactly as canonical_json does
_Fragment = orjson.Fragment


def _event_digest(row: StoredEvent, canonical_payload: bytes) -> str | None:
    """``event_hash`` of a row whose columns are all str, int or None; None if orjson declines one (e.g. a lone surrogate)."""
    try:
        text = orjson.dumps({"actor": row.actor, "at": row.at, "claim_id": row.claim_id, "event": row.event, "from": row.from_state,
                             "payload": _Fragment(canonical_payload), "prev_hash": row.prev_hash, "role": row.role, "seq": row.seq,
                             "settings_version": row.settings_version, "to": row.to_state})  # keys written in sorted order
    except REFUSED:
        return None
    return sha256(text).hexdigest()


def parse_json(text: str):
    """``json.loads`` without its Python-level wrapper, which costs more than the parse of a payload."""
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        end = -1
    return value if end == len(text) else json.loads(text)  # not bare JSON: let json.loads accept it, or say why not

