"""ChainCheck takes a quick route through orjson for ordinary events; it must report exactly what the
standard-library route reported, for any stored row whatsoever.

``Reference`` below is ``claims/chain.py``'s check as it was before orjson (the standard library
alone), kept verbatim. Rows are drawn from ordinary events and from everything a damaged or forged
database can hold: payloads that are not canonical (spaces, escaped non-ASCII, unsorted or repeated
keys), floats that orjson would write differently (1e16, 1e-05), NaN, lone surrogates, whole
numbers beyond 64 bits, JSON that is not an object, text that is not JSON, columns of another type
than text. Both must find the same problems, in the same order, and hand replay the same payload.
"""

from __future__ import annotations

import json
from hashlib import sha256
from json.encoder import encode_basestring

from hypothesis import example, given
from hypothesis import strategies as st

from claims.audit import event_hash
from claims.canonical import standard_json
from claims.chain import EVENT_COLUMNS, ChainCheck, Problem, StoredEvent


# --- the standard-library route, as claims/chain.py had it -------------------------------------------
def _reference_spliced_hash(row, canonical_payload: str) -> str:
    e, from_state, prev_hash = encode_basestring, row.from_state, row.prev_hash
    try:
        if type(row.seq) is not int:
            raise TypeError("seq")
        text = (f'{{"actor":{e(row.actor)},"at":{e(row.at)},"claim_id":{e(row.claim_id)},"event":{e(row.event)},'
                f'"from":{"null" if from_state is None else e(from_state)},"payload":{canonical_payload},'
                f'"prev_hash":{"null" if prev_hash is None else e(prev_hash)},"role":{e(row.role)},"seq":{row.seq},'
                f'"settings_version":{e(row.settings_version)},"to":{e(row.to_state)}}}')
    except TypeError:
        return event_hash(row.claim_id, row.seq, row.event, from_state, row.to_state, row.at, row.actor, row.role,
                          json.loads(canonical_payload), row.settings_version, prev_hash)
    return sha256(text.encode("utf-8")).hexdigest()


_scan = json.JSONDecoder().scan_once


def _reference_parse_json(text: str):
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        end = -1
    return value if end == len(text) else json.loads(text)


def _not_utf8(value) -> bool:
    if not isinstance(value, str) or type(value) is not str:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _linked(seqs: list[int]) -> list[StoredEvent]:
    """Events that link by hash, with the seqs given (a gap where one is skipped)."""
    rows, prev = [], None
    for seq in seqs:
        payload = {"args": {"note": f"n{seq}"}}
        digest = event_hash("CLM-000001", seq, "consult", "applied", "applied", "2026-05-01T09:00:00+08:00", "li", "agent", payload,
                            "v", prev)
        rows.append(StoredEvent("CLM-000001", seq, "consult", "applied", "applied", "2026-05-01T09:00:00+08:00", "li", "agent",
                                standard_json(payload), "v", prev, digest))
        prev = digest
    return rows


class Reference:
    def __init__(self, chain: str, watch: int | None = None):
        self.chain, self.next_seq, self.head, self.watch, self.watched = chain, 1, None, watch, None

    def link(self, row, problems: list[Problem]):
        seq = row.seq
        if type(seq) is not int:
            problems.append(Problem(self.chain, None, "seq", f"an event has seq {seq!r}, not a whole number"))
        elif seq != self.next_seq:
            what = "the chain does not start at seq 1" if self.next_seq == 1 else f"seq {self.next_seq} is missing"
            if seq < self.next_seq:
                what = f"seq {seq} appears again"
            problems.append(Problem(self.chain, seq, "seq", f"{what} (found seq {seq} after {self.next_seq - 1 or 'nothing'})"))
        if row.prev_hash != self.head:
            expected = "null, as the first event's" if self.head is None else "the hash of the event before it"
            found = "null" if row.prev_hash is None else "another value"
            problems.append(Problem(self.chain, seq, "chain", f"prev_hash is {found}; it must be {expected}"))
        unreadable = [column for column, value in zip(EVENT_COLUMNS, row, strict=True) if _not_utf8(value)]
        payload = None
        if unreadable:
            problems.append(Problem(self.chain, row.seq, "encoding", f"the stored {', '.join(unreadable)} is not UTF-8 text: "
                                    "it was written outside this tool"))
        else:
            payload = self._payload(row, problems)
        if payload is not None:
            canonical = standard_json(payload)
            if canonical != row.payload:
                problems.append(Problem(self.chain, seq, "payload", "the stored payload is not canonical JSON text"))
            if _reference_spliced_hash(row, canonical) != row.hash:
                problems.append(Problem(self.chain, seq, "hash", "the stored hash does not match the event's content"))
        if seq == self.watch:
            self.watched = row.hash
        self.head = row.hash
        self.next_seq = (seq if type(seq) is int else self.next_seq) + 1
        return payload

    def _payload(self, row, problems):
        try:
            payload = _reference_parse_json(row.payload)
        except (TypeError, ValueError):
            problems.append(Problem(self.chain, row.seq, "payload", "the stored payload is not JSON"))
            return None
        if not isinstance(payload, dict):
            problems.append(Problem(self.chain, row.seq, "payload", "the stored payload is not a JSON object"))
            return None
        return payload


# --- rows -----------------------------------------------------------------------------------------
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=10) | st.sampled_from(["陈某", "\u2028", "😀", "\x00\x7f", 'a"b\\c'])
ODD_TEXT = st.text(max_size=6)  # lone surrogates included
COLUMN = TEXT | st.integers(-5, 5) | st.just(2**64) | st.floats(allow_nan=False) | st.just(float("nan")) | st.booleans() | ODD_TEXT
JSON = st.recursive(st.none() | st.booleans() | st.integers() | TEXT | st.floats(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8)
ODD_PAYLOADS = ['{"a":1e16}', '{"a":1e+16}', '{"a":1e-05}', '{"a":0.00001}', '{"a":1.0}', '{"a":1E5}', '{"a":NaN}', '{"a":-Infinity}',
                '{"a":"\\ud800"}', '{"a":18446744073709551616}', '{"a":-0}', '{"a":1,"a":2}', '{"b":1,"a":2}', ' {"a":1}', '{"a":1} ',
                '{"a": 1}', '{"a":"\\u00e9"}', '{"a":"é"}', '{"a":"\\/"}', '[1]', '"x"', "1", "null", "", "not json", '{"a":1', "{}"]


@st.composite
def payload_text(draw):
    kind = draw(st.sampled_from(["canonical", "canonical", "spaced", "ascii", "unsorted", "odd", "type"]))
    value = draw(st.dictionaries(TEXT, JSON, max_size=4))
    if kind == "canonical":
        return standard_json(value)
    if kind == "spaced":
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if kind == "ascii":
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    if kind == "unsorted":
        return json.dumps(dict(reversed(list(value.items()))), separators=(",", ":"), ensure_ascii=False)
    if kind == "odd":
        return draw(st.sampled_from(ODD_PAYLOADS))
    return draw(st.none() | st.integers() | st.binary(max_size=4) | ODD_TEXT)


@st.composite
def rows(draw):
    chain, found = [], []
    for seq in range(1, draw(st.integers(1, 4)) + 1):
        fields = {"claim_id": "CLM-000001", "seq": seq, "event": "attach", "from_state": "applied", "to_state": "applied",
                  "at": "2026-05-01T09:00:00+08:00", "actor": "李", "role": "agent", "settings_version": "e84aea038c79",
                  "prev_hash": chain[-1].hash if chain else None}
        for name in draw(st.sets(st.sampled_from(sorted(fields)), max_size=2)):
            fields[name] = draw(COLUMN | st.none())
        text = draw(payload_text())
        digest = None
        try:
            digest = _reference_spliced_hash(StoredEvent(payload=text, hash=None, **fields), standard_json(_reference_parse_json(text)))
        except Exception:  # noqa: BLE001 - no honest hash can be computed for this row
            pass
        if draw(st.booleans()) or digest is None:
            digest = draw(st.none() | st.sampled_from(["0" * 64, "f" * 64]) | st.just(digest))
        chain.append(StoredEvent(payload=text, hash=digest, **fields))
        found.append(fields)
    return chain


def _outcome(checker, chain):
    problems, payloads = [], []
    for row in chain:
        try:
            payloads.append(repr(checker.link(row, problems)))
        except Exception as exc:  # noqa: BLE001 - both routes must fail alike
            payloads.append(f"raised {type(exc).__name__}: {exc}")
            break
    return [p.as_dict() for p in problems], payloads, checker.head, checker.next_seq, checker.watched


@given(rows(), st.none() | st.integers(1, 4))
@example(_linked([1, 2, 4, 5]), None)  # a gap: one problem, then the check follows the seqs found again
@example(_linked([2, 3]), 3)
@example([StoredEvent("CLM-1", 1, "consult", None, "reported", "2026-05-01T09:00:00+08:00", "li", "agent", '{"a":1e16}', "v", None,
                      event_hash("CLM-1", 1, "consult", None, "reported", "2026-05-01T09:00:00+08:00", "li", "agent", {"a": 1e16}, "v",
                                 None))], None)
def test_the_quick_route_reports_exactly_what_the_standard_library_route_reports(chain, watch):
    assert _outcome(ChainCheck("CLM-000001", watch), chain) == _outcome(Reference("CLM-000001", watch), chain)


def test_an_ordinary_event_verifies_on_the_quick_route(monkeypatch):
    """The quick route is the one taken for what the CLI writes (else this file would prove nothing of use)."""
    payload = {"args": {"document": "claim_form", "sha256": None}, "note": "陈某 \u2028 😀"}
    digest = event_hash("CLM-000001", 1, "report", None, "reported", "2026-05-01T09:00:00+08:00", "li", "agent", payload, "v", None)
    row = StoredEvent("CLM-000001", 1, "report", None, "reported", "2026-05-01T09:00:00+08:00", "li", "agent", standard_json(payload),
                      "v", None, digest)
    monkeypatch.setattr(ChainCheck, "_link_slowly", lambda *args: (_ for _ in ()).throw(AssertionError("slow route taken")))
    problems: list[Problem] = []
    assert ChainCheck("CLM-000001").link(row, problems) == payload
    assert problems == []
