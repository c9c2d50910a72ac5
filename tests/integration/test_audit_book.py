"""The audited book the tamper and replay tests start from, and the tools they tamper with.

A training database on disk, written through the real `claims` commands: CLM-000001 walks the
deck's slide-17 case from report to close (15 events, a consultation at seq 10), CLM-000002 is
reported and consulted on. It is built once per session; each test gets its own copy. Tampering
works as an attacker with the file would: plain sqlite3, after dropping the append-only triggers.
"""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from backends import Database, SQLiteDatabase, discard, new_database

from claims.audit import event_hash
from claims.chain import EVENT_COLUMNS, StoredEvent
from cli.main import main
from tests.conftest import Result

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
START = "2026-05-01T09:00:00+08:00"
LATER = "2026-05-06T10:00:00+08:00"
PAID, OPEN = "CLM-000001", "CLM-000002"
DOCS = ("claim_form", "applicant_id", "bank_account", "diagnosis_certificate", "pathology_report", "medical_records")
SEQ = {"report": 1, "apply": 2, "notice": 3, "attach": 4, "consult": 10, "investigate": 11, "decide": 12, "notify": 13, "pay": 14,
       "close": 15}




@dataclass
class Book:
    database: Database
    folder: Path

    def __post_init__(self):
        if isinstance(self.database, str | Path):  # a file path: an SQLite database
            self.database = SQLiteDatabase(Path(self.database))

    @property
    def db(self) -> str:
        return self.database.target

    def run(self, *args: str, as_: str = "qian", now: str | None = START) -> Result:
        """`claims --json ARGS` as `as_`, in this process."""
        out, err = io.StringIO(), io.StringIO()
        with pytest.MonkeyPatch.context() as env, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            env.delenv("CLAIMS_DB", raising=False)
            env.delenv("CLAIMS_USER", raising=False)
            if now:
                env.setenv("CLAIMS_NOW", now)
            else:
                env.delenv("CLAIMS_NOW", raising=False)
            code = main(["--db", str(self.db), "--as", as_, "--json", *args])
        return Result(code, out.getvalue(), err.getvalue())

    def ok(self, *args: str, **kw) -> Result:
        result = self.run(*args, **kw)
        assert result.code == 0, f"claims {' '.join(args)} failed ({result.code}): {result.err}"
        return result

    def verify(self, *args: str) -> Result:
        return self.run("audit", "verify", *args)

    def found(self, *args: str) -> set[tuple]:
        """(claim, seq, check) of every problem `claims audit verify ARGS` reports; it must exit 7 if any."""
        result = self.verify(*args)
        doc = result.json
        assert result.code == (7 if doc["problems"] else 0), result.err
        assert doc["ok"] is (not doc["problems"])
        return {(p["claim"], p["seq"], p["check"]) for p in doc["problems"]}

    def anchor(self, name: str = "anchor.json") -> str:
        path = str(self.folder / name)
        self.ok("audit", "anchor", "--out", path)
        return path

    def tampering(self):
        """A raw connection to the database, append-only triggers out of the way; commits on leaving (`?` placeholders)."""
        return self.database.tampering()

    def events(self, claim: str) -> list[StoredEvent]:
        rows = self.database.rows(f"SELECT {', '.join(EVENT_COLUMNS)} FROM audit_event WHERE claim_id = ? ORDER BY seq", (claim,))
        return [StoredEvent(*row) for row in rows]

    def claim_row(self, claim: str) -> dict:
        with self.database.connection() as con:
            cursor = con.execute(self.database_sql("SELECT * FROM claim WHERE id = ?"), (claim,))
            names = [d[0] for d in cursor.description]
            return dict(zip(names, cursor.fetchone(), strict=True))

    def database_sql(self, sql: str) -> str:
        return sql if self.database.kind == "sqlite" else sql.replace("?", "%s")

    def rewrite(self, claim: str, change) -> None:
        """Rewrite a chain as a forger who knows the hash scheme: `change(events)` edits the events (dicts of their
        columns, payload parsed; seq 1 first) in place, then every hash and prev_hash is recomputed from seq 1."""
        events = [{**e._asdict(), "payload": json.loads(e.payload)} for e in self.events(claim)]
        change(events)
        with self.tampering() as con:
            prev = None
            for e in events:
                e["prev_hash"] = prev
                e["hash"] = prev = event_hash(e["claim_id"], e["seq"], e["event"], e["from_state"], e["to_state"], e["at"], e["actor"],
                                              e["role"], e["payload"], e["settings_version"], prev)
                columns = [c for c in EVENT_COLUMNS if c not in ("claim_id", "seq")]
                con.execute(f"UPDATE audit_event SET {', '.join(f'{c} = ?' for c in columns)} WHERE claim_id = ? AND seq = ?",
                            [canonical(e[c]) if c == "payload" else e[c] for c in columns] + [claim, e["seq"]])


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def build(database: Database, folder: Path) -> Book:
    book = Book(database, folder)
    book.ok("init", "--training", as_="admin")
    for name, role, *limit in [("li", "agent"), ("wang", "handler", "50000"), ("zhao", "senior"), ("qian", "auditor")]:
        book.ok("user", "add", name, "--role", role, *(["--limit", limit[0]] if limit else []), as_="admin")
    book.ok("policy", "import", str(EXAMPLES / "policies.json"), as_="admin")
    claim = book.ok("report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25", as_="li").json["claim"]
    assert claim == PAID
    book.ok("apply", claim, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013", as_="li")
    for doc in DOCS:
        book.ok("attach", claim, doc, as_="li")
    book.ok("consult", claim, "--note", "asked when the money comes", as_="li")
    book.ok("investigate", claim, as_="wang", now=LATER)
    book.ok("decide", claim, "approve", "--amount", "60000", "--reason", "confirmed by the hospital", as_="zhao", now=LATER)
    book.ok("notify", claim, as_="wang", now=LATER)
    book.ok("pay", claim, "--amount", "60000", as_="wang", now=LATER)
    book.ok("close", claim, as_="wang", now=LATER)
    second = book.ok("report", "P-2023-0001", "--type", "critical_illness", "--event-date", "2026-04-28", as_="li").json["claim"]
    assert second == OPEN
    book.ok("consult", second, "--note", "which hospital records are needed", as_="li")
    return book


@pytest.fixture(scope="session")
def book_template(backend, tmp_path_factory):
    folder = tmp_path_factory.mktemp("book")
    database = new_database(backend, folder)
    build(database, folder)
    yield database
    discard(database)


@pytest.fixture
def book(book_template, tmp_path) -> Book:
    """A fresh copy of the audited book."""
    database = book_template.copy(tmp_path)
    yield Book(database, tmp_path)
    discard(database)


# the book itself --------------------------------------------------------------------------------
def test_the_book_verifies_and_its_events_sit_where_the_tests_expect_them(book):
    assert book.found() == set()
    assert [e.event for e in book.events(PAID)] == ["report", "apply", "notice", *["attach"] * 6, "consult", "investigate", "decide",
                                                    "notify", "pay", "close"]
    assert all(book.events(PAID)[seq - 1].event == event for event, seq in SEQ.items())
    doc = book.verify().json
    assert (doc["claims"], doc["events"], doc["warnings"]) == (2, 17 + doc["admin_events"], [])


def test_rewriting_a_chain_without_changing_anything_leaves_it_intact(book):
    before = book.events(PAID)
    book.rewrite(PAID, lambda payloads: None)
    assert book.events(PAID) == before
    assert book.found() == set()
