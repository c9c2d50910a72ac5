"""Working-day deadlines on the PRC statutory calendar: 人身保险业务基本服务规定 (CIRC Order 2010 No. 4) Art. 23 and Insurance
Law Art. 23 (decide within 5 working days), SPC Interpretation II Art. 15 (the days materials are outstanding do not count).

The dates below come from the State Council's notices, worked by hand, and were checked against chinese-calendar:
- 国务院办公厅关于2024年部分节假日安排的通知 (国办发明电〔2023〕7号, 2023-10-25), 七、国庆节：10月1日至7日放假调休，共7天。
  9月29日（星期日）、10月12日（星期六）上班。
- 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 2024-11-12), 二、春节：1月28日（农历除夕、周二）至
  2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
"""

from __future__ import annotations

import importlib.metadata
from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.working_days import CALENDAR, WorkingDayDue, covered_years, is_working_day, nth_working_day_after

D = date.fromisoformat


def due(start: str, n: int = 5, paused: set[str] = frozenset()) -> date:
    return nth_working_day_after(D(start), n, {D(day) for day in paused}).date


# 2024 notice, National Day -------------------------------------------------------------------------------------
def test_national_day_2024_an_application_on_friday_27_september():
    # Fri 09-27 applied (does not count). Sat 09-28 rest. Sun 09-29 made a working day: 1. Mon 09-30: 2.
    # Tue 10-01 .. Mon 10-07 holiday. Tue 10-08: 3. Wed 10-09: 4. Thu 10-10: 5.
    assert nth_working_day_after(D("2024-09-27"), 5) == WorkingDayDue(D("2024-10-10"), False, CALENDAR)


def test_national_day_2024_an_application_during_the_holiday():
    # Tue 10-01 applied during the holiday (does not count). 10-02 .. 10-07 holiday. Tue 10-08: 1. Wed 10-09: 2.
    # Thu 10-10: 3. Fri 10-11: 4. Sat 10-12 made a working day: 5.
    assert due("2024-10-01") == D("2024-10-12")


# 2025 notice, Spring Festival ----------------------------------------------------------------------------------
def test_spring_festival_2025_an_application_on_friday_24_january():
    # Fri 01-24 applied. Sat 01-25 rest. Sun 01-26 made a working day: 1. Mon 01-27: 2.
    # Tue 01-28 (除夕) .. Tue 02-04 holiday. Wed 02-05: 3. Thu 02-06: 4. Fri 02-07: 5.
    assert due("2025-01-24") == D("2025-02-07")


def test_spring_festival_2025_the_saturday_made_a_working_day_counts():
    # Mon 01-27 applied. Tue 01-28 .. Tue 02-04 holiday. Wed 02-05: 1. Thu 02-06: 2. Fri 02-07: 3.
    # Sat 02-08 made a working day: 4. Sun 02-09 rest. Mon 02-10: 5.
    assert due("2025-01-27") == D("2025-02-10")


# An ordinary week (no holiday in March 2025) -------------------------------------------------------------------
def test_an_ordinary_week_counts_monday_to_friday():
    # Mon 03-10 applied. Tue 03-11: 1. Wed: 2. Thu: 3. Fri 03-14: 4. Sat, Sun rest. Mon 03-17: 5.
    assert due("2025-03-10") == D("2025-03-17")
    assert due("2025-03-10", 1) == D("2025-03-11")


def test_an_application_on_a_saturday_counts_from_monday():
    # Sat 03-15 applied. Sun rest. Mon 03-17: 1. Tue 03-18: 2 (Ping An's 2-working-day commitment).
    assert due("2025-03-15", 2) == D("2025-03-18")


# SPC Interpretation II Art. 15: paused days do not count --------------------------------------------------------
def test_paused_working_days_do_not_count():
    # Mon 03-10 applied. Tue 03-11: 1. Wed 03-12 and Thu 03-13 paused. Fri 03-14: 2. Mon 03-17: 3. Tue: 4. Wed 03-19: 5.
    assert due("2025-03-10", paused={"2025-03-12", "2025-03-13"}) == D("2025-03-19")


def test_paused_days_that_are_not_working_days_change_nothing():
    assert due("2025-03-10", paused={"2025-03-15", "2025-03-16", "2025-03-01"}) == D("2025-03-17")


def test_a_pause_over_a_holiday_counts_once():
    # 2024-09-27 applied; paused 09-29 .. 10-09 (the made-up Sunday, the holiday, two working days after it).
    # Mon 09-30 is paused too, so: Thu 10-10: 1. Fri 10-11: 2. Sat 10-12 made a working day: 3. Mon 10-14: 4. Tue 10-15: 5.
    paused = {(D("2024-09-29") + timedelta(days=i)).isoformat() for i in range(11)}
    assert due("2024-09-27", paused=paused) == D("2024-10-15")


# Beyond the published years: Monday to Friday, and say so -------------------------------------------------------
def test_beyond_the_published_years_monday_to_friday_are_counted_and_the_result_is_estimated():
    # Fri 2031-09-26 applied. Mon 09-29: 1. Tue 09-30: 2. Wed 10-01: 3 (National Day, but 2031 is not published yet).
    # Thu 10-02: 4. Fri 10-03: 5.
    assert nth_working_day_after(D("2031-09-26"), 5) == WorkingDayDue(D("2031-10-03"), True, CALENDAR)


def test_a_deadline_running_into_an_unpublished_year_is_estimated():
    # Mon 2026-12-28 applied. Tue 12-29: 1. Wed 12-30: 2. Thu 12-31: 3 (all published, 2026 notice).
    assert nth_working_day_after(D("2026-12-28"), 3) == WorkingDayDue(D("2026-12-31"), False, CALENDAR)
    # Applied on the last day the installed calendar publishes: the next working day lies in a year it does not know, so
    # it is the next Monday to Friday (for 2026's calendar: Fri 2027-01-01, though it will be New Year's Day), estimated.
    last = date(covered_years()[1], 12, 31)
    following = next(last + timedelta(days=n) for n in range(1, 4) if (last + timedelta(days=n)).weekday() < 5)
    assert nth_working_day_after(last, 1) == WorkingDayDue(following, True, CALENDAR)


def test_a_deadline_starting_before_the_first_published_year_is_estimated():
    # Mon 2003-12-29 applied. Tue 12-30: 1. Wed 12-31: 2 (2003 is not published). Thu 2004-01-01 New Year's Day.
    # Fri 2004-01-02: 3.
    assert nth_working_day_after(D("2003-12-29"), 3) == WorkingDayDue(D("2004-01-02"), True, CALENDAR)
    # Wed 2003-12-31 applied: nothing of 2003 is judged. 2004-01-01 holiday. Fri 01-02: 1.
    assert nth_working_day_after(D("2003-12-31"), 1) == WorkingDayDue(D("2004-01-02"), False, CALENDAR)


@pytest.mark.parametrize(
    ("day", "answer"),
    [
        ("2024-09-29", (True, True)),  # Sunday made a working day (2024 notice)
        ("2024-10-01", (False, True)),  # National Day
        ("2024-10-12", (True, True)),  # Saturday made a working day (2024 notice)
        ("2025-01-28", (False, True)),  # 除夕 (2025 notice)
        ("2025-03-15", (False, True)),  # an ordinary Saturday
        ("2031-10-01", (True, False)),  # a Wednesday of an unpublished year
        ("2031-10-04", (False, False)),  # a Saturday of an unpublished year
    ],
)
def test_is_working_day_says_whether_the_calendar_knows(day, answer):
    assert is_working_day(D(day)) == answer


def test_the_calendar_is_named_by_its_installed_version():
    assert CALENDAR == f"chinese-calendar {importlib.metadata.version('chinese-calendar')}"


def test_covered_years_are_those_the_library_accepts():
    first, last = covered_years()
    assert first == 2004 and last >= 2026
    chinese_calendar.is_workday(date(first, 1, 1)), chinese_calendar.is_workday(date(last, 12, 31))  # no refusal
    for outside in (date(first - 1, 12, 31), date(last + 1, 1, 1)):
        with pytest.raises(NotImplementedError):
            chinese_calendar.is_workday(outside)


@pytest.mark.parametrize("n", [0, -1])
def test_a_deadline_counts_at_least_one_working_day(n):
    with pytest.raises(ValueError):
        nth_working_day_after(D("2025-03-10"), n)


# Properties ------------------------------------------------------------------------------------------------------
STARTS = st.dates(date(2002, 1, 1), date(2033, 12, 31))
PAUSES = st.sets(st.integers(-5, 80), max_size=30)


def counted_between(start: date, end: date, paused: set[date]) -> int:
    """Working days in (start, end] that are not paused."""
    days = (start + timedelta(days=i) for i in range(1, (end - start).days + 1))
    return sum(is_working_day(day)[0] for day in days if day not in paused)


@given(STARTS, st.integers(1, 40), PAUSES)
def test_the_due_day_is_a_working_day_after_the_start_with_exactly_n_counted(start, n, offsets):
    paused = {start + timedelta(days=i) for i in offsets}
    result = nth_working_day_after(start, n, paused)
    assert result.date > start
    assert is_working_day(result.date)[0] and result.date not in paused
    assert counted_between(start, result.date, paused) == n
    assert counted_between(start, result.date - timedelta(days=1), paused) == n - 1
    judged = (start + timedelta(days=i) for i in range(1, (result.date - start).days + 1))
    assert result.estimated == any(not is_working_day(day)[1] for day in judged if day not in paused)
    assert result.calendar == CALENDAR


@given(st.dates(date(2004, 1, 1), date(2026, 11, 30)), st.integers(1, 15))
def test_without_a_pause_it_agrees_with_the_library_s_own_find_workday(start, n):
    # find_workday(0, D) is D itself when D is a working day, else the next one: so it counts D when D is working.
    expected = chinese_calendar.find_workday(n if chinese_calendar.is_workday(start) else n - 1, start)
    assert nth_working_day_after(start, n).date == expected
