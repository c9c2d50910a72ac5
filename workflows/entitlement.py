"""Who is entitled to a claim's benefit, their shares, and what each is owed (Insurance Law Arts. 39–42; SPC Interpretation
III Arts. 9, 12, 15; Civil Code Art. 1130).

- A death benefit (and an accident's when the insured died) goes to the policy's death beneficiaries as SPC III Art. 12
  shares it among those still entitled (claims.shares); with nobody left — none named, or every one out — it is the
  insured's estate, and the heirs who apply share it equally (Civil Code Art. 1130: heirs of one order inherit equal
  shares as a rule; a succession certificate that divides otherwise is not modelled).
- A survival or maturity benefit goes to the survival beneficiaries (shared the same way), or to the insured when none
  is named — never to the policyholder as such (deck slides 12, 14).
- Every other benefit goes to the insured.

A payee's amount is their exact part of the decision's amount (claims.shares.split_amount: the parts add up to it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from claims.materials import benefit_on_death
from claims.records import Claim
from claims.shares import entitled_shares, percent_text, split_amount
from claims.values import money

HEIR = "heir"
ESTATE = "the estate"


@dataclass(frozen=True)
class Payee:
    name: str
    relation: str  # beneficiary, insured, heir
    share: Fraction  # percent, exact


def death_shares(persons: dict, out) -> dict[str, Fraction]:
    """The death beneficiaries still entitled and their shares; {} when the benefit is the estate (Art. 42 ¶1)."""
    return entitled_shares(persons["beneficiaries"], frozenset(out))


def survival_shares(persons: dict) -> dict[str, Fraction]:
    """The survival beneficiaries and their shares; the insured alone when none is named."""
    named = [{**b, "kind": "death" if b["kind"] == "survival" else "other"} for b in persons["beneficiaries"]]
    return entitled_shares(named, frozenset()) or {persons["insured"]["name"]: Fraction(100)}


def benefit_is_on_death(claim: Claim) -> bool:
    if claim.type == "death":
        return True
    return claim.type == "accident" and bool(claim.applicant) and benefit_on_death(claim.applicant)


def payees(claim: Claim) -> list[Payee]:
    """Everyone entitled to a share of the claim, by name; empty until the first application (the policy's people
    are read then)."""
    persons = claim.persons
    if persons is None:
        return []
    if benefit_is_on_death(claim):
        shares = death_shares(persons, claim.excluded)
        if shares:
            return [Payee(name, "beneficiary", share) for name, share in shares.items()]
        heirs = sorted({a["for"] or a["name"] for a in claim.all_applicants if a.get("for_relation") == HEIR or a["relation"] == HEIR})
        return [Payee(name, HEIR, Fraction(100, len(heirs))) for name in heirs]
    if claim.type == "survival_benefit":
        return [Payee(name, "beneficiary", share) for name, share in survival_shares(persons).items()]
    return [Payee(persons["insured"]["name"], "insured", Fraction(100))]


def amounts(claim: Claim) -> dict[str, Decimal] | None:
    """Each payee's part of the decision's amount (None before an approving decision)."""
    decision, found = claim.decision, payees(claim)
    if not decision or not decision.get("amount") or not found:
        return None
    return split_amount(Decimal(decision["amount"]), {p.name: p.share for p in found})


def paid(claim: Claim, name: str) -> Decimal:
    """What `name` has been paid (a claim paid before payments named their payee had one payee: all of it)."""
    if not claim.paid_to:
        return claim.paid if len(payees(claim)) == 1 else Decimal(0)
    return Decimal(claim.paid_to.get(name, "0"))


def unpaid(claim: Claim, name: str) -> Decimal:
    parts = amounts(claim) or {}
    return parts.get(name, Decimal(0)) - paid(claim, name)


def shares_left_after(claim: Claim, name: str, amount: Decimal) -> bool:
    """Whether, once `name` is paid `amount`, a payee is still owed something."""
    parts = amounts(claim) or {}
    return any(paid(claim, payee) + (amount if payee == name else 0) < owed for payee, owed in parts.items())


def payee_rows(claim: Claim) -> list[dict]:
    """The `payees` of `claims status` (docs/cli.md): share as a percent with two places, amount, paid."""
    parts = amounts(claim)
    shown = split_amount(Decimal(100), {p.name: p.share for p in payees(claim)}) if payees(claim) else {}
    return [{"name": p.name, "relation": p.relation, "share": money(shown[p.name]) if p.name in shown else percent_text(p.share),
             "amount": money(parts[p.name]) if parts else None, "paid": money(paid(claim, p.name))} for p in payees(claim)]
