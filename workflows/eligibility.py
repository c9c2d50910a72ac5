"""Who may apply (申请资格人): deck slides 11–14, 17; Insurance Law Arts. 39–42; SPC Interpretation III Arts. 9, 12; Civil Code.

Entitlement follows the policy's designations and who is out (``excluded``): a death benefit's applicants are the
beneficiaries still entitled or, with none left, the heirs; a survival benefit's the survival beneficiary, or the
insured when none is named; every other benefit's the insured. A guardian or representative applies for one of them.
"""

from __future__ import annotations

from datetime import date

from claims.i18n import _, listing, name, ngettext
from claims.values import age_on
from workflows.entitlement import death_shares, survival_shares

ADULT_AGE = 18  # Civil Code Art. 17
ON_DEATH = ("death", "accident")


def death_beneficiaries(persons: dict) -> list[dict]:
    return [b for b in persons["beneficiaries"] if b["kind"] == "death"]


def relation_of(name: str, claim_type: str, persons: dict, out=()) -> str | None:
    """How a named person stands to the claim, read off the policy and who is out."""
    if claim_type in ON_DEATH:
        entitled = death_shares(persons, out)
        if name in entitled:
            return "beneficiary"
    if claim_type == "survival_benefit":
        entitled = survival_shares(persons)
        if name in entitled:
            return "insured" if name == persons["insured"]["name"] and not _survival_named(persons) else "beneficiary"
        return None
    if name == persons["insured"]["name"]:
        return "insured"
    if claim_type in ON_DEATH and not death_shares(persons, out):
        return "heir"
    return None


def acting_for(args: dict, claim_type: str, persons: dict, out=()) -> str | None:
    """The person whose benefit this is: the applicant, or whom a guardian or representative acts for."""
    if args["relation"] not in ("guardian", "representative"):
        return args["applicant"]
    if args.get("for"):
        return args["for"]
    if claim_type == "death":
        named = list(death_shares(persons, out))
        return named[0] if len(named) == 1 else None
    if claim_type == "survival_benefit":
        named = list(survival_shares(persons))
        return named[0] if len(named) == 1 else None
    return persons["insured"]["name"]


def person(name: str, persons: dict) -> dict | None:
    for candidate in records_of(name, persons):
        return candidate
    return None


def records_of(name: str, persons: dict) -> list[dict]:
    """Every record the policy holds for `name`: one person may be insured, beneficiary and policyholder at once."""
    return [p for p in [persons["insured"], *persons["beneficiaries"], persons["holder"]] if p["name"] == name]


def eligibility_problem(claim_type: str, relation: str, name: str, persons: dict, out=()) -> str | None:
    """Why `name`, claiming as `relation`, is not entitled to this benefit; None if entitled."""
    insured = persons["insured"]["name"]
    holder = persons["holder"]["name"]
    entitled = relation_of(name, claim_type, persons, out)
    who = name
    if relation == "heir" and entitled != "heir":
        remaining = list(death_shares(persons, out)) if claim_type in ON_DEATH else []
        if remaining:
            return ngettext("heirs claim only when no named beneficiary is entitled, and {remaining} is still entitled",
                            "heirs claim only when no named beneficiary is entitled, and {remaining} are still entitled",
                            len(remaining)).format(remaining=listing(remaining))
        return _("heirs claim a death benefit, not a {type} benefit").format(type=_type(claim_type))
    if claim_type == "survival_benefit" and entitled is None:
        payees = listing(survival_shares(persons))
        if who == holder:
            return _("the survival benefit goes to {payees}, not to {name} — the policyholder who paid the premiums does not "
                     "collect it as such (deck slide 14)").format(payees=payees, name=who)
        return _("the survival benefit goes to {payees}, not to {name}").format(payees=payees, name=who)
    if claim_type in ("critical_illness", "medical", "disability") and entitled != "insured":
        if who == holder:
            return _("only the insured ({insured}) may claim a {type} benefit, not {name} — the policyholder who pays is not the "
                     "applicant").format(insured=insured, type=_type(claim_type), name=who)
        return _("only the insured ({insured}) may claim a {type} benefit, not {name}").format(
            insured=insured, type=_type(claim_type), name=who)
    if claim_type == "death" and entitled not in ("beneficiary", "heir"):
        named = listing(death_shares(persons, out)) or _("nobody still entitled")
        return _("{name} is not entitled to the death benefit of this policy (entitled: {named})").format(name=who, named=named)
    if claim_type == "accident" and entitled is None:
        return _("{name} is neither the insured nor an entitled death beneficiary of this policy").format(name=who)
    if relation == "insured" and entitled != "insured":
        return _("{name} is not the insured of this policy (the insured is {insured})").format(name=who, insured=insured)
    if relation == "beneficiary" and entitled != "beneficiary":
        return _("{name} is not an entitled beneficiary of this policy").format(name=who)
    return None


def _type(claim_type: str) -> str:
    return name("claim type", claim_type)


def is_minor(who: dict | None, on: date) -> bool:
    birth = who and who.get("birth_date")
    return bool(birth) and age_on(date.fromisoformat(birth), on) < ADULT_AGE


def _survival_named(persons: dict) -> bool:
    return any(b["kind"] == "survival" for b in persons["beneficiaries"])
