"""The databases tests run on: an SQLite file or a PostgreSQL database, behind one small interface.

Tests that build a claims database ask for the `backend` fixture (directly or through `claims`, `book`, …); it is
parametrised once per session over both back ends (conftest.pytest_generate_tests), the PostgreSQL half marked
`postgres`. A test that is about the SQLite file itself (pages, WAL, file permissions) is marked `sqlite_only`.

`Database` gives a test what it needs beyond the CLI: raw rows for inspection, a tampering connection with the
append-only triggers out of the way (as an attacker with raw access would have), and cheap copies of a template.
Statements are written with `?` placeholders, as for sqlite3; they are converted for psycopg.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import sqlite3
import uuid
from pathlib import Path

SQLITE, POSTGRES = "sqlite", "postgres"
APPEND_ONLY = ("audit_event", "policy_version")
_names = itertools.count()


class Database:
    """A claims database under test."""

    kind: str
    target: str  # what --db is given

    def __str__(self) -> str:
        return self.target

    def rows(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        with self.connection() as con:
            return [tuple(row) for row in con.execute(_sql(self.kind, sql), params).fetchall()]

    @contextlib.contextmanager
    def raw(self):
        """A raw connection (triggers in place) taking `?` placeholders; committed on leaving."""
        with self.connection() as con:
            yield _Converting(con, self.kind)
            con.commit()

    @contextlib.contextmanager
    def tampering(self):
        """A raw connection as an attacker with write access has it: the append-only triggers out of the way; committed
        on leaving. It takes `?` placeholders."""
        with self.connection() as con:
            self._disable_triggers(con)
            yield _Converting(con, self.kind)
            con.commit()

    def connection(self):
        raise NotImplementedError

    def copy(self, place) -> Database:
        raise NotImplementedError

    def _disable_triggers(self, con) -> None:
        raise NotImplementedError


class SQLiteDatabase(Database):
    kind = SQLITE

    @property
    def login(self) -> str:
        """Who acts outside training: the operating-system login."""
        from claims.sqlite_store import os_login

        return os_login()

    def logins(self, *names: str) -> None:
        """Make sure these logins exist (on SQLite, logins are the operating system's: nothing to make)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.target = str(self.path)

    @contextlib.contextmanager
    def connection(self):
        with contextlib.closing(sqlite3.connect(self.path)) as con:
            yield con

    def _disable_triggers(self, con) -> None:
        for table in APPEND_ONLY:
            for verb in ("update", "delete"):
                con.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")

    def copy(self, place) -> SQLiteDatabase:
        """A copy of the file (and its WAL) at `place` (a folder)."""
        target = Path(place) / self.path.name
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(self.path) + suffix)
            if source.exists():
                shutil.copy(source, str(target) + suffix)
        return SQLiteDatabase(target)


class PostgresDatabase(Database):
    kind = POSTGRES

    @property
    def login(self) -> str:
        """Who acts outside training: the session user (the URL's)."""
        from psycopg.conninfo import conninfo_to_dict

        return conninfo_to_dict(self.target)["user"]

    def logins(self, *names: str) -> None:
        """Make sure these database logins exist (the database administrator creates them)."""
        from pg_server import create_login

        for name in names:
            create_login(self.admin_url, name)

    def __init__(self, admin_url: str, name: str):
        from pg_server import url_with

        self.admin_url, self.name = admin_url, name
        self.target = url_with(admin_url, dbname=name)

    @contextlib.contextmanager
    def connection(self):
        import psycopg

        with psycopg.connect(self.target) as con:
            yield con

    def _disable_triggers(self, con) -> None:
        for table in APPEND_ONLY:
            con.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")

    def copy(self, place=None) -> PostgresDatabase:
        """A new database made from this one as a template (it must have no open connection)."""
        from pg_server import create_database

        name = new_name()
        create_database(self.admin_url, name, template=self.name)
        return PostgresDatabase(self.admin_url, name)

    def drop(self) -> None:
        from pg_server import drop_database

        drop_database(self.admin_url, self.name)


def new_database(kind: str, folder: Path, name: str = "claims.db") -> Database:
    """An empty place for a claims database: a file path in `folder`, or a new empty PostgreSQL database."""
    if kind == SQLITE:
        return SQLiteDatabase(Path(folder) / name)
    from pg_server import create_database

    admin_url = os.environ["CLAIMS_TEST_POSTGRES"]
    database = new_name()
    create_database(admin_url, database)
    return PostgresDatabase(admin_url, database)


def new_name() -> str:
    from pg_server import database_prefix

    return f"c{database_prefix()}{uuid.uuid4().hex[:10]}_{next(_names)}"[:63]  # "c": not among a pg_server test's own


def discard(database: Database) -> None:
    if isinstance(database, PostgresDatabase):
        with contextlib.suppress(Exception):
            database.drop()


class _Converting:
    """A DB-API connection taking `?` placeholders whichever back end it is."""

    def __init__(self, con, kind: str):
        self.con, self.kind = con, kind

    def execute(self, sql: str, params: tuple | list = ()):
        return self.con.execute(_sql(self.kind, sql), params)


def _sql(kind: str, sql: str) -> str:
    return sql if kind == SQLITE else re.sub(r"\?", "%s", sql.replace("%", "%%"))
