"""What people see of a claim: status, checklist, queue rows, history (docs/cli.md, Looking)."""

from __future__ import annotations

from datetime import date

from claims.audit import AuditEvent
from claims.materials import DOCUMENT_TYPES
from claims.records import Claim
from claims.settings import Settings
from claims.values import mask
from workflows import deadlines as dl
from workflows.entitlement import payee_rows
from workflows.machine import COMMANDS, referee
from workflows.roles import SEES_PII, may_run
from workflows.step import Step

PII_KEYS = frozenset({"id_number", "phone", "bank_account"})
DIGEST_KEYS = frozenset({"hash", "prev_hash", "sha256", "file_sha256", "digest", "policy_digest", "root"})


def status(claim: Claim, settings: Settings, user: dict, now) -> dict:
    step = Step("status", claim, {}, {}, now, settings, actor=user, probe=True)
    found = dl.deadlines(claim, settings, step.today)
    flags = list(claim.flags)
    if any(d.overdue and d.obligation for d in found):
        flags.append("overdue")
    decision = claim.decision
    return {
        "claim": claim.id,
        "policy": claim.policy,
        "type": claim.type,
        "state": claim.state,
        "version": claim.version,
        "event_date": claim.event_date,
        "insured": insured_name(claim),
        "assignee": claim.assignee,
        "flags": flags,
        "applicant": _applicant(claim.applicant, user),
        "applicants": [_applicant(a, user) for a in claim.all_applicants],
        "payees": payee_rows(claim),
        "excluded": [{"name": name, "because": because} for name, because in claim.excluded.items()],
        "complex": claim.complex,
        "received_documents": received(claim),
        "missing_documents": claim.missing,
        "deadlines": [{**d.as_dict(), "days_left": (d.due - step.today).days} for d in found],
        "decision": None if decision is None else {k: decision[k] for k in ("outcome", "amount", "ground", "reason")},
        "paid_amount": claim.paid_amount,
        "allowed_actions": allowed_actions(claim, settings, user, now),
    }


def insured_name(claim: Claim) -> str | None:
    """The insured, as the report read the policy (or, for a claim reported before that, the first application)."""
    return claim.insured or (claim.persons["insured"]["name"] if claim.persons else None)


def allowed_actions(claim: Claim, settings: Settings, user: dict, now) -> list[str]:
    judge = referee()
    allowed = []
    for command in COMMANDS:
        if may_run(user["role"], command):
            if judge.allows(Step(command, claim, {}, {}, now, settings, actor=user, probe=True)):
                allowed.append(command)
    return allowed


def received(claim: Claim) -> list[str]:
    """Received materials in catalogue order."""
    return [d for d in DOCUMENT_TYPES if d in claim.received]


def checklist(claim: Claim) -> dict:
    missing = claim.missing
    needed = [d for d in DOCUMENT_TYPES if d in missing or d in claim.received or d in claim.required]
    return {
        "claim": claim.id,
        "received_documents": received(claim),
        "missing_documents": missing,
        "checklist": [
            {"document": d, "description": DOCUMENT_TYPES[d], "received": d in claim.received, "copies": len(claim.received.get(d, []))}
            for d in needed
        ],
        "notice": claim.notice,
    }


def queue_row(claim: Claim, settings: Settings, today: date) -> dict:
    """A row of the work queue: who the claim is about, who holds it, and its next deadline by name."""
    found = dl.deadlines(claim, settings, today)
    open_ = sorted((d for d in found if d.obligation), key=lambda d: d.due)
    applicant = claim.applicant["name"] if claim.applicant else None
    return {
        "claim": claim.id,
        "policy": claim.policy,
        "type": claim.type,
        "state": claim.state,
        "next_due": open_[0].due.isoformat() if open_ else None,
        "next_deadline": open_[0].name if open_ else None,
        "overdue": any(d.overdue for d in open_),
        "applicant": applicant or insured_name(claim),
        "insured": insured_name(claim),
        "assignee": claim.assignee,
    }


def history(events: list[AuditEvent], user: dict) -> list[dict]:
    return [masked(e.as_history(), user) for e in events]


def sees_personal_data(user: dict) -> bool:
    return user["role"] in SEES_PII


def masked(value, user: dict):
    """What a role that may not see personal data is shown (docs/security.md, What masking guarantees).

    ID numbers, phone numbers and bank accounts are masked, and every digest is withheld — event hashes, chain links,
    file, policy and import digests: a digest over a value with a few hidden digits gives the value away to anyone who
    tries the candidates, and each event's hash covers every event before it.
    """
    if sees_personal_data(user):
        return value
    return _mask_walk(value)


def _mask_walk(value):
    if isinstance(value, dict):
        return {k: _mask_entry(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_walk(v) for v in value]
    return value


def _mask_entry(key: str, value):
    if key in DIGEST_KEYS:
        return None
    if key in PII_KEYS and isinstance(value, str):
        return mask(value)
    return _mask_walk(value)


def _applicant(applicant: dict | None, user: dict) -> dict | None:
    if applicant is None:
        return None
    return masked({k: applicant.get(k) for k in ("name", "relation", "id_type", "id_number", "for")}, user)
