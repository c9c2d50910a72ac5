"""`claims replay`: the claim rebuilt from its events alone, step by step, as it stood at any moment."""

from __future__ import annotations

import pytest

from workflows.machine import MACHINE

from . import test_audit_book
from .test_audit_book import LATER, OPEN, PAID, SEQ, START

book, book_template = test_audit_book.book, test_audit_book.book_template  # the fixtures, for pytest to find


def test_replay_rebuilds_the_claim_and_finds_it_equal_to_the_stored_one(book):
    doc = book.ok("replay", PAID).json
    assert (doc["claim"], doc["state"], doc["version"], doc["consistent"], doc["problems"]) == (PAID, "closed", 15, True, [])
    assert doc["compared_with_stored"] is True and doc["as_of"] is None
    assert (doc["paid_amount"], doc["decision"]["outcome"], doc["decision"]["amount"]) == ("60000.00", "approve", "60000.00")
    assert [s["event"] for s in doc["steps"]][:3] == ["report", "apply", "notice"]
    assert all(s["ok"] and s["judged"] for s in doc["steps"]) and len(doc["steps"]) == 15


@pytest.mark.parametrize("as_of, state, version", [
    (START, "applied", SEQ["consult"]),
    ("2026-05-01", "applied", SEQ["consult"]),  # a date means the end of that day
    ("2026-05-06T09:59:59", "applied", SEQ["consult"]),  # no offset: the insurer's time zone (Asia/Shanghai)
    ("2026-05-06T02:00:00+00:00", "closed", SEQ["close"]),  # 10:00 in Shanghai
    (LATER, "closed", SEQ["close"]),
    ("2026-04-30", None, 0),  # before the report
])
def test_replay_as_of_gives_the_claim_as_it_stood_then(book, as_of, state, version):
    doc = book.ok("replay", PAID, "--as-of", as_of).json
    assert (doc["state"], doc["version"], doc["events"], doc["consistent"]) == (state, version, version, True)
    assert len(doc["steps"]) == version
    assert doc["compared_with_stored"] is (version == SEQ["close"])


def test_replay_of_a_tampered_claim_shows_the_step_and_exits_7(book):
    with book.tampering() as con:
        con.execute("UPDATE audit_event SET actor = 'zhao' WHERE claim_id = ? AND seq = ?", (PAID, SEQ["consult"]))
    result = book.run("replay", PAID)
    assert result.code == 7
    doc = result.json
    assert doc["consistent"] is False
    # the hash no longer matches, and zhao was never registered as the agent the event says
    assert [(p["seq"], p["check"]) for p in doc["problems"]] == [(SEQ["consult"], "hash"), (SEQ["consult"], "role")]
    step = doc["steps"][SEQ["consult"] - 1]
    assert step["ok"] is False and "does not match the event's content" in step["problems"][0]
    assert '"code": "integrity"' in result.err


def test_replay_of_an_untouched_claim_is_not_affected_by_a_tampered_one(book):
    with book.tampering() as con:
        con.execute("UPDATE claim SET paid_amount = '1.00' WHERE id = ?", (PAID,))
    assert book.ok("replay", OPEN).json["consistent"] is True
    assert book.run("replay", PAID).code == 7


def test_verifying_a_book_leaves_no_model_attached_to_the_machine(book):
    book.ok("replay", PAID)
    attached = len(MACHINE.models)
    book.ok("audit", "verify")
    book.ok("replay", OPEN)
    assert len(MACHINE.models) == attached
