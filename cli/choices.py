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


# typed in the reader's language -------------------------------------------------------------------------------------
VOCABULARY = {ClaimType: "claim type", Cause: "cause", Channel: "channel", IdType: "id type", Relation: "relation",
              Outcome: "outcome", Ground: "ground", Because: "because", Role: "role", State: "state"}


class NotAChoice(ValueError):
    """A value that is neither a choice's English value nor its Chinese name: bad input (exit 2), naming the choices
    as the reader names them (in Chinese: with their values)."""

    def __init__(self, context: str, typed: str, values):
        from claims.i18n import N_, chosen, listing, name
        from claims.i18n import cli_ as _

        if chosen() == "en":
            choices = ", ".join(repr(value) for value in values)
        else:
            choices = listing(f"{name(context, value)} ({value})" for value in values)
        super().__init__(_(N_("{typed!r} is not one of {choices}.")).format(typed=typed, choices=choices))


def parser(enum):
    """typer's `parser=` for a choice of a vocabulary: the English value, or its Chinese name (claims.vocabulary), in
    either language; anything else is NotAChoice. Shell completion still offers the English values (typer reads them
    from the Enum)."""
    context = VOCABULARY[enum]
    values = tuple(member.value for member in enum)

    def parse(typed):
        if isinstance(typed, enum):
            return typed
        from claims.vocabulary import value_of

        value = value_of(context, typed, values)
        if value is None:
            raise NotAChoice(context, typed, values)
        return enum(value)

    return parse


def document(typed: str) -> str:
    """A document type as typed: its Chinese name is its value (理赔申请书: claim_form); anything else goes on as typed, to
    be found in the catalogue or not (exit 3, as for an unknown document type)."""
    from claims.materials import DOCUMENT_TYPES
    from claims.vocabulary import value_of

    return value_of("document", typed, DOCUMENT_TYPES) or typed


def vocabulary_of(param) -> str | None:
    """The vocabulary (claims.vocabulary context) a click parameter's choices come from, if any."""
    if getattr(param, "metavar", None) == "DOC_TYPE":
        return None  # its help names the document types itself
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    args = getattr(annotation, "__args__", None)
    return VOCABULARY.get(args[0] if args else annotation)
