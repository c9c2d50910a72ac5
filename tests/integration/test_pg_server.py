"""The throwaway PostgreSQL server the session starts (tests/pg_server.py, tests/conftest.py)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pg_server
import psycopg
import pytest

pytestmark = pytest.mark.postgres


def _one(url: str, query: str, params=()):
    with psycopg.connect(url, connect_timeout=10) as conn:
        return conn.execute(query, params).fetchone()


def test_the_server_answers(postgres_admin_url):
    (version,) = _one(postgres_admin_url, "SELECT version()")
    assert version.startswith("PostgreSQL ")


@pytest.mark.parametrize("run", range(3))
def test_each_test_gets_its_own_empty_database(postgres_database, postgres_admin_url, run):
    name = pg_server.dbname_of(postgres_database)
    with psycopg.connect(postgres_database) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == (name,)
        user_tables = "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " \
                      "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
        assert conn.execute(user_tables).fetchone() == (0,)
        conn.execute("CREATE TABLE left_behind (n int)")  # a later test would see it if databases were shared
    # The only database of this process is this test's: earlier tests' databases were dropped.
    prefix = pg_server.database_prefix().replace("_", r"\_")
    with psycopg.connect(postgres_admin_url) as conn:
        mine = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (prefix + "%",)).fetchall()
    assert mine == [(name,)]


def test_a_new_database_sorts_text_in_byte_order(postgres_database):
    with psycopg.connect(postgres_database) as conn:
        assert conn.execute("SELECT datcollate, datctype FROM pg_database WHERE datname = current_database()").fetchone() == ("C", "C")
        rows = conn.execute("SELECT x FROM (VALUES ('a'), ('B'), ('b'), ('A'), ('é')) AS v(x) ORDER BY x").fetchall()
    assert [x for (x,) in rows] == ["A", "B", "a", "b", "é"]
    assert "B" < "a"  # the same order as Python's str comparison


def test_create_login_makes_a_role_that_can_connect(postgres_admin_url, postgres_database):
    role = "claims_probe_login"
    pg_server.create_login(postgres_admin_url, role)
    pg_server.create_login(postgres_admin_url, role)  # a second time is no error
    as_role = pg_server.url_with(postgres_database, user=role)
    assert _one(as_role, "SELECT session_user, current_database()") == (role, pg_server.dbname_of(postgres_database))


def test_a_database_from_a_template_holds_its_tables(postgres_admin_url):
    template = f"{pg_server.database_prefix()}tpl_{uuid.uuid4().hex[:8]}"
    copy = f"{pg_server.database_prefix()}cpy_{uuid.uuid4().hex[:8]}"
    template_url = pg_server.create_database(postgres_admin_url, template)
    try:
        with psycopg.connect(template_url) as conn:
            conn.execute("CREATE TABLE claim (id text PRIMARY KEY)")
            conn.execute("INSERT INTO claim VALUES ('CLM-000001'), ('CLM-000002')")
        copy_url = pg_server.create_database(postgres_admin_url, copy, template=template)
        assert copy_url.endswith("/" + copy)
        assert _one(copy_url, "SELECT count(*) FROM claim") == (2,)
    finally:
        pg_server.drop_database(postgres_admin_url, copy)
        pg_server.drop_database(postgres_admin_url, template)
    assert _one(postgres_admin_url, "SELECT count(*) FROM pg_database WHERE datname IN (%s, %s)", (template, copy)) == (0,)


def test_drop_database_ends_open_connections(postgres_admin_url):
    name = f"{pg_server.database_prefix()}drop_{uuid.uuid4().hex[:8]}"
    url = pg_server.create_database(postgres_admin_url, name)
    still_open = psycopg.connect(url)
    try:
        pg_server.drop_database(postgres_admin_url, name)
        assert _one(postgres_admin_url, "SELECT count(*) FROM pg_database WHERE datname = %s", (name,)) == (0,)
        with pytest.raises(psycopg.OperationalError):
            still_open.execute("SELECT 1")
    finally:
        still_open.close()
    pg_server.drop_database(postgres_admin_url, name)  # dropping what is gone is no error


def test_a_server_of_its_own_stops_and_leaves_nothing_behind():
    server = pg_server.start()
    try:
        assert _one(server.admin_url, "SELECT current_setting('lc_collate'), current_setting('fsync')") == ("C", "off")
        pid = int((server.data / "postmaster.pid").read_text().split()[0])
    finally:
        server.stop()
    assert not server.base.exists()
    assert not Path(f"/proc/{pid}").exists() or "postgres" not in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")


def test_missing_binaries_are_named_with_the_way_out(monkeypatch):
    monkeypatch.setattr(pg_server.shutil, "which", lambda name: None)
    monkeypatch.setattr(pg_server.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(pg_server.os, "access", lambda path, mode: False)
    monkeypatch.delenv(pg_server.BINDIR_ENV, raising=False)
    with pytest.raises(pg_server.PostgresUnavailable) as raised:
        pg_server.start()
    assert str(raised.value) == pg_server.NOT_FOUND
    assert "-m 'not postgres'" in str(raised.value) and "initdb" in str(raised.value)
    assert os.environ.get("CLAIMS_TEST_POSTGRES")  # the session's own server is untouched
