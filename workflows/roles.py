"""Who may run what: the role table of docs/rules.md (Who may do what), exactly."""

from __future__ import annotations

from claims.errors import Forbidden
from claims.i18n import _, name

ROLES = ("agent", "handler", "senior", "auditor", "admin")

READS = frozenset({"status", "docs", "list", "history", "diagram"})  # everyone may learn the flow: the deck is for that
AUDIT_READS = READS | {"replay", "audit"}
AGENT = frozenset({"report", "apply", "attach", "appeal", "withdraw", "consult"}) | READS
HANDLER = AGENT | {"investigate", "decide", "notify", "pay", "close", "request", "exclude", "mark-complex", "assign"}

MAY_RUN = {
    "agent": AGENT,
    "handler": HANDLER,
    "senior": HANDLER,
    "auditor": AUDIT_READS | {"user list"},
    "admin": AUDIT_READS | {"init", "user", "user list", "policy", "settings", "db"},
}

# Roles that need to see ID numbers, phone numbers and bank accounts in full (slide 19:
# protect the customer's privacy). Auditors see them because they re-hash the raw log.
SEES_PII = frozenset({"handler", "senior", "auditor"})


def may_run(role: str, command: str) -> bool:
    return command in MAY_RUN.get(role, ())


def authorize(user: dict, command: str) -> None:
    """Refuse (exit 6) a command the user's role may not run at all."""
    if not may_run(user["role"], command):
        raise Forbidden(
            _("not allowed: {user} has the {role} role, which may not run `{command}` (docs/rules.md, Who may do what)")
            .format(user=user["name"], role=name("role", user["role"]), command=command),
            rule="role",
        )
