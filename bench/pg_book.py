"""`claims audit verify` on PostgreSQL, against the same book on SQLite verified in the same run.

The book is bench/verify_bench.py's: 100,000 claims, ≈1M events, every step judged, sealed and folded by the real
engine, written to SQLite. It is copied into a PostgreSQL database with COPY, table by table and exactly as stored (the
same hashes, the same admin chain), into the schema, roles and triggers the tool itself creates. Then `claims audit
verify` runs on each back end in turn, several times, each run as the only child of a small measuring process, so that
its peak RSS is the verifier's own (the largest of its processes; the sum over its processes rides along). The server's
own processes are not counted: they are the server's memory, not the tool's.

    python -m bench.pg_book measure TARGET     # one verification of TARGET: a JSON line
"""

from __future__ import annotations

import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.figures import Figure
from bench.run import ROOT, environment, note

TABLES = ("meta", "settings_version", "app_user", "policy", "policy_version", "claim", "audit_event")  # those referred to first


def build_sqlite_book(path: Path, claims: int) -> None:
    script = ROOT / "bench" / "verify_bench.py"
    subprocess.run([sys.executable, str(script), "--step", "build", "--db", str(path), "--claims", str(claims)], check=True, cwd=ROOT,
                   env=environment(path), stdout=subprocess.DEVNULL)


def copy_book(source: Path, url: str) -> None:
    """The SQLite book's rows into a new claims database on the server (the schema as `claims init` makes it there)."""
    import psycopg

    from claims.postgres_store import PostgresStore

    store = PostgresStore(url, create=True)
    store.create(None)
    store.close()
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as books, psycopg.connect(url) as conn:
        conn.execute("ALTER TABLE audit_event DISABLE TRIGGER USER")  # the actor check per row is for people's writes, not a copy
        for table in TABLES:
            columns = ", ".join(row[1] for row in books.execute(f"PRAGMA table_info({table})"))
            with conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in books.execute(f"SELECT {columns} FROM {table}"):
                    copy.write_row(row)
        conn.execute("ALTER TABLE audit_event ENABLE TRIGGER USER")
        conn.execute("SELECT setval('audit_event_id_seq', (SELECT max(id) FROM audit_event))")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def verification(target: str) -> dict:
    """One `claims audit verify` of `target`, measured from a fresh small process."""
    done = subprocess.run([sys.executable, "-m", "bench.pg_book", "measure", target], cwd=ROOT, env=environment(target),
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"measuring audit verify on {target} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_one(target: str) -> dict:
    """(In the measuring process.) Verify as the auditor; wall time, events, peak RSS of the verifier."""
    from bench.verify_bench import _watch_tree

    env = environment(target, user="qian")  # (a URL is passed on as it is, never as a path)
    env.pop("CLAIMS_NOW", None)
    started = time.perf_counter()
    verify = subprocess.Popen([sys.executable, "-m", "cli.main", "--json", "audit", "verify"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    all_processes = _watch_tree(verify)
    out, err = verify.communicate()
    seconds = time.perf_counter() - started
    if verify.returncode != 0:
        raise SystemExit(f"claims audit verify failed ({verify.returncode}): {err[-2000:]} {out[-500:]}")
    doc = json.loads(out)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"events": doc["events"], "jobs": doc.get("jobs", 1), "seconds": seconds, "events_per_s": doc["events"] / seconds,
            "peak_rss_mib": peak, "peak_rss_all_mib": all_processes / 1024}


def figures(databases, workdir: Path, claims: int, runs: int) -> list[dict]:
    source = workdir / "verify-book.db"
    source.unlink(missing_ok=True)
    note(f"audit verify: building a book of {claims} claims on SQLite (bench/verify_bench.py)")
    build_sqlite_book(source, claims)
    url = databases.new()
    started = time.perf_counter()
    copy_book(source, url)
    copied = time.perf_counter() - started
    note(f"audit verify: the book copied into PostgreSQL in {copied:.0f} s; {runs} verifications on each back end")
    samples = {"sqlite": [], "postgres": []}
    for _ in range(runs):
        samples["sqlite"].append(verification(str(source)))
        samples["postgres"].append(verification(url))
    databases.drop(url)
    return report(samples, copied)


def report(samples: dict[str, list[dict]], copied: float) -> list[dict]:
    def median(kind: str, key: str) -> float:
        return statistics.median(s[key] for s in samples[kind])

    events, runs = samples["postgres"][0]["events"], len(samples["postgres"])
    extra = {"runs": runs, "events": events, "jobs": samples["postgres"][0]["jobs"]}
    rate = Figure("pg_verify_events_per_s", median("postgres", "events_per_s"), "events/s", median("sqlite", "events_per_s"),
                  "the same book on SQLite, same run", "value >= 25000")
    rss = Figure("pg_verify_peak_rss", median("postgres", "peak_rss_mib"), "MiB", median("sqlite", "peak_rss_mib"),
                 "the same book on SQLite, same run", "value <= 200")
    return [
        {**rate.as_dict(), **extra, "seconds": round(median("postgres", "seconds"), 2),
         "reference_seconds": round(median("sqlite", "seconds"), 2)},
        {**rss.as_dict(), **extra, "peak_rss_all_processes_mib": round(median("postgres", "peak_rss_all_mib"), 1),
         "reference_all_processes_mib": round(median("sqlite", "peak_rss_all_mib"), 1)},
        {**Figure("pg_book_copy_seconds", copied, "s", None, None, None).as_dict(), "events": events,
         "note": "COPY of every table from the SQLite book, then VACUUM ANALYZE (benchmark set-up, not a product figure)"},
    ]


if __name__ == "__main__":
    if sys.argv[1:2] != ["measure"] or len(sys.argv) != 3:
        raise SystemExit("usage: python -m bench.pg_book measure TARGET")
    print(json.dumps(measure_one(sys.argv[2])))
