"""A book verified by several processes gets the same report as one verified by one."""

from __future__ import annotations

import json

from . import test_audit_book
from .test_audit_book import OPEN, PAID, SEQ, canonical

book, book_template = test_audit_book.book, test_audit_book.book_template  # the fixtures, for pytest to find


def _report(book, *args) -> dict:
    doc = book.verify(*args).json
    return {key: doc[key] for key in ("ok", "claims", "events", "problems", "problems_total")}


def test_two_processes_find_what_one_finds(book):
    anchor = book.anchor()
    with book.tampering() as con:
        con.execute("UPDATE audit_event SET payload = replace(payload, 'money comes', 'money came') WHERE claim_id = ? AND seq = ?",
                    (PAID, SEQ["consult"]))
        con.execute("DELETE FROM audit_event WHERE claim_id = ? AND seq = 2", (OPEN,))
        con.execute("UPDATE claim SET paid_amount = '1.00' WHERE id = ?", (PAID,))
    one = _report(book, "--jobs", "1", "--anchor", anchor)
    two = _report(book, "--jobs", "2", "--anchor", anchor)
    assert one == two
    assert {(p["claim"], p["seq"], p["check"]) for p in two["problems"]} == {
        (PAID, SEQ["consult"], "hash"), (PAID, None, "stored"), (OPEN, 2, "anchor"), (OPEN, None, "stored")}
    assert book.verify("--jobs", "2").json["jobs"] == 2


def test_two_processes_verify_an_intact_book(book):
    doc = book.verify("--jobs", "2", "--anchor", book.anchor()).json
    assert (doc["ok"], doc["claims"], doc["jobs"]) == (True, 2, 2)


def test_an_anchored_chain_missing_from_every_range_is_still_reported(book):
    anchor = json.loads(open(book.anchor()).read())
    anchor["heads"].append({"claim": "CLM-000999", "seq": 3, "hash": "0" * 64})
    anchor["root"] = ""  # an edited anchor, reported as such too
    path = book.folder / "edited.json"
    path.write_text(canonical(anchor))
    found = {(p["claim"], p["seq"], p["check"]) for p in book.verify("--jobs", "2", "--anchor", str(path)).json["problems"]}
    assert found == {(None, None, "anchor"), ("CLM-000999", 3, "anchor")}
