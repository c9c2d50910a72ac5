"""The fixed vocabularies a person reads and types: claim types, states, documents, deadlines, relations, grounds …

Each value keeps its English name everywhere (JSON, the database, rule ids); a person reads it, and may type it, in
their language: `name("document", "claim_form")` is 理赔申请书 in Chinese, and `value_of("document", "理赔申请书", …)` is
`claim_form` whatever the language chosen. The Chinese names live in the `claims` catalogue, with the vocabulary as
the message context (claims/locale/zh/LC_MESSAGES/claims.po); this table is what Babel extracts them from.
"""

from __future__ import annotations

from claims.i18n import NP_

VOCABULARIES: dict[str, tuple[str, ...]] = {}


def _vocabulary(*entries: tuple[str, str]) -> None:
    for context, value in entries:
        VOCABULARIES[context] = (*VOCABULARIES.get(context, ()), value)


_vocabulary(
    NP_("claim type", "death"),
    NP_("claim type", "critical_illness"),
    NP_("claim type", "medical"),
    NP_("claim type", "disability"),
    NP_("claim type", "accident"),
    NP_("claim type", "survival_benefit"),
)
_vocabulary(
    NP_("state", "new"),
    NP_("state", "reported"),
    NP_("state", "applied"),
    NP_("state", "investigating"),
    NP_("state", "approved"),
    NP_("state", "declined"),
    NP_("state", "paid"),
    NP_("state", "appealed"),
    NP_("state", "closed"),
    NP_("state", "withdrawn"),
)
_vocabulary(
    NP_("event", "report"),
    NP_("event", "apply"),
    NP_("event", "notice"),
    NP_("event", "attach"),
    NP_("event", "request"),
    NP_("event", "investigate"),
    NP_("event", "decide"),
    NP_("event", "notify"),
    NP_("event", "pay"),
    NP_("event", "appeal"),
    NP_("event", "close"),
    NP_("event", "withdraw"),
    NP_("event", "consult"),
    NP_("event", "exclude"),
    NP_("event", "mark-complex"),
    NP_("event", "assign"),
    NP_("event", "init"),
    NP_("event", "user_add"),
    NP_("event", "user_role"),
    NP_("event", "policy_import"),
    NP_("event", "settings"),
    NP_("event", "schema_upgrade"),
)
_vocabulary(
    NP_("document", "claim_form"),
    NP_("document", "applicant_id"),
    NP_("document", "bank_account"),
    NP_("document", "death_certificate"),
    NP_("document", "household_deregistration"),
    NP_("document", "accident_proof"),
    NP_("document", "inheritance_proof"),
    NP_("document", "diagnosis_certificate"),
    NP_("document", "pathology_report"),
    NP_("document", "medical_records"),
    NP_("document", "admission_discharge_records"),
    NP_("document", "original_invoices"),
    NP_("document", "itemized_bill"),
    NP_("document", "disability_assessment"),
    NP_("document", "guardianship_proof"),
    NP_("document", "power_of_attorney"),
    NP_("document", "representative_id"),
    NP_("document", "beneficiary_death_certificate"),
    NP_("document", "waiver_statement"),
    NP_("document", "court_judgment"),
    NP_("document", "relationship_change_proof"),
    NP_("document", "incapacity_proof"),
)
_vocabulary(
    NP_("deadline", "report"),
    NP_("deadline", "limitation"),
    NP_("deadline", "decision"),
    NP_("deadline", "refusal_notice"),
    NP_("deadline", "payment"),
    NP_("deadline", "advance_payment"),
    NP_("deadline", "appeal"),
)
_vocabulary(
    NP_("relation", "insured"),
    NP_("relation", "beneficiary"),
    NP_("relation", "guardian"),
    NP_("relation", "heir"),
    NP_("relation", "representative"),
)
_vocabulary(
    NP_("outcome", "approve"),
    NP_("outcome", "partial"),
    NP_("outcome", "decline"),
)
_vocabulary(
    NP_("ground", "not_covered"),
    NP_("ground", "exclusion"),
    NP_("ground", "nondisclosure"),
    NP_("ground", "suicide"),
    NP_("ground", "fraud"),
    NP_("ground", "limitation_expired"),
    NP_("ground", "holder_intentional"),
    NP_("ground", "criminal_act"),
    NP_("ground", "other"),
)
_vocabulary(
    NP_("because", "predeceased"),
    NP_("because", "same_event"),
    NP_("because", "waived"),
    NP_("because", "forfeited"),
    NP_("because", "relation_ended"),
)
_vocabulary(
    NP_("cause", "accident"),
    NP_("cause", "illness"),
    NP_("cause", "suicide"),
    NP_("cause", "other"),
)
_vocabulary(
    NP_("channel", "phone"),
    NP_("channel", "counter"),
    NP_("channel", "online"),
    NP_("channel", "agent"),
)
_vocabulary(
    NP_("id type", "resident_id"),
    NP_("id type", "passport"),
    NP_("id type", "household_register"),
    NP_("id type", "other_photo_id"),
)
_vocabulary(
    NP_("role", "agent"),
    NP_("role", "handler"),
    NP_("role", "senior"),
    NP_("role", "auditor"),
    NP_("role", "admin"),
)
_vocabulary(
    NP_("flag", "late_report"),
    NP_("flag", "repeat_request"),
    NP_("flag", "advance_paid"),
    NP_("flag", "overdue"),
)
_vocabulary(
    NP_("line", "life"),
    NP_("line", "health"),
    NP_("line", "accident"),
)
_vocabulary(
    NP_("policy status", "in_force"),
    NP_("policy status", "lapsed"),
    NP_("policy status", "terminated"),
)
_vocabulary(
    NP_("beneficiary kind", "death"),
    NP_("beneficiary kind", "survival"),
)


def value_of(context: str, typed: str, values) -> str | None:
    """The value a person meant: its English name, or its Chinese name from the catalogue (whatever the language chosen,
    so that a Chinese name typed in an English session is understood too); None when it is neither."""
    if typed in values:
        return typed
    return _chinese(context).get(typed.strip())


def _chinese(context: str) -> dict[str, str]:
    """Chinese name → value, for one vocabulary (the zh catalogue, read once)."""
    if context not in _CHINESE:
        from claims.i18n import catalogue

        zh = catalogue("claims", "zh")
        _CHINESE[context] = {zh.pgettext(context, value): value for value in VOCABULARIES.get(context, ())}
    return _CHINESE[context]


_CHINESE: dict[str, dict[str, str]] = {}
