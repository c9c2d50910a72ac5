"""PostgreSQL figures (docs/postgres.md): committed transitions/s with one and eight clients, eight clients on one claim,
each against raw psycopg or the tool itself measured in the same run; `audit verify` and cold start are in bench/pg_book.py
and bench/cold_before.py.

The server is the one CLAIMS_BENCH_POSTGRES names (a maintenance URL), else a throwaway one started with
tests/pg_server.py: locale C, and fsync on, as a real server keeps it (`synchronous_commit` stays on too).

Every client is a real process behind a gate: it imports everything, says it is ready, and starts when all are ready;
each reports when it started and ended, so eight clients' rate is all their commits over the span from the first start to
the last end. Each run starts from a fresh copy of one template database (CREATE DATABASE … TEMPLATE).
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import sys
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bench import book
from bench.figures import Figure
from bench.run import ROOT, claims_cli, environment, note, write_lines
from tests.gated import CLAIMS, release_together

SERVER_ENV = "CLAIMS_BENCH_POSTGRES"
CLIENTS = 8


@dataclass(frozen=True)
class Size:
    share: int  # claims each client walks from apply to close (16 commits each)
    consults: int  # consultations each client records
    raw_commits: int  # raw psycopg transactions per client
    runs: int


QUICK = Size(share=2, consults=10, raw_commits=200, runs=2)
FULL = Size(share=25, consults=100, raw_commits=1500, runs=5)


# the server and its databases -----------------------------------------------------------------------------------------------
@contextlib.contextmanager
def server():
    """The maintenance URL of the server the figures run on."""
    if os.environ.get(SERVER_ENV):
        yield os.environ[SERVER_ENV]
        return
    from tests import pg_server

    started = pg_server.start(durable=True)
    try:
        yield started.admin_url
    finally:
        started.stop()


class Databases:
    """Databases made on the server for this run, dropped at its end."""

    def __init__(self, admin_url: str):
        from tests import pg_server

        self.admin_url, self.pg_server, self.made = admin_url, pg_server, []

    def new(self, template: str | None = None) -> str:
        name = f"bench_{uuid.uuid4().hex[:12]}"
        self.made.append(name)
        return self.pg_server.create_database(self.admin_url, name, template=template and self.pg_server.dbname_of(template))

    def drop(self, url: str) -> None:
        self.pg_server.drop_database(self.admin_url, self.pg_server.dbname_of(url))

    def close(self) -> None:
        for name in self.made:
            with contextlib.suppress(Exception):
                self.pg_server.drop_database(self.admin_url, name)


# clients behind a gate ------------------------------------------------------------------------------------------------------
RAW = r"""
import json, sys, time
import psycopg
url, me, commits = sys.argv[1], sys.argv[2], int(sys.argv[3])
payload, snapshot = "p" * 400, "s" * 1200  # about the size of a real event payload and claim snapshot
with psycopg.connect(url, autocommit=True) as conn:
    ids = [f"C{me}-{i}" for i in range(50)]
    conn.cursor().executemany("INSERT INTO claim VALUES (%s, 'reported', 0, '{}')", [(i,) for i in ids])
    sys.stderr.write("ready\n")
    sys.stderr.flush()
    sys.stdin.readline()
    started = time.monotonic()
    for i in range(commits):
        claim = ids[i % 50]
        conn.execute("BEGIN")
        conn.execute("UPDATE claim SET state = 'applied', version = version + 1, snapshot = %s WHERE id = %s", (snapshot, claim))
        conn.execute("INSERT INTO event (claim_id, seq, payload, hash) VALUES (%s, %s, %s, %s)", (claim, i, payload, f"{i:064d}"))
        conn.execute("COMMIT")
    ended = time.monotonic()
sys.stderr.write(json.dumps({"code": 0, "started": started, "ended": ended, "retries": 0, "done": commits}) + "\n")
"""

RAW_SCHEMA = ("CREATE TABLE claim (id text PRIMARY KEY, state text NOT NULL, version integer NOT NULL, snapshot text NOT NULL); "
              "CREATE TABLE event (id bigserial PRIMARY KEY, claim_id text NOT NULL, seq integer NOT NULL, payload text NOT NULL, "
              "hash text NOT NULL, UNIQUE (claim_id, seq))")


@dataclass
class Span:
    commits: int
    seconds: float
    retries: int

    @property
    def rate(self) -> float:
        return self.commits / self.seconds


def gated(argvs: list[list[str]], env: dict[str, str]) -> list[tuple[str, dict]]:
    """Run each argv as a process, release them together (tests/gated.py); each one's stdout and its closing report."""
    results = []
    for code, out, err, report in release_together(argvs, env=env, cwd=ROOT, timeout=1800):
        if code != report["code"]:
            raise RuntimeError(f"a client failed ({code}): {err[-2000:]}")
        results.append((out, report))
    return results


def span(results: list[tuple[str, dict]], commits: list[int]) -> Span:
    reports = [report for _, report in results]
    seconds = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
    return Span(sum(commits), seconds, sum(r["retries"] for r in reports))


def tool_clients(url: str, batches: list[Path], now: str) -> Span:
    """`claims batch FILE` per client, together: committed transitions over the span."""
    results = gated([[sys.executable, "-c", CLAIMS, "--json", "batch", "--keep-going", str(path)] for path in batches],
                    environment(url, now=now))
    outcomes = [json.loads(out) for out, _ in results]
    failed = [f for o in outcomes for f in o["failed"]]
    if any(f["exit"] != 5 for f in failed):
        raise RuntimeError(f"a batch line failed: {failed[0]}")
    return span(results, [o["done"] for o in outcomes])


def raw_clients(url: str, clients: int, commits: int) -> Span:
    results = gated([[sys.executable, "-c", RAW, url, str(n), str(commits)] for n in range(clients)], environment(Path("unused")))
    return span(results, [r["done"] for _, r in results])


# the template: a training book with claims reported, ready to be walked ------------------------------------------------------
@dataclass
class Plan:
    shares: list[Path]  # client p walks the claims of shares[p]
    consult_one: list[Path]  # every client consults on one claim
    consult_own: list[Path]  # each client consults on a claim of its own


def template(databases: Databases, workdir: Path, size: Size) -> tuple[str, Plan]:
    url = databases.new()
    now = book.today_at("08:00:00")
    claims = CLIENTS * size.share + 1 + CLIENTS
    claims_cli(url, "init", "--training", now=now)
    claims_cli(url, "batch", str(write_lines(workdir / "pg-users.jsonl", [{"args": words} for words in book.USERS])), now=now)
    claims_cli(url, "policy", "import", str(book.book_policies(workdir, claims)), now=now)
    event_date = (book.TODAY - timedelta(days=3)).isoformat()
    reports = [{"args": ["report", book.book_policy_number(n), "--type", book.CLAIMANTS[n % 2][0], "--event-date", event_date],
                "as": "li", "now": now} for n in range(1, claims + 1)]
    done = json.loads(claims_cli(url, "--json", "batch", str(write_lines(workdir / "pg-reports.jsonl", reports)), now=now))
    if done["done"] != claims:
        raise RuntimeError(f"reporting the template's claims failed: {done['failed'][:1]}")
    one, own = CLIENTS * size.share + 1, range(CLIENTS * size.share + 2, claims + 1)
    plan = Plan(
        shares=[write_lines(workdir / f"pg-share-{p}.jsonl", _walks(range(p * size.share + 1, (p + 1) * size.share + 1)))
                for p in range(CLIENTS)],
        consult_one=[write_lines(workdir / f"pg-one-{p}.jsonl", _consults(one, p, size.consults)) for p in range(CLIENTS)],
        consult_own=[write_lines(workdir / f"pg-own-{p}.jsonl", _consults(claim, p, size.consults)) for p, claim in enumerate(own)])
    return url, plan


def _walks(numbers: range) -> list[dict]:
    """Each claim from apply to close (decline, appeal, review, approve, pay): 16 commits a claim, at the day's times."""
    lines, second = [], 0
    for number in numbers:
        for _, words, user in book.walk("closed_after_appeal", f"CLM-{number:06d}", number % 2)[1:]:
            lines.append({"args": words, "as": user, "now": book.today_at(f"{9 + second // 3600:02d}:{second // 60 % 60:02d}:"
                                                                         f"{second % 60:02d}")})
            second += 1
    return lines


def _consults(number: int, client: int, count: int) -> list[dict]:
    return [{"args": ["consult", f"CLM-{number:06d}", "--note", f"client {client} call {k}"], "as": "li",
             "now": book.today_at("09:00:00")} for k in range(count)]


# the figures ----------------------------------------------------------------------------------------------------------------
def measure(databases: Databases, workdir: Path, size: Size) -> list[dict]:
    note(f"PostgreSQL: a template of {CLIENTS * size.share + 1 + CLIENTS} reported claims; {size.runs} runs of each figure")
    base, plan = template(databases, workdir, size)
    raw = databases.new()
    with _connect(raw) as conn:
        conn.execute(RAW_SCHEMA)
    now = book.today_at("09:00:00")
    runs: dict[str, list[Span]] = {name: [] for name in ("raw1", "raw8", "tool1", "tool8", "one", "own")}
    for run in range(size.runs):
        note(f"PostgreSQL run {run + 1} of {size.runs}")
        for name, clients in (("raw1", 1), ("raw8", CLIENTS)):
            with _connect(raw) as conn:
                conn.execute("TRUNCATE claim, event")
            runs[name].append(raw_clients(raw, clients, size.raw_commits))
        copy = databases.new(template=base)
        runs["tool1"].append(tool_clients(copy, plan.shares[:1], now))
        runs["one"].append(tool_clients(copy, plan.consult_one, now))
        databases.drop(copy)
        copy = databases.new(template=base)
        runs["tool8"].append(tool_clients(copy, plan.shares, now))
        runs["own"].append(tool_clients(copy, plan.consult_own, now))
        databases.drop(copy)
    return report(runs, size)


def report(runs: dict[str, list[Span]], size: Size) -> list[dict]:
    rate = {name: statistics.median(s.rate for s in spans) for name, spans in runs.items()}
    retries = {name: [s.retries for s in spans] for name, spans in runs.items()}
    extra = {"runs": size.runs}
    return [
        {**Figure("pg_raw_psycopg_commits_per_s", rate["raw1"], "commits/s", None, None, None).as_dict(), **extra,
         "clients": 1, "note": "UPDATE + INSERT + COMMIT per transaction, synchronous_commit=on, fsync on"},
        {**Figure("pg_raw_psycopg_8_clients_commits_per_s", rate["raw8"], "commits/s", rate["raw1"], "raw psycopg, one client", None)
         .as_dict(), **extra, "clients": CLIENTS},
        {**Figure("pg_batch_transitions_per_s", rate["tool1"], "transitions/s", rate["raw1"],
                  "raw psycopg UPDATE+INSERT+COMMIT per transaction, one client", "ratio >= 0.5").as_dict(), **extra,
         "retries": retries["tool1"]},
        {**Figure("pg_8_clients_transitions_per_s", rate["tool8"], "transitions/s", rate["tool1"], "the same tool, one client",
                  "ratio >= 1.3").as_dict(), **extra, "raw_8_vs_1_ratio": round(rate["raw8"] / rate["raw1"], 3),
         "retries": retries["tool8"]},
        {**Figure("pg_8_clients_one_claim_transitions_per_s", rate["one"], "transitions/s", rate["own"],
                  "8 clients consulting on a claim each", None).as_dict(), **extra, "retries": retries["one"],
         "reference_retries": retries["own"], "conflicts": [CLIENTS * size.consults - s.commits for s in runs["one"]]},
    ]


def _connect(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)
