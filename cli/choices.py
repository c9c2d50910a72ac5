"""The fixed vocabularies of the CLI contract, as choices typer can check (exit 2 otherwise)."""

from enum import Enum


class ClaimType(str, Enum):
    death = "death"
    critical_illness = "critical_illness"
    medical = "medical"
    disability = "disability"
    accident = "accident"
    survival_benefit = "survival_benefit"


class Cause(str, Enum):
    accident = "accident"
    illness = "illness"
    suicide = "suicide"
    other = "other"


class Channel(str, Enum):
    phone = "phone"
    counter = "counter"
    online = "online"
    agent = "agent"


class IdType(str, Enum):
    resident_id = "resident_id"
    passport = "passport"
    household_register = "household_register"
    other_photo_id = "other_photo_id"


class Relation(str, Enum):
    insured = "insured"
    beneficiary = "beneficiary"
    guardian = "guardian"
    heir = "heir"
    representative = "representative"


class Outcome(str, Enum):
    approve = "approve"
    partial = "partial"
    decline = "decline"


class Ground(str, Enum):
    not_covered = "not_covered"
    exclusion = "exclusion"
    nondisclosure = "nondisclosure"
    suicide = "suicide"
    fraud = "fraud"
    limitation_expired = "limitation_expired"
    holder_intentional = "holder_intentional"
    criminal_act = "criminal_act"
    other = "other"


class Because(str, Enum):
    """Why a named beneficiary has no right (claims exclude)."""

    predeceased = "predeceased"
    same_event = "same_event"
    waived = "waived"
    forfeited = "forfeited"
    relation_ended = "relation_ended"


class Role(str, Enum):
    agent = "agent"
    handler = "handler"
    senior = "senior"
    auditor = "auditor"
    admin = "admin"


class State(str, Enum):
    reported = "reported"
    applied = "applied"
    investigating = "investigating"
    approved = "approved"
    declined = "declined"
    paid = "paid"
    appealed = "appealed"
    closed = "closed"
    withdrawn = "withdrawn"


class DiagramFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"


class Language(str, Enum):
    zh = "zh"
    en = "en"
