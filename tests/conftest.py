"""Shared fixtures: a real SQLite file on disk, the real CLI entry point, the example policies."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli.main import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
POLICIES = EXAMPLES / "policies.json"
START = "2026-05-01T09:00:00+08:00"


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self):
        return json.loads(self.out)

    @property
    def error(self):
        return json.loads(self.err)["error"]


class Claims:
    """Runs `claims …` exactly as a user types it (in-process, through cli.main.main)."""

    def __init__(self, db: Path, capsys, monkeypatch):
        self.db, self.capsys, self.monkeypatch = db, capsys, monkeypatch
        self.now = START
        self.user = "admin"

    def __call__(self, *args: str, as_: str | None = None, now: str | None = None, json_out: bool = True) -> Result:
        self.capsys.readouterr()
        if now or self.now:
            self.monkeypatch.setenv("CLAIMS_NOW", now or self.now)
        else:
            self.monkeypatch.delenv("CLAIMS_NOW", raising=False)
        argv = ["--db", str(self.db), "--as", as_ or self.user, *(["--json"] if json_out else []), *args]
        code = main(list(argv))
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def ok(self, *args, **kw) -> Result:
        result = self(*args, **kw)
        assert result.code == 0, f"claims {' '.join(args)} failed ({result.code}): {result.err}"
        return result


@pytest.fixture
def claims(tmp_path, capsys, monkeypatch) -> Claims:
    """A fresh training database with the example policies and one user per role."""
    monkeypatch.delenv("CLAIMS_DB", raising=False)
    monkeypatch.delenv("CLAIMS_USER", raising=False)
    run = Claims(tmp_path / "claims.db", capsys, monkeypatch)
    run.ok("init", "--training")
    for name, role, *limit in [("li", "agent"), ("wang", "handler", "50000"), ("zhao", "senior"),
                               ("sun", "handler", "100000"), ("qian", "auditor")]:
        run.ok("user", "add", name, "--role", role, *(["--limit", limit[0]] if limit else []))
    policies = tmp_path / "policies.json"
    shutil.copy(POLICIES, policies)
    run.ok("policy", "import", str(policies))
    return run
