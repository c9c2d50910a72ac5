"""kill -9 at random moments (issue 8 §4): each command is one transaction, so a killed `claims batch` leaves exactly the
lines it had finished — a prefix of whole lines — and the log verifies; a killed `claims init` leaves no database or a whole one.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_support import POLICIES

CLAIMS = Path(sys.executable).parent / "claims"
NOW = "2026-05-01T09:00:00+08:00"
DOCS = ("claim_form", "applicant_id", "bank_account", "diagnosis_certificate", "pathology_report", "medical_records")


def _env() -> dict:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("CLAIMS_")}, "CLAIMS_NOW": NOW}


def _claims(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLAIMS), "--db", str(db), "--as", "admin", *args], capture_output=True, text=True, env=_env(), timeout=120)


def _lines(claims: int) -> list[dict]:
    """Each claim reported, applied for and given its six materials: 8 commits a claim, every one at a fixed time."""
    lines = []
    for n in range(claims):
        claim, day = f"CLM-{n + 1:06d}", f"2026-{1 + n // 28:02d}-{1 + n % 28:02d}"
        lines.append({"args": ["report", "P-2022-0002", "--type", "critical_illness", "--event-date", day, "--late-reason", "abroad"],
                      "as": "li", "now": "2026-11-01T09:00:00+08:00"})
        lines.append({"args": ["apply", claim, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013"],
                      "as": "li", "now": "2026-11-01T09:00:00+08:00"})
        lines += [{"args": ["attach", claim, doc], "as": "li", "now": "2026-11-01T09:00:00+08:00"} for doc in DOCS]
    return lines


def _events(db: Path) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return con.execute("SELECT claim_id, seq, hash FROM audit_event WHERE claim_id != '@admin' ORDER BY id").fetchall()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """The database before the batch, the batch, and what each of its lines commits when it runs to the end."""
    folder = tmp_path_factory.mktemp("kill")
    template = folder / "template.db"
    for argv in (["init", "--training"], ["user", "add", "li", "--role", "agent"], ["policy", "import", str(POLICIES)]):
        assert _claims(template, *argv).returncode == 0
    batch = folder / "batch.jsonl"
    lines = _lines(100)
    batch.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    reference = folder / "reference.db"
    shutil.copy(template, reference)
    started = time.perf_counter()
    done = _claims(reference, "--json", "batch", str(batch))
    assert done.returncode == 0, done.stderr
    duration = time.perf_counter() - started
    events = _events(reference)
    boundaries = {0}  # numbers of events after each whole line: a report commits 1, an apply 2 (with its notice), an attach 1
    count = 0
    for line in lines:
        count += 2 if line["args"][0] == "apply" else 1
        boundaries.add(count)
    assert count == len(events)
    return template, batch, events, boundaries, duration


def test_a_batch_killed_at_random_moments_leaves_a_clean_prefix_of_whole_lines(prepared, tmp_path):
    template, batch, reference, boundaries, duration = prepared
    randomness = random.Random(20261129)
    mid_batch = trial = 0
    while mid_batch < 12 and trial < 30:  # kills that land before the first or after the last commit prove less: count the others
        trial += 1
        db = tmp_path / f"trial{trial}.db"
        shutil.copy(template, db)
        process = subprocess.Popen([str(CLAIMS), "--db", str(db), "--as", "admin", "batch", str(batch)], env=_env(),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _until_committing(db, process)
        time.sleep(randomness.uniform(0.0, 0.6 * duration))  # somewhere in the run: between lines, or inside one
        process.send_signal(signal.SIGKILL)
        process.wait()
        kept = _events(db)
        assert kept == reference[: len(kept)], f"trial {trial}: the kept events are not the batch's own, in order"
        assert len(kept) in boundaries, f"trial {trial}: {len(kept)} events is not a whole number of lines"
        mid_batch += 0 < len(kept) < len(reference)
        verified = _claims(db, "--json", "audit", "verify")
        assert verified.returncode == 0 and json.loads(verified.stdout)["ok"], (trial, verified.stdout[-500:])
    assert mid_batch >= 10, f"only {mid_batch} of {trial} kills landed while the batch was committing"


def _until_committing(db: Path, process) -> None:
    """Wait for the batch's first commit (its start-up takes a few tenths of a second)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if _events(db):
                return
        except sqlite3.Error:
            pass
        time.sleep(0.01)


def test_an_init_killed_at_random_moments_leaves_nothing_or_a_whole_database(tmp_path):
    randomness = random.Random(7)
    outcomes = {"nothing": 0, "whole": 0}
    for trial in range(10):
        folder = tmp_path / f"init{trial}"
        folder.mkdir()
        db = folder / "claims.db"
        process = subprocess.Popen([str(CLAIMS), "--db", str(db), "--as", "admin", "init", "--training"], env=_env(),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while process.poll() is None and not any(folder.iterdir()):  # the moment init starts writing files
            time.sleep(0.0005)
        time.sleep(randomness.uniform(0.0, 0.04))
        process.send_signal(signal.SIGKILL)
        process.wait()
        if not db.exists():
            outcomes["nothing"] += 1
            for leftover in folder.iterdir():  # a killed init leaves its temporary file (a dot file, never the database)
                assert leftover.name.startswith(".claims.db.init-"), leftover
            retried = _claims(db, "init", "--training")  # and init can simply be run again
            assert retried.returncode == 0, retried.stderr
        else:
            outcomes["whole"] += 1
        verified = _claims(db, "--json", "audit", "verify")
        assert verified.returncode == 0 and json.loads(verified.stdout)["admin_events"] == 2, verified.stderr
    assert outcomes["nothing"] >= 3, outcomes  # the kills did land while init was working
