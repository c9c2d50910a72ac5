"""Each figure of issue 4 with the reference it is compared with, both measured in the same run."""

from __future__ import annotations

import json
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.run import claims_command, environment, seconds


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    reference: float | None
    reference_name: str | None
    target: str | None  # "ratio <= 10", "ratio >= 0.5", "value >= 5000"; None for a reference itself

    @property
    def ratio(self) -> float | None:
        return None if not self.reference else self.value / self.reference

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        subject, op, bound = self.target.split()
        actual = self.ratio if subject == "ratio" else self.value
        return actual <= float(bound) if op == "<=" else actual >= float(bound)

    def as_dict(self) -> dict:
        ratio = self.ratio
        return {"name": self.name, "value": round(self.value, 3), "unit": self.unit,
                "reference": None if self.reference is None else round(self.reference, 3), "reference_name": self.reference_name,
                "ratio": None if ratio is None else round(ratio, 3), "target": self.target, "met": self.met}


def emit(figure) -> None:
    doc = figure.as_dict() if isinstance(figure, Figure) else figure
    sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")
    sys.stdout.flush()


# committed transitions/s ------------------------------------------------------------------------
RAW_SCHEMA = (
    "CREATE TABLE claim (id TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL, snapshot TEXT NOT NULL)",
    "CREATE TABLE event (id INTEGER PRIMARY KEY, claim_id TEXT NOT NULL, seq INTEGER NOT NULL, payload TEXT NOT NULL, "
    "hash TEXT NOT NULL, UNIQUE (claim_id, seq))",
)


def raw_sqlite_commits_per_s(path: Path, commits: int) -> float:
    """The floor: Python's sqlite3, one INSERT + one UPDATE per commit, WAL + synchronous=FULL."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        for statement in RAW_SCHEMA:
            conn.execute(statement)
        conn.executemany("INSERT INTO claim VALUES (?, 'reported', 0, '{}')", [(f"C{i}",) for i in range(1000)])
        payload, snapshot = "p" * 400, "s" * 1200  # about the size of a real event payload and claim snapshot
        start = time.perf_counter()
        for i in range(commits):
            claim = f"C{i % 1000}"
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO event (claim_id, seq, payload, hash) VALUES (?, ?, ?, ?)", (claim, i, payload, f"{i:064d}"))
            conn.execute("UPDATE claim SET state = 'applied', version = version + 1, snapshot = ? WHERE id = ?", (snapshot, claim))
            conn.execute("COMMIT")
        return commits / (time.perf_counter() - start)
    finally:
        conn.close()


BATCH_CHILD = """
import json, sys, time
from cli.main import main
import cli.render, workflows.admin, workflows.cases, workflows.reads  # imports are start-up, not throughput
import typer._adapters  # typer imports pydantic for its first parameter conversion: start-up too
start = time.perf_counter()
code = main(sys.argv[1:])
sys.stderr.write(json.dumps({"code": code, "seconds": time.perf_counter() - start}) + "\\n")
"""


def batch_transitions_per_s(db: Path, batch_file: Path, now: str) -> tuple[float, int]:
    """Committed transitions/s of `claims batch FILE` once its modules are imported (each line one commit)."""
    done = subprocess.run([sys.executable, "-c", BATCH_CHILD, "--json", "batch", str(batch_file)], env=environment(db, now=now),
                          capture_output=True, text=True)
    timing = json.loads(done.stderr.strip().splitlines()[-1])
    outcome = json.loads(done.stdout)
    if outcome["failed"]:
        raise RuntimeError(f"the throughput batch failed: {outcome['failed'][0]}")
    return outcome["done"] / timing["seconds"], outcome["done"]


def throughput(db: Path, batch_file: Path, now: str, raw_path: Path, raw_commits: int) -> Figure:
    before = raw_sqlite_commits_per_s(raw_path, raw_commits)
    rate, _ = batch_transitions_per_s(db, batch_file, now)
    after = raw_sqlite_commits_per_s(raw_path, raw_commits)
    return Figure("batch_transitions_per_s", rate, "transitions/s", (before + after) / 2,
                  "raw sqlite3 INSERT+UPDATE per commit, WAL + synchronous=FULL (mean of a run before and after)", "ratio >= 0.5")


# cold start ---------------------------------------------------------------------------------------
PASS = "python -c pass"
FLOOR = 'python -c "import sqlmodel, typer"'


def cold_samples(commands: dict[str, list[str]], env: dict[str, str], runs: int, warm_up: bool = True) -> dict[str, list[float]]:
    """Wall times of each command in a new process; runs interleaved so drift hits all alike."""
    for command in commands.values() if warm_up else ():
        seconds(command, env)  # warm the file cache: "cold" is a new process, not a cold disk
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(seconds(command, env))
    return samples


COMPLETE = "claims status CLM-0<Tab>"


def completion(claims_: list[str], line: str) -> list[str]:
    """`claims` asked, as bash's completion function asks it, what may complete the last word of `line`."""
    words = line.split()
    return ["env", "_CLAIMS_COMPLETE=complete_bash", f"COMP_WORDS={line}", f"COMP_CWORD={len(words) - 1}", *claims_]


def cold_figures(db: Path, status_claim: str, runs: int, claims: int, warm_up: bool = True) -> list[dict]:
    """Cold `claims` commands as a handler types them (real clock, no CLAIMS_NOW) against the references."""
    claims_ = claims_command()
    commands = {
        PASS: [sys.executable, "-c", "pass"],
        FLOOR: [sys.executable, "-c", "import sqlmodel, typer"],
        "claims --help": [*claims_, "--help"],
        "claims status": [*claims_, "status", status_claim],
        "claims list --overdue": [*claims_, "list", "--overdue"],
        COMPLETE: completion(claims_, "claims status CLM-0"),
    }
    samples = cold_samples(commands, environment(db, user="wang"), runs, warm_up)
    ms = {name: statistics.median(values) * 1000 for name, values in samples.items()}
    best = {name: min(values) * 1000 for name, values in samples.items()}
    figures = [
        Figure("cold_python_pass", ms[PASS], "ms", None, None, None),
        Figure("cold_import_floor", ms[FLOOR], "ms", None, None, None),
        Figure("cold_claims_help", ms["claims --help"], "ms", ms[PASS], PASS, "ratio <= 10"),
        Figure("cold_claims_status", ms["claims status"], "ms", ms[FLOOR], FLOOR, "ratio <= 1.15"),
        Figure(f"cold_claims_list_overdue_{claims}_claims", ms["claims list --overdue"], "ms", ms[FLOOR], FLOOR, "ratio <= 1.25"),
        Figure(f"cold_completion_claim_id_{claims}_claims", ms[COMPLETE], "ms", ms["claims status"], "claims status", "ratio <= 0.5"),
    ]
    return [_with_best(f, best, runs) for f in figures]


COMMAND_OF = {"cold_python_pass": PASS, "cold_import_floor": FLOOR, "cold_claims_help": "claims --help",
              "cold_claims_status": "claims status"}


def _with_best(figure: Figure, best: dict[str, float], runs: int) -> dict:
    """The median is the figure; the fastest run of each (less exposed to a busy machine) rides along."""
    name = COMMAND_OF.get(figure.name) or (COMPLETE if figure.name.startswith("cold_completion") else "claims list --overdue")
    doc = {**figure.as_dict(), "runs": runs, "value_min": round(best[name], 3)}
    if figure.reference_name:
        doc["reference_min"] = round(best[figure.reference_name], 3)
        doc["ratio_of_mins"] = round(best[name] / best[figure.reference_name], 3)
    return doc


# policy import ------------------------------------------------------------------------------------
PEAK_RSS_CHILD = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - start
if done.returncode:
    sys.exit(done.stderr.decode()[-2000:])
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def policy_import(db: Path, policies: Path, count: int) -> list[Figure]:
    """Policies/s of `claims policy import FILE` as typed (wall time of the whole command), and its peak RSS (read in a
    small parent of its own: a child's peak counts the process it was forked from)."""
    command = [sys.executable, "-c", PEAK_RSS_CHILD, *claims_command(), "policy", "import", str(policies)]
    done = subprocess.run(command, env=environment(db), capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"claims policy import failed: {done.stderr.strip()[-2000:]}")
    elapsed, peak_kib = done.stdout.split()
    return [Figure(f"policy_import_{count}_policies", count / float(elapsed), "policies/s", None, None, "value >= 5000"),
            Figure(f"policy_import_{count}_policies_peak_rss", int(peak_kib) / 1024, "MiB", None, None, "value <= 200")]


# the audit engineer's figures ---------------------------------------------------------------------
VERIFY_TARGETS = {"verify_events_per_second": "value >= 25000", "verify_peak_rss": "value <= 200"}


def verify_figures(quick: bool) -> list[dict]:
    """bench/verify_bench.py, when present (it builds its own book): its JSON lines, in this suite's shape."""
    script = Path(__file__).with_name("verify_bench.py")
    if not script.exists():
        return []
    done = subprocess.run([sys.executable, str(script), *(["--claims", "100"] if quick else [])], env=environment(Path("unused.db")),
                          capture_output=True, text=True, cwd=script.parents[1])
    figures = [_in_suite_shape(json.loads(line)) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0:
        error = f"bench/verify_bench.py exited {done.returncode}: {done.stderr.strip()[-500:]}"
        figures.append({"name": "verify_bench", "value": None, "unit": None, "reference": None, "reference_name": None, "ratio": None,
                        "target": None, "met": False, "error": error})
    return figures


def _in_suite_shape(doc: dict) -> dict:
    """Its "reference" is the target's bound; give it this suite's keys (ratio, target, met) too."""
    target = VERIFY_TARGETS.get(doc.get("name"))
    if target is None:
        return {"reference_name": None, "ratio": None, "target": None, "met": None, **doc}
    figure = Figure(doc["name"], doc["value"], doc["unit"], None, None, target)
    return {**doc, "reference_name": "the target's bound", "ratio": None, "target": target, "met": figure.met}
