"""The facts from outside the claim that a step's guards use (recorded in its payload).

A policy can be re-imported and a user's limit changed later; recording the facts a
step was judged on lets replay re-check it exactly as it was.
"""

from __future__ import annotations

from decimal import Decimal

from claims.records import Claim
from claims.settings import Settings
from claims.storage import Tx, paid_total
from claims.values import money


def policy_terms(policy: dict, claim_type: str) -> dict:
    cover = next((c for c in policy["coverages"] if c["type"] == claim_type), None)
    return {
        "status": policy["status"],
        "line": policy["line"],
        "issued": policy["issued"],
        "reinstated": policy["reinstated"],
        "covers": [c["type"] for c in policy["coverages"]],
        "sum_insured": cover["sum_insured"] if cover else None,
        "insured": policy["insured"]["name"],
        "policy_digest": policy["digest"],
    }


def persons(policy: dict) -> dict:
    return {"holder": policy["holder"], "insured": policy["insured"], "beneficiaries": policy["beneficiaries"]}


POLICY_COMMANDS = ("report", "apply", "decide", "pay", "exclude")
READS_OTHER_CLAIMS = ("decide", "pay")  # they read what the policy's other claims paid (the sum insured is shared)


def from_policy(command: str, policy: dict, claim_type: str) -> dict:
    """The facts a command reads off the policy version `policy` (with its ``digest``); replay checks them against it."""
    if command in ("apply", "exclude"):
        return {"persons": persons(policy), "policy_digest": policy["digest"]}
    if command in POLICY_COMMANDS:
        return policy_terms(policy, claim_type)
    return {}


def authority_limit(user: dict, settings: Settings) -> str | None:
    """The most a user may approve; None means no limit (a senior registered without one)."""
    if user["limit"] is not None:
        return user["limit"]
    return money(settings.handler_default_limit) if user["role"] == "handler" else None


def gather(tx: Tx, command: str, claim: Claim, user: dict, settings: Settings, args: dict | None = None) -> dict:
    if command in ("apply", "exclude"):
        return from_policy(command, tx.policy(claim.policy), claim.type)
    if command in ("decide", "pay"):
        terms = from_policy(command, tx.policy(claim.policy), claim.type)
        others = [c for c in tx.claims_on_policy(claim.policy, claim.type) if c.id != claim.id]
        terms["paid_elsewhere"] = money(paid_total(others) if others else Decimal(0))
        terms["authority_limit"] = authority_limit(user, settings)
        return terms
    if command == "assign":
        assignee = tx.user((args or {}).get("to", ""))
        return {"assignee_role": assignee["role"] if assignee else None}
    return {}

