"""Streaming reads of the audit log for replay, verification, anchors and export.

Everything here reads in pages or through the driver's cursor, so memory stays flat however
long the log grows. Events always come in (claim_id, seq) order, served by the
``uq_audit_event_claim_seq`` index.
"""

from __future__ import annotations

from collections import namedtuple
from itertools import groupby
from operator import attrgetter

from claims.audit import ADMIN_CHAIN
from claims.chain import EVENT_COLUMNS, StoredEvent
from claims.storage import Tx

CLAIM_COLUMNS = ("id", "number", "policy", "type", "event_date", "state", "version", "paid_amount", "snapshot", "assignee", "people")
StoredClaim = namedtuple("StoredClaim", CLAIM_COLUMNS)  # the claim columns verification compares
Head = namedtuple("Head", ("claim_id", "seq", "hash"))
PAGE = 500  # claims per page: their events are read with one indexed query

SELECT_CLAIMS = f"SELECT {', '.join(CLAIM_COLUMNS)} FROM claim"
SELECT_EVENTS = f"SELECT {', '.join(EVENT_COLUMNS)} FROM audit_event"
NOT_ADMIN = f"claim_id != '{ADMIN_CHAIN}'"


def chains(tx: Tx, only: str | None = None, lo: str | None = None, hi: str | None = None, page: int = PAGE, on_page=None):
    """(claim row, its events in seq order) for every claim — or just `only`, or those with lo <= id < hi — in id order.
    `on_page(rows)` is told each page of claim rows before their chains are yielded."""
    for rows in _claim_pages(tx, only, lo, hi, page):
        if on_page is not None:
            on_page(rows)
        ids = [row.id for row in rows]
        events = {claim_id: list(group) for claim_id, group in groupby(_events_of(tx, ids), key=attrgetter("claim_id"))}
        for row in rows:
            yield row, events.get(row.id, [])


def claim_row(tx: Tx, claim_id: str):
    """The stored claim row (the columns verification compares), or None."""
    rows = tx.all_rows(f"{SELECT_CLAIMS} WHERE id = :id", {"id": claim_id})
    return StoredClaim._make(rows[0]) if rows else None


def _claim_pages(tx: Tx, only: str | None, lo: str | None, hi: str | None, page: int):
    if only is not None:
        row = claim_row(tx, only)
        if row is not None:
            yield [row]
        return
    bounds = {"lo": lo, "hi": hi, "page": page}
    upper = "" if hi is None else " AND id < :hi"
    first = f"{SELECT_CLAIMS} WHERE {'1=1' if lo is None else 'id >= :lo'}{upper} ORDER BY id LIMIT :page"
    following = f"{SELECT_CLAIMS} WHERE id > :after{upper} ORDER BY id LIMIT :page"
    rows = [StoredClaim._make(row) for row in tx.all_rows(first, bounds)]
    while rows:
        yield rows
        rows = [StoredClaim._make(row) for row in tx.all_rows(following, {**bounds, "after": rows[-1].id})]


def split_points(tx: Tx, parts: int) -> list[str]:
    """Claim ids that cut the claims, in id order, into `parts` ranges of about the same size."""
    total = tx.value("SELECT count(*) FROM claim")
    points = []
    for k in range(1, parts):
        point = tx.value("SELECT id FROM claim ORDER BY id LIMIT 1 OFFSET :skip", {"skip": total * k // parts})
        if point is not None and point not in points:
            points.append(point)
    return points


def _events_of(tx: Tx, claim_ids: list[str]):
    marks, params = _marks(claim_ids)
    return map(StoredEvent._make, tx.all_rows(f"{SELECT_EVENTS} WHERE claim_id IN ({marks}) ORDER BY claim_id, seq", params))


def chain(tx: Tx, claim_id: str) -> list:
    """One chain's events in seq order (a claim's, or the admin chain)."""
    return list(_events_of(tx, [claim_id]))


def claim_event_count(tx: Tx, only: str | None = None) -> int:
    """Events on claim chains (the admin chain aside)."""
    if only:
        return tx.value("SELECT count(*) FROM audit_event WHERE claim_id = :only", {"only": only})
    return tx.value(f"SELECT count(*) FROM audit_event WHERE {NOT_ADMIN}")


def orphan_chains(tx: Tx, only: str | None = None) -> list[tuple[str, int]]:
    """Chains (or just `only`) with events but no claim row: (claim_id, number of events)."""
    just = "" if only is None else " AND claim_id = :only"
    sql = (f"SELECT claim_id, count(*) FROM audit_event WHERE {NOT_ADMIN} AND claim_id NOT IN (SELECT id FROM claim){just} "
           "GROUP BY claim_id ORDER BY claim_id")
    return [(claim_id, count) for claim_id, count in tx.rows(sql, {"only": only})]


def settings_bodies(tx: Tx) -> list[tuple[str, str]]:
    """Every stored settings version and its body, as stored."""
    return [(version, body) for version, body in tx.all_rows("SELECT version, body FROM settings_version")]


def meta_value(tx: Tx, key: str) -> str | None:
    return tx.value("SELECT value FROM meta WHERE key = :key", {"key": key})


def policy_versions(tx: Tx, numbers: list[str] | None = None):
    """(number, digest, body) of every stored policy version (or those of `numbers`), streamed."""
    if numbers is None:
        return iter(tx.rows("SELECT number, digest, body FROM policy_version ORDER BY number"))
    marks, params = _marks(numbers)
    return iter(tx.rows(f"SELECT number, digest, body FROM policy_version WHERE number IN ({marks})", params))


def policy_bodies(tx: Tx, numbers) -> dict[str, str]:
    """{digest: body} of every stored version of the given policies."""
    return {digest: body for _, digest, body in policy_versions(tx, sorted(set(numbers)))} if numbers else {}


def policies(tx: Tx):
    """(number, digest, body) of every policy in force, streamed."""
    return iter(tx.rows("SELECT number, digest, body FROM policy ORDER BY number"))


def _marks(values: list) -> tuple[str, dict]:
    """Named placeholders for an IN list (every back end accepts them)."""
    params = {f"v{i}": value for i, value in enumerate(values)}
    return ", ".join(f":{name}" for name in params), params


def users(tx: Tx) -> list[tuple[str, str, str | None]]:
    return [(name, role, limit) for name, role, limit in tx.all_rows("SELECT name, role, authority_limit FROM app_user")]


def heads(tx: Tx):
    """(chain, last seq, its hash) for every chain in the log, in chain order (streamed)."""
    sql = ("SELECT e.claim_id, e.seq, e.hash FROM audit_event e "
           "JOIN (SELECT claim_id, max(seq) AS seq FROM audit_event GROUP BY claim_id) last "
           "ON e.claim_id = last.claim_id AND e.seq = last.seq ORDER BY e.claim_id")
    return map(Head._make, tx.rows(sql))


def events(tx: Tx, only: str | None = None):
    """Every event (or one chain's) in (claim_id, seq) order, streamed."""
    if only is None:
        return map(StoredEvent._make, tx.rows(f"{SELECT_EVENTS} ORDER BY claim_id, seq"))
    return map(StoredEvent._make, tx.rows(f"{SELECT_EVENTS} WHERE claim_id = :only ORDER BY seq", {"only": only}))


def missing_triggers(tx: Tx) -> list[str]:
    """The append-only triggers that are not in place."""
    return tx.missing_triggers()
