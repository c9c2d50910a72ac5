"""The SQLite back end: the embedded default. One file; one writer at a time (``BEGIN IMMEDIATE``), WAL, synchronous=FULL.

The acting user outside training databases is the operating-system login (``os_login``). ``claims init`` builds the
database in a temporary file and links it into place, so it is there whole or not at all. Failures of the driver and
the file system are translated into the error family here, where the file's path is known (a full disk is told apart
from other I/O errors by the free space left beside it).
"""

from __future__ import annotations

import getpass
import os
import sqlite3
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

from claims.errors import BadInput, ClaimsError, Conflict, EnvironmentFailure, IntegrityFailure, NotFound
from claims.i18n import _
from claims.schema import head_statements, trigger_names
from claims.storage import Store, Tx, older_schema

APPLICATION_ID = 0x434C4D53  # "CLMS" in the SQLite header (PRAGMA application_id): a claims database, set by init


def os_login() -> str:
    """Who the operating system says runs this process: the effective user's login name.

    Never an environment variable (``USER``, ``LOGNAME``): those are whatever the caller set.
    """
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):  # not POSIX, or a uid without a passwd entry
        return getpass.getuser()


def sqlite_path(target: str) -> str:
    """The SQLite file a target names: a path, or an ``sqlite:///path`` URL."""
    if "://" not in target:
        return target
    scheme, _sep, path = target.partition(":///")
    if scheme != "sqlite" or not path:
        raise BadInput(_("--db {target!r}: give a file path, sqlite:///path or postgresql://user@host:port/db").format(target=target))
    return path


class SQLiteTx(Tx):
    """A transaction on SQLite: text that is not UTF-8 can be read back to be reported; the file can be checked."""

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

    def damage(self) -> list[str]:
        """What SQLite's own check of the file finds wrong with it (PRAGMA quick_check: pages, b-trees, indexes)."""
        found = [row[0] for row in self.conn.execute("PRAGMA quick_check(20)")]
        return [] if found == ["ok"] else found

    def claims_database(self) -> None:
        try:
            super().claims_database()
        except sqlite3.OperationalError as exc:
            if "no such table: alembic_version" in str(exc) and self._has_table("meta"):
                raise older_schema() from None
            if "no such table" not in str(exc) and "no such column" not in str(exc):
                raise  # a busy, full or unreadable file: the store says which
            raise IntegrityFailure(_("this is not a claims database ({reason}); give --db the file `claims init` made").format(
                reason=exc)) from None

    def _has_table(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name", {"name": name}).fetchone() is not None

    def seq_taken(self, exc: Exception) -> bool:
        return isinstance(exc, sqlite3.IntegrityError) and "UNIQUE constraint failed: audit_event" in str(exc)

    def missing_triggers(self) -> list[str]:
        present = {name for (name,) in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        return [name for name in trigger_names("sqlite") if name not in present]


def _tolerant_text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


class SQLiteStore(Store):
    """A claims database in an SQLite file: one writer at a time (BEGIN IMMEDIATE), WAL, synchronous=FULL."""

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
            raise Conflict(_("{path} was created by someone else meanwhile; nothing was changed").format(path=self.path)) from None
        except OSError as exc:
            raise translate_sqlite(exc, self.path) from exc
        finally:
            _remove_database_files(temporary)

    @staticmethod
    def _build(temporary: Path, initialise) -> None:
        """The whole database, in the temporary file."""
        _create_schema(str(temporary))
        conn = _connect(str(temporary))
        try:
            conn.execute("BEGIN IMMEDIATE")
            initialise(SQLiteTx(conn, write=True))
            conn.execute("COMMIT")
        finally:
            conn.close()  # the last connection checkpoints the WAL into the file and removes it

    def _refuse_existing(self) -> None:
        try:
            with self.read() as tx:
                tx.meta("settings_version")
        except ClaimsError:
            raise IntegrityFailure(_("{path} exists and is not a claims database; nothing was changed").format(path=self.path)) from None
        finally:
            self.close()
        raise Conflict(_("{path} is already a claims database; nothing was changed").format(path=self.path))

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
                tx = SQLiteTx(conn, write=True)
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
            known = translate_sqlite(exc, self.path)
            if known is None:
                raise
            raise known from exc

    def engine(self):
        """Transactions begun IMMEDIATE, so that a schema upgrade's DDL and its audit event commit together (pysqlite's own
        transaction handling would commit before each DDL statement)."""
        from sqlalchemy import create_engine, event
        from sqlalchemy.pool import NullPool

        engine = create_engine(f"sqlite:///{self.path}", poolclass=NullPool)

        @event.listens_for(engine, "connect")
        def autocommit(dbapi_connection, record):
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def immediate(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    def tx_for(self, dbapi_connection) -> Tx:
        return SQLiteTx(dbapi_connection, write=True)

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
                if not isinstance(translate_sqlite(exc), EnvironmentFailure):  # read-only: nobody commits, no lock needed
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
                tx = SQLiteTx(conn)
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
        raise BadInput(_("--db {path!r} is a folder; give the path of a database file").format(path=path))
    if create:
        folder = place.parent
        if not folder.is_dir():
            raise BadInput(_("--db {path!r}: the folder {folder!r} does not exist; create it first").format(path=path, folder=str(folder)))
    elif not place.exists():
        folder = place.parent
        if folder.is_dir():
            raise NotFound(_("no claims database at {path!r}: run `claims init` first, or give --db").format(path=path))
        raise NotFound(_("no claims database at {path!r} (the folder {folder!r} does not exist): run `claims init` first, or give "
                         "--db").format(path=path, folder=str(folder)))


def _create_schema(path: str) -> None:
    """The schema at HEAD (claims.schema), in WAL mode and marked with the application id, in one transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")  # persistent: every later connection finds the file in WAL mode
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.execute("BEGIN IMMEDIATE")
        for statement in head_statements("sqlite"):
            conn.execute(statement)
        conn.execute("COMMIT")
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


# SQLite primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF)
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT = 5, 6, 8, 10, 11
SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 13, 14, 26


def translate_sqlite(exc: BaseException, path: str | None = None):
    """A database failure in the words of the error family, or None if it is not one (`path`: the database file)."""
    if isinstance(exc, MemoryError):
        return EnvironmentFailure(_("out of memory; nothing was written"))
    if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
        return _os_failure(exc)
    if not isinstance(exc, sqlite3.DatabaseError):
        return None
    text = str(exc)
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code == SQLITE_FULL or "disk is full" in text or (code in (SQLITE_IOERR, SQLITE_CANTOPEN) and _disk_full(path)):
        return EnvironmentFailure(_("disk full: there is no room beside the database (SQLite needs some to open it, and every write "
                                    "needs some); nothing was written — free some space and try again"))
    if code == SQLITE_READONLY or "readonly database" in text:
        return EnvironmentFailure(_("the database file or its folder is read-only for you; nothing was written "
                                    "(docs/security.md, Sharing one SQLite file)"))
    if code == SQLITE_CANTOPEN or "unable to open" in text:
        return EnvironmentFailure(_("the database cannot be opened ({reason}): check that you may read and write it and its folder").format(
            reason=text))
    if code == SQLITE_IOERR or "disk I/O error" in text:
        return EnvironmentFailure(_("the disk failed while using the database ({reason}); nothing was written").format(reason=text))
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text or "busy" in text:
        return Conflict(_("the database is busy with another writer; try again ({reason})").format(reason=text))
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or "not a database" in text or "malformed" in text or "no such table" in text:
        return IntegrityFailure(_("the database is damaged or not a claims database ({reason})").format(reason=text))
    if "decode to UTF-8" in text:
        column = text.split("column ", 1)[-1].split(" with text", 1)[0]
        return IntegrityFailure(_("the database holds text that is not UTF-8 (column {column}): it was written outside this tool; "
                                  "`claims audit verify` names the row").format(column=column))
    if "no such column" in text:
        return IntegrityFailure(_("this is not a claims database, or not of this version ({reason})").format(reason=text))
    if "append-only" in text:
        return IntegrityFailure(_("refused by the database: {reason}").format(reason=text))
    if isinstance(exc, sqlite3.IntegrityError) and "UNIQUE constraint failed: audit_event" in text:
        return Conflict(_("an audit event of this chain was written by someone else first; nothing was written, try again"))
    if isinstance(exc, sqlite3.IntegrityError):
        return IntegrityFailure(_("the database refused a row that does not hold together ({reason}); nothing was written — run "
                                  "`claims audit verify` on where it came from").format(reason=text))
    return None


def _os_failure(exc: OSError) -> EnvironmentFailure:
    import errno

    if exc.errno == errno.ENOSPC:
        return EnvironmentFailure(_("disk full: nothing was written (free some space and try again)"))
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return EnvironmentFailure(_("{reason}: {file} (check the permissions of the file and its folder)").format(
            reason=exc.strerror, file=exc.filename or _("the database")))
    return EnvironmentFailure(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
