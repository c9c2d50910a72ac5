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


# verification while people work (issue 8 §3) ----------------------------------------------------------------------------------
def _live_book(book, claims: int) -> list[str]:
    """`claims` more reported claims, so that three ranges each hold some."""
    lines = [{"args": ["report", "P-2023-0001", "--type", "death", "--event-date", f"2026-04-{day:02d}", "--late-reason", "abroad"],
              "as": "li"} for day in range(1, claims + 1)]
    path = book.folder / "more.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    book.ok("batch", str(path), as_="admin")
    return [f"CLM-{n:06d}" for n in range(3, 3 + claims)]


def _writer(book, ids: list[str], users: int):
    """Another process adding users and letting each act at once, on claims in every range, one commit per line."""
    import subprocess
    import sys

    lines = []
    for n in range(users):
        lines.append({"args": ["user", "add", f"v{n}", "--role", "agent"], "as": "admin"})
        lines.append({"args": ["consult", ids[(n * 7) % len(ids)], "--note", f"visit {n}"], "as": f"v{n}",
                      "now": "2026-05-07T10:00:00+08:00"})
    path = book.folder / "live.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    env = {"CLAIMS_NOW": "2026-05-07T10:00:00+08:00", "PATH": "/usr/bin:/bin"}
    return subprocess.Popen([sys.executable, "-m", "cli.main", "--db", str(book.db), "--as", "admin", "--json", "batch", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)


def test_verification_during_live_writes_reports_no_false_problem(book):
    ids = _live_book(book, 30)
    runs, during = [], 0
    writer = _writer(book, ids, 400)
    try:
        while writer.poll() is None or len(runs) < 3:
            during += writer.poll() is None
            doc = book.verify("--jobs", "3").json
            runs.append(doc)
            if len(runs) >= 12:
                break
    finally:
        out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert during >= 2 and all(doc["jobs"] == 3 for doc in runs)  # verifications that ran while the writer was committing
    assert [doc["problems"][:3] for doc in runs if not doc["ok"]] == []
    assert book.verify("--jobs", "3").json["ok"]
