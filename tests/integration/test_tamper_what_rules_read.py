"""`audit verify` catches a change to anything the rules read (issue 8 §3): the policy terms, the authority limits,
whether the database is a training one, and the time a step claims to have happened.

Each test tampers as a person with write access to the file would — changing what a rule reads just before a step,
letting the real command run on it, then putting everything back — and requires verify (exit 7) to name the step.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from claims.audit import ADMIN_CHAIN, event_hash

from .test_audit_book import DOCS, EXAMPLES, LATER, Book, canonical

CLAIM = "CLM-000001"
DECIDE_SEQ = 12  # report, apply, notice, six attachments, a consultation, investigate, then decide


@pytest.fixture
def investigating(database, tmp_path) -> Book:
    """The slide-17 claim of 陈某 (P-2022-0002, critical illness sum insured 60,000.00) under investigation."""
    book = Book(database, tmp_path)
    book.ok("init", "--training", as_="admin")
    for name, role, *limit in [("li", "agent"), ("wang", "handler", "50000"), ("sun", "handler", "100000"), ("zhao", "senior"),
                               ("qian", "auditor")]:
        book.ok("user", "add", name, "--role", role, *(["--limit", limit[0]] if limit else []), as_="admin")
    book.ok("policy", "import", str(EXAMPLES / "policies.json"), as_="admin")
    book.ok("report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25", as_="li")
    book.ok("apply", CLAIM, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013", as_="li")
    for doc in DOCS:
        book.ok("attach", CLAIM, doc, as_="li")
    book.ok("consult", CLAIM, "--note", "asked when the money comes", as_="li")
    book.ok("investigate", CLAIM, as_="wang", now=LATER)
    return book


def raw(book: Book):
    """A raw connection to the book's database (triggers in place), as someone with write access has it."""
    return book.database.raw()


def _body(book: Book, number: str) -> tuple[str, str]:
    with raw(book) as con:
        return con.execute("SELECT body, digest FROM policy WHERE number = ?", (number,)).fetchone()


def _set_body(book: Book, number: str, body: str, digest: str | None = None) -> None:
    with raw(book) as con:
        if digest is None:
            con.execute("UPDATE policy SET body = ? WHERE number = ?", (body, number))
        else:
            con.execute("UPDATE policy SET body = ?, digest = ? WHERE number = ?", (body, digest, number))


def _decide_and_pay_600000(book: Book) -> None:
    book.ok("decide", CLAIM, "approve", "--amount", "600000", "--reason", "forged sum insured", as_="zhao", now=LATER)
    book.ok("notify", CLAIM, as_="wang", now=LATER)
    book.ok("pay", CLAIM, "--amount", "600000", as_="sun", now=LATER)


# the policy terms ---------------------------------------------------------------------------------------------------------------
def test_a_sum_insured_raised_for_one_decision_and_put_back_is_caught_even_with_an_anchor(investigating):
    book = investigating
    anchor = book.anchor()
    body, digest = _body(book, "P-2022-0002")
    _set_body(book, "P-2022-0002", body.replace('"60000.00"', '"600000.00"'))
    _decide_and_pay_600000(book)
    _set_body(book, "P-2022-0002", body)
    assert _body(book, "P-2022-0002") == (body, digest)
    found = book.found("--anchor", anchor)
    assert (CLAIM, DECIDE_SEQ, "policy") in found
    problem = next(p for p in book.verify().json["problems"] if p["check"] == "policy")
    assert "sum_insured" in problem["problem"] and "P-2022-0002" in problem["problem"]


def test_a_forged_body_with_a_matching_digest_is_a_version_no_import_attests(investigating):
    book = investigating
    body, digest = _body(book, "P-2022-0002")
    forged = body.replace('"60000.00"', '"600000.00"')
    _set_body(book, "P-2022-0002", forged, _sha256(forged))
    _decide_and_pay_600000(book)
    _set_body(book, "P-2022-0002", body, digest)
    problems = [p for p in book.verify().json["problems"] if (p["claim"], p["seq"]) == (CLAIM, DECIDE_SEQ)]
    assert [p["check"] for p in problems] == ["policy"] and "no policy import attests" in problems[0]["problem"]


def test_a_policy_body_edited_and_left_is_caught(investigating):
    book = investigating
    body, _ = _body(book, "P-2023-0001")
    _set_body(book, "P-2023-0001", body.replace('"100000.00"', '"1000000.00"'))
    assert (ADMIN_CHAIN, None, "policy") in book.found()


def test_a_stored_policy_version_edited_is_caught(investigating):
    book = investigating
    with book.tampering() as con:
        con.execute("UPDATE policy_version SET body = replace(body, '\"60000.00\"', '\"600000.00\"') WHERE number = 'P-2022-0002'")
    problems = [p for p in book.verify().json["problems"] if p["check"] == "policy"]
    assert any("P-2022-0002 was edited" in p["problem"] for p in problems)


def test_policy_versions_are_append_only(investigating):
    with raw(investigating) as con, pytest.raises(Exception, match="append-only"):
        con.execute("DELETE FROM policy_version")


# authority limits -----------------------------------------------------------------------------------------------------------------
def test_an_authority_limit_raised_for_one_decision_and_put_back_is_caught(investigating):
    book = investigating
    with raw(book) as con:
        con.execute("UPDATE app_user SET authority_limit = '100000.00' WHERE name = 'wang'")
    book.ok("decide", CLAIM, "approve", "--amount", "60000", "--reason", "above wang's limit", as_="wang", now=LATER)
    with raw(book) as con:
        con.execute("UPDATE app_user SET authority_limit = '50000.00' WHERE name = 'wang'")
    assert book.found() == {(CLAIM, DECIDE_SEQ, "authority")}


# the training flag and the clock --------------------------------------------------------------------------------------------------
@pytest.fixture
def real(database, tmp_path) -> Book:
    """A database created without --training by the login (its admin), used at the real time."""
    book = Book(database, tmp_path)
    login = database.login
    database.logins("li")
    book.ok("init", as_=login, now=None)
    book.ok("policy", "import", str(EXAMPLES / "policies.json"), as_=login, now=None)
    book.ok("user", "add", "li", "--role", "agent", as_=login, now=None)
    return book


def _verify(book: Book) -> tuple[int, set[tuple], list[dict]]:
    """`claims audit verify` as the login (the admin of a real database may verify)."""
    result = book.run("audit", "verify", as_=book.database.login, now=None)
    problems = result.json["problems"]
    assert result.code == (7 if problems else 0), result.err
    return result.code, {(p["claim"], p["seq"], p["check"]) for p in problems}, problems


def test_meta_training_flipped_is_refused_by_commands_and_reported_by_verify(real):
    with raw(real) as con:
        con.execute("UPDATE meta SET value = '1' WHERE key = 'training'")
    refused = real.run("list", as_="li", now="2030-01-01T00:00:00+08:00")
    assert refused.code == 7 and "init event" in refused.error["message"]
    assert real.run("history", "@admin", as_=real.database.login, now=None).code == 7  # every command, reads too
    code, found, _ = _verify(real)
    assert code == 7 and found == {(ADMIN_CHAIN, 1, "training")}


def test_a_training_flip_with_the_admin_chain_rewritten_and_put_back_leaves_a_future_dated_step(real):
    """The forger makes the database a training one for one command — dated in the future, acting as someone else — then
    restores the admin chain exactly (same content, same hashes). The step it left is dated after the verification."""
    _rewrite_init(real, training=True)
    claim = real.ok("report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2030-12-30", as_="li",
                    now="2031-01-01T09:00:00+08:00").json["claim"]
    _rewrite_init(real, training=False)
    code, found, problems = _verify(real)
    assert found == {(claim, 1, "at")}
    assert "2031-01-01" in problems[0]["problem"] and "after" in problems[0]["problem"]


# helpers ----------------------------------------------------------------------------------------------------------------------------
def _rewrite_init(book: Book, *, training: bool) -> None:
    """Flip the init event's training flag and meta, re-hashing the admin chain so it still links."""
    with book.tampering() as con:
        rows = con.execute("SELECT seq, event, from_state, to_state, at, actor, role, payload, settings_version FROM audit_event "
                           "WHERE claim_id = ? ORDER BY seq", (ADMIN_CHAIN,)).fetchall()
        prev = None
        for seq, event, from_state, to_state, at, actor, role, payload, version in rows:
            body = json.loads(payload)
            if seq == 1:
                body["training"] = training
            digest = event_hash(ADMIN_CHAIN, seq, event, from_state, to_state, at, actor, role, body, version, prev)
            con.execute("UPDATE audit_event SET payload = ?, prev_hash = ?, hash = ? WHERE claim_id = ? AND seq = ?",
                        (canonical(body), prev, digest, ADMIN_CHAIN, seq))
            prev = digest
        con.execute("UPDATE meta SET value = ? WHERE key = 'training'", ("1" if training else "0",))


def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _yesterday() -> str:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    return (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)).date().isoformat()


# the calendar a deadline was counted by (issue 11) ------------------------------------------------------------------------------
@pytest.mark.parametrize("forge", ["a working day made a holiday", "the count started a day later"])
def test_an_application_whose_recorded_calendar_was_forged_is_caught(investigating, forge):
    """The decision is due on the 5th working day after the application, counted on the calendar the application recorded
    (replay judges old events by it, not by a later release of the library). A forger who re-hashes the chain to push
    that deadline out — one working day recorded as a holiday, or the count moved — is named by verify."""
    book = investigating

    def change(events):
        apply = next(e for e in events if e["event"] == "apply")
        calendar = apply["payload"]["facts"]["calendar"]
        if forge == "a working day made a holiday":
            first = calendar["days"].index("1")
            calendar["days"] = calendar["days"][:first] + "0" + calendar["days"][first + 1:]
        else:
            calendar["from"] = (date.fromisoformat(calendar["from"]) + timedelta(days=1)).isoformat()

    book.rewrite(CLAIM, change)
    found = book.found()
    assert (CLAIM, 2, "calendar") in found, found
