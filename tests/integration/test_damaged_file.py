"""A damaged database: text that is not UTF-8, a damaged page (issue 8 §3).

Verification names the row whose text cannot be read (exit 7), instead of stopping with an internal error, and checks
the file itself: a page of zeros fails SQLite's quick_check, reported as damage (exit 7) — every other command refuses
to go on with a damaged file it trips over, writes included.
"""

from __future__ import annotations

import sqlite3

import pytest

from . import test_audit_book
from .test_audit_book import OPEN, PAID, SEQ

book, book_template = test_audit_book.book, test_audit_book.book_template  # the fixtures, for pytest to find
pytestmark = pytest.mark.sqlite_only  # SQLite stores any bytes as text, and its file's pages can be damaged; a server checks both

NOT_UTF8 = "CAST(X'7b2261726773223a7b226e6f7465223a22ff227d7d' AS TEXT)"  # {"args":{"note":"\xff"}}: \xff is not UTF-8


@pytest.mark.parametrize("column", ["payload", "actor", "at"])
def test_undecodable_text_in_an_event_is_named_by_verify(book, column):
    with book.tampering() as con:
        con.execute(f"UPDATE audit_event SET {column} = {NOT_UTF8} WHERE claim_id = ? AND seq = ?", (PAID, SEQ["consult"]))
    result = book.verify()
    assert result.code == 7, result.err
    problems = result.json["problems"]
    assert (PAID, SEQ["consult"], "encoding") in {(p["claim"], p["seq"], p["check"]) for p in problems}
    assert any(column in p["problem"] and "UTF-8" in p["problem"] for p in problems)
    assert {p["claim"] for p in problems} == {PAID}  # the other claim of the page is still verified, and clean


def test_undecodable_text_in_a_snapshot_is_named_by_verify(book):
    with book.tampering() as con:
        con.execute(f"UPDATE claim SET snapshot = {NOT_UTF8} WHERE id = ?", (OPEN,))
    problems = book.verify().json["problems"]
    assert [(p["claim"], p["check"]) for p in problems] == [(OPEN, "encoding")] and "snapshot" in problems[0]["problem"]


def test_undecodable_text_in_a_settings_version_is_named_by_verify(book):
    with book.tampering() as con:
        con.execute(f"UPDATE settings_version SET body = {NOT_UTF8}")
    result = book.verify()
    assert result.code == 7
    assert any(p["check"] == "settings" for p in result.json["problems"])


def test_other_commands_meeting_undecodable_text_are_exit_7(book):
    with book.tampering() as con:
        con.execute(f"UPDATE claim SET snapshot = {NOT_UTF8} WHERE id = ?", (OPEN,))
    for argv in (["status", OPEN], ["consult", OPEN, "--note", "x"]):
        result = book.run(*argv, as_="li")
        assert result.code == 7 and "UTF-8" in result.error["message"], result.err


def test_a_zeroed_page_fails_verification_as_damage(book):
    with sqlite3.connect(book.database.path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = con.execute("PRAGMA page_size").fetchone()[0]
        pages = con.execute("PRAGMA page_count").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_claim_state'").fetchone()[0]
    assert root < pages
    with open(book.database.path, "r+b") as handle:
        handle.seek((root - 1) * page)
        handle.write(b"\0" * page)
    result = book.verify()
    assert result.code == 7, result.err
    doc = result.json if result.out else None
    message = doc["problems"][0]["problem"] if doc else result.error["message"]
    assert "damaged" in message or "malformed" in message
    if doc:
        assert doc["problems"][0]["check"] == "file"
