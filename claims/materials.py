"""The materials catalogue (理赔材料): which documents a claim needs (docs/rules.md, Materials)."""

from __future__ import annotations

from claims.i18n import N_

CLAIM_TYPES = ("death", "critical_illness", "medical", "disability", "accident", "survival_benefit")

# What each document is, for a person (the screens translate it: `_(DOCUMENT_TYPES[d])`); JSON keeps the English.
DOCUMENT_TYPES = {
    "claim_form": N_("claim application form (理赔申请书)"),
    "applicant_id": N_("applicant's ID"),
    "bank_account": N_("payee bank account"),
    "death_certificate": N_("death certificate (死亡证明)"),
    "household_deregistration": N_("household deregistration (户籍注销证明)"),
    "accident_proof": N_("accident proof (意外事故证明)"),
    "inheritance_proof": N_("proof of inheritance"),
    "diagnosis_certificate": N_("diagnosis certificate (诊断证明书)"),
    "pathology_report": N_("pathology or examination report (病理/检查报告)"),
    "medical_records": N_("medical records (病历)"),
    "admission_discharge_records": N_("admission and discharge records (出入院记录)"),
    "original_invoices": N_("original invoices (医疗费用原始发票)"),
    "itemized_bill": N_("itemised bill (费用清单)"),
    "disability_assessment": N_("disability assessment (伤残鉴定书, JR/T 0083-2013)"),
    "guardianship_proof": N_("proof of guardianship (户口本 or household-registration certificate)"),
    "power_of_attorney": N_("power of attorney"),
    "representative_id": N_("representative's ID"),
    "beneficiary_death_certificate": N_("a beneficiary's death certificate (受益人死亡证明)"),
    "waiver_statement": N_("a beneficiary's written waiver (放弃受益权声明)"),
    "court_judgment": N_("a court judgment (法院判决书)"),
    "relationship_change_proof": N_("proof that a relationship ended (e.g. 离婚证)"),
    "incapacity_proof": N_("proof that the insured lacked civil capacity (无民事行为能力证明)"),
}

ALWAYS = ("claim_form", "applicant_id", "bank_account")

BY_TYPE = {
    "death": ("death_certificate", "household_deregistration"),
    "critical_illness": ("diagnosis_certificate", "pathology_report", "medical_records"),
    "medical": ("admission_discharge_records", "diagnosis_certificate", "original_invoices", "itemized_bill"),
    "disability": ("disability_assessment", "medical_records"),
    "accident": ("accident_proof",),
    "survival_benefit": (),  # a survival or maturity benefit falls due on a date: the form, the applicant's ID and account
}

# Why a named beneficiary has no right, and the material that must prove it (Insurance Law Arts. 42, 43; SPC III Arts. 9, 15).
EXCLUSION_PROOF = {
    "predeceased": "beneficiary_death_certificate",  # died before the insured (Art. 42 ¶1)
    "same_event": "beneficiary_death_certificate",  # died in the same event, order unknown: presumed first (Art. 42 ¶2)
    "waived": "waiver_statement",  # gave up the benefit (Art. 42 ¶1)
    "forfeited": "court_judgment",  # caused the death or injury intentionally, or attempted to kill the insured (Art. 43 ¶2)
    "relation_ended": "relationship_change_proof",  # designated by name and relationship that had ended (SPC III Art. 9(3))
}

# Who the benefit goes to when the insured has died: the accident claim then needs a death
# certificate; when the insured applies (or is applied for), a disability assessment.
DEATH_RELATIONS = ("beneficiary", "heir")


def required_materials(claim_type: str, cause: str | None, applicant: dict | None) -> list[str]:
    """Every document the claim needs, in catalogue order, given what is known so far."""
    needed = list(ALWAYS) + list(BY_TYPE[claim_type])
    if claim_type == "death" and cause == "accident":
        needed.append("accident_proof")
    if applicant:
        needed += _for_applicant(claim_type, applicant)
    return _in_catalogue_order(needed)


def _for_applicant(claim_type: str, applicant: dict) -> list[str]:
    relation = applicant["relation"]
    extra = []
    if claim_type == "accident":
        extra.append("death_certificate" if benefit_on_death(applicant) else "disability_assessment")
    if relation == "heir" or applicant.get("for_relation") == "heir":
        extra.append("inheritance_proof")
    if relation == "guardian":
        extra.append("guardianship_proof")
    if relation == "representative":
        extra += ["power_of_attorney", "representative_id"]
    return extra


def benefit_on_death(applicant: dict) -> bool:
    """Whether the application is for a benefit payable on the insured's death."""
    return applicant["relation"] in DEATH_RELATIONS or applicant.get("for_relation") in DEATH_RELATIONS


def missing_materials(required: list[str], received: dict) -> list[str]:
    return [doc for doc in required if doc not in received]


def _in_catalogue_order(docs: list[str]) -> list[str]:
    order = list(DOCUMENT_TYPES)
    return sorted(set(docs), key=order.index)
