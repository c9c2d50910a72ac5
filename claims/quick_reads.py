"""Quick reads for shell completion: claim ids and user names, straight from the database.

A completion runs at every press of Tab, over a whole book, in a fresh process: so these reads open the database with
its driver alone (sqlite3; psycopg for a server), read-only, run one indexed statement and close. They never create,
lock or change anything, and they import nothing of the storage layer (claims.storage and its SQL, the schema).
Whatever goes wrong -- no file, not a claims database, a server that does not answer -- the answer is "nothing".
"""

from __future__ import annotations

import os
import re
import urllib.parse

LIMIT = 200  # offered at most; typing more of the id narrows the choice
FINISHED = ("closed", "withdrawn")
CONNECT_TIMEOUT = 2  # seconds: a shell waits for the answer

# SQLite compares text by its bytes: [prefix, prefix + U+10FFFF) is every id starting with prefix, read off the primary key's index.
SQLITE_CLAIMS = ("SELECT id, state FROM claim WHERE id >= :low AND id < :high AND state {which} ('closed', 'withdrawn') "
                 "ORDER BY id LIMIT :limit")
POSTGRES_CLAIMS = ("SELECT id, state FROM claim WHERE starts_with(id, %(low)s) AND state {which} ('closed', 'withdrawn') "
                   "ORDER BY id LIMIT %(limit)s")
SQLITE_USERS = "SELECT name, role FROM app_user WHERE name >= :low AND name < :high ORDER BY name LIMIT :limit"
POSTGRES_USERS = "SELECT name, role FROM app_user WHERE starts_with(name, %(low)s) ORDER BY name LIMIT %(limit)s"


def claim_ids(target: str, prefix: str = "", limit: int = LIMIT) -> list[tuple[str, str]]:
    """(claim id, state) of the claims whose id starts with `prefix`: open claims first, then closed and withdrawn ones,
    each in id order; at most `limit`."""
    found = _rows(target, "claims", prefix, limit, which="NOT IN")
    if len(found) < limit:
        found += _rows(target, "claims", prefix, limit - len(found), which="IN")
    return found


def user_names(target: str, prefix: str = "", limit: int = LIMIT) -> list[tuple[str, str]]:
    """(name, role) of the registered users whose name starts with `prefix`, in name order."""
    return _rows(target, "users", prefix, limit)


def _rows(target: str, what: str, prefix: str, limit: int, which: str = "") -> list[tuple[str, str]]:
    try:
        if _is_server(target):
            return _postgres(target, (POSTGRES_CLAIMS if what == "claims" else POSTGRES_USERS).format(which=which), prefix, limit)
        return _sqlite(target, (SQLITE_CLAIMS if what == "claims" else SQLITE_USERS).format(which=which), prefix, limit)
    except Exception:  # noqa: BLE001 - a completion offers nothing rather than fail: no file, no table, no server
        return []


def _is_server(target: str) -> bool:
    return target.partition("://")[0].lower() in ("postgresql", "postgres", "postgresql+psycopg") and "://" in target


def _sqlite(target: str, sql: str, prefix: str, limit: int) -> list[tuple[str, str]]:
    import sqlite3

    path = _sqlite_path(target)
    if path is None or not os.path.isfile(path):
        return []
    uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=0.5)
    try:
        return conn.execute(sql, {"low": prefix, "high": prefix + "\U0010ffff", "limit": limit}).fetchall()
    finally:
        conn.close()


def _sqlite_path(target: str) -> str | None:
    """The file of a path or an ``sqlite:///path`` target (as claims.sqlite_store reads it); None for anything else."""
    if "://" not in target:
        return target
    scheme, _, path = target.partition(":///")
    return path if scheme == "sqlite" and path else None


def _postgres(target: str, sql: str, prefix: str, limit: int) -> list[tuple[str, str]]:
    import psycopg

    url = re.sub(r"^postgresql\+psycopg://", "postgresql://", target)
    with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, autocommit=True) as conn:
        return [tuple(row) for row in conn.execute(sql, {"low": prefix, "limit": limit}).fetchall()]
