"""CLI test support: the same training database as tests/conftest.py, built once per worker and copied per test.

Building the database through `claims init/user add/policy import` takes a quarter of a second;
copying the finished file takes a millisecond, so every CLI test starts from its own fresh copy.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
import typer.main
from backends import SQLiteDatabase, discard, new_database

from claims.sqlite_store import os_login
from cli.main import main
from tests.conftest import Result

LOGIN = os_login()  # who the operating system says runs the tests: the acting user of every non-training database

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
POLICIES = EXAMPLES / "policies.json"
START = "2026-05-01T09:00:00+08:00"
USERS = [("li", "agent"), ("wang", "handler", "50000"), ("zhao", "senior"), ("sun", "handler", "100000"), ("qian", "auditor")]


_build_click_command = typer.main.get_command
_built: dict[int, object] = {}


def _built_once(typer_app):
    """typer rebuilds the whole click command tree on every call of `main` (60% of a command's time in
    a test); the tree is fixed once cli.main is imported, so the tests build it once per app."""
    if id(typer_app) not in _built:
        _built[id(typer_app)] = _build_click_command(typer_app)
    return _built[id(typer_app)]


@pytest.fixture(scope="session", autouse=True)
def click_tree_built_once():
    typer.main.get_command = _built_once
    yield
    typer.main.get_command = _build_click_command




def command_tree(command=None, path=()):
    """(path, click command) of the `claims` group, every group and every command below it."""
    command = command or typer.main.get_command(_app())
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from command_tree(sub, (*path, name))


def leaves():
    """(path, click command) of every command that runs (not a group)."""
    return [(path, command) for path, command in command_tree() if not hasattr(command, "commands")]


def _app():
    from cli.main import app

    return app


def run_main(argv: list[str], env: dict[str, str | None]) -> Result:
    """`claims ARGV` in this process, with the given environment changes, capturing its output."""
    saved = {key: os.environ.get(key) for key in env}
    out, err = io.StringIO(), io.StringIO()
    try:
        for key, value in env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return Result(code, out.getvalue(), err.getvalue())


class Claims:
    """Runs `claims …` exactly as a user types it (in-process, through cli.main.main)."""

    def __init__(self, database, workdir: Path):
        if isinstance(database, str | Path):  # a file path: an SQLite database
            database = SQLiteDatabase(Path(database))
        self.database, self.db, self.workdir = database, database.target, workdir
        self.now = START
        self.user = "admin"

    def __call__(self, *args: str, as_: str | None = None, now: str | None = None, json_out: bool = True) -> Result:
        who = as_ or self.user  # None: no --as, the operating-system login acts
        argv = ["--db", str(self.db), *(["--as", who] if who else []), *(["--json"] if json_out else []), *args]
        return run_main(argv, {"CLAIMS_NOW": now or self.now, "CLAIMS_DB": None, "CLAIMS_USER": None})

    def ok(self, *args, **kw) -> Result:
        result = self(*args, **kw)
        assert result.code == 0, f"claims {' '.join(args)} failed ({result.code}): {result.err}"
        return result

    def fails(self, code: int, *args, **kw) -> Result:
        """Run a command that must fail with `code`, print nothing on stdout and write nothing."""
        before = self.snapshot()
        result = self(*args, **kw)
        assert result.code == code, f"claims {' '.join(args)}: expected exit {code}, got {result.code}: {result.err or result.out}"
        assert result.out == "", f"a failed command printed on stdout: {result.out!r}"
        assert self.snapshot() == before, f"claims {' '.join(args)} failed but changed the database"
        return result

    def snapshot(self) -> tuple:
        """Every row a command can change: the audit log, claims, users, policies, settings, meta."""
        with self.database.connection() as conn:
            return tuple(tuple(tuple(row) for row in conn.execute(sql).fetchall()) for sql in (
                "SELECT claim_id, seq, hash FROM audit_event ORDER BY claim_id, seq",
                "SELECT id, version, state, snapshot FROM claim ORDER BY id",
                "SELECT name, role, authority_limit FROM app_user ORDER BY name",
                "SELECT number, digest FROM policy ORDER BY number",
                "SELECT number, digest FROM policy_version ORDER BY number, digest",
                "SELECT version FROM settings_version ORDER BY version",
                "SELECT key, value FROM meta ORDER BY key"))

    def write_json(self, name: str, data) -> str:
        path = self.workdir / name
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return str(path)


@pytest.fixture
def example_records() -> list[dict]:
    """The records of examples/policies.json, to change into bad files."""
    return json.loads(POLICIES.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def template_db(backend, tmp_path_factory):
    """The training database of tests/conftest.py: one user per role, the example policies (built once per back end)."""
    workdir = tmp_path_factory.mktemp("template")
    database = new_database(backend, workdir)
    run = Claims(database, workdir)
    run.ok("init", "--training")
    for name, role, *limit in USERS:
        run.ok("user", "add", name, "--role", role, *(["--limit", limit[0]] if limit else []))
    run.ok("policy", "import", str(POLICIES))
    yield database
    discard(database)


@pytest.fixture
def claims(template_db, tmp_path) -> Claims:
    """A fresh copy of the training database for this test."""
    database = template_db.copy(tmp_path)
    yield Claims(database, tmp_path)
    discard(database)


# the case flow as the deck walks it (slide 17: 陈某's critical illness on P-2022-0002) ---------------------
CI_DOCS = ("claim_form", "applicant_id", "bank_account", "diagnosis_certificate", "pathology_report", "medical_records")
STAGES = ("reported", "applied", "complete", "investigating", "decided", "notified", "paid")


class Walk:
    """Brings a critical-illness claim of 陈某 (P-2022-0002, sum insured 60,000) to a stage."""

    def __init__(self, claims: Claims):
        self.claims = claims

    def critical_illness(
        self,
        upto: str,
        outcome: str = "approve",
        amount: str | None = "60000",
        ground: str | None = None,
        event: str = "2026-04-25",
        now: str | None = None,
    ) -> str:
        run = self.claims
        stages = STAGES[: STAGES.index(upto) + 1]
        claim = run.ok("report", "P-2022-0002", "--type", "critical_illness", "--event-date", event, as_="li", now=now).json["claim"]
        if "applied" in stages:
            run.ok(
                "apply", claim, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013", as_="li", now=now
            )
        if "complete" in stages:
            for doc in CI_DOCS:
                run.ok("attach", claim, doc, as_="li", now=now)
        if "investigating" in stages:
            run.ok("investigate", claim, as_="wang", now=now)
        if "decided" in stages:
            if outcome == "decline":
                run.ok("decide", claim, "decline", "--ground", ground or "exclusion", "--reason", "excluded condition", as_="zhao", now=now)
            else:
                run.ok("decide", claim, outcome, "--amount", amount, "--reason", "confirmed by the hospital", as_="zhao", now=now)
        if "notified" in stages:
            run.ok("notify", claim, as_="wang", now=now)
        if "paid" in stages:
            run.ok("pay", claim, "--amount", amount, as_="wang", now=now)
        return claim


@pytest.fixture
def walk(claims) -> Walk:
    return Walk(claims)


def person(name: str, first17: str, birth: str, **kw) -> dict:
    from claims.values import with_check_digit

    return {"name": name, "birth_date": birth, "id_type": "resident_id", "id_number": with_check_digit(first17), **kw}


def life_policy(
    number: str,
    issued: str,
    insured: dict,
    beneficiaries: list[dict],
    *,
    reinstated: str | None = None,
    line: str = "life",
    coverages=None,
    holder: dict | None = None,
) -> dict:
    return {
        "policy": number,
        "product": "平安福",
        "line": line,
        "status": "in_force",
        "issued": issued,
        "reinstated": reinstated,
        "holder": holder or insured,
        "insured": insured,
        "beneficiaries": beneficiaries,
        "coverages": coverages or [{"type": "death", "sum_insured": "100000.00"}],
    }


@pytest.fixture
def add_policies(claims):
    """Import more policies (as admin) from a temporary JSON file."""

    def add(*records: dict) -> None:
        path = claims.write_json("more-policies.json", list(records))
        claims.ok("policy", "import", path, as_="admin")

    return add


# other operating-system users (the tests run as root in CI) ---------------------------------------------------------------------
OTHER = "claimstestagent"  # a second operating-system user, created for the tests when they run as root
CLAIMS_EXE = Path(sys.executable).parent / "claims"
ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"
STRICT = "CLAIMS_TEST_STRICT"  # set by .ci/run: there, a test that cannot run on this machine fails instead of skipping


def cannot_run_here(reason: str):
    """A test that needs what this machine does not give (root, the system's Python): skipped on a developer's machine,
    a failure in CI, where everything it needs is there and a skip would hide a test that never ran."""
    if os.environ.get(STRICT):
        pytest.fail(f"{reason}; {STRICT} is set, so this is a failure, not a skip")
    pytest.skip(reason)


@pytest.fixture
def other_login():
    """A second login on this machine (created as root, as an administrator would)."""
    import pwd
    import subprocess

    if os.geteuid() != 0:
        cannot_run_here("acting as a second operating-system user needs root to create and become one (CI runs as root)")
    try:
        entry = pwd.getpwnam(OTHER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OTHER], check=True)
        entry = pwd.getpwnam(OTHER)
    return entry


@pytest.fixture
def shared_folder():
    """A folder every login may write: a team's shared database lives in one (docs/security.md, Sharing one SQLite file)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="claims-shared-", dir="/tmp"))
    folder.chmod(0o777)
    yield folder
    folder.chmod(0o777)
    shutil.rmtree(folder, ignore_errors=True)


def run_claims(db: Path, *args: str, env: dict | None = None, user=None):
    """The real `claims` as a separate process (as `user`, a preexec function from `as_user`, if given)."""
    import subprocess

    environ = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMS_")}
    environ.update(env or {})
    command = [str(CLAIMS_EXE)]
    if user is not None:  # the test's interpreter may live under /root (mode 700): the other login runs the same code on the system's
        command = [SYSTEM_PYTHON, "-m", "cli.main"]
        environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *(p for p in sys.path if p.endswith("site-packages"))])
    return subprocess.run([*command, "--db", str(db), *args], capture_output=True, text=True, env=environ, timeout=60,
                          preexec_fn=user, cwd="/")


def as_user(entry) -> dict:
    """`run_claims(..., **as_user(entry))` runs as that login."""
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        cannot_run_here(f"{SYSTEM_PYTHON} is needed to run the same code as a second login")

    def become() -> None:
        os.setgroups([])
        os.setgid(entry.pw_gid)
        os.setuid(entry.pw_uid)

    return {"user": become}
