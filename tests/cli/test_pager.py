"""Issue 10: a long screen on a terminal goes through the pager; --no-pager never pages; piped output never does.

The real `claims` program runs in a real pseudo-terminal (pty), as a person's shell would run it, with PAGER set to a
tiny program that marks every line it pages, so that what reached the screen through the pager can be told apart.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess

import pytest
from cli_support import CLAIMS_EXE

PAGER = "sed 's/^/paged| /'"


def on_a_terminal(argv: list[str], env: dict[str, str], rows: int = 20) -> str:
    """Run the real program with a pty as stdin, stdout and stderr, and read everything it (and its pager) wrote."""
    leader, follower = pty.openpty()
    full_env = {**os.environ, **env, "LINES": str(rows), "COLUMNS": "100", "TERM": "xterm"}
    process = subprocess.Popen([str(CLAIMS_EXE), *argv], stdin=follower, stdout=follower, stderr=follower, env=full_env,
                               close_fds=True)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            process.kill()
            raise AssertionError("no output for 60 s")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the pty closed: the program and its pager are done
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


@pytest.fixture
def long_queue(claims, walk):
    for n in range(12):
        claims.ok("report", "P-2022-0002", "--type", "critical_illness", "--event-date", f"2026-04-{10 + n:02d}",
                  "--late-reason", "the family was abroad", as_="li")
    return claims


def env_of(claims) -> dict[str, str]:
    return {"CLAIMS_DB": str(claims.db), "CLAIMS_USER": "wang", "CLAIMS_NOW": "2026-06-01T09:00:00+08:00", "PAGER": PAGER}


@pytest.mark.sqlite_only
def test_a_screen_longer_than_the_terminal_goes_through_the_pager(long_queue):
    shown = on_a_terminal(["list"], env_of(long_queue), rows=10)
    lines = [line for line in shown.splitlines() if line.strip()]
    assert len(lines) > 10 and all(line.startswith("paged| ") for line in lines), shown


@pytest.mark.sqlite_only
def test_a_screen_that_fits_is_not_paged(long_queue):
    shown = on_a_terminal(["list"], env_of(long_queue), rows=60)
    assert "CLM-000001" in shown and "paged|" not in shown


@pytest.mark.sqlite_only
def test_no_pager_never_pages(long_queue):
    shown = on_a_terminal(["list", "--no-pager"], env_of(long_queue), rows=10)
    assert "CLM-000001" in shown and "paged|" not in shown


@pytest.mark.sqlite_only
def test_piped_output_is_never_paged(long_queue):
    done = subprocess.run([str(CLAIMS_EXE), "list"], env={**os.environ, **env_of(long_queue), "LINES": "10"},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "CLM-000001" in done.stdout and "paged|" not in done.stdout
