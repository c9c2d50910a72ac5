"""domain.md, "The people who use it": who may run what, exactly as the role table says."""

from __future__ import annotations

import pytest

from claims.errors import Forbidden
from workflows.roles import ROLES, SEES_PII, authorize, may_run

READ = {"status", "docs", "list", "history", "diagram"}  # domain: everyone may see the state diagram
AGENT = {"report", "apply", "attach", "appeal", "withdraw", "consult"} | READ
HANDLER = AGENT | {"investigate", "decide", "notify", "pay", "close"}
AUDITOR = READ | {"replay", "audit"}
ADMIN = {"init", "user", "policy", "settings"} | AUDITOR
TABLE = {"agent": AGENT, "handler": HANDLER, "senior": HANDLER, "auditor": AUDITOR, "admin": ADMIN}
COMMANDS = sorted(set().union(*TABLE.values()))


def test_the_five_roles():
    assert set(ROLES) == set(TABLE)


@pytest.mark.parametrize("role", sorted(TABLE))
@pytest.mark.parametrize("command", COMMANDS)
def test_domain_role_table_exactly(role, command):
    assert may_run(role, command) is (command in TABLE[role])


def test_deck_slide19_agents_cannot_record_a_decision_or_pay():
    for command in ("decide", "notify", "pay", "investigate", "close"):
        assert not may_run("agent", command)


def test_auditor_is_read_only_and_admin_makes_no_case_decisions():
    for command in ("report", "apply", "attach", "investigate", "decide", "notify", "pay", "appeal", "close", "withdraw", "consult"):
        assert not may_run("auditor", command)
        assert not may_run("admin", command)


def test_request_for_more_materials_is_a_handler_action():
    assert may_run("handler", "request") and may_run("senior", "request")
    assert not any(may_run(role, "request") for role in ("agent", "auditor", "admin"))


def test_role_refusal_is_exit_6_naming_user_role_and_command():
    with pytest.raises(Forbidden) as refused:
        authorize({"name": "li", "role": "agent", "limit": None}, "decide")
    assert refused.value.exit_code == 6 and refused.value.rule == "role"
    assert "li" in refused.value.message and "agent" in refused.value.message and "decide" in refused.value.message


def test_deck_slide19_pii_shown_to_handlers_not_to_agents_or_admins():
    assert {"handler", "senior"} <= SEES_PII
    assert "agent" not in SEES_PII and "admin" not in SEES_PII
