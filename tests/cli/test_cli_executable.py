"""The real `claims` executable (a few subprocess runs): exit codes and never a traceback (cli.md, Exit codes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CLAIMS = Path(sys.executable).parent / "claims"


def run(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("CLAIMS_DB", "CLAIMS_USER", "CLAIMS_NOW", "CLAIMS_DEBUG")}
    environ.update(env or {})
    return subprocess.run([str(CLAIMS), *args], capture_output=True, text=True, env=environ, cwd=cwd, timeout=60)


def no_traceback(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr


@pytest.fixture(scope="module")
def executable():
    assert CLAIMS.exists(), f"the console script {CLAIMS} is installed with the package"
    return CLAIMS


def test_help_lists_the_commands(executable):
    done = run("--help")
    assert done.returncode == 0, done.stderr
    no_traceback(done)
    for command in (
        "report",
        "apply",
        "attach",
        "investigate",
        "decide",
        "notify",
        "pay",
        "appeal",
        "close",
        "withdraw",
        "consult",
        "status",
        "docs",
        "list",
        "history",
        "diagram",
        "init",
        "user",
        "policy",
    ):
        assert command in done.stdout, command


def test_help_does_not_import_the_database_layer():
    code = (
        "import sys; from cli.main import main; main(['--help']); print(sorted(m for m in ('sqlalchemy', 'sqlmodel') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_no_database_is_exit_3_without_a_traceback(executable, tmp_path):
    done = run("--db", str(tmp_path / "missing.db"), "list", cwd=tmp_path)
    assert done.returncode == 3 and done.stdout == ""
    assert done.stderr.startswith("Error: ") and "claims init" in done.stderr
    no_traceback(done)


def test_a_file_that_is_not_a_database_is_exit_7(executable, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not an SQLite file at all, just text" * 100)
    done = run("--db", str(junk), "--as", "li", "--json", "list")
    assert done.returncode == 7, (done.returncode, done.stderr)
    assert done.stdout == "" and json.loads(done.stderr)["error"]["code"] == "integrity"
    no_traceback(done)


def test_unknown_command_is_exit_2(executable, tmp_path):
    done = run("frobnicate", cwd=tmp_path)
    assert done.returncode == 2 and "frobnicate" in done.stderr
    no_traceback(done)


def test_global_options_after_the_subcommand_and_a_refusal(executable, claims, walk):
    claim = walk.critical_illness("reported")
    env = {"CLAIMS_NOW": "2026-05-01T09:00:00+08:00"}
    done = run("status", claim, "--json", "--db", str(claims.db), env={**env, "CLAIMS_USER": "li"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["state"] == "reported"
    human = run("investigate", claim, "--db", str(claims.db), "--as", "li", env=env)
    assert human.returncode == 6 and human.stdout == "" and human.stderr.startswith("Error: not allowed")
    no_traceback(human)


# a closed pipe and Ctrl-C (issue 8 §4) ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_book(tmp_path_factory):
    """A training database whose admin chain and export are far larger than a pipe's buffer (64 KiB)."""
    folder = tmp_path_factory.mktemp("big")
    db = folder / "big.db"
    env = {"CLAIMS_NOW": "2026-05-01T09:00:00+08:00"}
    assert run("--db", str(db), "--as", "admin", "init", "--training", env=env).returncode == 0
    template = json.loads((Path(__file__).resolve().parents[2] / "examples" / "policies.json").read_text(encoding="utf-8"))[1]
    policies = [{**template, "policy": f"P-BIG-{n:05d}"} for n in range(3000)]
    (folder / "big.json").write_text(json.dumps(policies, ensure_ascii=False), encoding="utf-8")
    assert run("--db", str(db), "--as", "admin", "policy", "import", str(folder / "big.json"), env=env).returncode == 0
    lines = [json.dumps({"args": ["user", "add", f"u{n}", "--role", "auditor"]}) for n in range(3000)]
    (folder / "users.jsonl").write_text("\n".join(lines), encoding="utf-8")
    assert run("--db", str(db), "--as", "admin", "batch", str(folder / "users.jsonl"), env=env).returncode == 0
    return db, env


@pytest.mark.parametrize("argv", [["history", "@admin"], ["--json", "history", "@admin"], ["audit", "export"], ["user", "list"]])
def test_a_closed_pipe_is_not_an_error(executable, big_book, argv):
    db, env = big_book
    environ = {**{k: v for k, v in os.environ.items() if not k.startswith("CLAIMS_")}, **env}
    command = " ".join([str(CLAIMS), "--db", str(db), "--as", "admin", *argv]) + " | head -c 100 > /dev/null; echo ${PIPESTATUS[0]}"
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=environ, timeout=60)
    assert done.stdout.strip() == "0" and done.stderr == "", done.stderr


def test_ctrl_c_during_a_verification_shared_by_processes_is_one_line_and_exit_130(executable, big_book):
    import signal
    import time

    db, env = big_book
    environ = {**{k: v for k, v in os.environ.items() if not k.startswith("CLAIMS_")}, **env}
    for delay in (0.15, 0.6):  # while the workers start, and while they verify
        process = subprocess.Popen([str(CLAIMS), "--db", str(db), "--as", "admin", "audit", "verify", "--jobs", "3"], env=environ,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGINT)  # as a terminal does: the whole foreground process group
        out, err = process.communicate(timeout=60)
        if process.returncode == 0:
            continue  # finished before the signal arrived
        assert process.returncode == 130, err
        assert err.strip() == "Interrupted; nothing more was written.", err
        assert "Traceback" not in err + out
