"""Many processes running the real `claims` command at once on one database (docs/postgres.md, Concurrency).

Each test starts its processes behind a gate: every process imports everything first, says it is ready, and starts its
command only when all are ready, so the commands really run side by side (each test checks that they overlapped). The
database is a training database made through the CLI; the batch lines name their own user and time. The tests run on
both back ends where the behaviour is the tool's; the injected serialization failure and the naive writer are
PostgreSQL's (SQLite has one writer at a time and no such failure).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from backends import POSTGRES, Database, discard, new_database
from gated import CLAIMS, NotReady, release_together

from claims.audit import ADMIN_CHAIN
from claims.storage import ATTEMPTS

from .test_audit_book import EXAMPLES, Book

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-05-01T09:00:00+08:00"
PROCESSES, COMMANDS = 8, 25
REPORT = ["report", "P-2022-0002", "--type", "critical_illness"]

@dataclass
class Done:
    code: int
    out: str
    err: str
    started: float
    ended: float
    retries: int

    @property
    def json(self):
        return json.loads(self.out)

    @property
    def error(self) -> dict:
        return json.loads(self.err.strip().splitlines()[0])["error"]


def run_together(database: Database, commands: list[list[str]]) -> list[Done]:
    """`claims --db DB --json ARGS` for each ARGS in its own process, all released at once; checks that they overlapped."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CLAIMS_")}, "CLAIMS_NOW": NOW, "PYTHONPATH": str(ROOT)}
    try:
        results = release_together([[sys.executable, "-c", CLAIMS, "--db", database.target, "--json", *argv] for argv in commands],
                                   env=env, cwd=ROOT, timeout=300)
    except NotReady as exc:
        pytest.fail(str(exc))
    done = [Done(code, out, err, report["started"], report["ended"], report["retries"]) for code, out, err, report in results]
    assert max(d.started for d in done) < min(d.ended for d in done), "the processes did not all run at the same time"
    return done


def batch(folder: Path, name: str, lines: list[dict]) -> list[str]:
    path = folder / f"{name}.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return ["--as", "admin", "batch", "--keep-going", str(path)]


def training_book(database: Database, folder: Path) -> Book:
    book = Book(database, folder)
    book.ok("init", "--training", as_="admin", now=NOW)
    for name, role in [("li", "agent"), ("wang", "handler"), ("qian", "auditor")]:
        book.ok("user", "add", name, "--role", role, as_="admin", now=NOW)
    book.ok("policy", "import", str(EXAMPLES / "policies.json"), as_="admin", now=NOW)
    return book


@pytest.fixture
def book(database, tmp_path) -> Book:
    """A training database on the test's back end, with li (agent), wang (handler), qian (auditor) and the example policies."""
    return training_book(database, tmp_path)


@pytest.fixture
def pg_book(postgres_admin_url, tmp_path) -> Book:
    database = new_database(POSTGRES, tmp_path)
    yield training_book(database, tmp_path)
    discard(database)


# the checker --------------------------------------------------------------------------------------------------------------
def chain_faults(book: Book, chain: str) -> list[str]:
    """Every sign in the database that a write to `chain` was lost or doubled: its seqs not 1..n without gaps, a prev_hash
    that is not the hash before it, and for a claim its version not its event count, `claims audit verify --claim` not clean
    and `claims replay` not reproducing the stored claim row from its events. Empty when the chain and its owner agree."""
    rows = book.database.rows("SELECT seq, prev_hash, hash FROM audit_event WHERE claim_id = ? ORDER BY seq", (chain,))
    faults = []
    if [seq for seq, _, _ in rows] != list(range(1, len(rows) + 1)):
        faults.append(f"the seqs are not 1..{len(rows)} without gaps")
    faults += [f"seq {seq}: prev_hash is not the hash of seq {seq - 1}"
               for (seq, prev, _), (_, _, before) in zip(rows, [(0, None, None), *rows], strict=False) if prev != before]
    verify = book.run("audit", "verify", *(["--claim", chain] if chain != ADMIN_CHAIN else []))
    faults += [f"audit verify: {p['claim']} {p['seq']} {p['check']}" for p in verify.json["problems"]]
    if verify.code != (7 if verify.json["problems"] else 0):
        faults.append(f"audit verify exited {verify.code}")
    if chain != ADMIN_CHAIN:
        (version,) = book.database.rows("SELECT version FROM claim WHERE id = ?", (chain,))[0]
        if version != len(rows):
            faults.append(f"claim version {version}, {len(rows)} events")
        replay = book.run("replay", chain)
        faults += [f"replay: {p['seq']} {p['check']}" for p in replay.json["problems"]]
    return faults


def events_of(book: Book, chain: str) -> int:
    return book.database.rows("SELECT count(*) FROM audit_event WHERE claim_id = ?", (chain,))[0][0]


# one claim, many writers --------------------------------------------------------------------------------------------------
def test_eight_processes_on_one_claim_lose_no_update_and_double_none(book, tmp_path):
    claim = book.ok(*REPORT, "--event-date", "2026-04-25", as_="li", now=NOW).json["claim"]
    commands = [batch(tmp_path, f"p{p}", [{"args": ["consult", claim, "--note", f"process {p} note {k}"], "as": "li", "now": NOW}
                                          for k in range(COMMANDS)]) for p in range(PROCESSES)]
    done = run_together(book.database, commands)

    outcomes = [d.json for d in done]
    failed = [f for o in outcomes for f in o["failed"]]
    assert {(f["exit"], f["error"]["code"]) for f in failed} <= {(5, "conflict")}  # only a conflict after every retry may fail
    assert all(o["done"] + len(o["failed"]) == COMMANDS and o["stopped_at"] is None for o in outcomes)
    committed = sum(o["done"] for o in outcomes)
    assert committed == PROCESSES * COMMANDS - len(failed)
    assert events_of(book, claim) == 1 + committed
    notes = book.database.rows("SELECT payload FROM audit_event WHERE claim_id = ? AND event = 'consult'", (claim,))
    assert len({json.loads(payload)["args"]["note"] for (payload,) in notes}) == committed  # each committed once, none twice
    assert failed == []  # the row lock serialises the writers: none ends as a conflict
    assert chain_faults(book, claim) == []
    assert book.verify().json["ok"]

    # The same checker on the same database, after one event is taken away and the claim row kept: it must say so.
    with book.tampering() as con:
        con.execute("DELETE FROM audit_event WHERE claim_id = ? AND seq = ?", (claim, 1 + committed))
    faults = chain_faults(book, claim)
    assert f"claim version {1 + committed}, {committed} events" in faults
    assert any(f.startswith("audit verify:") for f in faults) and any(f.startswith("replay:") for f in faults)


NAIVE_WRITER = r"""
import json, sys, time
import psycopg
from claims.audit import seal
from claims.canonical import canonical_json
from claims.records import Claim, evolve
from claims.storage import claim_row
url, claim_id, count, me = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
committed = refused = 0
with psycopg.connect(url) as conn:
    sys.stderr.write("ready\n")
    sys.stderr.flush()
    sys.stdin.readline()
    started = time.monotonic()
    for k in range(count):
        try:
            with conn.transaction():
                (snapshot,) = conn.execute("SELECT snapshot FROM claim WHERE id = %s", (claim_id,)).fetchone()  # no FOR UPDATE
                claim = Claim.from_dict(json.loads(snapshot))
                time.sleep(0.003)  # judging the step
                seq, prev, settings = conn.execute("SELECT seq, hash, settings_version FROM audit_event WHERE claim_id = %s "
                                                   "ORDER BY seq DESC LIMIT 1", (claim_id,)).fetchone()
                payload = {"args": {"note": f"naive {me} {k}"}}
                at = claim.last_event_at
                event = seal(claim_id, seq + 1, "consult", claim.state, claim.state, at, "li", "agent", payload, settings, prev)
                row = claim_row(evolve(claim, "consult", claim.state, payload, at, at[:10]), None, None)
                conn.execute("UPDATE claim SET version = %s, snapshot = %s, updated_at = %s WHERE id = %s",  # no version check
                             (row["version"], row["snapshot"], row["updated_at"], claim_id))
                conn.execute("INSERT INTO audit_event (claim_id, seq, event, from_state, to_state, at, actor, role, payload, "
                             "settings_version, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                             (event.claim_id, event.seq, event.event, event.from_state, event.to_state, event.at, event.actor,
                              event.role, canonical_json(event.payload), event.settings_version, event.prev_hash, event.hash))
            committed += 1
        except psycopg.errors.UniqueViolation:  # the unique (claim_id, seq) is kept: a seq taken meanwhile fails
            refused += 1
sys.stderr.write("\n" + json.dumps({"started": started, "ended": time.monotonic(), "retries": 0}) + "\n")
print(json.dumps({"committed": committed, "refused": refused}))
"""


@pytest.mark.postgres
def test_the_checker_catches_the_lost_updates_of_a_writer_without_the_row_lock(pg_book, tmp_path):
    """The negative control: 8 processes write consultations the way the tool would without its two guards — no
    `SELECT … FOR UPDATE` on the claim row before reading the chain, and no version check on the UPDATE — keeping the
    unique (claim_id, seq) and sealing each event properly onto the head it reads. Under READ COMMITTED a writer then reads
    the claim row before another commits and the chain head after, so the chain stays whole while the claim row loses
    updates (docs/postgres.md measured the same). `chain_faults`, the checker the tests above rely on, reports exactly that:
    the control proves it can see a lost update that a chain-only check (seqs, prev_hash) cannot."""
    book = pg_book
    claim = book.ok(*REPORT, "--event-date", "2026-04-25", as_="li", now=NOW).json["claim"]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CLAIMS_")}, "PYTHONPATH": str(ROOT)}
    argvs = [[sys.executable, "-c", NAIVE_WRITER, book.db, claim, str(COMMANDS), str(p)] for p in range(PROCESSES)]
    results = release_together(argvs, env=env, cwd=ROOT, timeout=300)
    assert [code for code, *_ in results] == [0] * PROCESSES, [err for _, _, err, _ in results]
    committed = sum(json.loads(out)["committed"] for _, out, _, _ in results)
    assert events_of(book, claim) == 1 + committed

    faults = chain_faults(book, claim)
    (version,) = book.database.rows("SELECT version FROM claim WHERE id = ?", (claim,))[0]
    assert version < 1 + committed  # updates of the claim row were lost ...
    assert f"claim version {version}, {1 + committed} events" in faults
    assert not any(f.startswith(("the seqs", "seq ")) for f in faults)  # ... while the chain itself stayed whole
    assert any(f.endswith(" stored") for f in faults if f.startswith("audit verify:"))
    assert any(f.endswith(" stored") for f in faults if f.startswith("replay:"))


# reports -------------------------------------------------------------------------------------------------------------------
def test_simultaneous_duplicate_reports_let_exactly_one_through(book):
    before = book.database.rows("SELECT count(*) FROM claim")[0][0]
    done = run_together(book.database, [["--as", "li", *REPORT, "--event-date", "2026-04-25"]] * PROCESSES)

    winners = [d for d in done if d.code == 0]
    assert len(winners) == 1
    claim = winners[0].json["claim"]
    losers = [d for d in done if d.code != 0]
    assert {d.code for d in losers} == {5}
    assert {(d.error["code"], d.error["rule"]) for d in losers} == {("conflict", "duplicate_report")}
    assert all(f"duplicate report: {claim} already reports" in d.error["message"] for d in losers)
    assert book.database.rows("SELECT id FROM claim WHERE event_date = '2026-04-25'") == [(claim,)]
    assert book.database.rows("SELECT count(*) FROM claim")[0][0] == before + 1
    assert chain_faults(book, claim) == []


def test_simultaneous_reports_of_different_claims_get_distinct_gap_free_numbers(book, tmp_path):
    first = date(2026, 4, 30)
    commands = [batch(tmp_path, f"p{p}", [{"args": [*REPORT, "--event-date", (first - timedelta(days=p * COMMANDS + k)).isoformat(),
                                                    "--late-reason", "abroad"], "as": "li", "now": NOW} for k in range(COMMANDS)])
                for p in range(PROCESSES)]
    done = run_together(book.database, commands)

    assert [(d.code, d.json["done"], d.json["failed"]) for d in done] == [(0, COMMANDS, [])] * PROCESSES
    rows = book.database.rows("SELECT number, id, version FROM claim ORDER BY number")
    assert [number for number, _, _ in rows] == list(range(1, PROCESSES * COMMANDS + 1))
    assert all(claim == f"CLM-{number:06d}" and version == 1 for number, claim, version in rows)
    assert book.database.rows("SELECT count(*) FROM audit_event WHERE claim_id <> ? AND seq = 1", (ADMIN_CHAIN,))[0][0] == len(rows)
    assert book.verify().json["ok"]


# the admin chain -----------------------------------------------------------------------------------------------------------
def test_concurrent_user_adds_keep_the_admin_chain_whole(book, tmp_path):
    admin_events = events_of(book, ADMIN_CHAIN)
    commands = [batch(tmp_path, f"p{p}", [{"args": ["user", "add", f"u{p}x{k}", "--role", "agent"], "as": "admin", "now": NOW}
                                          for k in range(COMMANDS)]) for p in range(PROCESSES)]
    done = run_together(book.database, commands)

    assert [(d.code, d.json["done"], d.json["failed"]) for d in done] == [(0, COMMANDS, [])] * PROCESSES
    assert events_of(book, ADMIN_CHAIN) == admin_events + PROCESSES * COMMANDS
    added = book.database.rows("SELECT payload FROM audit_event WHERE claim_id = ? AND event = 'user_add'", (ADMIN_CHAIN,))
    assert {json.loads(payload)["user"] for (payload,) in added} >= {f"u{p}x{k}" for p in range(PROCESSES) for k in range(COMMANDS)}
    assert book.database.rows("SELECT count(*) FROM app_user WHERE name LIKE 'u%'")[0][0] == PROCESSES * COMMANDS
    assert chain_faults(book, ADMIN_CHAIN) == []


# an injected serialization failure -----------------------------------------------------------------------------------------
INJECT = """
CREATE SEQUENCE injected_attempts;
CREATE FUNCTION injected_serialization_failure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.payload LIKE '%inject-once%' OR NEW.payload LIKE '%inject-always%' THEN
        -- a sequence is not rolled back with the failed transaction: it counts the attempts
        IF nextval('injected_attempts') = 1 OR NEW.payload LIKE '%inject-always%' THEN
            RAISE EXCEPTION 'injected by the test' USING ERRCODE = 'serialization_failure';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER injected_serialization_failure BEFORE INSERT ON audit_event FOR EACH ROW
    EXECUTE FUNCTION injected_serialization_failure();
"""


def _attempts(book: Book) -> int:
    (value, called) = book.database.rows("SELECT last_value, is_called FROM injected_attempts")[0]
    return value if called else 0


def _inject(book: Book) -> None:
    with book.database.connection() as con:  # a script of several statements: psycopg's simple protocol, no parameters
        con.execute(INJECT)


def _notes(book: Book, claim: str, note: str) -> int:
    return book.database.rows("SELECT count(*) FROM audit_event WHERE claim_id = ? AND payload LIKE ?", (claim, f"%{note}%"))[0][0]


@pytest.mark.postgres
def test_a_serialization_failure_reruns_the_command_and_it_commits_once(pg_book):
    book = pg_book
    claim = book.ok(*REPORT, "--event-date", "2026-04-25", as_="li", now=NOW).json["claim"]
    _inject(book)

    done = run_together(book.database, [["--as", "li", "consult", claim, "--note", "inject-once by the CLI"]])[0]
    assert done.code == 0, done.err
    assert (done.retries, _attempts(book), _notes(book, claim, "inject-once by the CLI")) == (1, 2, 1)
    assert events_of(book, claim) == 2 and chain_faults(book, claim) == []

    from workflows.cases import advance
    from workflows.office import Office

    with book.database.raw() as con:
        con.execute("ALTER SEQUENCE injected_attempts RESTART")
    office = Office.open(book.db, "li", NOW)
    try:
        advance(office, claim, "consult", {"note": "inject-once in process"})
        assert office.store.retries == 1
    finally:
        office.close()
    assert (_attempts(book), _notes(book, claim, "inject-once in process")) == (2, 1)
    assert events_of(book, claim) == 3 and chain_faults(book, claim) == []


@pytest.mark.postgres
def test_a_serialization_failure_every_time_ends_as_a_conflict_with_nothing_written(pg_book):
    book = pg_book
    claim = book.ok(*REPORT, "--event-date", "2026-04-25", as_="li", now=NOW).json["claim"]
    _inject(book)
    done = run_together(book.database, [["--as", "li", "consult", claim, "--note", "inject-always"]])[0]
    assert done.code == 5 and done.error["code"] == "conflict"
    assert f"after {ATTEMPTS} attempts" in done.error["message"] and "nothing was written" in done.error["message"]
    assert (done.retries, _attempts(book), _notes(book, claim, "inject-always")) == (ATTEMPTS - 1, ATTEMPTS, 0)
    assert events_of(book, claim) == 1 and chain_faults(book, claim) == []
