"""The state change and its audit events commit in one transaction or not at all (a real SQLite file, a real server)."""

from __future__ import annotations

import sqlite3

import pytest

from claims.errors import Conflict
from claims.storage import Tx, open_store
from tests.conftest import Claims


def _counts(claims: Claims) -> tuple[int, int]:
    (events,), = claims.database.rows("SELECT count(*) FROM audit_event")
    (versions,), = claims.database.rows("SELECT coalesce(sum(version), 0) FROM claim")
    return events, versions


def _reported(claims: Claims) -> str:
    return claims.ok("report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25", as_="li").json["claim"]


def test_a_failure_after_the_claim_update_leaves_neither_change_nor_event(claims, monkeypatch):
    claim = _reported(claims)
    before = _counts(claims)

    def broken_append(self, events):
        raise RuntimeError("disk full while appending the audit event")

    monkeypatch.setattr(Tx, "append_events", broken_append)
    result = claims("consult", claim, "--note", "phoned", as_="li")
    assert result.code == 1 and "internal error" in result.error["message"]
    assert _counts(claims) == before
    monkeypatch.undo()


def test_a_failing_report_creates_no_claim(claims, monkeypatch):
    before = _counts(claims)
    monkeypatch.setattr(Tx, "append_events", lambda self, events: (_ for _ in ()).throw(RuntimeError("boom")))
    result = claims("report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25", as_="li")
    assert result.code == 1
    assert _counts(claims) == before


def test_a_stale_claim_version_is_a_conflict_and_changes_nothing(claims):
    claim_id = _reported(claims)
    store = open_store(str(claims.db))
    try:
        with store.read() as tx:
            claim = tx.claim(claim_id)
        claims.ok("consult", claim_id, "--note", "someone else was first", as_="li")
        before = _counts(claims)
        with pytest.raises(Conflict, match="changed by someone else first"):
            with store.write() as tx:
                tx.update_claim(claim, claim.version, None)
        assert _counts(claims) == before
    finally:
        store.close()


def test_an_audit_seq_written_twice_fails_loudly(claims):
    claim_id = _reported(claims)
    store = open_store(str(claims.db))
    try:
        with store.read() as tx:
            (first,) = tx.events(claim_id)
        with pytest.raises(Conflict, match="seq 1 was written by someone else first"):
            with store.write() as tx:
                tx.append_events([first])
    finally:
        store.close()


@pytest.mark.sqlite_only
def test_durability_settings_are_in_force(claims):
    store = open_store(str(claims.db))
    try:
        with store.read() as tx:
            pragmas = {name: tx.value(f"PRAGMA {name}") for name in
                       ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}
    finally:
        store.close()
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 10000}


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET actor = 'mallory'", "DELETE FROM audit_event",
                                       "UPDATE policy_version SET body = '{}'", "DELETE FROM policy_version"])
def test_the_audit_log_refuses_update_and_delete_at_the_database(claims, statement):
    _reported(claims)
    with claims.database.connection() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(statement)


@pytest.mark.parametrize("table", ["audit_event", "policy_version"])
def test_the_server_refuses_truncate_of_the_audit_log_even_to_its_owner(claims, backend, table):
    if backend != "postgres":
        return  # SQLite has no TRUNCATE; its DELETE is refused above
    with claims.database.connection() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(f"TRUNCATE {table}")


@pytest.mark.sqlite_only
def test_a_writer_holding_the_lock_makes_the_next_writer_wait_not_fail(claims):
    """BEGIN IMMEDIATE: a second writer waits for the busy timeout instead of failing mid-way."""
    claim = _reported(claims)
    blocker = sqlite3.connect(claims.db, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    blocker.execute("SELECT 1")
    import threading

    release = threading.Timer(0.5, lambda: blocker.execute("COMMIT"))
    release.start()
    try:
        claims.ok("consult", claim, "--note", "waited for the other writer", as_="li")
    finally:
        release.join()
        blocker.close()
