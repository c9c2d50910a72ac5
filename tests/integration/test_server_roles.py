"""On a PostgreSQL server the database itself enforces the claims roles (docs/postgres.md, Security at the database).

A real (non-training) database is created through the CLI by the superuser, who becomes its admin; real logins are
registered with `claims user add`, which grants each its group role. Each test then connects as those logins with plain
psycopg, as someone bypassing the tool would, and shows what the server refuses — and that the tool still works for them.

Roles belong to the whole server, not to one database, so each test's logins carry a name of their own (`li_…`): a test
that moves a login between group roles must not move another test's.
"""

from __future__ import annotations

import contextlib
import io
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pg_server
import psycopg
import pytest
from backends import POSTGRES, discard, new_database

from cli.main import main
from tests.conftest import Result

from .test_audit_book import EXAMPLES

pytestmark = pytest.mark.postgres

DENIED = "42501"  # insufficient_privilege: a missing grant, or the tool's triggers and functions refusing
TABLES = ("alembic_version", "app_user", "audit_event", "claim", "meta", "policy", "policy_version", "settings_version")
EVENT_COLUMNS = "claim_id, seq, event, from_state, to_state, at, actor, role, payload, settings_version, prev_hash, hash"
# A second event on a claim, in the name of %s (its hash is junk: only who may write it matters here)
NEXT_EVENT = (f"INSERT INTO audit_event ({EVENT_COLUMNS}) SELECT claim_id, 2, 'consult', to_state, to_state, at, %s, role, "
              "'{\"args\": {\"note\": \"written past the tool\"}}', settings_version, hash, repeat('0', 64) "
              "FROM audit_event WHERE claim_id = %s AND seq = 1")


def claims(url: str, *args: str, as_: str | None = None) -> Result:
    """`claims --db URL --json ARGS` at the real time, as the login the URL names (or `as_`)."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as env, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        for name in ("CLAIMS_DB", "CLAIMS_USER", "CLAIMS_NOW"):
            env.delenv(name, raising=False)
        code = main(["--db", url, *(["--as", as_] if as_ else []), "--json", *args])
    return Result(code, out.getvalue(), err.getvalue())


class Server:
    """The test's database, its logins by their short names (li, qian, wang, ad), and a URL for each."""

    def __init__(self, database, names: dict[str, str]):
        self.database, self.names = database, names
        self.url = database.target  # the superuser's: the database's owner and its first admin
        self.claim = ""  # the claim li reported

    def as_(self, short: str) -> str:
        return pg_server.url_with(self.url, user=self.names[short])

    def refused(self, short: str, sql: str, params=()) -> psycopg.Error:
        """The error the server answers `sql` with when `short` runs it (the test fails if it is accepted)."""
        with psycopg.connect(self.as_(short)) as conn:
            try:
                conn.execute(sql, params)
            except psycopg.Error as exc:
                conn.rollback()
                return exc
        raise AssertionError(f"{self.names[short]} was allowed: {sql}")

    def accepted(self, short: str, sql: str, params=()) -> list[tuple]:
        """The rows `sql` gives when `short` runs it; its changes are rolled back."""
        with psycopg.connect(self.as_(short)) as conn:
            cursor = conn.execute(sql, params)
            rows = cursor.fetchall() if cursor.description else []
            conn.rollback()
        return rows

    def member(self, short: str, role: str) -> bool:
        with psycopg.connect(self.url) as conn:
            return conn.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", (self.names[short], f"claims_{role}")).fetchone()[0]


@pytest.fixture
def server(postgres_admin_url, tmp_path) -> Server:
    """A real database: made by the superuser through the CLI, the example policies, li (agent), qian (auditor), wang
    (handler) and ad (a second admin) registered, and one claim li reported."""
    database = new_database(POSTGRES, tmp_path)
    tag = uuid.uuid4().hex[:8]
    names = {short: f"{short}_{tag}" for short in ("li", "qian", "wang", "ad", "zhao")}
    for name in names.values():
        pg_server.create_login(postgres_admin_url, name)
    made = Server(database, names)
    users = [["user", "add", names["li"], "--role", "agent"], ["user", "add", names["qian"], "--role", "auditor"],
             ["user", "add", names["wang"], "--role", "handler", "--limit", "50000"], ["user", "add", names["ad"], "--role", "admin"]]
    for args in (["init"], ["policy", "import", str(EXAMPLES / "policies.json")], *users):
        done = claims(made.url, *args)
        assert done.code == 0, done.err
    done = claims(made.as_("li"), "report", "P-2022-0002", "--type", "critical_illness", "--event-date", _days_ago(3))
    assert done.code == 0, done.err
    made.claim = done.json["claim"]
    yield made
    discard(database)


def _days_ago(days: int) -> str:
    return (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=days)).date().isoformat()


def _denied(exc: psycopg.Error, words: str) -> None:
    assert (exc.sqlstate, words in str(exc)) == (DENIED, True), f"{exc.sqlstate}: {exc}"


# an agent ------------------------------------------------------------------------------------------------------------------
def test_an_agent_cannot_change_or_remove_the_log(server):
    for sql in ("UPDATE audit_event SET actor = actor", "DELETE FROM audit_event", "TRUNCATE audit_event"):
        _denied(server.refused("li", sql), "permission denied for table audit_event")


def test_an_agent_cannot_write_an_audit_event_in_someone_elses_name(server):
    li, wang = server.names["li"], server.names["wang"]
    refused = server.refused("li", NEXT_EVENT, (wang, server.claim))
    _denied(refused, f"an audit event in the name of {wang} may only be written by {wang}, not by {li}")
    server.accepted("li", NEXT_EVENT, (li, server.claim))  # in li's own name it passes: the grant allows it, the trigger refused wang


def test_an_agent_cannot_promote_itself(server):
    li = server.names["li"]
    _denied(server.refused("li", "UPDATE app_user SET role = 'admin' WHERE name = %s", (li,)), "permission denied for table app_user")
    _denied(server.refused("li", "SELECT claims_grant_role(%s, 'admin')", (li,)), "permission denied for function claims_grant_role")
    assert server.member("li", "agent") and not server.member("li", "admin")


def test_an_agents_own_commands_still_work_and_only_as_itself(server):
    done = claims(server.as_("li"), "report", "P-2023-0001", "--type", "death", "--event-date", _days_ago(2))
    assert done.code == 0, done.err
    claim = done.json["claim"]
    assert claims(server.as_("li"), "consult", claim, "--note", "asked about the materials").code == 0
    with psycopg.connect(server.url) as conn:
        actors = conn.execute("SELECT DISTINCT actor FROM audit_event WHERE claim_id = %s", (claim,)).fetchall()
    assert actors == [(server.names["li"],)]
    impostor = claims(server.as_("li"), "consult", claim, "--note", "as wang", as_=server.names["wang"])
    assert (impostor.code, impostor.error["code"], impostor.error["rule"]) == (6, "forbidden", "identity")


# an auditor ----------------------------------------------------------------------------------------------------------------
def test_an_auditor_reads_every_table_and_writes_none(server):
    with psycopg.connect(server.url) as conn:
        tables = {name for (name,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        columns = dict(conn.execute("SELECT table_name, min(column_name) FROM information_schema.columns "
                                    "WHERE table_schema = 'public' GROUP BY table_name").fetchall())
    assert tables == set(TABLES)
    for table in TABLES:
        assert server.accepted("qian", f"SELECT count(*) FROM {table}")[0][0] >= 0
        for sql in (f"INSERT INTO {table} DEFAULT VALUES", f"UPDATE {table} SET {columns[table]} = {columns[table]}",
                    f"DELETE FROM {table}", f"TRUNCATE {table}"):
            _denied(server.refused("qian", sql), f"permission denied for table {table}")


def test_an_auditor_verifies_through_the_tool(server):
    done = claims(server.as_("qian"), "audit", "verify")
    assert (done.code, done.json["ok"], done.json["claims"]) == (0, True, 1)


# reference data: the admins' alone -------------------------------------------------------------------------------------------
REFERENCE = ("app_user", "meta", "policy", "settings_version", "policy_version")


@pytest.mark.parametrize("short", ["li", "wang"])
def test_writers_of_claims_cannot_write_users_settings_or_policies(server, short):
    for table in REFERENCE:
        for sql in (f"INSERT INTO {table} DEFAULT VALUES", f"DELETE FROM {table}"):
            _denied(server.refused(short, sql), f"permission denied for table {table}")
    _denied(server.refused(short, "UPDATE meta SET value = '1' WHERE key = 'training'"), "permission denied for table meta")
    _denied(server.refused(short, "UPDATE policy SET body = body"), "permission denied for table policy")


def test_an_admin_adds_users_but_cannot_rewrite_history(server):
    zhao = server.names["zhao"]
    done = claims(server.as_("ad"), "user", "add", zhao, "--role", "senior")
    assert done.code == 0, done.err
    assert server.member("zhao", "senior")
    for table in ("audit_event", "policy_version"):
        _denied(server.refused("ad", f"UPDATE {table} SET {'actor = actor' if table == 'audit_event' else 'body = body'}"),
                f"permission denied for table {table}")
        _denied(server.refused("ad", f"DELETE FROM {table}"), f"permission denied for table {table}")
    _denied(server.refused("ad", "DELETE FROM app_user"), "permission denied for table app_user")
    with psycopg.connect(server.url) as conn:  # the owner itself meets the append-only triggers
        with pytest.raises(psycopg.Error) as refused:
            conn.execute("UPDATE policy_version SET body = body")
    _denied(refused.value, "policy_version is append-only")


# roles move ------------------------------------------------------------------------------------------------------------------
def test_a_role_change_moves_the_login_between_group_roles(server):
    li = server.names["li"]
    assert (server.member("li", "agent"), server.member("li", "handler")) == (True, False)
    done = claims(server.url, "user", "role", li, "--role", "handler", "--limit", "50000")
    assert done.code == 0, done.err
    assert (server.member("li", "agent"), server.member("li", "handler")) == (False, True)
    done = claims(server.as_("li"), "investigate", server.claim)  # a handler's command: past the role check, refused by the state
    assert (done.code, done.error["code"], done.error["rule"]) == (4, "refused", "state"), done.err


def test_a_login_moved_to_auditor_loses_its_writes_at_the_server(server):
    li = server.names["li"]
    server.accepted("li", NEXT_EVENT, (li, server.claim))
    assert claims(server.url, "user", "role", li, "--role", "auditor").code == 0
    assert (server.member("li", "agent"), server.member("li", "auditor")) == (False, True)
    _denied(server.refused("li", NEXT_EVENT, (li, server.claim)), "permission denied for table audit_event")
