"""Storage: every database specific lives here (SQLite now; PostgreSQL later).

The schema is declared once, as SQLModel tables (``claims.tables``), and created from that
declaration by ``claims init``. Commands then speak to the database through its DB-API driver
with the statements below: SQLAlchemy Core costs ≈0.1–0.3 ms a statement and importing SQLModel
≈300 ms a start-up, both measured (issue 4), and a command runs a handful of fixed statements.
Every statement names its parameters (``:name``), so another driver needs only a different
placeholder style. The tests run every statement against the schema SQLModel creates.

Writes run in one transaction each (``BEGIN IMMEDIATE`` on SQLite) so a claim's new
state and its audit events commit together or not at all.
"""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
import urllib.parse
from contextlib import contextmanager
from dataclasses import fields
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import orjson

from claims.audit import ADMIN_CHAIN, AuditEvent, from_row
from claims.canonical import canonical_json, sha256_hex, undecodable
from claims.chain import EVENT_COLUMNS, StoredEvent
from claims.errors import BadInput, ClaimsError, Conflict, EnvironmentFailure, IntegrityFailure, NotFound
from claims.records import Claim
from claims.settings import Settings

APPEND_ONLY = (
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS policy_version_no_update BEFORE UPDATE ON policy_version "
    "BEGIN SELECT RAISE(ABORT, 'policy_version is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS policy_version_no_delete BEFORE DELETE ON policy_version "
    "BEGIN SELECT RAISE(ABORT, 'policy_version is append-only'); END",
)

CLAIM_FIELDS = tuple(f.name for f in fields(Claim))
CLAIM_COLUMNS = ("id", "number", "policy", "type", "event_date", "state", "version", "paid_amount", "next_due", "snapshot", "updated_at")

FINISHED = ("closed", "withdrawn")  # left out of the work queue unless asked for by --state


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"


# The statements every command runs.
ALL_META = "SELECT key, value FROM meta"
SETTINGS_BODY = "SELECT body FROM settings_version WHERE version = :version"
USER_ROW = "SELECT name, role, authority_limit FROM app_user WHERE name = :name"
POLICY_BODY = "SELECT body, digest FROM policy WHERE number = :number"
CLAIM_SNAPSHOT = "SELECT snapshot, state, next_due FROM claim WHERE id = :claim_id"
CLAIMS_ON_POLICY = "SELECT snapshot FROM claim WHERE policy = :policy AND type = :claim_type"
INSERT_CLAIM = _insert("claim", CLAIM_COLUMNS)
IDENTITY = ("id", "number", "policy", "type", "event_date")  # set once, by the report
INDEXED = ("state", "next_due")  # an UPDATE that names an indexed column rewrites its index entry: name them only when they change
INIT_EVENT = "SELECT event, payload FROM audit_event WHERE claim_id = :chain AND seq = 1"
CHAIN_HEAD = "SELECT seq, hash FROM audit_event WHERE claim_id = :claim_id ORDER BY seq DESC LIMIT 1"
INSERT_EVENT = _insert("audit_event", EVENT_COLUMNS)
CHAIN_EVENTS = f"SELECT {', '.join(EVENT_COLUMNS)} FROM audit_event WHERE claim_id = :claim_id ORDER BY seq"
INSERT_POLICY = _insert("policy", ("number", "body", "digest"))
INSERT_POLICY_VERSION = _insert("policy_version", ("number", "digest", "body", "imported_seq")) + " ON CONFLICT DO NOTHING"
UPDATE_POLICY = "UPDATE policy SET body = :body, digest = :digest WHERE number = :number"


def os_login() -> str:
    """Who the operating system says runs this process: the effective user's login name.

    Never an environment variable (``USER``, ``LOGNAME``): those are whatever the caller set.
    """
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):  # not POSIX, or a uid without a passwd entry
        return getpass.getuser()


APPLICATION_ID = 0x434C4D53  # "CLMS" in the SQLite header (PRAGMA application_id): a claims database, set by init


def sqlite_path(target: str) -> str:
    """The SQLite file a target names: a path, or an ``sqlite:///path`` URL."""
    if not target or not target.strip():
        raise BadInput("--db must name a database: a file path, sqlite:///path or a PostgreSQL URL")
    if "\x00" in target:
        raise BadInput("--db must not contain a NUL character")
    if "://" not in target:
        return target
    scheme, _, path = target.partition(":///")
    if scheme != "sqlite" or not path:
        raise BadInput(f"--db {target!r}: give a file path, sqlite:///path or postgresql://user@host:port/db")
    return path


class Store:
    """A database holding claims, policies, users, settings and the audit log."""

    def __init__(self, target: str, *, create: bool = False):
        self.target = target
        self.path = sqlite_path(target)
        _check_place(self.path, create)
        self._conn: sqlite3.Connection | None = None

    def create(self, initialise) -> None:
        """Create the database whole or not at all, and run `initialise(tx)` in it.

        It is built in a temporary file beside the target — the tables as ``claims.tables`` declares them
        (SQLModel), the append-only triggers, and what `initialise` writes — and only then linked into place:
        a `claims init` killed part-way leaves no half-made database behind.
        """
        target = Path(self.path)
        if target.exists() and target.stat().st_size:
            self._refuse_existing()
        temporary = target.with_name(f".{target.name}.init-{os.getpid()}")
        _remove_database_files(temporary)
        try:
            with self.failures():
                self._build(temporary, initialise)
            _put_in_place(temporary, target)
        except FileExistsError:
            raise Conflict(f"{self.path} was created by someone else meanwhile; nothing was changed") from None
        except OSError as exc:
            raise translate(exc, self.path) from exc
        finally:
            _remove_database_files(temporary)

    @staticmethod
    def _build(temporary: Path, initialise) -> None:
        """The whole database, in the temporary file."""
        _create_schema(str(temporary))
        conn = _connect(str(temporary))
        try:
            conn.execute("BEGIN IMMEDIATE")
            initialise(Tx(conn))
            conn.execute("COMMIT")
        finally:
            conn.close()  # the last connection checkpoints the WAL into the file and removes it

    def _refuse_existing(self) -> None:
        try:
            with self.read() as tx:
                tx.meta("settings_version")
        except ClaimsError:
            raise IntegrityFailure(f"{self.path} exists and is not a claims database; nothing was changed") from None
        finally:
            self.close()
        raise Conflict(f"{self.path} is already a claims database; nothing was changed")

    def login(self) -> str:
        """The acting user outside training databases: for SQLite, the operating-system login."""
        return os_login()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = _open(self.path)
        return self._conn

    @contextmanager
    def write(self):
        """One write transaction; rolls back on any exception (SQLite may already have rolled back, e.g. on a full disk)."""
        with self.failures():
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                tx = Tx(conn)
                tx.claims_database()
                yield tx
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def failures(self):
        """Database and file-system failures, in the words of the error family (exit 5, 7 or 8)."""
        try:
            yield
        except (sqlite3.DatabaseError, OSError, MemoryError) as exc:
            known = translate(exc, self.path)
            if known is None:
                raise
            raise known from exc

    def transact(self, work):
        """`work(tx)` in one write transaction, returning what it returns. A back end whose transactions can fail for
        concurrency alone (a serialization failure) re-runs the whole of `work`; SQLite's BEGIN IMMEDIATE never needs to."""
        with self.write() as tx:
            return work(tx)

    @contextmanager
    def shared_read(self, join):
        """A read transaction that other processes share: `join(token)` must make each of them call `join_read(token)` and
        return once all have. Every one of them then sees exactly the snapshot this one sees.

        SQLite has no exported snapshots, so the snapshots are made equal: while they are being taken this process holds
        the write lock (BEGIN IMMEDIATE on a second connection), so nothing can commit in between. Writers wait only for
        that moment; on a database nobody may write, nothing can commit anyway.
        """
        lock = _connect(self.path, create=False)
        try:
            try:
                lock.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if not isinstance(translate(exc), EnvironmentFailure):  # read-only: nobody commits, no lock needed
                    raise
            with self.read() as tx:
                join(None)
                if lock.in_transaction:
                    lock.execute("ROLLBACK")
                yield tx
        finally:
            lock.close()

    @contextmanager
    def join_read(self, token):
        """This process's part of another's `shared_read` (the token is what that one passed to `join`)."""
        with self.read() as tx:
            yield tx

    @contextmanager
    def read(self):
        """A consistent read snapshot."""
        with self.failures():
            conn = self._connection()
            conn.execute("BEGIN")
            try:
                tx = Tx(conn)
                tx.claims_database()
                yield tx
            finally:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")


def _check_place(path: str, create: bool) -> None:
    """The target must be a file (or, for init, a place where one can be made)."""
    if path == ":memory:":
        return
    place = Path(path)
    if place.is_dir():
        raise BadInput(f"--db {path!r} is a folder; give the path of a database file")
    if create:
        folder = place.parent
        if not folder.is_dir():
            raise BadInput(f"--db {path!r}: the folder {str(folder)!r} does not exist; create it first")
    elif not place.exists():
        folder = place.parent
        where = "" if folder.is_dir() else f" (the folder {str(folder)!r} does not exist)"
        raise NotFound(f"no claims database at {path!r}{where}: run `claims init` first, or give --db")


def _create_schema(path: str) -> None:
    """The tables as ``claims.tables`` declares them (SQLModel), WAL mode, the application id and the triggers."""
    from sqlalchemy import create_engine

    from claims.tables import SQLModel

    engine = create_engine(f"sqlite:///{path}")
    try:
        SQLModel.metadata.create_all(engine)
    finally:
        engine.dispose()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")  # persistent: every later connection finds the file in WAL mode
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        for statement in APPEND_ONLY:
            conn.execute(statement)
    finally:
        conn.close()


def _put_in_place(temporary: Path, target: Path) -> None:
    """Link the finished database to its name (never over another file, except an empty one), then sync the folder."""
    if target.exists() and target.stat().st_size == 0:
        os.replace(temporary, target)
    else:
        try:
            os.link(temporary, target)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links
            if target.exists():
                raise FileExistsError(str(target)) from None
            os.replace(temporary, target)
    try:
        folder = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass


def _open(path: str) -> sqlite3.Connection:
    """A connection to an existing database. On a read-only file system SQLite cannot create the -wal and -shm files it
    reads a WAL database through; as nobody can be writing there either, the file is then read as immutable."""
    conn = _connect(path, create=False)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.OperationalError as exc:
        conn.close()
        if (exc.sqlite_errorcode & 0xFF) != SQLITE_CANTOPEN or not _read_only_file_system(path) or os.path.exists(path + "-wal"):
            raise
        uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=ro&immutable=1"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=10.0, cached_statements=256)
    return conn


def _read_only_file_system(path: str) -> bool:
    try:
        return bool(os.statvfs(os.path.dirname(os.path.abspath(path))).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _disk_full(path: str | None) -> bool:
    try:
        return path is not None and os.statvfs(os.path.dirname(os.path.abspath(path))).f_bavail == 0
    except OSError:
        return False


def _connect(path: str, create: bool = True) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are begun explicitly); never creates a file unless asked to."""
    if create or path == ":memory:":
        conn = sqlite3.connect(path, isolation_level=None, timeout=10.0, cached_statements=256)
    else:
        uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=rw"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=10.0, cached_statements=256)
    conn.execute("PRAGMA synchronous=FULL")  # an audit log must not lose a committed event
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def _loads(text: str):
    """A document this code wrote (a claim snapshot, a policy body), read ≈3× quicker by orjson; what orjson declines
    (a NaN, a lone surrogate) is read as the standard library reads it. Only `audit verify` must read text a forger may
    have written, and it reads exactly as json.loads does (claims/chain.py)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _tolerant_text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _scalar(cursor):
    row = cursor.fetchone()
    return None if row is None else row[0]


class Tx:
    """Operations inside one transaction."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._meta: dict[str, str] | None = None  # read once per transaction (its snapshot cannot change under it)
        self._training: bool | None = None
        self._training_checked = False
        self._indexed: dict[str, tuple] = {}  # claim id -> its indexed columns as read in this transaction

    def rows(self, sql: str, params: dict | tuple = ()):
        """Rows of any read statement (audit reads, checks); streamed as the driver fetches them."""
        return self.conn.execute(sql, params)

    def damage(self) -> list[str]:
        """What SQLite's own check of the file finds wrong with it (PRAGMA quick_check: pages, b-trees, indexes)."""
        found = [row[0] for row in self.conn.execute("PRAGMA quick_check(20)")]
        return [] if found == ["ok"] else found

    def all_rows(self, sql: str, params: dict | tuple = ()) -> list:
        """Every row of a read statement. Text that is not UTF-8 (SQLite stores whatever bytes it is given) comes back
        with each undecodable byte as a lone surrogate instead of failing the read: `audit verify` names such rows."""
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "decode" not in str(exc):
                raise
        self.conn.text_factory = _tolerant_text
        try:
            return self.conn.execute(sql, params).fetchall()
        finally:
            self.conn.text_factory = str

    def value(self, sql: str, params: dict | tuple = ()):
        """The first column of the first row of a read statement, or None."""
        return _scalar(self.conn.execute(sql, params))

    # meta and settings -------------------------------------------------------------------
    def claims_database(self) -> None:
        """Refuse (exit 7) a database that is not a claims database: another program's file, or an unfinished init."""
        try:
            settings = self.meta("settings_version")
        except sqlite3.DatabaseError as exc:
            known = translate(exc)
            if isinstance(known, EnvironmentFailure | Conflict):
                raise known from None
            raise IntegrityFailure(f"this is not a claims database ({exc}); give --db the file `claims init` made") from None
        if settings is None:
            raise IntegrityFailure("this is not a claims database (it holds no settings in force); give --db the file `claims init` made")

    def meta(self, key: str) -> str | None:
        if self._meta is None:  # a handful of rows, every command reads two of them: one statement
            self._meta = dict(self.conn.execute(ALL_META).fetchall())
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
            row = self.conn.execute(INIT_EVENT, {"chain": ADMIN_CHAIN}).fetchone()
            try:
                training = json.loads(row[1])["training"] if row is not None and row[0] == "init" else None
            except (ValueError, TypeError, KeyError):
                training = None
            if type(training) is not bool:
                raise IntegrityFailure("the database has no readable init event: it is not a claims database, or `claims init` "
                                       "did not finish")
            stored = self.meta("training")
            if strict and stored is not None and stored != ("1" if training else "0"):
                raise IntegrityFailure(f"meta.training says {stored!r} but the audited init event says training={training}: "
                                       "the database was altered; run `claims audit verify`")
            self._training, self._training_checked = training, strict
        return self._training

    def settings(self, version: str) -> Settings:
        rows = self.all_rows(SETTINGS_BODY, {"version": version})
        body = rows[0][0] if rows else None
        if body is None:
            raise IntegrityFailure(f"settings version {version} is referenced but not stored")
        if undecodable(body):
            raise IntegrityFailure(f"settings version {version[:12]}… is not UTF-8 text: it was written outside this tool")
        return Settings.from_mapping(json.loads(body), f"settings version {version[:12]}")

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
            chunk = numbers[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            found.update(self.conn.execute(f"SELECT number, digest FROM policy WHERE number IN ({marks})", chunk).fetchall())
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
        row = self.conn.execute(CLAIM_SNAPSHOT, {"claim_id": claim_id}).fetchone()
        if row is None:
            return None
        self._indexed[claim_id] = row[1:]
        return Claim.from_dict(_loads(row[0]))

    def existing_claim(self, claim_id: str) -> Claim:
        """The claim, or NotFound (exit 3)."""
        claim = self.claim(claim_id)
        if claim is None:
            raise NotFound(f"claim {claim_id!r} not found", claim=claim_id)
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
        if self.conn.execute(_update_claim(unchanged), row).rowcount != 1:
            raise Conflict(f"claim {claim.id} was changed by someone else first; reload it and try again", claim=claim.id)

    def due_claims(self, *, state=None, claim_type=None, due_before=None, limit=None):
        """Claims in urgency order (earliest due date first, undated last); index-driven."""
        where, params = [], {}
        if state:
            where.append("state = :state")
            params["state"] = state
        else:
            where.append(f"state NOT IN ({', '.join(repr(s) for s in FINISHED)})")
        if claim_type:
            where.append("type = :claim_type")
            params["claim_type"] = claim_type
        if due_before:
            where.append("next_due < :due_before")
            params["due_before"] = due_before
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
        try:
            self.conn.executemany(INSERT_EVENT, [_event_row(e) for e in events])
        except sqlite3.IntegrityError as exc:
            if "append-only" in str(exc):
                raise
            raise Conflict(
                f"audit event {events[0].claim_id} seq {events[0].seq} was written by someone else first; try again",
                claim=events[0].claim_id,
            ) from exc

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


# SQLite primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF)
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT = 5, 6, 8, 10, 11
SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 13, 14, 26


def translate(exc: BaseException, path: str | None = None):
    """A database failure in the words of the error family, or None if it is not one (`path`: the database file)."""
    if isinstance(exc, MemoryError):
        return EnvironmentFailure("out of memory; nothing was written")
    if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
        return _os_failure(exc)
    if not isinstance(exc, sqlite3.DatabaseError):
        return None
    text = str(exc)
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code == SQLITE_FULL or "disk is full" in text or (code in (SQLITE_IOERR, SQLITE_CANTOPEN) and _disk_full(path)):
        return EnvironmentFailure("disk full: there is no room beside the database (SQLite needs some to open it, and every write "
                                  "needs some); nothing was written — free some space and try again")
    if code == SQLITE_READONLY or "readonly database" in text:
        return EnvironmentFailure("the database file or its folder is read-only for you; nothing was written "
                                  "(docs/security.md, Sharing one SQLite file)")
    if code == SQLITE_CANTOPEN or "unable to open" in text:
        return EnvironmentFailure(f"the database cannot be opened ({text}): check that you may read and write it and its folder")
    if code == SQLITE_IOERR or "disk I/O error" in text:
        return EnvironmentFailure(f"the disk failed while using the database ({text}); nothing was written")
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text or "busy" in text:
        return Conflict(f"the database is busy with another writer; try again ({text})")
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or "not a database" in text or "malformed" in text or "no such table" in text:
        return IntegrityFailure(f"the database is damaged or not a claims database ({text})")
    if "decode to UTF-8" in text:
        column = text.split("column ", 1)[-1].split(" with text", 1)[0]
        return IntegrityFailure(f"the database holds text that is not UTF-8 (column {column}): it was written outside this tool; "
                                "`claims audit verify` names the row")
    if "no such column" in text:
        return IntegrityFailure(f"this is not a claims database, or not of this version ({text})")
    if "append-only" in text:
        return IntegrityFailure(f"refused by the database: {text}")
    return None


def _os_failure(exc: OSError) -> EnvironmentFailure:
    import errno

    if exc.errno == errno.ENOSPC:
        return EnvironmentFailure("disk full: nothing was written (free some space and try again)")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return EnvironmentFailure(f"{exc.strerror}: {exc.filename or 'the database'} (check the permissions of the file and its folder)")
    return EnvironmentFailure(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
