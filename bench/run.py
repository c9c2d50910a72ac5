"""Running `claims` as a user does: a new process each time, with the environment it reads."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def claims_command() -> list[str]:
    """The installed `claims` script beside this interpreter, else `python -m cli.main`."""
    script = Path(sys.executable).with_name("claims")
    if script.exists():
        return [str(script)]
    found = shutil.which("claims")
    return [found] if found else [sys.executable, "-m", "cli.main"]


def environment(db: Path, user: str = "admin", now: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CLAIMS_NOW", "CLAIMS_DEBUG")}
    env.update(CLAIMS_DB=str(db), CLAIMS_USER=user, PYTHONPATH=str(ROOT))
    if now:
        env["CLAIMS_NOW"] = now
    return env


def claims_cli(db: Path, *args: str, user: str = "admin", now: str | None = None, check: bool = True) -> str:
    """Run `claims ARGS`; its stdout, or RuntimeError with its stderr when it fails (and `check`)."""
    done = subprocess.run([*claims_command(), *args], env=environment(db, user, now), capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"claims {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return done.stdout


def seconds(command: list[str], env: dict[str, str]) -> float:
    """Wall time of one run of `command` in a new process (its output discarded)."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return elapsed


def write_lines(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def note(text: str) -> None:
    sys.stderr.write(f"[bench] {text}\n")
    sys.stderr.flush()
