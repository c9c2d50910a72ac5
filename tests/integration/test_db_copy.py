"""`claims db copy SOURCE TARGET` and a server's set-up (`claims db setup`), on real databases of both back ends.

A team that started on SQLite moves to PostgreSQL (or back) in one command; the copy is verified — the same events with
the same hashes, the same anchor root — before it commits, and a failed copy leaves the target empty.
"""

from __future__ import annotations

import pytest
from backends import POSTGRES, PostgresDatabase, SQLiteDatabase, discard, new_database

from tests.cli.cli_support import run_main

pytestmark = pytest.mark.postgres  # every test here moves data to or from a server

NOW = "2026-06-20T09:00:00+08:00"


def run(*argv: str, db: str | None = None, as_: str | None = "admin", now: str | None = NOW):
    words = [*(["--db", db] if db else []), *(["--as", as_] if as_ else []), "--json", *argv]
    return run_main(words, {"CLAIMS_NOW": now, "CLAIMS_DB": None, "CLAIMS_USER": None})


@pytest.fixture
def book(tmp_path):
    """An SQLite training database with claims at several stages (through the CLI)."""
    database = SQLiteDatabase(tmp_path / "book.db")
    db = database.target
    now = "2026-05-01T09:00:00+08:00"
    for argv in (["init", "--training"], ["user", "add", "li", "--role", "agent"], ["user", "add", "wang", "--role", "handler"],
                 ["user", "add", "qian", "--role", "auditor"], ["policy", "import", "examples/policies.json"]):
        assert run(*argv, db=db, now=now).code == 0
    for day in ("25", "26", "27"):
        claim = run("report", "P-2022-0002", "--type", "critical_illness", "--event-date", f"2026-04-{day}", db=db, as_="li",
                    now=now).json["claim"]
        assert run("apply", claim, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013", db=db,
                   as_="li", now=now).code == 0
    return database


@pytest.fixture
def server(tmp_path):
    database = new_database(POSTGRES, tmp_path)
    yield database
    discard(database)


def _root(database) -> str:
    return run("audit", "anchor", db=database.target, as_="qian").json["root"]


def _tables(database: PostgresDatabase) -> int:
    return database.rows("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")[0][0]


def test_sqlite_to_postgresql_and_back_keeps_every_event_and_the_anchor_root(book, server, tmp_path):
    root = _root(book)
    there = run("db", "copy", book.target, server.target)
    assert there.code == 0, there.err
    assert there.json == {"claims": 3, "events": 9, "anchor_root": root, "logins_to_create": []}
    back = SQLiteDatabase(tmp_path / "back.db")
    assert run("db", "copy", server.target, back.target).json["anchor_root"] == root
    for database in (server, back):
        assert _root(database) == root
        verified = run("audit", "verify", db=database.target, as_="qian")
        assert verified.code == 0 and verified.json["events"] == book.rows("SELECT count(*) FROM audit_event")[0][0]
    rows = "SELECT claim_id, seq, event, actor, role, payload, prev_hash, hash FROM audit_event ORDER BY claim_id, seq"
    assert server.rows(rows) == book.rows(rows) == back.rows(rows)
    claim = run("report", "P-2023-0001", "--type", "death", "--event-date", "2026-06-18", db=server.target, as_="li").json
    assert claim["claim"] == "CLM-000004"  # the server carries on numbering where the file stopped


def test_a_failed_copy_leaves_the_target_empty(book, server, tmp_path):
    with book.raw() as con:  # an event whose settings version is not stored: the server's foreign key refuses it
        con.execute("INSERT INTO audit_event (claim_id, seq, event, to_state, at, actor, role, payload, settings_version, hash) "
                    "VALUES ('CLM-000009', 1, 'report', 'reported', 'x', 'li', 'agent', '{}', 'nowhere', 'h')")
    failed = run("db", "copy", book.target, server.target)
    assert failed.code not in (0, 1) and "Traceback" not in failed.err, failed.err
    assert _tables(server) == 0
    file = tmp_path / "copy.db"
    assert run("db", "copy", server.target, str(file)).code != 0  # nothing there to copy: not a claims database
    assert not file.exists()


def test_a_copy_onto_a_claims_database_is_a_conflict_and_changes_nothing(book, server):
    assert run("db", "copy", book.target, server.target).code == 0
    before = server.rows("SELECT count(*) FROM audit_event")
    again = run("db", "copy", book.target, server.target)
    assert again.code == 5 and "already a claims database" in again.error["message"]
    assert server.rows("SELECT count(*) FROM audit_event") == before


def test_only_an_admin_of_the_source_copies_it(book, server):
    refused = run("db", "copy", book.target, server.target, as_="qian")
    assert refused.code == 6 and _tables(server) == 0


def test_a_real_database_copied_to_a_server_names_the_logins_to_create_then_setup_grants_them(tmp_path, server):
    """Outside training the server enforces each user's role: their logins are the database administrator's to make."""
    from pg_server import create_login

    source = SQLiteDatabase(tmp_path / "real.db")
    login = source.login
    assert run("init", db=source.target, as_=None, now=None).code == 0
    assert run("user", "add", "c_li_agent", "--role", "agent", db=source.target, as_=None, now=None).code == 0
    copied = run("db", "copy", source.target, server.target, as_=None, now=None)
    assert copied.code == 0, copied.err
    existing = {name for (name,) in server.rows("SELECT rolname FROM pg_roles WHERE rolcanlogin")}
    assert copied.json["logins_to_create"] == sorted({login, "c_li_agent"} - existing)
    create_login(server.admin_url, "c_li_agent")
    done = run("db", "setup", db=server.target, as_=None, now=None)
    assert done.code == 0 and "c_li_agent" not in done.json["logins_to_create"]
    assert server.rows("SELECT pg_has_role('c_li_agent', 'claims_agent', 'MEMBER')") == [(True,)]


def test_setup_then_init_by_the_admin_it_names(tmp_path, server):
    """The database administrator prepares the server; the claims admin initialises it as themselves."""
    from pg_server import create_login, url_with

    create_login(server.admin_url, "c_zhang_admin")
    prepared = run("db", "setup", "--admin", "c_zhang_admin", db=server.target, as_=None, now=None)
    assert prepared.code == 0 and prepared.json["created"] is True
    as_zhang = url_with(server.target, user="c_zhang_admin")
    initialised = run("init", db=as_zhang, as_=None, now=None)
    assert initialised.code == 0 and initialised.json["admin"] == "c_zhang_admin", initialised.err
    assert run("policy", "import", "examples/policies.json", db=as_zhang, as_=None, now=None).code == 0
    assert run("audit", "verify", db=as_zhang, as_=None, now=None).json["ok"]


def test_setup_is_for_a_server(tmp_path):
    result = run("db", "setup", db=str(tmp_path / "x.db"), as_=None, now=None)
    assert result.code == 2 and "PostgreSQL" in result.error["message"]


def test_the_same_events_give_the_same_anchor_root_on_both_back_ends(book, server):
    assert run("db", "copy", book.target, server.target).code == 0
    assert _root(SQLiteDatabase(book.path)) == _root(server)
