"""The PostgreSQL back end: a claims database on a server a department shares (imported only for a postgresql:// target).

Correct under concurrency by design (docs/postgres.md):

- A write runs in READ COMMITTED and locks what owns the chain it extends *before* reading it: the claim's row
  (``SELECT … FOR UPDATE``); a transaction-scoped advisory lock for the policy (decide and pay read what its other
  claims paid), for reports (claim numbers, duplicate reports) and for the admin chain. Each statement after the lock
  sees everything committed before it: no update can be lost between reading a chain's head and extending it.
- The unique (claim_id, seq) and the claim's version check stay as the last line. A serialization failure (40001),
  a deadlock (40P01) or a unique violation (23505) is a ``ConcurrentChange``: the whole command runs again
  (``Store.transact``), so exactly one set of events commits.
- Reads run in one REPEATABLE READ READ ONLY snapshot; `audit verify`'s worker processes import that very snapshot
  (``pg_export_snapshot``); long reads stream through a server-side cursor, so memory stays flat.

The acting user outside training databases is the session user. The server enforces the roles (``setup_statements``):
group roles per claims role, grants that give nobody UPDATE, DELETE or TRUNCATE on the audit log, auditors read-only,
and a trigger that refuses an audit row whose actor is not the session user (training databases excepted).
"""

from __future__ import annotations

import itertools
import re
from contextlib import contextmanager
from functools import cache

import psycopg
from psycopg import errors as pg_errors

from claims.errors import BadInput, ClaimsError, EnvironmentFailure, Forbidden, IntegrityFailure, NotFound
from claims.i18n import _
from claims.records import Claim
from claims.schema import POSTGRES_TRIGGERS, head_statements, trigger_names
from claims.storage import CHAIN_HEAD, CLAIM_SNAPSHOT, ConcurrentChange, Store, Tx, _loads, older_schema

ROLES = ("agent", "handler", "senior", "auditor", "admin")
GROUP = "claims_{}"  # the group role of each claims role (roles are shared by the databases of one server)
RETRYABLE = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected, pg_errors.UniqueViolation)
_cursor_names = itertools.count()


def server_url(target: str) -> str:
    """The libpq URL of a --db target (``postgresql+psycopg://`` as SQLAlchemy spells it is accepted too)."""
    return re.sub(r"^postgresql\+psycopg://", "postgresql://", target)


@cache
def _pg_sql(sql: str) -> str:
    """A statement with named parameters (``:name``) in psycopg's style (``%(name)s``), converted once."""
    return re.sub(r"(?<![:\w]):([A-Za-z_]\w*)", r"%(\1)s", sql.replace("%", "%%"))


class _Connection:
    """A psycopg connection that takes the statements as every back end writes them."""

    def __init__(self, raw: psycopg.Connection):
        self.raw = raw

    def execute(self, sql: str, params=()):
        return self.raw.execute(_pg_sql(sql), params or None)

    def executemany(self, sql: str, rows):
        cursor = self.raw.cursor()
        cursor.executemany(_pg_sql(sql), rows)
        return cursor


class PostgresTx(Tx):
    """A transaction on PostgreSQL: row and advisory locks for writers, server-side cursors for long reads."""

    def __init__(self, conn: _Connection, *, write: bool = False, pipeline: psycopg.Pipeline | None = None):
        super().__init__(conn, write=write)
        self.lock_rows = " FOR UPDATE" if write else ""
        self.pipeline = pipeline
        self._heads: dict[str, tuple[int, str | None]] = {}
        self._updates: list[tuple[psycopg.Cursor, str]] = []

    # A write transaction runs in psycopg's pipeline mode: statements whose results are not read at once (BEGIN, the claim's
    # UPDATE, its events' INSERT, COMMIT) travel with the next that is, so a command makes about five round trips to the
    # server instead of nine. The server still runs them one after another, each READ COMMITTED statement with its own
    # snapshot, so the chain head read after the claim's FOR UPDATE sees whatever the previous holder committed.
    def claim(self, claim_id: str):
        if self.pipeline is None:
            return super().claim(claim_id)
        locked = self.conn.execute(CLAIM_SNAPSHOT + self.lock_rows, {"claim_id": claim_id})
        head = self.conn.execute(CHAIN_HEAD, {"claim_id": claim_id})
        row = locked.fetchone()
        if row is None:
            return None
        last = head.fetchone()
        self._heads[claim_id] = (0, None) if last is None else (last[0], last[1])
        self._indexed[claim_id] = row[1:]
        return Claim.from_dict(_loads(row[0]))

    def chain_head(self, claim_id: str) -> tuple[int, str | None]:
        if claim_id in self._heads:
            return self._heads[claim_id]
        return super().chain_head(claim_id)

    def updated_one(self, cursor, claim_id: str) -> None:
        if self.pipeline is None:
            return super().updated_one(cursor, claim_id)
        self._updates.append((cursor, claim_id))  # checked before COMMIT, once the UPDATE's result has come back

    def sent(self) -> None:
        """The claim's UPDATE and its events' INSERT go together; their results (a seq taken, the version check) now."""
        if self.pipeline is not None:
            self.pipeline.sync()
            updates, self._updates = self._updates, []
            for cursor, claim_id in updates:
                super().updated_one(cursor, claim_id)

    def before_commit(self) -> None:
        if self._updates:
            self.sent()

    def stream(self, sql: str, params=()):
        cursor = self.conn.raw.cursor(name=f"claims_stream_{next(_cursor_names)}")
        cursor.itersize = 2000
        cursor.execute(_pg_sql(sql), params or None)
        return cursor

    def lock(self, name: str) -> None:
        self.conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))", {"name": name})

    taken = ConcurrentChange

    def seq_taken(self, exc: Exception) -> bool:
        return isinstance(exc, pg_errors.UniqueViolation) and exc.diag.constraint_name == "uq_audit_event_claim_seq"

    def missing_triggers(self) -> list[str]:
        """Append-only triggers dropped or disabled (an owner can do either)."""
        present = {name for (name,) in self.conn.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")}
        return [name for name in trigger_names("postgresql") if name not in present]


class PostgresStore(Store):
    """A claims database on a PostgreSQL server."""

    def __init__(self, target: str, *, create: bool = False):
        self.target = target
        self.url = server_url(target)
        self._conn: psycopg.Connection | None = None
        self._login: str | None = None

    # connection -------------------------------------------------------------------------------------
    def _connection(self) -> psycopg.Connection:
        if self._conn is None:
            try:
                self._conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
            except psycopg.OperationalError as exc:
                raise EnvironmentFailure(_("the database server cannot be reached or refused the login: {reason}").format(
                    reason=_first_line(exc))) from None
            except psycopg.ProgrammingError as exc:
                raise BadInput(_("--db {target!r} is not a usable PostgreSQL URL: {reason}").format(
                    target=_without_password(self.target), reason=_first_line(exc))) from None
        return self._conn

    def login(self) -> str:
        """The session user: who the server authenticated."""
        if self._login is None:
            with self.failures():
                self._login = self._connection().execute("SELECT session_user").fetchone()[0]
        return self._login

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @contextmanager
    def failures(self):
        try:
            yield
        except ClaimsError:
            raise
        except (psycopg.Error, OSError) as exc:
            known = translate_postgres(exc, self)
            if known is None:
                raise
            raise known from exc

    # transactions -----------------------------------------------------------------------------------
    @contextmanager
    def write(self):
        with self.failures():
            conn = self._connection()
            try:
                with conn.pipeline() as pipeline:
                    conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
                    tx = PostgresTx(_Connection(conn), write=True, pipeline=pipeline)
                    tx.claims_database()
                    yield tx
                    tx.before_commit()
                    conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise

    @contextmanager
    def read(self):
        with self.failures():
            conn = self._connection()
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                tx = PostgresTx(_Connection(conn))
                tx.claims_database()
                yield tx
            finally:
                _rollback(conn)

    @contextmanager
    def shared_read(self, join):
        """A snapshot other processes import: ``pg_export_snapshot`` is valid while this transaction is open."""
        with self.read() as tx:
            token = tx.value("SELECT pg_export_snapshot()")
            join(token)
            yield tx

    @contextmanager
    def join_read(self, token):
        with self.failures():
            conn = self._connection()
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                conn.execute(f"SET TRANSACTION SNAPSHOT '{_snapshot_id(token)}'")
                tx = PostgresTx(_Connection(conn))
                tx.claims_database()
                yield tx
            finally:
                _rollback(conn)

    # creating ---------------------------------------------------------------------------------------
    def create(self, initialise, *, admin: str | None = None) -> None:
        """The schema at HEAD, the server's roles, grants and triggers (where not there yet), and `initialise(tx)` — in one
        transaction: a failure leaves the database as it was."""
        with self.failures():
            conn = self._connection()
            conn.execute("BEGIN")
            try:
                if not _has_table(conn, "meta"):
                    for statement in head_statements("postgresql") + setup_statements(conn):
                        conn.execute(statement)
                elif _has_table(conn, "alembic_version") and _meta_settings(conn):
                    raise _existing(self)
                if initialise is not None:
                    initialise(PostgresTx(_Connection(conn), write=True))
                if admin is not None:
                    conn.execute(f"GRANT {GROUP.format('admin')} TO {_ident(admin)}")
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise

    def engine(self):
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        return create_engine(re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", self.url), poolclass=NullPool)

    def tx_for(self, dbapi_connection) -> PostgresTx:
        return PostgresTx(_Connection(dbapi_connection), write=True)

    def after_upgrade(self, tx: PostgresTx) -> None:
        for statement in setup_statements(tx.conn.raw):
            tx.conn.raw.execute(statement)

    def after_copy(self, tx: PostgresTx) -> None:
        """Rows were inserted with their ids: the serial must go on after them. Outside training, every registered user
        whose login exists gets their group role (as the owner grants it: the copier need not be a registered admin)."""
        tx.conn.execute("SELECT setval(pg_get_serial_sequence('audit_event', 'id'), coalesce((SELECT max(id) FROM audit_event), 1))")
        if tx.training(strict=False):
            return
        missing = set(self.logins_missing(tx))
        for name, role, _limit in tx.users():
            if name not in missing:
                for other in ROLES:
                    if other != role:
                        tx.conn.execute(f"REVOKE {GROUP.format(other)} FROM {_ident(name)}")
                tx.conn.execute(f"GRANT {GROUP.format(role)} TO {_ident(name)}")

    def logins_missing(self, tx: PostgresTx) -> list[str]:
        if tx.training(strict=False):
            return []
        logins = {name for (name,) in tx.conn.execute("SELECT rolname FROM pg_roles WHERE rolcanlogin")}
        return [name for name, _, _ in tx.users() if name not in logins]

    def setup(self, admin: str | None = None) -> dict:
        """The database administrator's part, all in one transaction: the schema at HEAD if there is none, the group roles,
        grants, triggers and functions (again, if they are there: harmless), every registered user's group role where
        their login exists, and `admin` made able to run `claims init` (a member of the admin group)."""
        with self.failures():
            conn = self._connection()
            conn.execute("BEGIN")
            try:
                created = not _has_table(conn, "meta")
                for statement in (head_statements("postgresql") if created else []) + setup_statements(conn):
                    conn.execute(statement)
                tx = PostgresTx(_Connection(conn), write=True)
                initialised = _meta_settings(conn)
                if initialised:
                    self.after_copy(tx)
                if admin is not None:
                    conn.execute(f"GRANT {GROUP.format('admin')} TO {_ident(admin)}")
                missing = self.logins_missing(tx) if initialised else []
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
        return {"created": created, "initialised": initialised, "admin": admin, "logins_to_create": missing}

    def grant_role(self, tx: PostgresTx, login: str, role: str) -> None:
        """Make `login` a member of `role`'s group role, and of no other claims group (the server then enforces it)."""
        tx.conn.execute("SELECT claims_grant_role(:login, :role)", {"login": login, "role": role})


def _existing(store: PostgresStore) -> ClaimsError:
    from claims.errors import Conflict

    return Conflict(_("{path} is already a claims database; nothing was changed").format(path=_without_password(store.target)))


def _has_table(conn: psycopg.Connection, name: str) -> bool:
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0]


def _meta_settings(conn: psycopg.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM meta WHERE key = 'settings_version'").fetchone()[0] > 0


def _rollback(conn: psycopg.Connection) -> None:
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE and not conn.closed:
        try:
            conn.execute("ROLLBACK")
        except psycopg.Error:
            pass


def _snapshot_id(token: str) -> str:
    if not isinstance(token, str) or not re.fullmatch(r"[0-9A-F]+-[0-9A-F]+-[0-9]+", token):
        raise IntegrityFailure(_("not a snapshot id: {token!r}").format(token=token))
    return token


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _without_password(target: str) -> str:
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", target)


# the server's side of the roles --------------------------------------------------------------------------
def setup_statements(conn: psycopg.Connection) -> list[str]:
    """Group roles, grants, the actor trigger and the role-granting function, for the schema at HEAD.

    Nobody may UPDATE, DELETE or TRUNCATE the audit log or the policy versions (the owner aside, who could drop the triggers
    anyway); auditors only read; writers insert their own events, which the trigger checks are theirs.
    """
    database = conn.execute("SELECT current_database()").fetchone()[0]
    groups = [GROUP.format(role) for role in ROLES]
    writers = [GROUP.format(role) for role in ("agent", "handler", "senior")]
    everyone = ", ".join(groups)
    statements = [
        *(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{group}') THEN CREATE ROLE {group} NOLOGIN; END IF; "
          f"EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$" for group in groups),  # made meanwhile: fine
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {_ident(database)} TO {everyone}",
        f"GRANT USAGE ON SCHEMA public TO {everyone}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {everyone}",
        f"GRANT INSERT ON audit_event TO {', '.join(writers)}, {GROUP.format('admin')}",
        f"GRANT USAGE ON SEQUENCE audit_event_id_seq TO {', '.join(writers)}, {GROUP.format('admin')}",
        f"GRANT INSERT, UPDATE ON claim TO {', '.join(writers)}",
        f"GRANT INSERT, UPDATE ON app_user, policy, meta TO {GROUP.format('admin')}",
        f"GRANT INSERT ON settings_version, policy_version TO {GROUP.format('admin')}",
        ACTOR_FUNCTION,
        "DROP TRIGGER IF EXISTS audit_event_actor ON audit_event",
        "CREATE TRIGGER audit_event_actor BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION claims_actor_is_session_user()",
        GRANT_FUNCTION,
        "REVOKE ALL ON FUNCTION claims_grant_role(name, text) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION claims_grant_role(name, text) TO {GROUP.format('admin')}",
    ]
    return statements


ACTOR_FUNCTION = """CREATE OR REPLACE FUNCTION claims_actor_is_session_user() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    training boolean;
BEGIN
    IF NEW.claim_id = '@admin' AND NEW.seq = 1 THEN
        training := (NEW.payload::jsonb ->> 'training')::boolean;
    ELSE
        SELECT (payload::jsonb ->> 'training')::boolean INTO training FROM audit_event WHERE claim_id = '@admin' AND seq = 1;
    END IF;
    IF coalesce(training, false) OR NEW.actor = session_user
       OR session_user = (SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'audit_event') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'an audit event in the name of % may only be written by %, not by %', NEW.actor, NEW.actor, session_user
        USING ERRCODE = 'insufficient_privilege';
END $$"""

GRANT_FUNCTION = """CREATE OR REPLACE FUNCTION claims_grant_role(login name, claims_role text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    r text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.app_user WHERE name = session_user AND role = 'admin') THEN
        RAISE EXCEPTION 'only a claims admin may change who holds a claims role' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF claims_role NOT IN ('agent', 'handler', 'senior', 'auditor', 'admin') THEN
        RAISE EXCEPTION 'no claims role %', claims_role USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login AND rolcanlogin) THEN
        RAISE EXCEPTION 'the database server has no login %: the database administrator creates it first', login
            USING ERRCODE = 'undefined_object';
    END IF;
    FOREACH r IN ARRAY ARRAY['agent', 'handler', 'senior', 'auditor', 'admin'] LOOP
        IF pg_has_role(login, 'claims_' || r, 'MEMBER') AND r <> claims_role THEN
            EXECUTE format('REVOKE %I FROM %I', 'claims_' || r, login);
        END IF;
    END LOOP;
    EXECUTE format('GRANT %I TO %I', 'claims_' || claims_role, login);
END $$"""


# failures, in the words of the error family --------------------------------------------------------------
def translate_postgres(exc: BaseException, store: PostgresStore | None = None):
    """A psycopg failure as the error family says it, or None."""
    if isinstance(exc, RETRYABLE):
        return ConcurrentChange(_("another transaction changed the same records first ({reason})").format(reason=_first_line(exc)))
    if isinstance(exc, pg_errors.UndefinedTable):
        if '"alembic_version"' in str(exc) and store is not None and _meta_exists(store):
            return older_schema()
        return IntegrityFailure(_("this is not a claims database ({reason}); give --db the database `claims init` made").format(
            reason=_first_line(exc)))
    if isinstance(exc, pg_errors.UndefinedColumn):
        return IntegrityFailure(_("this is not a claims database, or not of this version ({reason})").format(reason=_first_line(exc)))
    if isinstance(exc, pg_errors.InsufficientPrivilege):
        return Forbidden(_("refused by the database server: {reason} (docs/postgres.md, Setting up the server)").format(
            reason=_first_line(exc)), rule="role")
    if isinstance(exc, pg_errors.UndefinedObject):
        return NotFound(_first_line(exc))
    if isinstance(exc, pg_errors.DiskFull):
        return EnvironmentFailure(_("the database server's disk is full; nothing was written"))
    if isinstance(exc, pg_errors.ReadOnlySqlTransaction):
        return EnvironmentFailure(_("the database server accepts no writes now ({reason}); nothing was written").format(
            reason=_first_line(exc)))
    if isinstance(exc, psycopg.OperationalError):  # the connection was lost, the server shut down
        return EnvironmentFailure(_("the database server failed or went away ({reason}); nothing was written").format(
            reason=_first_line(exc)))
    if isinstance(exc, psycopg.IntegrityError):  # a foreign key or a check refused a row: what was read does not hold together
        return IntegrityFailure(_("the database refused a row that does not hold together ({reason}); nothing was written "
                                  "— run `claims audit verify` on where it came from").format(reason=_first_line(exc)))
    if isinstance(exc, psycopg.DataError):
        return BadInput(_("the database server refused a value: {reason}").format(reason=_first_line(exc)))
    return None


def _meta_exists(store: PostgresStore) -> bool:
    try:
        return _has_table(store._connection(), "meta")
    except psycopg.Error:
        return False


__all__ = ["PostgresStore", "PostgresTx", "POSTGRES_TRIGGERS", "setup_statements", "translate_postgres", "server_url"]
