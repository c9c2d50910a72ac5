"""Exit 2 (cli.md, Exit codes): bad usage or unparseable input — option, date, amount, file format.

Every case asserts the exit code, the words of the message, the JSON error on stderr with nothing on
stdout, and that nothing was written.
"""

from __future__ import annotations

import pytest


def bad_input(result, *words: str) -> dict:
    error = result.error
    assert error["code"] == "bad_input"
    for word in words:
        assert word in error["message"], f"{word!r} not in {error['message']!r}"
    return error


# cli.md, Amounts: "negative, zero, three places, not a number" -------------------------------------------------
BAD_AMOUNTS = ["abc", "0", "0.00", "-5", "1.234", "1,000", "1e4", ""]


def test_amounts_bad_amount_on_pay_is_exit_2(claims, walk):
    claim = walk.critical_illness("notified")
    for amount in BAD_AMOUNTS:
        result = claims.fails(2, "pay", claim, f"--amount={amount}", as_="wang")
        bad_input(result, "--amount", f"got {amount!r}")


def test_amounts_bad_amount_on_decide_is_exit_2(claims, walk):
    claim = walk.critical_illness("investigating")
    for amount in BAD_AMOUNTS:
        result = claims.fails(2, "decide", claim, "approve", f"--amount={amount}", "--reason", "r", as_="zhao")
        bad_input(result, "--amount", f"got {amount!r}")


@pytest.mark.parametrize("limit", ["abc", "0", "-100", "5.555"])
def test_amounts_bad_authority_limit_is_exit_2(claims, limit):
    bad_input(claims.fails(2, "user", "add", "zhou", "--role", "handler", f"--limit={limit}", as_="admin"), "--limit")


def test_amounts_negative_amount_as_a_separate_word_is_exit_2(claims, walk):
    claim = walk.critical_illness("notified")
    claims.fails(2, "pay", claim, "--amount", "-5", as_="wang")


# dates -------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("date", ["2026-02-30", "2026-13-01", "25/04/2026", "yesterday"])
def test_dates_bad_event_date_is_exit_2(claims, date):
    result = claims.fails(2, "report", "P-2022-0002", "--type", "critical_illness", "--event-date", date, as_="li")
    bad_input(result, "--event-date", "ISO date")


def test_dates_bad_id_expiry_is_exit_2(claims, walk):
    claim = walk.critical_illness("reported")
    result = claims.fails(
        2,
        "apply",
        claim,
        "--applicant",
        "陈某",
        "--id-type",
        "resident_id",
        "--id-number",
        "630102197502110013",
        "--id-expires",
        "2030-02-29",
        as_="li",
    )
    bad_input(result, "--id-expires")


def test_dates_unparseable_claims_now_is_exit_2(claims):
    result = claims.fails(
        2, "report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25", as_="li", now="next tuesday"
    )
    bad_input(result, "CLAIMS_NOW")


# options, choices, missing required options ---------------------------------------------------------------------
def test_usage_unknown_option_is_exit_2(claims, walk):
    claim = walk.critical_illness("reported")
    bad_input(claims.fails(2, "status", claim, "--verbose", as_="li"), "No such option", "--verbose")


def test_usage_unknown_command_is_exit_2(claims):
    bad_input(claims.fails(2, "approve", "CLM-000001", as_="zhao"), "approve")


@pytest.mark.parametrize(
    "args, option",
    [
        (["report", "P-2022-0002", "--type", "life", "--event-date", "2026-04-25"], "--type"),
        (["report", "P-2022-0002", "--type", "medical", "--event-date", "2026-04-25", "--cause", "bad_luck"], "--cause"),
        (["report", "P-2022-0002", "--type", "medical", "--event-date", "2026-04-25", "--channel", "fax"], "--channel"),
        (["list", "--state", "open"], "--state"),
        (["list", "--type", "pension"], "--type"),
        (["diagram", "--format", "png"], "--format"),
    ],
)
def test_usage_unknown_choice_is_exit_2(claims, args, option):
    bad_input(claims.fails(2, *args, as_="li" if args[0] != "diagram" else "qian"), option)


def test_usage_unknown_role_is_exit_2(claims):
    bad_input(claims.fails(2, "user", "add", "zhou", "--role", "boss", as_="admin"), "--role")


def test_usage_unknown_outcome_and_ground_are_exit_2(claims, walk):
    claim = walk.critical_illness("investigating")
    bad_input(claims.fails(2, "decide", claim, "accept", "--amount", "100", "--reason", "r", as_="zhao"), "accept")
    bad_input(claims.fails(2, "decide", claim, "decline", "--ground", "bad_luck", "--reason", "r", as_="zhao"), "--ground")


def test_usage_unknown_id_type_and_relation_are_exit_2(claims, walk):
    claim = walk.critical_illness("reported")
    base = ["apply", claim, "--applicant", "陈某", "--id-number", "630102197502110013"]
    bad_input(claims.fails(2, *base, "--id-type", "driving_licence", as_="li"), "--id-type")
    bad_input(claims.fails(2, *base, "--id-type", "resident_id", "--relation", "friend", as_="li"), "--relation")


@pytest.mark.parametrize(
    "args, option",
    [
        (["report", "P-2022-0002", "--event-date", "2026-04-25"], "--type"),
        (["report", "P-2022-0002", "--type", "medical"], "--event-date"),
        (["user", "add", "zhou"], "--role"),
    ],
)
def test_usage_missing_required_option_is_exit_2(claims, args, option):
    bad_input(claims.fails(2, *args, as_="admin" if args[0] == "user" else "li"), "Missing option", option)


def test_usage_missing_required_options_of_flow_commands_are_exit_2(claims, walk):
    claim = walk.critical_illness("investigating")
    bad_input(claims.fails(2, "decide", claim, "approve", "--amount", "100", as_="zhao"), "Missing option", "--reason")
    bad_input(claims.fails(2, "pay", claim, as_="wang"), "Missing option", "--amount")
    bad_input(claims.fails(2, "withdraw", claim, as_="li"), "Missing option", "--reason")
    bad_input(claims.fails(2, "consult", claim, as_="li"), "Missing option", "--note")
    bad_input(claims.fails(2, "apply", claim, "--applicant", "陈某", "--id-type", "resident_id", as_="li"), "Missing option", "--id-number")


def test_usage_missing_argument_is_exit_2(claims):
    bad_input(claims.fails(2, "status", as_="li"), "Missing argument")


def test_usage_empty_reason_is_exit_2(claims, walk):
    claim = walk.critical_illness("applied")
    bad_input(claims.fails(2, "withdraw", claim, "--reason", "   ", as_="li"), "--reason", "empty")


def test_usage_unreadable_material_file_is_exit_2(claims, walk, tmp_path):
    claim = walk.critical_illness("applied")
    bad_input(claims.fails(2, "attach", claim, "claim_form", "--file", str(tmp_path / "missing.pdf"), as_="li"), "--file")


def test_usage_global_option_without_value_is_exit_2(claims):
    result = claims("status", "CLM-000001", "--as")
    assert result.code == 2 and result.out == ""
    bad_input(result, "--as")


# cli.md, Policy file: "Bad files are refused whole, naming the record and field" ---------------------------------
def test_policy_file_bad_record_is_exit_2_naming_record_and_field_and_nothing_is_imported(claims, example_records):
    records = example_records
    for record in records:
        record["policy"] = record["policy"].replace("P-", "Q-")
    records[2]["coverages"][0]["sum_insured"] = "-30000"
    path = claims.write_json("bad.json", records)
    error = bad_input(claims.fails(2, "policy", "import", path, as_="admin"), "record 3", "Q-2024-0003", "coverages[0].sum_insured")
    assert error["rule"] is None
    claims.fails(3, "policy", "show", "Q-2023-0001", as_="admin")  # the good records before it were not imported either


def test_policy_file_bad_check_digit_is_exit_2_naming_record_and_field(claims, example_records):
    records = example_records
    records[4]["insured"]["id_number"] = "440304197010100010"
    path = claims.write_json("bad.json", records)
    bad_input(claims.fails(2, "policy", "import", path, as_="admin"), "record 5", "P-2021-0005", "insured.id_number", "GB 11643")


def test_policy_file_not_json_is_exit_2(claims):
    path = claims.workdir / "bad.json"
    path.write_text("[{", encoding="utf-8")
    bad_input(claims.fails(2, "policy", "import", str(path), as_="admin"), "not valid JSON")


def test_policy_file_missing_file_is_exit_2(claims):
    bad_input(claims.fails(2, "policy", "import", str(claims.workdir / "none.json"), as_="admin"), "does not exist")


def test_settings_file_with_an_unknown_setting_is_exit_2(claims):
    path = claims.workdir / "settings.toml"
    path.write_text("reporting_window_dayz = 5\n", encoding="utf-8")
    bad_input(claims.fails(2, "settings", "load", str(path), as_="admin"), "reporting_window_dayz")


def test_human_output_of_a_usage_error_is_one_error_line_and_no_traceback(claims):
    result = claims("report", "P-2022-0002", "--type", "life", "--event-date", "2026-04-25", as_="li", json_out=False)
    assert result.code == 2 and result.out == ""
    assert "Error: " in result.err and "Traceback" not in result.err
