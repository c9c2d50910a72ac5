"""Looking at claims: status, materials checklist, the work queue, the audit trail."""

from __future__ import annotations

from claims.audit import ADMIN_CHAIN
from claims.errors import Forbidden
from claims.i18n import _
from workflows import views
from workflows.machine import diagram as machine_diagram
from workflows.office import Office


def status(office: Office, claim_id: str) -> dict:
    with office.store.read() as tx:
        claim = tx.existing_claim(claim_id)
        user = office.authorized_user(tx, "status")
        return views.status(claim, office.settings(tx), user, office.now(tx))


def docs(office: Office, claim_id: str) -> dict:
    with office.store.read() as tx:
        claim = tx.existing_claim(claim_id)
        office.authorized_user(tx, "docs")
        return views.checklist(claim)


def work_queue(office: Office, *, states=(), claim_type=None, overdue=False, mine=False, assignee=None, policy=None,
               person=None, limit=None, offset=0) -> dict:
    """The work queue, most urgent first: overdue first, then by the earliest open deadline (docs/cli.md, list).

    `mine`: for handlers and seniors the claims assigned to them, for agents the claims they reported or applied for.
    Returns the rows asked for (`limit` from `offset`) and how many matched in all.
    """
    with office.store.read() as tx:
        user = office.authorized_user(tx, "list")
        settings = office.settings(tx)
        today = office.now(tx).astimezone(settings.zone).date()
        mine_by = _mine(user) if mine else {}
        due_before = today.isoformat() if overdue else None
        rows = []
        for claim in tx.due_claims(states=states, claim_type=claim_type, due_before=due_before, policy=policy,
                                   assignee=mine_by.get("assignee", assignee), actor=mine_by.get("actor"), person=person):
            row = views.queue_row(claim, settings, today)
            if overdue and not row["overdue"]:
                continue
            rows.append(row)
    rows.sort(key=lambda r: (not r["overdue"], r["next_due"] is None, r["next_due"] or ""))
    # the stored due date lags a paused clock (SPC II Art. 15): only the sorted queue knows the most urgent
    shown = rows[offset:offset + limit] if limit else rows[offset:]
    return {"rows": shown, "total": len(rows), "offset": offset}


def _mine(user: dict) -> dict:
    """A handler's or senior's own queue is what is assigned to them; an agent's, the claims they reported or applied for."""
    if user["role"] in ("handler", "senior"):
        return {"assignee": user["name"]}
    return {"actor": user["name"]}


def history(office: Office, claim_id: str) -> list[dict]:
    """A claim's audit trail; `@admin` is the chain of users, settings and policy imports."""
    with office.store.read() as tx:
        if claim_id != ADMIN_CHAIN:
            tx.existing_claim(claim_id)
        user = office.authorized_user(tx, "history")
        if claim_id == ADMIN_CHAIN and user["role"] not in ("auditor", "admin"):
            raise Forbidden(_("not allowed: the {chain} chain is shown to auditors and admins only").format(chain=ADMIN_CHAIN), rule="role")
        return views.history(tx.events(claim_id), user)


def diagram(office: Office, fmt: str) -> str:
    with office.store.read() as tx:
        office.authorized_user(tx, "diagram")
    return machine_diagram(fmt)

