"""Values the business writes down: amounts (cli.md, Amounts), dates, GB 11643 resident IDs, masking (deck slide 19)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.errors import BadInput
from claims.values import add_days, add_years, age_on, mask, money, parse_amount, parse_date, resident_id_problem, with_check_digit


# cli.md, Amounts: "a positive decimal with at most two places; whole numbers are fine (60000).
# Anything else (negative, zero, three places, not a number) is bad input (2)."
@pytest.mark.parametrize(
    "text, expected",
    [
        ("60000", Decimal("60000.00")),
        ("0.01", Decimal("0.01")),
        ("1.5", Decimal("1.50")),
        ("12345.67", Decimal("12345.67")),
        (" 100 ", Decimal("100.00")),
    ],
)
def test_amounts_cli_md_accepts_positive_decimals_with_at_most_two_places(text, expected):
    value = parse_amount(text)
    assert value == expected
    assert money(value) == str(expected)


@pytest.mark.parametrize("text", ["0", "0.00", "-5", "-0.01", "1.234", "10.001", "abc", "", "1e3", "1,000", "NaN", "Infinity", "+5", "5."])
def test_amounts_cli_md_refuses_zero_negative_three_places_and_non_numbers(text):
    with pytest.raises(BadInput) as refused:
        parse_amount(text, "--amount")
    assert refused.value.exit_code == 2
    assert "--amount" in refused.value.message


def test_money_cli_md_is_a_decimal_string_with_two_places():
    assert money(Decimal("60000")) == "60000.00"
    assert money(Decimal("0.5")) == "0.50"
    assert money(None) is None


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "01/05/2026", "yesterday", ""])
def test_dates_cli_md_must_be_iso_dates(text):
    with pytest.raises(BadInput) as refused:
        parse_date(text, "--event-date")
    assert refused.value.exit_code == 2 and "--event-date" in refused.value.message


def test_dates_iso_date_parses():
    assert parse_date("2024-02-29") == date(2024, 2, 29)


# GB 11643-1999: the 18th character is a check digit over the first 17 (weights 2^(17-i) mod 11).
@pytest.mark.parametrize(
    "number",
    [
        "11010519800501003X",
        "11010519820709004X",
        "630102197502110013",
        "310101201209010011",
        "310101198503030027",
        "44030419701010001X",
        "11010519800501003x",
    ],
)
def test_gb11643_valid_resident_ids_of_the_example_policies(number):
    assert resident_id_problem(number) is None


def test_gb11643_known_published_example():
    # The standard's own worked example: 11010519491231002X.
    assert resident_id_problem("11010519491231002X") is None
    assert with_check_digit("11010519491231002") == "11010519491231002X"


@pytest.mark.parametrize("last", [c for c in "0123456789XA" if c != "3"])
def test_gb11643_every_wrong_check_digit_is_refused(last):
    assert with_check_digit("63010219750211001") == "630102197502110013"
    problem = resident_id_problem("63010219750211001" + last)
    assert problem and "check digit" in problem and "GB 11643" in problem


@pytest.mark.parametrize("number", ["63010219750211001", "6301021975021100133", "A30102197502110013", ""])
def test_gb11643_an_id_has_17_digits_and_a_check_character(number):
    problem = resident_id_problem(number)
    assert problem and "18 characters" in problem


def test_gb11643_birth_date_inside_the_number_must_exist():
    number = with_check_digit("11010519800230003")  # 30 February
    problem = resident_id_problem(number)
    assert problem and "birth date" in problem


def test_gb11643_with_check_digit_makes_valid_ids():
    for first17 in ("11010519800501003", "44030419701010001", "32010620000101123"):
        assert resident_id_problem(with_check_digit(first17)) is None


# Calendar arithmetic used by the year-based rules (Art. 26 limitation, Arts. 16/44 two-year bars).
def test_add_years_29_february_falls_back_to_28_february():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 2) == date(2026, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_add_years_ordinary_day_keeps_the_calendar_day():
    assert add_years(date(2023, 3, 1), 2) == date(2025, 3, 1)
    assert add_years(date(2021, 12, 31), 5) == date(2026, 12, 31)


def test_add_days_crosses_months_and_years():
    assert add_days(date(2026, 4, 25), 10) == date(2026, 5, 5)
    assert add_days(date(2026, 12, 25), 10) == date(2027, 1, 4)


def test_civil_code_age_turns_on_the_birthday():
    born = date(2008, 5, 1)
    assert age_on(born, date(2026, 4, 30)) == 17
    assert age_on(born, date(2026, 5, 1)) == 18


def test_deck_slide_19_masking_shows_at_most_the_last_four_and_a_quarter():
    assert mask("630102197502110013") == "**************0013"  # resident ID: the birth date and region are hidden
    assert mask("6222021234567890") == "************7890"  # bank account
    assert mask("E12345678") == "*******78"  # passport: 2 of 9, not E12**5678's 7 of 9
    assert mask("13912345678") == "*********78"  # phone
    assert mask("1234567") == "******7" and mask("123") == "***"
    assert mask(None) is None and mask("") == ""


@given(st.text(min_size=1, max_size=40))
def test_a_mask_never_shows_more_than_a_quarter_nor_more_than_four(value):
    shown, kept = mask(value), min(4, len(value) // 4)
    assert len(shown) == len(value)
    assert shown == "*" * (len(value) - kept) + value[len(value) - kept:]
