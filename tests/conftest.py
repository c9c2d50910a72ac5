"""Shared fixtures: a real SQLite file on disk, the real CLI entry point, the example policies,
and a throwaway PostgreSQL server (tests/pg_server.py) that the session starts by itself."""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pg_server  # tests/ is on sys.path: pytest puts a rootless conftest's directory there
import pytest
from backends import POSTGRES, SQLITE, Database, discard, new_database

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

    def __init__(self, database: Database, capsys, monkeypatch):
        self.database, self.db = database, database.target
        self.capsys, self.monkeypatch = capsys, monkeypatch
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


@pytest.fixture(scope="session")
def backend(request) -> str:
    """The back end a test's databases live on: "sqlite" or "postgres" (parametrised by pytest_generate_tests)."""
    return request.param


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that builds a claims database runs on both back ends, once per session each; a test about the SQLite
    file itself is marked `sqlite_only`."""
    if "backend" in metafunc.fixturenames:
        kinds = [SQLITE] if metafunc.definition.get_closest_marker("sqlite_only") else [SQLITE, POSTGRES]
        metafunc.parametrize("backend", [pytest.param(kind, id=kind, marks=[pytest.mark.postgres] if kind == POSTGRES else [])
                                         for kind in kinds], indirect=True, scope="session")


@pytest.fixture
def database(backend, tmp_path):
    """An empty place for a claims database on the test's back end, dropped afterwards."""
    made = new_database(backend, tmp_path)
    yield made
    discard(made)


@pytest.fixture
def claims(database, capsys, monkeypatch, tmp_path) -> Claims:
    """A fresh training database with the example policies and one user per role."""
    monkeypatch.delenv("CLAIMS_DB", raising=False)
    monkeypatch.delenv("CLAIMS_USER", raising=False)
    run = Claims(database, capsys, monkeypatch)
    run.ok("init", "--training")
    for name, role, *limit in [("li", "agent"), ("wang", "handler", "50000"), ("zhao", "senior"),
                               ("sun", "handler", "100000"), ("qian", "auditor")]:
        run.ok("user", "add", name, "--role", role, *(["--limit", limit[0]] if limit else []))
    policies = tmp_path / "policies.json"
    shutil.copy(POLICIES, policies)
    run.ok("policy", "import", str(policies))
    return run


# -- PostgreSQL ---------------------------------------------------------------------------------
#
# The controller process (the only process without xdist, the coordinator with it) starts one
# throwaway server in pytest_configure and exports its maintenance URL as CLAIMS_TEST_POSTGRES;
# xdist workers start after that and inherit it. The server is not started when the run says
# `-m 'not postgres'`, nor when CLAIMS_TEST_POSTGRES is set already (then that server is used,
# and left alone at the end).
#
# If the server cannot be started, the run still goes on, and every test marked `postgres` (or
# using a postgres fixture, which marks it) fails at set-up with the reason, which the summary
# also prints once. Why not raise pytest.UsageError in pytest_configure (one clean "ERROR: …"
# line, exit 4): it would abort runs that need no PostgreSQL at all (`pytest tests/unit`, since the
# controller cannot know what the workers will collect) and hide every SQLite result. Failing
# exactly the tests that need the server, with the reason and the `-m 'not postgres'` way out,
# makes the run fail (never skip), keeps the SQLite half's verdict, and says why next to each test.

POSTGRES_ENV = "CLAIMS_TEST_POSTGRES"  # maintenance URL of the server the tests use
POSTGRES_ERROR_ENV = "CLAIMS_TEST_POSTGRES_ERROR"  # why it could not be started (for the workers)
POSTGRES_FIXTURES = {"postgres_admin_url", "postgres_database"}
_server_key = pytest.StashKey["pg_server.Server | None"]()
_error_key = pytest.StashKey["str | None"]()
_exported_key = pytest.StashKey["list[str]"]()


def _is_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


def _postgres_deselected(config: pytest.Config) -> bool:
    return " ".join((config.option.markexpr or "").split()) == "not postgres"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs the throwaway PostgreSQL server")
    config.addinivalue_line("markers", "sqlite_only: about the SQLite file itself; its `backend` is SQLite alone")
    if not _is_controller(config) or getattr(config.option, "help", False):
        return
    config.stash[_exported_key] = []
    if os.environ.get(POSTGRES_ENV) or _postgres_deselected(config):
        return
    try:
        server = pg_server.start()
    except Exception as exc:  # anything at all: recorded, and failed in every postgres test
        reason = str(exc) if isinstance(exc, pg_server.PostgresUnavailable) else f"{type(exc).__name__}: {exc}"
        config.stash[_error_key] = reason
        os.environ[POSTGRES_ERROR_ENV] = reason
        config.stash[_exported_key].append(POSTGRES_ERROR_ENV)
        return
    config.stash[_server_key] = server
    os.environ[POSTGRES_ENV] = server.admin_url
    config.stash[_exported_key].append(POSTGRES_ENV)


def pytest_unconfigure(config: pytest.Config) -> None:
    if not _is_controller(config):
        return
    for name in config.stash.get(_exported_key, []):
        os.environ.pop(name, None)
    server = config.stash.get(_server_key, None)
    if server is not None:
        config.stash[_server_key] = None
        server.stop()


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    error = config.stash.get(_error_key, None)
    if error:
        terminalreporter.section("PostgreSQL test server")
        terminalreporter.line(f"not started, so every `postgres` test failed: {error}", red=True)


@pytest.hookimpl(tryfirst=True)  # before -m deselects: a test using a postgres fixture is a postgres test
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if POSTGRES_FIXTURES & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.postgres)


def _postgres_unavailable() -> str:
    error = os.environ.get(POSTGRES_ERROR_ENV)
    if error:
        return f"PostgreSQL test server not started: {error}"
    return ("no PostgreSQL test server in this run: it was run with -m 'not postgres', "
            f"yet this test needs one (or set {POSTGRES_ENV} to a maintenance URL)")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and not os.environ.get(POSTGRES_ENV):
        pytest.fail(_postgres_unavailable(), pytrace=False)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The maintenance URL (superuser, database `postgres`) of the session's PostgreSQL server."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.fail(_postgres_unavailable(), pytrace=False)
    return url


@pytest.fixture
def postgres_database(postgres_admin_url, request) -> str:
    """A fresh, empty database (locale C, owned by the superuser) just for this test: its URL."""
    test = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower()).strip("_")[:24]
    name = f"{pg_server.database_prefix()}{uuid.uuid4().hex[:8]}_{test}"[:63]
    url = pg_server.create_database(postgres_admin_url, name)
    yield url
    pg_server.drop_database(postgres_admin_url, name)
