"""Benchmark: `claims audit verify` on a large synthetic book (issue 3).

Builds a training book of N claims (≈10 events each) the fast way — every step is judged by the
real Referee, sealed and folded by the real ``cases._record`` into an in-memory collector, and
the rows are then written in big transactions — and times ``claims audit verify`` on it as a
subprocess, reading its peak RSS from ``getrusage(RUSAGE_CHILDREN)``. For scale, it then times
the raw floor on the same book: every event read in (claim_id, seq) order, canonical JSON and
SHA-256, nothing else.

    python bench/verify_bench.py                  # 100k claims / 1M events
    python bench/verify_bench.py --claims 10000   # a quicker look
    python bench/verify_bench.py --db book.db     # keep (or reuse) the book

The book is built in one child process and measured from another, small one: a child's peak RSS
counts the memory of the process it was forked from, so neither the builder nor this process may
be that parent. Prints one JSON line per measurement: {"name", "value", "unit", "reference"}.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TEMPLATE = "P-2022-0002"  # critical illness, insured 陈某 applies for himself (deck slide 17)
POLICIES = 1000  # claim i is on policy i % POLICIES, its event date moves a day every POLICIES claims
FIRST_DAY = date(2026, 1, 1)
USERS = [("li", "agent", None), ("wang", "handler", "50000"), ("zhao", "senior", None), ("sun", "handler", "100000"),
         ("qian", "auditor", None)]
APPLY = {"applicant": "陈某", "id_type": "resident_id", "id_number": "630102197502110013", "id_expires": None, "id_photo": False,
         "relation": None, "signed_by": None, "for": None}
DOCS = ("claim_form", "applicant_id", "bank_account", "diagnosis_certificate", "pathology_report", "medical_records")
# (who, hours after the report, command, args): 14 events paid and closed, or 6 events withdrawn
PAID = [("li", 0, "apply", APPLY)] + [("li", 24, "attach", {"document": d, "sha256": None}) for d in DOCS] + [
    ("wang", 48, "investigate", {}),
    ("zhao", 72, "decide", {"outcome": "approve", "amount": "60000.00", "ground": None, "reason": "diagnosis confirmed"}),
    ("wang", 73, "notify", {}),
    ("wang", 96, "pay", {"amount": "60000.00", "advance": False}),
    ("wang", 97, "close", {}),
]
WITHDRAWN = [("li", 0, "apply", APPLY), ("li", 1, "attach", {"document": "claim_form", "sha256": "ab" * 32}),
             ("li", 2, "consult", {"note": "asked about the materials"}), ("li", 30, "withdraw", {"reason": "the claimant withdrew"})]


class Collector:
    """Stands in for a storage Tx inside cases._record: keeps the sealed events and claims in memory."""

    def __init__(self):
        self.heads, self.claims, self.events = {}, [], []

    def chain_head(self, claim_id):
        return self.heads[claim_id]

    def insert_claim(self, claim, number, next_due):
        self.next_due = next_due

    def update_claim(self, claim, expected_version, next_due):
        self.next_due = next_due

    def append_events(self, events):
        self.events.extend(events)
        self.heads[events[-1].claim_id] = (events[-1].seq, events[-1].hash)


def build(db: str, claims: int) -> int:
    from claims.storage import open_store
    from workflows import admin, policy_import
    from workflows.office import Office

    start = datetime.fromisoformat("2025-12-01T09:00:00+08:00")
    admin.init(db, training=True, settings_file=None, asked="admin", now_text=start.isoformat())
    store = open_store(db)
    office = Office(store, "admin", start.isoformat())
    for name, role, limit in USERS:
        admin.add_user(office, name, role, limit)
    with tempfile.TemporaryDirectory() as tmp:
        policy_import.import_policies(office, _policy_file(Path(tmp)))
    with store.read() as tx:  # each policy as imported: its facts name the digest of the version in force
        settings, users = office.settings(tx), {name: tx.user(name) for name, *_ in USERS}
        policies = [tx.policy(f"P-BENCH-{i:06d}") for i in range(POLICIES)]
    events = 0
    for first in range(0, claims, 5000):
        collector = Collector()
        rows = [_walk(collector, n, policies[n % POLICIES], settings, users) for n in range(first + 1, min(claims, first + 5000) + 1)]
        with store.write() as tx:
            tx.insert_claim_rows(rows)
            tx.append_events(collector.events)
        events += len(collector.events)
    store.close()
    return events


def _walk(collector: Collector, n: int, policy: dict, settings, users: dict) -> dict:
    from claims.records import Claim
    from claims.storage import claim_row
    from workflows import cases
    from workflows import facts as facts_of
    from workflows.step import Step

    number = f"P-BENCH-{n % POLICIES:06d}"
    day = FIRST_DAY + timedelta(days=n // POLICIES)
    reported = datetime(day.year, day.month, day.day, 9, tzinfo=settings.zone) + timedelta(seconds=n % POLICIES)
    terms = facts_of.policy_terms(policy, "critical_illness")
    event_date = (day - timedelta(days=2)).isoformat()
    claim = Claim(id=f"CLM-{n:06d}", policy=number, type="critical_illness", event_date=event_date, line=terms["line"])
    args = {"type": "critical_illness", "event_date": claim.event_date, "cause": "illness", "channel": "agent", "late_reason": None,
            "description": None}
    claim = _step(collector, Step("report", claim, {"policy": number, **args}, terms, reported, settings, actor=users["li"]))
    for who, hours, command, args in PAID if n % 2 else WITHDRAWN:
        facts = _facts(command, policy, users[who], settings)
        args = cases.PREPARE.get(command, cases._as_given)(args, claim, facts)
        claim = _step(collector, Step(command, claim, args, facts, reported + timedelta(hours=hours), settings, actor=users[who]))
    return claim_row(claim, n, collector.next_due)


def _step(collector: Collector, step):
    from workflows import cases
    from workflows.machine import referee

    return cases._record(collector, step, referee().judge(step), cases.EVENTS[step.command](step))


def _facts(command: str, policy: dict, user: dict, settings) -> dict:
    from workflows import facts as facts_of

    facts = facts_of.from_policy(command, policy, "critical_illness")
    if command in ("decide", "pay"):
        facts.update(paid_elsewhere="0.00", authority_limit=facts_of.authority_limit(user, settings))
    return facts


def _policy_file(folder: Path) -> str:
    template = next(p for p in json.loads((ROOT / "examples" / "policies.json").read_text(encoding="utf-8")) if p["policy"] == TEMPLATE)
    path = folder / "policies.json"
    path.write_text(json.dumps([{**template, "policy": f"P-BENCH-{i:06d}"} for i in range(POLICIES)], ensure_ascii=False), encoding="utf-8")
    return str(path)


def measure(db: str, jobs: int | None) -> None:
    """Run `claims audit verify` on the book as this process's only child; then the floor."""
    env = {**os.environ, "CLAIMS_DB": db, "CLAIMS_USER": "qian"}
    env.pop("CLAIMS_NOW", None)
    command = [sys.executable, "-c", "from cli.main import run; run()", "--json", "audit", "verify"]
    command += ["--jobs", str(jobs)] if jobs else []
    started = time.perf_counter()
    verify = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    total_peak = _watch_tree(verify)
    out, err = verify.communicate()
    wall = time.perf_counter() - started
    if verify.returncode != 0:
        sys.exit(f"claims audit verify failed ({verify.returncode}): {err[:2000]} {out[:2000]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux: the largest process
    result = json.loads(out)
    line("verify_claims", result["claims"], "claims")
    line("verify_events", result["events"], "events")
    line("verify_jobs", result.get("jobs", 1), "processes")
    line("verify_seconds", round(wall, 2), "s", 40.0 if result["events"] >= 1_000_000 else None)
    line("verify_events_per_second", round(result["events"] / wall), "events/s", 25_000)
    line("verify_peak_rss", round(peak, 1), "MiB", 200)
    line("verify_peak_rss_all_processes", round(total_peak / 1024, 1), "MiB", 200)
    line("hash_floor_rows_per_second", round(floor(db)), "rows/s", 47_000)


def _watch_tree(process: subprocess.Popen) -> int:
    """The largest sum of VmRSS (KiB) over the process and its descendants, sampled until it ends (Linux /proc)."""
    peak = 0
    while process.poll() is None:
        peak = max(peak, sum(_rss(pid) for pid in _tree(process.pid)))
        time.sleep(0.05)
    return peak


def _tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(descendant for child in children for descendant in _tree(int(child)))]


def _rss(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)


def floor(db: str) -> float:
    """Rows per second for reading every event in order, canonical JSON and SHA-256 alone."""
    from claims.audit import event_hash

    started, rows = time.perf_counter(), 0
    with sqlite3.connect(db) as con:
        query = ("SELECT claim_id, seq, event, from_state, to_state, at, actor, role, payload, settings_version, prev_hash, hash "
                 "FROM audit_event ORDER BY claim_id, seq")
        for row in con.execute(query):
            event_hash(*row[:8], json.loads(row[8]), row[9], row[10])
            rows += 1
    return rows / (time.perf_counter() - started)


def line(name: str, value, unit: str, reference=None) -> None:
    print(json.dumps({"name": name, "value": value, "unit": unit, "reference": reference}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000, help="claims in the synthetic book (≈10 events each)")
    parser.add_argument("--db", help="build the book here and keep it; an existing file is reused as it is")
    parser.add_argument("--jobs", type=int, help="passed on to `claims audit verify --jobs` (default: its own choice)")
    parser.add_argument("--step", choices=["build", "measure"], help=argparse.SUPPRESS)  # the two child processes
    options = parser.parse_args()
    if options.step == "build":
        started = time.perf_counter()
        events = build(options.db, options.claims)
        line("book_build_seconds", round(time.perf_counter() - started, 1), "s")
        line("book_build_events", events, "events")
        return
    if options.step == "measure":
        return measure(options.db, options.jobs)
    with tempfile.TemporaryDirectory() as folder:
        db = options.db or str(Path(folder) / "book.db")
        if not Path(db).exists():
            subprocess.run([sys.executable, __file__, "--step", "build", "--db", db, "--claims", str(options.claims)], check=True)
        jobs = ["--jobs", str(options.jobs)] if options.jobs else []
        subprocess.run([sys.executable, __file__, "--step", "measure", "--db", db, *jobs], check=True)


if __name__ == "__main__":
    main()
