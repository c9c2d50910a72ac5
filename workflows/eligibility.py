"""Who may apply (申请资格人): deck slides 11, 13, 14, 17; Insurance Law Art. 42; Civil Code."""

from __future__ import annotations

from datetime import date

from claims.values import age_on

ADULT_AGE = 18  # Civil Code Art. 17


def death_beneficiaries(persons: dict) -> list[dict]:
    return [b for b in persons["beneficiaries"] if b["kind"] == "death"]


def relation_of(name: str, claim_type: str, persons: dict) -> str | None:
    """How a named person stands to the claim, read off the policy."""
    if claim_type in ("death", "accident") and any(b["name"] == name for b in death_beneficiaries(persons)):
        return "beneficiary"
    if name == persons["insured"]["name"]:
        return "insured"
    if claim_type in ("death", "accident") and not death_beneficiaries(persons):
        return "heir"
    return None


def acting_for(args: dict, claim_type: str, persons: dict) -> str | None:
    """The person whose benefit this is: the applicant, or whom a guardian or representative acts for."""
    if args["relation"] not in ("guardian", "representative"):
        return args["applicant"]
    if args.get("for"):
        return args["for"]
    if claim_type == "death":
        named = death_beneficiaries(persons)
        return named[0]["name"] if len(named) == 1 else None
    return persons["insured"]["name"]


def person(name: str, persons: dict) -> dict | None:
    for candidate in records_of(name, persons):
        return candidate
    return None


def records_of(name: str, persons: dict) -> list[dict]:
    """Every record the policy holds for `name`: one person may be insured, beneficiary and policyholder at once."""
    return [p for p in [persons["insured"], *persons["beneficiaries"], persons["holder"]] if p["name"] == name]


def eligibility_problem(claim_type: str, relation: str, name: str, persons: dict) -> str | None:
    """Why `name`, claiming as `relation`, is not entitled to this benefit; None if entitled."""
    insured = persons["insured"]["name"]
    holder = persons["holder"]["name"]
    entitled = relation_of(name, claim_type, persons)
    if relation == "heir" and entitled != "heir":
        named = ", ".join(b["name"] for b in death_beneficiaries(persons))
        return f"heirs claim only when the policy names no death beneficiary, and it names {named or 'the insured'}"
    if claim_type in ("critical_illness", "medical", "disability") and entitled != "insured":
        extra = " — the policyholder who pays is not the applicant" if name == holder else ""
        return f"only the insured ({insured}) may claim a {claim_type} benefit, not {name}{extra}"
    if claim_type == "death" and entitled not in ("beneficiary", "heir"):
        named = ", ".join(b["name"] for b in death_beneficiaries(persons))
        return f"{name} is not the death beneficiary of this policy (named: {named})"
    if claim_type == "accident" and entitled is None:
        return f"{name} is neither the insured nor a death beneficiary of this policy"
    if relation == "insured" and entitled != "insured":
        return f"{name} is not the insured of this policy (the insured is {insured})"
    if relation == "beneficiary" and entitled != "beneficiary":
        return f"{name} is not a named death beneficiary of this policy"
    return None


def is_minor(who: dict | None, on: date) -> bool:
    birth = who and who.get("birth_date")
    return bool(birth) and age_on(date.fromisoformat(birth), on) < ADULT_AGE
