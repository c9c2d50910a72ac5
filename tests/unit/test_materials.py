"""The materials catalogue (理赔材料), domain.md "Materials by claim type" and the conditional materials."""

from __future__ import annotations

import pytest

from claims.materials import DOCUMENT_TYPES, missing_materials, required_materials

ALWAYS = ["claim_form", "applicant_id", "bank_account"]

# cli.md, Document types: the fixed vocabulary
CLI_DOCUMENT_TYPES = [
    "claim_form",
    "applicant_id",
    "bank_account",
    "death_certificate",
    "household_deregistration",
    "accident_proof",
    "inheritance_proof",
    "diagnosis_certificate",
    "pathology_report",
    "medical_records",
    "admission_discharge_records",
    "original_invoices",
    "itemized_bill",
    "disability_assessment",
    "guardianship_proof",
    "power_of_attorney",
    "representative_id",
    "beneficiary_death_certificate",
    "waiver_statement",
    "court_judgment",
    "relationship_change_proof",
    "incapacity_proof",
]


def applicant(relation: str, for_relation: str | None = None) -> dict:
    return {
        "name": "x",
        "relation": relation,
        "id_type": "resident_id",
        "id_number": "x",
        "for": "y",
        "for_relation": for_relation or relation,
    }


def test_cli_md_document_types_are_exactly_the_catalogue():
    assert sorted(DOCUMENT_TYPES) == sorted(CLI_DOCUMENT_TYPES)


@pytest.mark.parametrize(
    "claim_type, also",
    [
        ("death", ["death_certificate", "household_deregistration"]),
        ("critical_illness", ["diagnosis_certificate", "pathology_report", "medical_records"]),
        ("medical", ["admission_discharge_records", "diagnosis_certificate", "original_invoices", "itemized_bill"]),
        ("disability", ["disability_assessment", "medical_records"]),
    ],
)
def test_domain_materials_always_form_id_account_plus_by_claim_type(claim_type, also):
    relation = "beneficiary" if claim_type == "death" else "insured"
    assert set(required_materials(claim_type, None, applicant(relation))) == set(ALWAYS + also)


def test_domain_materials_listed_in_catalogue_order():
    needed = required_materials("medical", None, applicant("insured"))
    assert needed == sorted(needed, key=list(DOCUMENT_TYPES).index)
    assert needed[:3] == ALWAYS


def test_domain_materials_accidental_death_also_needs_accident_proof():
    assert "accident_proof" in required_materials("death", "accident", applicant("beneficiary"))
    assert "accident_proof" not in required_materials("death", "illness", applicant("beneficiary"))
    assert "accident_proof" not in required_materials("death", None, applicant("beneficiary"))


def test_domain_materials_accident_claim_on_death_needs_a_death_certificate():
    needed = required_materials("accident", "accident", applicant("beneficiary"))
    assert {"accident_proof", "death_certificate"} <= set(needed)
    assert "disability_assessment" not in needed


def test_domain_materials_accident_claim_by_the_insured_needs_a_disability_assessment():
    needed = required_materials("accident", "accident", applicant("insured"))
    assert {"accident_proof", "disability_assessment"} <= set(needed)
    assert "death_certificate" not in needed


def test_domain_materials_accident_claim_before_the_application_needs_the_accident_proof():
    assert set(required_materials("accident", None, None)) == set(ALWAYS + ["accident_proof"])


def test_art42_heirs_add_proof_of_inheritance():
    assert "inheritance_proof" in required_materials("death", None, applicant("heir"))
    assert "inheritance_proof" not in required_materials("death", None, applicant("beneficiary"))


def test_representative_of_an_heir_adds_proof_of_inheritance():
    needed = required_materials("death", None, applicant("representative", "heir"))
    assert {"inheritance_proof", "power_of_attorney", "representative_id"} <= set(needed)


def test_deck_slide11_a_guardian_adds_proof_of_guardianship():
    needed = required_materials("medical", None, applicant("guardian", "insured"))
    assert "guardianship_proof" in needed
    assert "guardianship_proof" not in required_materials("medical", None, applicant("insured"))


def test_product_practice_a_representative_adds_power_of_attorney_and_their_id():
    needed = required_materials("critical_illness", None, applicant("representative", "insured"))
    assert {"power_of_attorney", "representative_id"} <= set(needed)
    plain = required_materials("critical_illness", None, applicant("insured"))
    assert not {"power_of_attorney", "representative_id"} & set(plain)


def test_art22_missing_is_the_required_not_yet_received_in_order():
    needed = required_materials("critical_illness", None, applicant("insured"))
    received = {"claim_form": [None], "pathology_report": ["abc"], "itemized_bill": [None]}
    assert missing_materials(needed, received) == ["applicant_id", "bank_account", "diagnosis_certificate", "medical_records"]
    assert missing_materials(needed, {d: [None] for d in needed}) == []
