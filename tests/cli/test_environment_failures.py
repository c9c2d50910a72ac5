"""When the environment fails — a full disk, a read-only file, folder or file system — the command says so (exit 8) and
nothing is written; reads go on where SQLite allows (issue 8 §4; docs/cli.md, Exit codes).

Real file systems: a small tmpfs filled up, a read-only bind mount, and a second login for whom the file or its folder is
read-only (root reads and writes whatever the permissions say, so the permission cases run as another user).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest
from cli_support import OTHER, POLICIES, as_user, cannot_run_here, run_claims

NOW = {"CLAIMS_NOW": "2026-05-01T09:00:00+08:00"}


def _must_be_root(what: str) -> None:
    if os.geteuid() != 0:
        cannot_run_here(f"{what} needs root to mount a file system (CI runs as root)")


@contextlib.contextmanager
def mounted(*args: str):
    folder = Path(tempfile.mkdtemp(prefix="claims-mnt-", dir="/tmp"))
    subprocess.run(["mount", *args, str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.rmdir()


def _book(db: Path, *users: tuple[str, str]) -> None:
    """A training database with the example policies, and li (agent)."""
    for argv in (["init", "--training"], ["user", "add", "li", "--role", "agent"], *(["user", "add", u, "--role", r] for u, r in users),
                 ["policy", "import", str(POLICIES)]):
        done = run_claims(db, "--as", "admin", *argv, env=NOW)
        assert done.returncode == 0, done.stderr


def _state(db: Path) -> tuple:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        return (con.execute("SELECT claim_id, seq, hash FROM audit_event ORDER BY claim_id, seq").fetchall(),
                con.execute("SELECT number, digest FROM policy ORDER BY number").fetchall())


def _fill(folder: Path, leave: int = 0) -> None:
    """Fill the file system, leaving `leave` bytes (roughly: tmpfs counts whole pages)."""
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with open(folder / "filler", "wb") as handle:
        handle.write(b"\0" * max(0, free - leave))
        with contextlib.suppress(OSError):
            handle.write(b"\0" * 4096 * 64)  # whatever rounding left


# a full disk --------------------------------------------------------------------------------------------------------------------------
@pytest.fixture
def small_disk():
    _must_be_root("a disk-full test")
    with mounted("-t", "tmpfs", "-o", "size=1m", "tmpfs") as folder:
        yield folder


SETTINGS = str(POLICIES.parents[1] / "workflows" / "settings.toml")
WRITES = [(["report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25"], "li"),
          (["user", "add", "wu", "--role", "agent"], "admin"), (["settings", "load", SETTINGS], "admin")]
READS = [(["user", "list"], "admin"), (["list"], "li"), (["audit", "verify"], "admin"), (["history", "@admin"], "admin")]


@pytest.mark.parametrize("argv, who", WRITES + READS)
def test_no_room_at_all_refuses_writes_with_exit_8_and_nothing_is_written(small_disk, argv, who):
    db = small_disk / "claims.db"
    _book(db)
    before = _state(db)
    _fill(small_disk)
    done = run_claims(db, "--as", who, "--json", *argv, env=NOW)
    if (argv, who) in READS and done.returncode == 0:  # a read may still work: SQLite maps its -shm without new blocks here
        json.loads(done.stdout)
    else:
        assert done.returncode == 8, done.stderr
        error = json.loads(done.stderr)["error"]
        assert error["code"] == "environment" and "disk full" in error["message"]
        assert done.stdout == ""
    assert "Traceback" not in done.stderr
    (small_disk / "filler").unlink()
    assert _state(db) == before
    assert run_claims(db, "--as", "admin", "audit", "verify", env=NOW).returncode == 0


def test_a_write_too_big_for_the_room_left_is_exit_8_and_leaves_nothing_behind(small_disk, tmp_path):
    db = small_disk / "claims.db"
    _book(db)
    before = _state(db)
    template = json.loads(POLICIES.read_text(encoding="utf-8"))[1]
    big = tmp_path / "big.json"
    big.write_text(json.dumps([{**template, "policy": f"P-BIG-{n:05d}"} for n in range(3000)], ensure_ascii=False), encoding="utf-8")
    _fill(small_disk, leave=160 * 1024)  # room to open the database and to write a little, not 3,000 policies
    assert run_claims(db, "--as", "li", "list", env=NOW).returncode == 0  # reading still works
    done = run_claims(db, "--as", "admin", "--json", "policy", "import", str(big), env=NOW)
    assert done.returncode == 8, done.stderr
    assert "disk full" in json.loads(done.stderr)["error"]["message"]
    assert "no transaction is active" not in done.stderr
    (small_disk / "filler").unlink()
    assert _state(db) == before
    assert run_claims(db, "--as", "admin", "audit", "verify", env=NOW).returncode == 0


# read-only -----------------------------------------------------------------------------------------------------------------------------
def test_a_read_only_file_system_reads_and_refuses_writes(tmp_path):
    _must_be_root("a read-only file system")
    source = Path(tempfile.mkdtemp(prefix="claims-src-", dir="/tmp"))
    try:
        _book(source / "claims.db", ("qian", "auditor"))
        claim = json.loads(run_claims(source / "claims.db", "--as", "li", "--json", "report", "P-2022-0002", "--type",
                                      "critical_illness", "--event-date", "2026-04-25", env=NOW).stdout)["claim"]
        before = _state(source / "claims.db")
        with mounted("--bind", "-o", "ro", str(source)) as folder:
            db = folder / "claims.db"
            for argv, who in ((["status", claim], "li"), (["history", claim], "qian"), (["audit", "verify"], "qian"), (["list"], "li")):
                done = run_claims(db, "--as", who, *argv, env=NOW)
                assert done.returncode == 0, (argv, done.stderr)
            done = run_claims(db, "--as", "li", "--json", "consult", claim, "--note", "n", env=NOW)
            assert done.returncode == 8 and "read-only" in json.loads(done.stderr)["error"]["message"]
        assert _state(source / "claims.db") == before
    finally:
        shutil.rmtree(source, ignore_errors=True)


def test_a_read_only_file_in_a_writable_folder_reads_and_refuses_writes(other_login, shared_folder):
    db = shared_folder / "claims.db"
    _book(db, (OTHER, "agent"))
    db.chmod(0o444)
    before = _state(db)
    who = as_user(other_login)
    assert run_claims(db, "--as", OTHER, "list", env=NOW, **who).returncode == 0
    done = run_claims(db, "--as", OTHER, "--json", "report", "P-2022-0002", "--type", "critical_illness", "--event-date",
                      "2026-04-25", env=NOW, **who)
    assert done.returncode == 8 and "read-only" in json.loads(done.stderr)["error"]["message"], done.stderr
    assert _state(db) == before


def test_a_read_only_folder_is_exit_8_saying_what_sqlite_needs(other_login, shared_folder):
    db = shared_folder / "claims.db"
    _book(db, (OTHER, "agent"))
    db.chmod(0o666)
    shared_folder.chmod(0o555)
    who = as_user(other_login)
    for argv in (["list"], ["report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25"]):
        done = run_claims(db, "--as", OTHER, "--json", *argv, env=NOW, **who)
        assert done.returncode == 8, done.stderr
        assert "folder" in json.loads(done.stderr)["error"]["message"]
