"""Streaming reads of the audit log for replay, verification, anchors and export.

Everything here reads in pages or through a streaming cursor, so memory stays flat however
long the log grows. Events always come in (claim_id, seq) order, served by the
``uq_audit_event_claim_seq`` index.
"""

from __future__ import annotations

from itertools import groupby
from operator import attrgetter

from sqlalchemy import and_, func, select

from claims.audit import ADMIN_CHAIN
from claims.chain import EVENT_COLUMNS, StoredEvent
from claims.storage import APPEND_ONLY, AUDIT, CLAIM, SETTINGS, USER, Tx

EVENTS = [AUDIT.c[name] for name in EVENT_COLUMNS]
CLAIM_COLUMNS = [CLAIM.c[name] for name in ("id", "number", "policy", "type", "event_date", "state", "version", "paid_amount", "snapshot")]
PAGE = 500  # claims per page: their events are read with one indexed query
STREAM = {"yield_per": 2000}
TRIGGERS = tuple(statement.split()[5] for statement in APPEND_ONLY)  # CREATE TRIGGER IF NOT EXISTS <name> …


def chains(tx: Tx, only: str | None = None, lo: str | None = None, hi: str | None = None, page: int = PAGE):
    """(claim row, its events in seq order) for every claim — or just `only`, or those with lo <= id < hi — in id order."""
    for rows in _claim_pages(tx, only, lo, hi, page):
        ids = [row.id for row in rows]
        events = {claim_id: list(group) for claim_id, group in groupby(_events_of(tx, ids), key=attrgetter("claim_id"))}
        for row in rows:
            yield row, events.get(row.id, [])


def claim_row(tx: Tx, claim_id: str):
    """The stored claim row (the columns verification compares), or None."""
    return tx.conn.execute(select(*CLAIM_COLUMNS).where(CLAIM.c.id == claim_id)).first()


def _claim_pages(tx: Tx, only: str | None, lo: str | None, hi: str | None, page: int):
    if only is not None:
        row = claim_row(tx, only)
        if row is not None:
            yield [row]
        return
    query = select(*CLAIM_COLUMNS).order_by(CLAIM.c.id).limit(page)
    if hi is not None:
        query = query.where(CLAIM.c.id < hi)
    after = None
    while True:
        if after is not None:
            rows = tx.conn.execute(query.where(CLAIM.c.id > after)).all()
        else:
            rows = tx.conn.execute(query if lo is None else query.where(CLAIM.c.id >= lo)).all()
        if not rows:
            return
        yield rows
        after = rows[-1].id


def split_points(tx: Tx, parts: int) -> list[str]:
    """Claim ids that cut the claims, in id order, into `parts` ranges of about the same size."""
    total = tx.conn.execute(select(func.count()).select_from(CLAIM)).scalar()
    points = []
    for k in range(1, parts):
        point = tx.conn.execute(select(CLAIM.c.id).order_by(CLAIM.c.id).offset(total * k // parts).limit(1)).scalar()
        if point is not None and point not in points:
            points.append(point)
    return points


def _events_of(tx: Tx, claim_ids: list[str]):
    query = select(*EVENTS).where(AUDIT.c.claim_id.in_(claim_ids)).order_by(AUDIT.c.claim_id, AUDIT.c.seq)
    return map(StoredEvent._make, tx.conn.execute(query))


def chain(tx: Tx, claim_id: str) -> list:
    """One chain's events in seq order (a claim's, or the admin chain)."""
    return list(_events_of(tx, [claim_id]))


def claim_event_count(tx: Tx, only: str | None = None) -> int:
    """Events on claim chains (the admin chain aside)."""
    query = select(func.count()).select_from(AUDIT)
    query = query.where(AUDIT.c.claim_id == only) if only else query.where(AUDIT.c.claim_id != ADMIN_CHAIN)
    return tx.conn.execute(query).scalar()


def orphan_chains(tx: Tx, only: str | None = None) -> list[tuple[str, int]]:
    """Chains (or just `only`) with events but no claim row: (claim_id, number of events)."""
    query = (
        select(AUDIT.c.claim_id, func.count())
        .where(AUDIT.c.claim_id != ADMIN_CHAIN, AUDIT.c.claim_id.not_in(select(CLAIM.c.id)))
        .group_by(AUDIT.c.claim_id)
        .order_by(AUDIT.c.claim_id)
    )
    if only is not None:
        query = query.where(AUDIT.c.claim_id == only)
    return [(row[0], row[1]) for row in tx.conn.execute(query)]


def settings_bodies(tx: Tx) -> list[tuple[str, str]]:
    """Every stored settings version and its body, as stored."""
    return [(row.version, row.body) for row in tx.conn.execute(select(SETTINGS.c.version, SETTINGS.c.body))]


def users(tx: Tx) -> list[tuple[str, str, str | None]]:
    return [(row.name, row.role, row.authority_limit) for row in tx.conn.execute(select(USER.c.name, USER.c.role, USER.c.authority_limit))]


def heads(tx: Tx):
    """(chain, last seq, its hash) for every chain in the log, in chain order (streamed)."""
    last = select(AUDIT.c.claim_id, func.max(AUDIT.c.seq).label("seq")).group_by(AUDIT.c.claim_id).subquery()
    query = (
        select(AUDIT.c.claim_id, AUDIT.c.seq, AUDIT.c.hash)
        .join(last, and_(AUDIT.c.claim_id == last.c.claim_id, AUDIT.c.seq == last.c.seq))
        .order_by(AUDIT.c.claim_id)
    )
    return tx.conn.execute(query, execution_options=STREAM)


def events(tx: Tx, only: str | None = None):
    """Every event (or one chain's) in (claim_id, seq) order, streamed."""
    query = select(*EVENTS).order_by(AUDIT.c.claim_id, AUDIT.c.seq)
    if only is not None:
        query = query.where(AUDIT.c.claim_id == only)
    return map(StoredEvent._make, tx.conn.execute(query, execution_options=STREAM))


def missing_triggers(tx: Tx) -> list[str]:
    """The append-only triggers that are not in place (SQLite only; other databases: none known)."""
    if tx.conn.dialect.name != "sqlite":
        return []
    present = {row[0] for row in tx.conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return [name for name in TRIGGERS if name not in present]
