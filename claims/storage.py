"""Storage: every database specific lives here (SQLite now; PostgreSQL later).

Writes run in one transaction each (``BEGIN IMMEDIATE`` on SQLite) so a claim's new
state and its audit events commit together or not at all.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import fields
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import bindparam, create_engine, event, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from claims.audit import AuditEvent, from_row
from claims.canonical import canonical_json, sha256_hex
from claims.errors import Conflict, IntegrityFailure, NotFound
from claims.records import Claim
from claims.settings import Settings
from claims.tables import AuditEventRow, ClaimRow, MetaRow, PolicyRow, SettingsRow, SQLModel, UserRow

AUDIT = AuditEventRow.__table__
CLAIM = ClaimRow.__table__
POLICY = PolicyRow.__table__
USER = UserRow.__table__
META = MetaRow.__table__
SETTINGS = SettingsRow.__table__

APPEND_ONLY = (
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
)


# The statements every command runs, built once: building one costs ~0.1 ms, running a built one ~40 µs.
META_VALUE = select(META.c.value).where(META.c.key == bindparam("key"))
SETTINGS_BODY = select(SETTINGS.c.body).where(SETTINGS.c.version == bindparam("version"))
USER_ROW = select(USER).where(USER.c.name == bindparam("name"))
POLICY_BODY = select(POLICY.c.body).where(POLICY.c.number == bindparam("number"))
CLAIM_SNAPSHOT = select(CLAIM.c.snapshot).where(CLAIM.c.id == bindparam("claim_id"))
CLAIMS_ON_POLICY = select(CLAIM.c.snapshot).where(CLAIM.c.policy == bindparam("policy"), CLAIM.c.type == bindparam("claim_type"))
INSERT_CLAIM = insert(CLAIM)
UPDATE_CLAIM = update(CLAIM).where(CLAIM.c.id == bindparam("expected_id"), CLAIM.c.version == bindparam("expected_version"))
CHAIN_HEAD = select(AUDIT.c.seq, AUDIT.c.hash).where(AUDIT.c.claim_id == bindparam("claim_id")).order_by(AUDIT.c.seq.desc()).limit(1)
INSERT_EVENTS = insert(AUDIT)

CLAIM_FIELDS = tuple(f.name for f in fields(Claim))

FINISHED = ("closed", "withdrawn")  # left out of the work queue unless asked for by --state


def database_url(target: str) -> str:
    """A file path means SQLite; anything with '://' is an SQLAlchemy URL."""
    return target if "://" in target else f"sqlite:///{target}"


class Store:
    """A database holding claims, policies, users, settings and the audit log."""

    def __init__(self, target: str, *, create: bool = False):
        url = database_url(target)
        if url.startswith("sqlite:///") and not create:
            path = url.removeprefix("sqlite:///")
            if path != ":memory:" and not Path(path).exists():
                raise NotFound(f"no claims database at {path!r}: run `claims init` first")
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT")
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._conn = None

    def create_schema(self) -> None:
        SQLModel.metadata.create_all(self.engine)
        with self.engine.connect() as conn:
            for statement in APPEND_ONLY:
                conn.exec_driver_sql(statement)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self.engine.dispose()

    def _connection(self):
        if self._conn is None:
            self._conn = self.engine.connect()
        return self._conn

    @contextmanager
    def write(self):
        """One write transaction; rolls back on any exception."""
        conn = self._connection()
        conn.exec_driver_sql("BEGIN IMMEDIATE" if self.engine.dialect.name == "sqlite" else "BEGIN")
        try:
            yield Tx(conn)
            conn.exec_driver_sql("COMMIT")
        except BaseException:
            conn.exec_driver_sql("ROLLBACK")
            raise

    @contextmanager
    def read(self):
        """A consistent read snapshot."""
        conn = self._connection()
        conn.exec_driver_sql("BEGIN")
        try:
            yield Tx(conn)
        finally:
            conn.exec_driver_sql("ROLLBACK")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # an audit log must not lose a committed event
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Tx:
    """Operations inside one transaction."""

    def __init__(self, conn):
        self.conn = conn
        self._meta: dict[str, str | None] = {}  # read once per transaction (its snapshot cannot change under it)

    # meta and settings -------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        if key not in self._meta:
            self._meta[key] = self.conn.execute(META_VALUE, {"key": key}).scalar()
        return self._meta[key]

    def set_meta(self, key: str, value: str) -> None:
        if self.meta(key) is None:
            self.conn.execute(insert(META).values(key=key, value=value))
        else:
            self.conn.execute(update(META).where(META.c.key == key).values(value=value))
        self._meta[key] = value

    def settings(self, version: str) -> Settings:
        body = self.conn.execute(SETTINGS_BODY, {"version": version}).scalar()
        if body is None:
            raise IntegrityFailure(f"settings version {version} is referenced but not stored")
        return Settings.from_mapping(json.loads(body), f"settings version {version[:12]}")

    def put_settings(self, settings: Settings) -> None:
        exists = self.conn.execute(select(SETTINGS.c.version).where(SETTINGS.c.version == settings.version)).scalar()
        if exists is None:
            body = canonical_json(settings.as_dict())
            self.conn.execute(insert(SETTINGS).values(version=settings.version, body=body, recorded_at=_utc_now()))

    # users ---------------------------------------------------------------------------------
    def user(self, name: str) -> dict | None:
        row = self.conn.execute(USER_ROW, {"name": name}).first()
        return None if row is None else {"name": row.name, "role": row.role, "limit": row.authority_limit}

    def count_users(self, role: str) -> int:
        return self.conn.execute(select(func.count()).select_from(USER).where(USER.c.role == role)).scalar()

    def put_user(self, name: str, role: str, limit: str | None) -> None:
        if self.user(name) is None:
            self.conn.execute(insert(USER).values(name=name, role=role, authority_limit=limit, added_at=_utc_now()))
        else:
            self.conn.execute(update(USER).where(USER.c.name == name).values(role=role, authority_limit=limit))

    # policies -----------------------------------------------------------------------------
    def policy(self, number: str) -> dict | None:
        body = self.conn.execute(POLICY_BODY, {"number": number}).scalar()
        return None if body is None else json.loads(body)

    def policy_digests(self, numbers: list[str]) -> dict[str, str]:
        found = {}
        for start in range(0, len(numbers), 500):
            chunk = numbers[start : start + 500]
            rows = self.conn.execute(select(POLICY.c.number, POLICY.c.digest).where(POLICY.c.number.in_(chunk)))
            found.update({row.number: row.digest for row in rows})
        return found

    def put_policies(self, new: list[dict], changed: list[dict]) -> None:
        """New and changed policies as `policy_row`s (an import serialises and hashes each policy once)."""
        if new:
            self.conn.execute(insert(POLICY), new)
        for row in changed:
            self.conn.execute(update(POLICY).where(POLICY.c.number == row["number"]).values(**row))

    # claims -------------------------------------------------------------------------------
    def claim(self, claim_id: str) -> Claim | None:
        snapshot = self.conn.execute(CLAIM_SNAPSHOT, {"claim_id": claim_id}).scalar()
        return None if snapshot is None else Claim.from_dict(json.loads(snapshot))

    def existing_claim(self, claim_id: str) -> Claim:
        """The claim, or NotFound (exit 3)."""
        claim = self.claim(claim_id)
        if claim is None:
            raise NotFound(f"claim {claim_id!r} not found", claim=claim_id)
        return claim

    def next_claim_number(self) -> int:
        return (self.conn.execute(select(func.max(CLAIM.c.number))).scalar() or 0) + 1

    def claims_on_policy(self, policy: str, claim_type: str) -> list[Claim]:
        rows = self.conn.execute(CLAIMS_ON_POLICY, {"policy": policy, "claim_type": claim_type})
        return [Claim.from_dict(json.loads(row.snapshot)) for row in rows]

    def insert_claim(self, claim: Claim, number: int, next_due: str | None) -> None:
        self.conn.execute(INSERT_CLAIM, {"number": number, **_claim_row(claim, next_due)})

    def update_claim(self, claim: Claim, expected_version: int, next_due: str | None) -> None:
        where = {"expected_id": claim.id, "expected_version": expected_version}
        result = self.conn.execute(UPDATE_CLAIM, {**where, **_claim_row(claim, next_due)})
        if result.rowcount != 1:
            raise Conflict(f"claim {claim.id} was changed by someone else first; reload it and try again", claim=claim.id)

    def due_claims(self, *, state=None, claim_type=None, due_before=None, limit=None):
        """Claims in urgency order (earliest due date first, undated last); index-driven."""
        query = select(CLAIM.c.snapshot, CLAIM.c.next_due)
        if state:
            query = query.where(CLAIM.c.state == state)
        else:
            query = query.where(CLAIM.c.state.not_in(FINISHED))
        if claim_type:
            query = query.where(CLAIM.c.type == claim_type)
        if due_before:
            query = query.where(CLAIM.c.next_due < due_before)
        query = query.order_by(CLAIM.c.next_due.is_(None), CLAIM.c.next_due, CLAIM.c.number)
        if limit:
            query = query.limit(limit)
        for row in self.conn.execute(query):
            yield Claim.from_dict(json.loads(row.snapshot))

    # audit log ----------------------------------------------------------------------------
    def chain_head(self, claim_id: str) -> tuple[int, str | None]:
        row = self.conn.execute(CHAIN_HEAD, {"claim_id": claim_id}).first()
        return (0, None) if row is None else (row.seq, row.hash)

    def append_events(self, events: list[AuditEvent]) -> None:
        try:
            self.conn.execute(INSERT_EVENTS, [_event_row(e) for e in events])
        except IntegrityError as exc:
            raise Conflict(
                f"audit event {events[0].claim_id} seq {events[0].seq} was written by someone else first; try again",
                claim=events[0].claim_id,
            ) from exc

    def events(self, claim_id: str) -> list[AuditEvent]:
        rows = self.conn.execute(select(AUDIT).where(AUDIT.c.claim_id == claim_id).order_by(AUDIT.c.seq))
        return [from_row(row) for row in rows]


def policy_row(policy: dict) -> dict:
    """A policy as stored: its canonical JSON body and that body's SHA-256 (the digest imports compare)."""
    body = canonical_json(policy)
    return {"number": policy["policy"], "body": body, "digest": sha256_hex(body)}


def _claim_row(claim: Claim, next_due: str | None) -> dict:
    return {
        "id": claim.id,
        "policy": claim.policy,
        "type": claim.type,
        "event_date": claim.event_date,
        "state": claim.state,
        "version": claim.version,
        "paid_amount": claim.paid_amount,
        "next_due": next_due,
        "snapshot": canonical_json({name: getattr(claim, name) for name in CLAIM_FIELDS}),  # as_dict() without its deep copy
        "updated_at": claim.last_event_at,
    }


def _event_row(e: AuditEvent) -> dict:
    return {
        "claim_id": e.claim_id,
        "seq": e.seq,
        "event": e.event,
        "from_state": e.from_state,
        "to_state": e.to_state,
        "at": e.at,
        "actor": e.actor,
        "role": e.role,
        "payload": canonical_json(e.payload),
        "settings_version": e.settings_version,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }


def paid_total(claims: list[Claim]) -> Decimal:
    return sum((c.paid for c in claims), Decimal("0"))



def translate(exc: Exception):
    """A database failure in the words of the error family, or None if it is not one."""
    from sqlalchemy.exc import DatabaseError

    if not isinstance(exc, DatabaseError):
        return None
    text = str(exc.orig) if getattr(exc, "orig", None) else str(exc)
    if "locked" in text or "busy" in text:
        return Conflict(f"the database is busy with another writer; try again ({text})")
    if "not a database" in text or "malformed" in text or "no such table" in text:
        return IntegrityFailure(f"the database is damaged or not a claims database ({text})")
    if "append-only" in text:
        return IntegrityFailure(f"refused by the database: {text}")
    return None
