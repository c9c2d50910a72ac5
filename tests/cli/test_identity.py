"""Who acts (docs/security.md, Who acts; issue 8 §1).

In a training database any registered user may be named with --as. In any other database the acting
user is the operating-system login, and --as / CLAIMS_USER / a batch line's "as" may only name that same
user: anything else is exit 6, saying who you are. `claims init` makes the login the admin.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from cli_support import LOGIN, OTHER, POLICIES, Claims, as_user, run_claims


@pytest.fixture
def real(tmp_path) -> Claims:
    """A database created without --training by whoever runs the tests, used at the real time, without --as."""
    run = Claims(tmp_path / "real.db", tmp_path)
    run.now, run.user = None, None
    assert run.ok("init").json["admin"] == LOGIN
    run.ok("policy", "import", str(POLICIES))
    run.ok("user", "add", "li", "--role", "agent")
    return run


def test_init_makes_the_login_the_admin(real):
    assert {"user": LOGIN, "role": "admin", "limit": None} in real.ok("user", "list").json
    first = real.ok("history", "@admin").json[:2]
    assert [(e["event"], e["actor"]) for e in first] == [("init", LOGIN), ("user_add", LOGIN)]


def test_naming_someone_else_is_exit_6_saying_who_you_are(real):
    error = real.fails(6, "user", "add", "zhou", "--role", "agent", as_="li").error
    assert error["rule"] == "identity" and f"you are {LOGIN}" in error["message"] and "not li" in error["message"]


def test_naming_yourself_is_allowed(real):
    assert real.ok("user", "add", "zhou", "--role", "agent", as_=LOGIN).json["user"] == "zhou"


def test_claims_user_cannot_name_someone_else(real):
    result = run_claims(real.db, "user", "add", "zhou", "--role", "agent", env={"CLAIMS_USER": "li"})
    assert result.returncode == 6 and f"you are {LOGIN}" in result.stderr


def test_user_and_logname_do_not_change_who_you_are(real):
    """getpass.getuser() believes LOGNAME and USER; the tool asks the operating system."""
    result = run_claims(real.db, "--json", "user", "list", env={"USER": "li", "LOGNAME": "li", "LNAME": "li", "USERNAME": "li"})
    assert result.returncode == 0, result.stderr
    forged = run_claims(real.db, "user", "add", "zhou", "--role", "agent", env={"USER": "li", "LOGNAME": "li"})
    assert forged.returncode == 0 and _admin_actors(real.db)[-1] == LOGIN


def test_a_batch_line_cannot_name_someone_else(real, tmp_path):
    lines = tmp_path / "lines.jsonl"
    lines.write_text(json.dumps({"args": ["user", "add", "zhou", "--role", "agent"], "as": "li"}) + "\n"
                     + json.dumps({"args": ["user", "add", "wu", "--role", "agent"]}) + "\n", encoding="utf-8")
    result = real("batch", str(lines), "--keep-going")
    assert result.code == 6 and result.json["done"] == 1
    assert result.json["failed"][0]["error"]["rule"] == "identity"
    assert {u["user"] for u in real.ok("user", "list").json} == {LOGIN, "li", "wu"}


def test_init_naming_someone_else_outside_training_creates_nothing(tmp_path):
    run = Claims(tmp_path / "real.db", tmp_path)
    run.now, run.user = None, None
    result = run("init", as_="someone")
    assert result.code == 6 and f"you are {LOGIN}" in result.error["message"]
    assert not (tmp_path / "real.db").exists() and os.listdir(tmp_path) == []


def test_in_a_training_database_any_registered_user_may_be_named(claims):
    assert claims.ok("status", _a_claim(claims), as_="li").json["state"] == "reported"
    assert claims.fails(3, "list", as_="nobody").error["code"] == "not_found"


def test_an_empty_as_is_bad_input(claims):
    assert "--as" in claims.fails(2, "list", "--as", "").error["message"]
    assert "--as" in claims.fails(2, "list", "--as=   ").error["message"]


def test_flipping_meta_training_makes_no_database_a_training_one(real):
    with sqlite3.connect(real.db) as conn:
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'training'")
    error = real.fails(7, "list", as_="li", now="2030-01-01T00:00:00+08:00").error
    assert error["code"] == "integrity" and "init event" in error["message"]


# a second operating-system user on the same file -------------------------------------------------------------------------
def test_a_second_login_acts_as_itself_on_a_shared_file(other_login, shared_folder):
    db = shared_folder / "claims.db"
    run = Claims(db, shared_folder)
    run.now, run.user = None, None
    run.ok("init")
    run.ok("policy", "import", str(POLICIES))
    run.ok("user", "add", OTHER, "--role", "agent")
    db.chmod(0o666)
    as_other = as_user(other_login)
    yesterday = _yesterday()
    done = run_claims(db, "--json", "report", "P-2022-0002", "--type", "critical_illness", "--event-date", yesterday, **as_other)
    assert done.returncode == 0, done.stderr
    claim = json.loads(done.stdout)["claim"]
    assert [e["actor"] for e in run.ok("history", claim).json] == [OTHER]
    pretending = run_claims(db, "--json", "--as", LOGIN, "user", "add", "mallory", "--role", "admin", **as_other)
    assert pretending.returncode == 6 and f"you are {OTHER}" in pretending.stderr
    forged_env = run_claims(db, "--json", "user", "add", "mallory", "--role", "admin", env={"USER": LOGIN, "LOGNAME": LOGIN}, **as_other)
    assert forged_env.returncode == 6 and "may not run `user`" in forged_env.stderr
    assert "mallory" not in {u["user"] for u in run.ok("user", "list").json}


# helpers ---------------------------------------------------------------------------------------------------------------------
def _admin_actors(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [actor for (actor,) in conn.execute("SELECT actor FROM audit_event WHERE claim_id = '@admin' ORDER BY seq")]


def _a_claim(claims) -> str:
    return claims.ok("report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25", as_="li").json["claim"]


def _yesterday() -> str:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    return (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)).date().isoformat()
