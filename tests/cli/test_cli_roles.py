"""Exit 6 (cli.md): not allowed for this user's role — exactly per domain.md's role table; and CLAIMS_NOW
outside a training database (cli.md, Time)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cli_support import LOGIN, POLICIES, Claims

SETTINGS = Path(__file__).resolve().parents[2] / "workflows" / "settings.toml"
READ = {"status", "docs", "list", "history", "diagram"}  # domain: everyone may see the state diagram
AGENT = {"report", "apply", "attach", "appeal", "withdraw", "consult"} | READ
HANDLER = AGENT | {"investigate", "decide", "notify", "pay", "close", "request"}
AUDITOR = READ
ADMIN = AUDITOR | {"user add", "policy import", "policy show", "settings show", "settings load"}
MAY = {"agent": AGENT, "handler": HANDLER, "senior": HANDLER, "auditor": AUDITOR, "admin": ADMIN}
USER_OF = {"agent": "li", "handler": "wang", "senior": "zhao", "auditor": "qian", "admin": "admin"}


def commands(claim: str) -> dict[str, list[str]]:
    return {
        "report": ["report", "P-2022-0002", "--type", "medical", "--event-date", "2026-04-20"],
        "apply": ["apply", claim, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013"],
        "attach": ["attach", claim, "claim_form"],
        "investigate": ["investigate", claim],
        "decide": ["decide", claim, "approve", "--amount", "100", "--reason", "r"],
        "notify": ["notify", claim],
        "pay": ["pay", claim, "--amount", "100"],
        "appeal": ["appeal", claim, "--reason", "r"],
        "close": ["close", claim],
        "withdraw": ["withdraw", claim, "--reason", "r"],
        "consult": ["consult", claim, "--note", "n"],
        "request": ["request", claim, "pathology_report", "--reason", "r"],
        "status": ["status", claim],
        "docs": ["docs", claim],
        "history": ["history", claim],
        "list": ["list"],
        "diagram": ["diagram"],
        "user add": ["user", "add", "zhou", "--role", "agent"],
        "policy import": ["policy", "import", str(POLICIES)],
        "policy show": ["policy", "show", "P-2022-0002"],
        "settings show": ["settings", "show"],
        "settings load": ["settings", "load", str(SETTINGS)],
    }


@pytest.mark.parametrize("role", sorted(MAY))
def test_domain_role_table_each_role_refused_exactly_the_commands_it_may_not_run(claims, walk, role):
    claim = walk.critical_illness("reported")
    user = USER_OF[role]
    for name, argv in commands(claim).items():
        if name in MAY[role]:
            result = claims(*argv, as_=user)
            assert result.code != 6, f"{role} may run {name}: {result.err}"
        else:
            error = claims.fails(6, *argv, as_=user).error
            assert error["code"] == "forbidden" and error["rule"] == "role"
            assert user in error["message"] and role in error["message"] and name.split()[0] in error["message"], error["message"]


def test_deck_slide19_an_agent_never_records_a_decision(claims, walk):
    claim = walk.critical_illness("investigating")
    error = claims.fails(6, "decide", claim, "approve", "--amount", "60000", "--reason", "promised", as_="li").error
    assert "agent" in error["message"] and "decide" in error["message"]


def test_role_refusal_human_output_is_one_error_line(claims, walk):
    claim = walk.critical_illness("reported")
    result = claims("investigate", claim, as_="li", json_out=False)
    assert result.code == 6 and result.out == ""
    assert result.err.startswith("Error: not allowed") and "Traceback" not in result.err


# cli.md, Time: CLAIMS_NOW only in a database created with `claims init --training` -----------------------------
@pytest.fixture
def real_db(tmp_path) -> Claims:
    """A database created without --training, used at the real time."""
    run = Claims(tmp_path / "real.db", tmp_path)
    run.now, run.user = None, None  # the operating-system login acts (docs/security.md, Who acts)
    run.ok("init")
    run.ok("policy", "import", str(POLICIES))
    return run


def test_cli_md_time_claims_now_creating_a_real_database_is_exit_6(tmp_path):
    run = Claims(tmp_path / "real.db", tmp_path)
    result = run("init", now="2026-05-01T09:00:00+08:00")
    assert result.code == 6 and result.error["code"] == "forbidden" and "--training" in result.error["message"]
    assert not (tmp_path / "real.db").exists()


def test_cli_md_time_claims_now_on_a_real_database_is_exit_6_for_every_command(real_db):
    yesterday = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)).date().isoformat()
    real_db.ok("user", "add", "boss", "--role", "admin")
    real_db.ok("user", "role", LOGIN, "--role", "agent")  # the one login of the test run reports, applies, attaches
    claim = real_db.ok("report", "P-2022-0002", "--type", "critical_illness", "--event-date", yesterday).json["claim"]
    fixed = "2026-05-01T09:00:00+08:00"
    for argv, user in [
        (["report", "P-2022-0002", "--type", "medical", "--event-date", yesterday], "li"),
        (["apply", claim, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013"], "li"),
        (["attach", claim, "claim_form"], "li"),
        (["consult", claim, "--note", "n"], "li"),
        (["status", claim], "li"),
        (["list"], "li"),
        (["docs", claim], "li"),
        (["history", claim], "li"),
        (["diagram"], "admin"),
        (["user", "add", "zhou", "--role", "agent"], "admin"),
        (["policy", "import", str(POLICIES)], "admin"),
        (["policy", "show", "P-2022-0002"], "admin"),
        (["settings", "show"], "admin"),
    ]:
        error = real_db.fails(6, *argv, as_=user, now=fixed).error
        assert error["code"] == "forbidden" and "CLAIMS_NOW" in error["message"] and "--training" in error["message"], argv
    assert real_db.ok("status", claim).json["state"] == "reported"
