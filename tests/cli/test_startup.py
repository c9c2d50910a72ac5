"""Start-up: help needs no database library, every command documents itself, no tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pytest
from cli_support import leaves

PY = sys.executable


def test_help_does_not_import_the_database_layer():
    code = (
        "import sys\n"
        "from cli.main import main\n"
        "assert main(['--help']) == 0\n"
        "heavy = sorted(m for m in ('sqlalchemy', 'sqlmodel', 'transitions', 'pydantic') if m in sys.modules)\n"
        "print(heavy)\n"
    )
    out = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("[]"), out


def test_a_handler_command_does_not_import_sqlalchemy_or_sqlmodel(claims):
    """Only `claims init` creates the schema from SQLModel; every other command runs its SQL on the driver."""
    code = (
        "import sys\n"
        "from cli.main import main\n"
        f"assert main(['--db', {str(claims.db)!r}, '--as', 'wang', '--json', 'list', '--overdue']) == 0\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel') if m in sys.modules))\n"
    )
    out = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("[]"), out


def test_every_command_has_help_text():
    missing = [" ".join(path) for path, command in leaves() if not (command.help or "").strip()]
    assert missing == []


def test_a_missing_database_is_a_clear_error_without_traceback(tmp_path):
    result = subprocess.run([PY, "-m", "cli.main", "--db", str(tmp_path / "nowhere.db"), "--as", "li", "status", "CLM-000001"],
                            capture_output=True, text=True)
    assert result.returncode == 3
    assert "no claims database" in result.stderr and "run `claims init` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_url_of_an_unknown_kind_is_bad_input_naming_db(tmp_path):
    result = subprocess.run([PY, "-m", "cli.main", "--db", "mysql://claims@localhost/claims", "--as", "li", "status", "CLM-1"],
                            capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert "--db" in result.stderr and "sqlite:///path" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.sqlite_only
def test_an_sqlite_url_names_the_same_database_as_its_path(claims):
    walk_in = claims.ok("report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-01-01", as_="li",
                      now="2026-01-02T10:00:00+08:00").json["claim"]
    result = subprocess.run([PY, "-m", "cli.main", "--db", f"sqlite:///{claims.db}", "--as", "wang", "--json", "list"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert walk_in in result.stdout


def test_a_file_that_is_not_a_database_is_an_integrity_failure(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not an SQLite file at all" * 100)
    result = subprocess.run([PY, "-m", "cli.main", "--db", str(junk), "--as", "li", "status", "CLM-000001"],
                            capture_output=True, text=True)
    assert result.returncode == 7, result.stderr
    assert "Traceback" not in result.stderr


def test_python_dash_m_runs_every_registered_command(tmp_path):
    """`python -m cli.main` must see the commands that other modules register (batch, audit)."""
    result = subprocess.run([PY, "-m", "cli.main", "--help"], capture_output=True, text=True, check=True)
    assert "batch" in result.stdout and "audit" in result.stdout and "replay" in result.stdout
