"""Cold `claims status` on SQLite now, against the code of the last commit before PostgreSQL support, in the same run.

Supporting a server must cost the embedded default nothing at start-up (psycopg is imported only for a server URL). The
code of that commit is taken out of git (`git archive`, nothing in the repository is touched) and run by the same
interpreter with PYTHONPATH pointing at it; each version builds its own small training database with its own `claims`
(report → investigate), and the two are timed alternately as a handler types the command, at the real time.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
from datetime import timedelta
from pathlib import Path

from bench import book
from bench.figures import Figure
from bench.run import ROOT, claims_command, note, seconds, write_lines

BEFORE = "09ca5b7"  # the last commit before PostgreSQL support
DOCS = ("claim_form", "applicant_id", "bank_account", "diagnosis_certificate", "pathology_report", "medical_records")


def code_before(folder: Path) -> Path:
    """The tree of BEFORE, extracted into `folder`."""
    done = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", BEFORE], capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"git archive {BEFORE} failed: {done.stderr.decode(errors='replace').strip()}")
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as tree:
        tree.extractall(folder, filter="data")
    return folder


def env_for(tree: Path, db: Path, user: str, now: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMS_")}
    env.update(CLAIMS_DB=str(db), CLAIMS_USER=user, PYTHONPATH=str(tree))
    if now:
        env["CLAIMS_NOW"] = now
    return env


def status_book(tree: Path, db: Path) -> str:
    """A training database made by `tree`'s own `claims`, with one claim under investigation; its id."""
    db.unlink(missing_ok=True)
    now, claim = book.today_at("09:00:00"), "CLM-000001"
    policies = tree / "examples" / "policies.json"  # each version its own: the file's format grew with the law-as-written release
    lines = [{"args": words} for words in book.USERS] + [{"args": ["policy", "import", str(policies)]}]
    lines.append({"args": ["report", "P-2022-0002", "--type", "critical_illness", "--event-date",
                           (book.TODAY - timedelta(days=3)).isoformat()], "as": "li"})
    lines.append({"args": ["apply", claim, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013"],
                  "as": "li"})
    lines += [{"args": ["attach", claim, doc], "as": "li"} for doc in DOCS] + [{"args": ["investigate", claim], "as": "wang"}]
    for args in (["init", "--training"], ["--json", "batch", str(write_lines(db.with_suffix(".jsonl"), lines))]):
        done = subprocess.run([*claims_command(), *args], env=env_for(tree, db, "admin", now), capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"claims {' '.join(args)} with {tree} failed: {(done.stderr or done.stdout)[-1000:]}")
    return claim


def figures(workdir: Path, runs: int) -> list[dict]:
    before = code_before(workdir / f"code-{BEFORE}")
    trees = {"now": ROOT, "before": before}
    envs = {}
    for name, tree in trees.items():
        db = workdir / f"status-{name}.db"
        claim = status_book(tree, db)
        envs[name] = ([*claims_command(), "status", claim], env_for(tree, db, "wang"))
    note(f"cold claims status on SQLite, now and at {BEFORE}: median of {runs} runs each, alternating")
    for command, env in envs.values():
        seconds(command, env)  # warm the file cache: "cold" is a new process, not a cold disk
    samples = {name: [] for name in envs}
    for _ in range(runs):
        for name, (command, env) in envs.items():
            samples[name].append(seconds(command, env) * 1000)
    ms = {name: statistics.median(values) for name, values in samples.items()}
    best = {name: min(values) for name, values in samples.items()}
    figure = Figure("cold_claims_status_sqlite_vs_before_postgres", ms["now"], "ms", ms["before"],
                    f"the same command at commit {BEFORE}, before PostgreSQL support", "ratio <= 1.05")
    return [{**figure.as_dict(), "runs": runs, "value_min": round(best["now"], 3), "reference_min": round(best["before"], 3),
             "ratio_of_mins": round(best["now"] / best["before"], 3)}]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        for figure in figures(Path(folder), int(sys.argv[1]) if len(sys.argv) > 1 else 11):
            print(json.dumps(figure))
