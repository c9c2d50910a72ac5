"""Storage: the statements every command runs, and the back ends they run on (SQLite, PostgreSQL).

The schema is declared once, as SQLModel tables (``claims.tables``), and created from that declaration
(``claims.schema``). Commands then speak to the database through its DB-API driver with the fixed statements
below: SQLAlchemy Core costs ≈0.1–0.3 ms a statement and importing SQLModel ≈300 ms a start-up, both measured,
and a command runs a handful of statements. Every statement names its parameters (``:name``); a back end whose
driver wants another placeholder style converts them once (``claims.postgres_store``). The tests run every
statement against the schema SQLModel creates, on both back ends.

Each command's writes run in one transaction (``Store.transact``), so a claim's new state and its audit events
commit together or not at all. ``open_store`` opens the back end a ``--db`` target names: a file path or
``sqlite:///path`` (``claims.sqlite_store``), or ``postgresql://…`` (``claims.postgres_store``, imported only then).
"""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache

import orjson

from claims.audit import ADMIN_CHAIN, AuditEvent, from_row
from claims.canonical import canonical_json, sha256_hex, undecodable
from claims.chain import EVENT_COLUMNS, StoredEvent
from claims.errors import BadInput, Conflict, IntegrityFailure, NotFound
from claims.i18n import _
from claims.records import Claim, people_of, snapshot_form
from claims.schema import HEAD
from claims.settings import Settings

CLAIM_COLUMNS = ("id", "number", "policy", "type", "event_date", "state", "version", "paid_amount", "next_due", "snapshot", "updated_at",
                 "assignee", "people")

FINISHED = ("closed", "withdrawn")  # left out of the work queue unless asked for by --state


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"


# The statements every command runs.
ALL_META = ("SELECT key, value FROM meta UNION ALL SELECT '@schema', version_num FROM alembic_version "  # the schema revision
            "UNION ALL SELECT '@init', payload FROM audit_event WHERE claim_id = '@admin' AND seq = 1 AND event = 'init'")
# and the audited init event: every command reads all three, in one round trip
SETTINGS_BODY = "SELECT body FROM settings_version WHERE version = :version"
USER_ROW = "SELECT name, role, authority_limit FROM app_user WHERE name = :name"
POLICY_BODY = "SELECT body, digest FROM policy WHERE number = :number"
CLAIM_SNAPSHOT = "SELECT snapshot, state, next_due, assignee FROM claim WHERE id = :claim_id"
CLAIMS_ON_POLICY = "SELECT snapshot FROM claim WHERE policy = :policy AND type = :claim_type"
INSERT_CLAIM = _insert("claim", CLAIM_COLUMNS)
IDENTITY = ("id", "number", "policy", "type", "event_date")  # set once, by the report
INDEXED = ("state", "next_due", "assignee")  # an UPDATE naming an indexed column rewrites its index entry: only when changed
INIT_EVENT = "SELECT event, payload FROM audit_event WHERE claim_id = :chain AND seq = 1"
CHAIN_HEAD = "SELECT seq, hash FROM audit_event WHERE claim_id = :claim_id ORDER BY seq DESC LIMIT 1"
INSERT_EVENT = _insert("audit_event", EVENT_COLUMNS)
CHAIN_EVENTS = f"SELECT {', '.join(EVENT_COLUMNS)} FROM audit_event WHERE claim_id = :claim_id ORDER BY seq"
INSERT_POLICY = _insert("policy", ("number", "body", "digest"))
INSERT_POLICY_VERSION = _insert("policy_version", ("number", "digest", "body", "imported_seq")) + " ON CONFLICT DO NOTHING"
UPDATE_POLICY = "UPDATE policy SET body = :body, digest = :digest WHERE number = :number"


def open_store(target: str, *, create: bool = False) -> Store:
    """The database a ``--db`` target names: PostgreSQL for a ``postgresql://`` URL, else an SQLite file."""
    if not target or not target.strip():
        raise BadInput(_("--db must name a database: a file path, sqlite:///path or a PostgreSQL URL"))
    if "\x00" in target:
        raise BadInput(_("--db must not contain a NUL character"))
    scheme = target.partition("://")[0].lower() if "://" in target else ""
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        from claims.postgres_store import PostgresStore  # psycopg is imported only for a server target

        return PostgresStore(target, create=create)
    from claims.sqlite_store import SQLiteStore

    return SQLiteStore(target, create=create)


class Store:
    """A database holding claims, policies, users, settings and the audit log (one back end's connection to it)."""

    target: str

    def login(self) -> str:
        """Who the system has authenticated: the acting user outside training databases."""
        raise NotImplementedError

    def create(self, initialise) -> None:
        """Create the schema at its newest version and run `initialise(tx)` in it: all of it, or nothing."""
        raise NotImplementedError

    retries = 0  # whole commands this store re-ran after a concurrency failure (the benchmarks report them)

    def write(self):
        """A context manager: one write transaction (a ``Tx``), rolled back on any exception."""
        raise NotImplementedError

    def transact(self, work):
        """`work(tx)` in one write transaction, returning what it returns.

        A transaction that failed only because another committed first — a serialization failure, a deadlock, a unique
        key taken meanwhile (``ConcurrentChange``) — is rolled back and `work` is run again from the start, a bounded
        number of times with a random pause: a context manager cannot re-run its own body, hence this shape.
        """
        attempt = 0
        while True:
            try:
                with self.write() as tx:
                    return work(tx)
            except ConcurrentChange as change:
                attempt += 1
                if attempt >= ATTEMPTS:
                    raise Conflict(_("the database stayed busy with others' changes after {attempts} attempts; nothing was written, "
                                     "try again ({reason})").format(attempts=ATTEMPTS, reason=change.message)) from change
                self.retries += 1
                time.sleep(random.uniform(0, min(0.1, 0.002 * 2**attempt)))

    def read(self):
        """A context manager: a consistent read snapshot (a ``Tx``)."""
        raise NotImplementedError

    def shared_read(self, join):
        """A read snapshot other processes share: `join(token)` makes each call `join_read(token)`."""
        raise NotImplementedError

    def join_read(self, token):
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def grant_role(self, tx: Tx, login: str, role: str) -> None:
        """Let the database itself enforce `login`'s claims role, where it can (a server); SQLite cannot."""

    # schema upgrades ------------------------------------------------------------------------------------
    def upgrade(self, authorize, record) -> str | None:
        """Run the migrations to HEAD in one transaction: `authorize(tx)` first (on the schema as it is), then the
        migrations, then `record(tx, before)`; returns the revision before (None: release 0.1). All of it, or nothing."""
        from sqlalchemy.exc import DBAPIError

        from claims.schema import migrate

        engine = self.engine()
        try:
            with self.failures():
                try:
                    with engine.begin() as connection:
                        tx = self.tx_for(connection.connection.dbapi_connection)
                        tx.meta_statement = "SELECT key, value FROM meta"  # an older schema may have no revision table yet
                        authorize(tx)
                        before = migrate(connection)
                        if before != HEAD:
                            record(tx, before)
                            self.after_upgrade(tx)
                        return before
                except DBAPIError as exc:
                    raise exc.orig from exc
        finally:
            engine.dispose()

    def engine(self):
        """An SQLAlchemy engine on this database whose transactions are the back end's write transactions."""
        raise NotImplementedError

    def tx_for(self, dbapi_connection) -> Tx:
        raise NotImplementedError

    def after_upgrade(self, tx: Tx) -> None:
        """What the back end adds once the tables are at HEAD (a server: its roles and grants)."""

    # copies -------------------------------------------------------------------------------------------
    def after_copy(self, tx: Tx) -> None:
        """What the back end must put right once every row was copied in (a server: its serial, its members' roles)."""

    def setup(self, admin: str | None = None) -> dict:
        """A server's set-up by its administrator; an SQLite file has none (its file permissions decide)."""
        raise BadInput(_("`claims db setup` prepares a PostgreSQL database; an SQLite file needs none — who may read and write it "
                         "is decided by its file permissions (docs/security.md, Sharing one SQLite file)"))

    def logins_missing(self, tx: Tx) -> list[str]:
        """Registered users whom the database cannot yet authenticate (a server's logins are its administrator's to make)."""
        return []



def older_schema(revision: str | None = None) -> BadInput:
    """A database whose schema is older than this program's (exit 2, naming the command that upgrades it)."""
    if revision:
        return BadInput(_("this database's schema (revision {revision}) is older than this program's ({head}): an admin brings it up "
                          "to date with `claims db upgrade` (docs/cli.md, db upgrade)").format(revision=revision, head=HEAD))
    return BadInput(_("this database's schema (from before schema revisions) is older than this program's ({head}): an admin brings "
                      "it up to date with `claims db upgrade` (docs/cli.md, db upgrade)").format(head=HEAD))


class ConcurrentChange(Conflict):
    """Another transaction committed first in a way that makes this one fail; the whole command may simply run again."""


ATTEMPTS = 8  # runs of one command before a concurrency failure is reported (exit 5)


def _loads(text: str):
    """A document this code wrote (a claim snapshot, a policy body), read ≈3× quicker by orjson; what orjson declines
    (a NaN, a lone surrogate) is read as the standard library reads it. Only `audit verify` must read text a forger may
    have written, and it reads exactly as json.loads does (claims/chain.py)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _scalar(cursor):
    row = cursor.fetchone()
    return None if row is None else row[0]


class Tx:
    """Operations inside one transaction: the statements every back end runs. A back end's own Tx adds what differs."""

    lock_rows = ""  # appended to a read of the row a write transaction changes (" FOR UPDATE" where writers lock rows)

    def __init__(self, conn, *, write: bool = False):
        self.conn = conn
        self.writing = write
        self._meta: dict[str, str] | None = None  # read once per transaction (its snapshot cannot change under it)
        self._training: bool | None = None
        self._training_checked = False
        self._indexed: dict[str, tuple] = {}  # claim id -> its indexed columns as read in this transaction

    def rows(self, sql: str, params: dict | tuple = ()):
        """Rows of any read statement (audit reads, checks); streamed as the driver fetches them."""
        return self.conn.execute(sql, params)

    def stream(self, sql: str, params: dict | tuple = ()):
        """Rows of a read statement that may return very many, fetched as they are read (memory stays flat)."""
        return self.conn.execute(sql, params)

    def damage(self) -> list[str]:
        """What the back end's own check of the database finds damaged (nothing, where it has no such check)."""
        return []

    def all_rows(self, sql: str, params: dict | tuple = ()) -> list:
        """Every row of a read statement."""
        return self.conn.execute(sql, params).fetchall()

    def missing_triggers(self) -> list[str]:
        """The append-only triggers that are not in place."""
        return []

    def lock(self, name: str) -> None:
        """Serialise this write transaction with every other that locks `name` (a policy, the admin chain), until it ends.
        SQLite needs nothing: BEGIN IMMEDIATE already lets one writer in at a time."""

    def value(self, sql: str, params: dict | tuple = ()):
        """The first column of the first row of a read statement, or None."""
        return _scalar(self.conn.execute(sql, params))

    # meta and settings -------------------------------------------------------------------
    def claims_database(self) -> None:
        """Refuse (exit 7) a database that is not a claims database: another program's, or an unfinished init. (A missing
        ``meta`` table fails the read itself; the back end translates that failure.)"""
        if self.meta("settings_version") is None:
            raise IntegrityFailure(_("this is not a claims database (it holds no settings in force); give --db the file `claims init` "
                                     "made"))
        revision = self.meta("@schema")
        if revision != HEAD:
            raise older_schema(revision) if revision is None or revision < HEAD else BadInput(
                _("this database's schema (revision {revision}) is newer than this program's ({head}): "
                  "use the claims version that upgraded it").format(revision=revision, head=HEAD))

    meta_statement = ALL_META

    def meta(self, key: str) -> str | None:
        if self._meta is None:  # a handful of rows, every command reads two of them: one statement
            self._meta = dict(self.conn.execute(self.meta_statement).fetchall())
        return self._meta.get(key)

    def set_meta(self, key: str, value: str) -> None:
        if self.meta(key) is None:
            self.conn.execute("INSERT INTO meta (key, value) VALUES (:key, :value)", {"key": key, "value": value})
        else:
            self.conn.execute("UPDATE meta SET value = :value WHERE key = :key", {"key": key, "value": value})
        self._meta[key] = value

    def training(self, *, strict: bool = True) -> bool:
        """Whether this is a training database, as its audited ``init`` event says (and, when `strict`, ``meta`` must agree).

        Decided once, at init, and read from the hash-chained admin log: flipping ``meta.training`` cannot make
        a real database a training one (where anyone may be named and the clock chosen). Auditors' commands read it
        without `strict`, so that `audit verify` can report the disagreement instead of stopping at it.
        """
        if self._training is None or (strict and not self._training_checked):
            payload = self._init_payload()
            try:
                training = json.loads(payload)["training"] if payload is not None else None
            except (ValueError, TypeError, KeyError):
                training = None
            if type(training) is not bool:
                raise IntegrityFailure(_("the database has no readable init event: it is not a claims database, or `claims init` "
                                         "did not finish"))
            stored = self.meta("training")
            if strict and stored is not None and stored != ("1" if training else "0"):
                raise IntegrityFailure(_("meta.training says {stored!r} but the audited init event says training={training}: "
                                         "the database was altered; run `claims audit verify`").format(stored=stored, training=training))
            self._training, self._training_checked = training, strict
        return self._training

    def _init_payload(self) -> str | None:
        """The payload of the admin chain's first event when it is the init event (read with meta, where the schema has it)."""
        if self.meta_statement == ALL_META:
            return self.meta("@init")
        row = self.conn.execute(INIT_EVENT, {"chain": ADMIN_CHAIN}).fetchone()
        return row[1] if row is not None and row[0] == "init" else None

    def settings(self, version: str) -> Settings:
        rows = self.all_rows(SETTINGS_BODY, {"version": version})
        body = rows[0][0] if rows else None
        if body is None:
            raise IntegrityFailure(_("settings version {version} is referenced but not stored").format(version=version))
        if undecodable(body):
            raise IntegrityFailure(_("settings version {version}… is not UTF-8 text: it was written outside this tool").format(
                version=version[:12]))
        return Settings.from_mapping(json.loads(body), _("settings version {version}").format(version=version[:12]))

    def put_settings(self, settings: Settings) -> None:
        if self.value(SETTINGS_BODY, {"version": settings.version}) is None:
            row = {"version": settings.version, "body": canonical_json(settings.as_dict()), "recorded_at": _utc_now()}
            self.conn.execute(_insert("settings_version", tuple(row)), row)

    # users ---------------------------------------------------------------------------------
    def user(self, name: str) -> dict | None:
        row = self.conn.execute(USER_ROW, {"name": name}).fetchone()
        return None if row is None else {"name": row[0], "role": row[1], "limit": row[2]}

    def count_users(self, role: str) -> int:
        return self.value("SELECT count(*) FROM app_user WHERE role = :role", {"role": role})

    def users(self) -> list[tuple[str, str, str | None]]:
        return list(self.conn.execute("SELECT name, role, authority_limit FROM app_user ORDER BY name"))

    def put_user(self, name: str, role: str, limit: str | None) -> None:
        row = {"name": name, "role": role, "authority_limit": limit}
        if self.user(name) is None:
            self.conn.execute(_insert("app_user", (*row, "added_at")), {**row, "added_at": _utc_now()})
        else:
            self.conn.execute("UPDATE app_user SET role = :role, authority_limit = :authority_limit WHERE name = :name", row)

    # policies -----------------------------------------------------------------------------
    def policy(self, number: str) -> dict | None:
        """The policy in force: its body, with ``"digest"`` naming the imported version it is (facts record it)."""
        row = self.conn.execute(POLICY_BODY, {"number": number}).fetchone()
        return None if row is None else {**_loads(row[0]), "digest": row[1]}

    def policy_digests(self, numbers: list[str]) -> dict[str, str]:
        found = {}
        for start in range(0, len(numbers), 500):
            params = {f"n{i}": number for i, number in enumerate(numbers[start : start + 500])}
            marks = ", ".join(f":{name}" for name in params)
            found.update(self.conn.execute(f"SELECT number, digest FROM policy WHERE number IN ({marks})", params).fetchall())
        return found

    def put_policies(self, new: list[dict], changed: list[dict], imported_seq: int) -> None:
        """New and changed policies as `policy_row`s (an import serialises and hashes each policy once), and each as a version
        attested by the admin event at `imported_seq` (a body imported before, A → B → A, keeps its first version row)."""
        self.conn.executemany(INSERT_POLICY, new)
        self.conn.executemany(UPDATE_POLICY, changed)
        versions = [{**row, "imported_seq": imported_seq} for row in (*new, *changed)]
        self.conn.executemany(INSERT_POLICY_VERSION, versions)

    # claims -------------------------------------------------------------------------------
    def claim(self, claim_id: str) -> Claim | None:
        """The claim; in a write transaction its row is locked first where the back end locks rows (the chain it owns)."""
        row = self.conn.execute(CLAIM_SNAPSHOT + self.lock_rows, {"claim_id": claim_id}).fetchone()
        if row is None:
            return None
        self._indexed[claim_id] = row[1:]
        return Claim.from_dict(_loads(row[0]))

    def existing_claim(self, claim_id: str) -> Claim:
        """The claim, or NotFound (exit 3)."""
        claim = self.claim(claim_id)
        if claim is None:
            raise NotFound(_("claim {claim!r} not found").format(claim=claim_id), claim=claim_id)
        return claim

    def next_claim_number(self) -> int:
        return (self.value("SELECT max(number) FROM claim") or 0) + 1

    def claims_on_policy(self, policy: str, claim_type: str) -> list[Claim]:
        rows = self.conn.execute(CLAIMS_ON_POLICY, {"policy": policy, "claim_type": claim_type})
        return [Claim.from_dict(_loads(snapshot)) for (snapshot,) in rows]

    def insert_claim(self, claim: Claim, number: int, next_due: str | None) -> None:
        self.insert_claim_rows([claim_row(claim, number, next_due)])

    def insert_claim_rows(self, rows: list[dict]) -> None:
        self.conn.executemany(INSERT_CLAIM, rows)

    def update_claim(self, claim: Claim, expected_version: int, next_due: str | None) -> None:
        row = claim_row(claim, None, next_due)
        row["expected_version"] = expected_version
        read = dict(zip(INDEXED, self._indexed.get(claim.id, ()), strict=False))
        unchanged = frozenset(column for column in INDEXED if column in read and read[column] == row[column])
        self.updated_one(self.conn.execute(_update_claim(unchanged), row), claim.id)

    def updated_one(self, cursor, claim_id: str) -> None:
        """The version check: the UPDATE must have found the claim at the version read (else someone changed it first)."""
        if cursor.rowcount != 1:
            raise Conflict(_("claim {claim} was changed by someone else first; reload it and try again").format(claim=claim_id),
                           claim=claim_id)

    def due_claims(self, *, states=(), claim_type=None, due_before=None, policy=None, assignee=None, actor=None, person=None,
                   limit=None):
        """Claims in urgency order (earliest stored due date first, undated last), index-driven where an index serves:
        `states` (any of them; else every open one), a claim type, a policy, an assignee, claims `actor` reported or
        applied for, a substring of the people's names."""
        where, params = [], {}
        if states:
            marks = ", ".join(f":state{i}" for i in range(len(states)))
            where.append(f"state IN ({marks})")
            params.update({f"state{i}": state for i, state in enumerate(states)})
        else:
            where.append(f"state NOT IN ({', '.join(repr(s) for s in FINISHED)})")
        for column, value in (("type", claim_type), ("policy", policy), ("assignee", assignee)):
            if value is not None:
                where.append(f"{column} = :{column}")
                params[column] = value
        if due_before:
            where.append("next_due < :due_before")
            params["due_before"] = due_before
        if actor is not None:
            where.append("id IN (SELECT claim_id FROM audit_event WHERE actor = :actor AND event IN ('report', 'apply'))")
            params["actor"] = actor
        if person is not None:
            where.append("people LIKE :person ESCAPE '!'")
            params["person"] = "%" + person.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"
        sql = f"SELECT snapshot FROM claim WHERE {' AND '.join(where)} ORDER BY next_due IS NULL, next_due, number"
        if limit:
            sql += " LIMIT :limit"
            params["limit"] = limit
        for (snapshot,) in self.conn.execute(sql, params):
            yield Claim.from_dict(_loads(snapshot))

    # audit log ----------------------------------------------------------------------------
    def chain_head(self, claim_id: str) -> tuple[int, str | None]:
        row = self.conn.execute(CHAIN_HEAD, {"claim_id": claim_id}).fetchone()
        return (0, None) if row is None else (row[0], row[1])

    def append_events(self, events: list[AuditEvent]) -> None:
        """Append to a chain. (claim_id, seq) is unique: an event written meanwhile by someone else fails the insert, which the
        back end reports as a conflict — the last line behind the locks and the version check."""
        try:
            self.conn.executemany(INSERT_EVENT, [_event_row(e) for e in events])
            self.sent()
        except Exception as exc:
            if not self.seq_taken(exc):
                raise
            raise self.taken(_("audit event {chain} seq {seq} was written by someone else first; try again").format(
                chain=events[0].claim_id, seq=events[0].seq), claim=events[0].claim_id) from exc

    def sent(self) -> None:
        """The statements so far have reached the database and their failures are known (a back end that sends several at
        once waits for them here)."""

    taken = Conflict  # what a seq written meanwhile is (a back end that re-runs commands makes it a ConcurrentChange)

    def seq_taken(self, exc: Exception) -> bool:
        """Whether `exc` is the unique (claim_id, seq) of audit_event refusing a second event at the same place."""
        return False

    def events(self, claim_id: str) -> list[AuditEvent]:
        return [from_row(StoredEvent._make(row)) for row in self.conn.execute(CHAIN_EVENTS, {"claim_id": claim_id})]


@cache
def _update_claim(unchanged: frozenset[str]) -> str:
    """The UPDATE of a claim row that leaves its identity, and the indexed columns that did not change, alone."""
    columns = [c for c in CLAIM_COLUMNS if c not in IDENTITY and c not in unchanged]
    return f"UPDATE claim SET {', '.join(f'{c} = :{c}' for c in columns)} WHERE id = :id AND version = :expected_version"


def policy_row(policy: dict) -> dict:
    """A policy as stored: its canonical JSON body and that body's SHA-256 (the digest imports compare)."""
    body = canonical_json(policy)
    return {"number": policy["policy"], "body": body, "digest": sha256_hex(body)}


def claim_row(claim: Claim, number: int | None, next_due: str | None) -> dict:
    """A claim as stored: the columns the queue and checks use, and the whole claim as canonical JSON."""
    return {
        "id": claim.id,
        "number": number,
        "policy": claim.policy,
        "type": claim.type,
        "event_date": claim.event_date,
        "state": claim.state,
        "version": claim.version,
        "paid_amount": claim.paid_amount,
        "next_due": next_due,
        "snapshot": canonical_json(snapshot_form(claim)),  # as_dict() without its deep copy, later fields only when set
        "updated_at": claim.last_event_at,
        "assignee": claim.assignee,
        "people": people_of(claim),
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




def translate(exc: BaseException, path: str | None = None):
    """A database failure in the words of the error family, or None: asked of each back end whose driver is loaded."""
    import sys

    from claims.sqlite_store import translate_sqlite

    known = translate_sqlite(exc, path)
    if known is None and "psycopg" in sys.modules:
        from claims.postgres_store import translate_postgres

        known = translate_postgres(exc)
    return known
