"""Parsing and formatting of the values the business writes down: money, dates, IDs."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from operator import mul

from claims.errors import BadInput
from claims.i18n import _

_AMOUNT = re.compile(r"[0-9]+(\.[0-9]{1,2})?")  # ASCII digits only: "١٠٠" and "１００" are not amounts here
CENT = Decimal("0.01")
MAX_DIGITS = 15  # whole-number digits of an amount: up to 999,999,999,999,999.99 (CNY)
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)  # the dates this tool reasons about (deadlines add years to them)


def parse_amount(text: str, field: str | None = None) -> Decimal:
    """A positive decimal with at most two places (docs/cli.md, Conventions)."""
    field = field or _("amount")
    text = str(text).strip()
    if not _AMOUNT.fullmatch(text):
        raise BadInput(_("{field} must be a positive amount in digits 0-9 with at most two decimal places, got {value}").format(
            field=field, value=_shown(text)))
    if len(text.split(".")[0].lstrip("0")) > MAX_DIGITS:
        raise BadInput(_("{field} is too large: at most {digits} digits before the decimal point (999,999,999,999,999.99)").format(
            field=field, digits=MAX_DIGITS))
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already rules this out
        raise BadInput(_("{field} is not a number: {value}").format(field=field, value=_shown(text))) from None
    if value <= 0:
        raise BadInput(_("{field} must be greater than zero, got {value}").format(field=field, value=_shown(text)))
    return value.quantize(CENT)


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "…")


def text_problem(text: str) -> str | None:
    """What makes a word unusable as text at all: a NUL, or a lone surrogate (bytes that were not UTF-8)."""
    if "\x00" in text:
        return _("a NUL character")
    for char in text:
        if 0xD800 <= ord(char) <= 0xDFFF:
            return _("bytes that are not UTF-8 text") if 0xDC80 <= ord(char) <= 0xDCFF else _("a lone surrogate")
    return None


def clean_text(text, field: str, *, lines: bool = False) -> str:
    """Text a person typed (a name, a reason, a note): not empty or blank, UTF-8, no control characters.

    A NUL or another control character would be stored, hashed and shown as if it were text; a lone surrogate
    (``\\ud800`` from a JSON file) cannot even be written as UTF-8. Line breaks and tabs are kept where `lines`.
    """
    if not isinstance(text, str):
        raise BadInput(_("{field} must be text, got {value!r}").format(field=field, value=text))
    if not text.strip():
        raise BadInput(_("{field} must not be empty").format(field=field))
    for char in text:
        code = ord(char)
        if (code < 32 and not (lines and char in "\n\t\r")) or code == 127 or 0xD800 <= code <= 0xDFFF:
            what = _("a NUL character") if code == 0 else (
                _("a lone surrogate") if code >= 0xD800 else _("the control character U+{code}").format(code=f"{code:04X}"))
            raise BadInput(_("{field} must not contain {what}").format(field=field, what=what))
    return text.strip()


def user_name(text, field: str | None = None) -> str:
    """A user's name: as the operating system or the database server spells the login (at most 63 bytes)."""
    field = field or _("the user name")
    name = clean_text(text, field)
    if name != text:
        raise BadInput(_("{field} must not begin or end with spaces, got {value!r}").format(field=field, value=text))
    if len(name.encode("utf-8")) > 63:
        raise BadInput(_("{field} is too long: at most 63 bytes (a login name), got {bytes}").format(
            field=field, bytes=len(name.encode("utf-8"))))
    return name


def money(value: Decimal | None) -> str | None:
    """Money as a decimal string with two places (CNY)."""
    return None if value is None else str(Decimal(value).quantize(CENT))


def parse_date(text: str, field: str | None = None) -> date:
    """An ISO date (YYYY-MM-DD) between 1900 and 2999."""
    field = field or _("date")
    try:
        value = date.fromisoformat(str(text))
    except ValueError:
        raise BadInput(_("{field} must be an ISO date (YYYY-MM-DD), got {value}").format(field=field, value=_shown(str(text)))) from None
    within_calendar(value, field)
    return value


def parse_timestamp(text: str, field: str | None = None, tz=None) -> datetime:
    """An ISO date or timestamp between 1900 and 2999; a naive value is read in the given zone."""
    field = field or _("timestamp")
    try:
        value = datetime.fromisoformat(str(text))
    except ValueError:
        raise BadInput(_("{field} must be an ISO date or timestamp, got {value}").format(field=field, value=_shown(str(text)))) from None
    within_calendar(value.date(), field)
    if value.tzinfo is None:
        if tz is None:
            raise BadInput(_("{field} needs a UTC offset, got {value}").format(field=field, value=_shown(str(text))))
        value = value.replace(tzinfo=tz)
    return value


def within_calendar(day: date, field: str) -> None:
    if not EARLIEST <= day <= LATEST:
        raise BadInput(_("{field} must lie between {earliest} and {latest}, got {day}").format(
            field=field, earliest=EARLIEST, latest=LATEST, day=day.isoformat()))


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# GB 11643-1999: weights 2^(17-i) mod 11, check characters for sums mod 11.
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"


def resident_id_problem(number: str) -> str | None:
    """Why an 18-character resident ID number is invalid (GB 11643), or None."""
    if len(number) != 18 or not number[:17].isdigit():
        return _("a resident ID number has 17 digits and a check character (18 characters)")
    if number[17].upper() != _check_character(number[:17]):
        return _("the resident ID number's check digit is wrong (GB 11643)")
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return _("the resident ID number does not hold a valid birth date (GB 11643)")
    return None


def with_check_digit(first17: str) -> str:
    """Complete 17 digits into a valid resident ID number (for tests and examples)."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"a resident ID number starts with 17 digits, not {first17!r}")
    return first17 + _check_character(first17)


def _check_character(first17: str) -> str:
    """The GB 11643 check character of 17 digits (map, not a generator: replay checks an ID at every apply)."""
    return _CHECK[sum(map(mul, map(int, first17), _WEIGHTS)) % 11]


def mask(value: str | None) -> str | None:
    """An identifier (ID, passport, phone, bank account) as a role that may not see it is shown: at most its last four
    characters and at most a quarter of them (18-character resident ID → 4, passport → 2, phone → 2), the rest as *.

    Shown that way, what remains cannot identify the person; e.g. a passport masked to ``E12**5678`` would show 7 of 9.
    """
    if not value:
        return value
    shown = min(4, len(value) // 4)
    return "*" * (len(value) - shown) + value[len(value) - shown:]
