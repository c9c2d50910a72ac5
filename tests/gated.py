"""Processes released together: each imports what it needs, says it is ready, and starts only when all are ready; each
reports when it started and ended. The concurrency tests and the PostgreSQL benchmarks (bench/pg.py) start their clients
through it, so that "at the same time" means the same thing in both.

A client's last line on stderr is its report: a JSON object with at least `started` and `ended` (time.monotonic, which
every process of one machine shares).
"""

from __future__ import annotations

import json
import subprocess

# The real CLI entry point as a client: `python -c CLAIMS ARGS…` runs `claims ARGS…`, counting the whole-command re-runs
# of its store(s), and exits with the command's code. Everything a command imports is imported before the gate.
CLAIMS = r"""
import json, sys, time
import claims.postgres_store, claims.sqlite_store, claims.storage as storage
import cli.batch, cli.render, workflows.admin, workflows.batch, workflows.cases, workflows.reads
import typer._adapters  # typer imports pydantic at its first parameter conversion: start-up, not the work measured
from cli.main import main
retries = 0
transact = storage.Store.transact
def counted(self, work):
    global retries
    before = self.retries
    try:
        return transact(self, work)
    finally:
        retries += self.retries - before
storage.Store.transact = counted
sys.stderr.write("ready\n")
sys.stderr.flush()
sys.stdin.readline()
started = time.monotonic()
code = main(sys.argv[1:])
sys.stderr.write("\n" + json.dumps({"code": code, "started": started, "ended": time.monotonic(), "retries": retries}) + "\n")
sys.exit(code)
"""


class NotReady(RuntimeError):
    """A client failed before the gate opened."""


def release_together(argvs: list[list[str]], *, env: dict[str, str], cwd, timeout: float) -> list[tuple[int, str, str, dict]]:
    """Run each argv as a process, open the gate when all are ready; each one's (exit code, stdout, stderr, report)."""
    processes = [subprocess.Popen(argv, cwd=cwd, env=env, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for argv in argvs]
    try:
        for p in processes:
            if p.stderr.readline() != "ready\n":
                raise NotReady(f"a client failed before starting: {p.communicate()[1][-2000:]}")
        for p in processes:
            p.stdin.write("go\n")
            p.stdin.flush()
        ended = [(p, *p.communicate(timeout=timeout)) for p in processes]
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
    return [(p.returncode, out, err, _report(p.returncode, err)) for p, out, err in ended]


def _report(code: int, err: str) -> dict:
    try:
        return json.loads(err.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise RuntimeError(f"a client ended without its report (exit {code}): {err[-2000:]}") from None
