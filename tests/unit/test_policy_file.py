"""Policy-file validation (cli.md, Policy file): bad files are refused whole, naming the record and the field."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from claims.errors import BadInput
from claims.policies import read_policy_file, validate_policy

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies.json"
RECORDS = json.loads(POLICIES.read_text(encoding="utf-8"))


def write(tmp_path, data) -> Path:
    path = tmp_path / "policies.json"
    path.write_text(json.dumps(data, ensure_ascii=False) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def refusal(tmp_path, data) -> str:
    with pytest.raises(BadInput) as refused:
        read_policy_file(write(tmp_path, data))
    assert refused.value.exit_code == 2
    return refused.value.message


def test_the_example_file_is_valid():
    policies = read_policy_file(POLICIES)
    assert [p["policy"] for p in policies] == [r["policy"] for r in RECORDS]
    first = policies[0]
    assert first["coverages"][0] == {"type": "death", "sum_insured": "100000.00"}
    assert first["beneficiaries"][0]["share"] == "100.00"


def broken(index: int, change) -> list:
    records = copy.deepcopy(RECORDS)
    change(records[index])
    return records


@pytest.mark.parametrize(
    "index, change, field",
    [
        (0, lambda r: r.update(line="pension"), "field line"),
        (1, lambda r: r.update(status="active"), "field status"),
        (2, lambda r: r.update(issued="2024-02-30"), "field issued"),
        (3, lambda r: r.update(reinstated="soon"), "field reinstated"),
        (0, lambda r: r.pop("product"), "field product"),
        (0, lambda r: r["holder"].pop("birth_date"), "field holder.birth_date"),
        (0, lambda r: r["insured"].update(id_type="driving_licence"), "field insured.id_type"),
        (0, lambda r: r["insured"].update(id_number="11010519820709004Y"), "field insured.id_number"),
        (0, lambda r: r["insured"].update(id_number="110105198207090"), "field insured.id_number"),
        (0, lambda r: r["beneficiaries"][0].update(kind="maturity"), "field beneficiaries[0].kind"),
        (0, lambda r: r["beneficiaries"][0].update(share="-1"), "beneficiaries[0].share"),
        (0, lambda r: r["beneficiaries"][0].update(since="yesterday"), "field beneficiaries[0].since"),
        (0, lambda r: r["coverages"][1].update(type="survival"), "field coverages[1].type"),
        (0, lambda r: r["coverages"][1].update(sum_insured="0"), "coverages[1].sum_insured"),
        (0, lambda r: r["coverages"][1].update(sum_insured="1.234"), "coverages[1].sum_insured"),
        (0, lambda r: r.update(coverages=[]), "field coverages"),
        (0, lambda r: r["coverages"].append({"type": "death", "sum_insured": "1.00"}), "field coverages"),
        (4, lambda r: r.update(holder="李强"), "field holder"),
    ],
)
def test_cli_md_bad_record_refused_naming_record_and_field(tmp_path, index, change, field):
    message = refusal(tmp_path, broken(index, change))
    assert f"record {index + 1}" in message and RECORDS[index]["policy"] in message, message
    assert field in message, message


def test_cli_md_a_record_without_a_policy_number_is_named_by_position(tmp_path):
    message = refusal(tmp_path, broken(2, lambda r: r.pop("policy")))
    assert "record 3" in message and "field policy" in message


def test_cli_md_the_same_policy_twice_is_refused(tmp_path):
    message = refusal(tmp_path, RECORDS + [RECORDS[1]])
    assert f"record {len(RECORDS) + 1}" in message and "P-2022-0002" in message and "twice" in message


def test_cli_md_a_record_must_be_an_object(tmp_path):
    assert "record 2" in refusal(tmp_path, [RECORDS[0], "P-2022-0002"])


@pytest.mark.parametrize("text, words", [("{not json", "not valid JSON"), ('{"policy": "P-1"}', "list"), ("", "not valid JSON")])
def test_cli_md_the_file_format_is_a_json_list(tmp_path, text, words):
    assert words in refusal(tmp_path, text)


def test_cli_md_a_missing_file_is_bad_input(tmp_path):
    with pytest.raises(BadInput) as refused:
        read_policy_file(tmp_path / "nope.json")
    assert "does not exist" in refused.value.message


def test_cli_md_a_resident_id_needs_no_id_type_to_be_checked():
    record = copy.deepcopy(RECORDS[0])
    record["insured"].pop("id_type")
    record["insured"]["id_number"] = "11010519820709004Y"
    with pytest.raises(BadInput) as refused:
        validate_policy(record, "policy file record 1")
    assert "insured.id_number" in refused.value.message and "check digit" in refused.value.message


def test_cli_md_passport_numbers_are_not_gb11643_checked():
    record = copy.deepcopy(RECORDS[0])
    record["insured"].update(id_type="passport", id_number="E12345678")
    assert validate_policy(record, "policy file record 1")["insured"]["id_number"] == "E12345678"


def test_cli_md_beneficiary_since_and_birth_date_are_kept():
    record = copy.deepcopy(RECORDS[0])
    record["beneficiaries"][0]["since"] = "2026-04-26"
    policy = validate_policy(record, "policy file record 1")
    assert policy["beneficiaries"][0]["since"] == "2026-04-26"
    assert policy["reinstated"] is None
