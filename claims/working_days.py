"""Deadlines counted in working days on the PRC statutory calendar (人身保险业务基本服务规定, CIRC Order 2010 No. 4,
Art. 23; Insurance Law Art. 23; SPC Interpretation II Art. 15).

"Within N working days of D" means due on the Nth working day after D: D itself never counts, whatever it is.
Working days are those of the State Council's yearly notice (国务院办公厅关于××年部分节假日安排的通知) as the maintained
library chinese-calendar publishes them: a public holiday is not a working day, and a weekend day made a working day
(调休) is one. For a year the library does not cover — before its first or after its last published year — Monday to
Friday are counted, and the result says it is an estimate. Days on which the clock is paused (from the missing-materials
notice to the last supplement, SPC Interpretation II Art. 15) do not count; the caller says which days those are.

Each result names the calendar it was judged by, so a replay can record it and a later reader can tell a deadline
judged by an older calendar (or estimated before a year was published) from one judged by the current calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar  # about 4 ms to import: its data is one dict literal

# The library's own version string: importlib.metadata would cost ~35 ms more at every start of the CLI to read the
# same number (tests/unit/test_working_days.py checks that the two agree).
CALENDAR = f"chinese-calendar {chinese_calendar.__version__}"
FIRST_YEAR = min(chinese_calendar.holidays).year  # the years the library publishes, as it checks them itself
LAST_YEAR = max(chinese_calendar.holidays).year
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkingDayDue:
    """The day a working-day deadline falls due, and what it was judged by."""

    date: date
    estimated: bool  # some day was judged outside the calendar's years: Monday to Friday were counted there
    calendar: str  # e.g. "chinese-calendar 1.11.0"


def covered_years() -> tuple[int, int]:
    """The first and last year the calendar publishes (both included)."""
    return FIRST_YEAR, LAST_YEAR


def is_working_day(day: date) -> tuple[bool, bool]:
    """(Is `day` a working day?, does the calendar know?); outside its years Monday to Friday are working days."""
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return chinese_calendar.is_workday(day), True
    return day.weekday() < 5, False


def nth_working_day_after(start: date, n: int, paused: set[date] | frozenset[date] | None = None) -> WorkingDayDue:
    """The Nth working day after `start`, not counting `start` itself nor any day in `paused`.

    CIRC Order 2010 No. 4 Art. 23: a decision is due within N working days (N a product setting, 5 by default) of the
    application; SPC Interpretation II Art. 15: the days materials were outstanding do not count.
    """
    if n < 1:
        raise ValueError(f"a deadline counts at least one working day, got {n}")
    paused = paused or frozenset()
    day, counted, estimated = start, 0, False
    while counted < n:
        day += ONE_DAY
        if day in paused:
            continue
        working, known = is_working_day(day)
        counted += working
        estimated = estimated or not known
    return WorkingDayDue(day, estimated, CALENDAR)


# The calendar as a step records it ----------------------------------------------------------------------------------
RECORDED_DAYS = 400  # days after the application a record covers: the decision, its pauses, and a review after an appeal


def calendar_record(start: date, days: int = RECORDED_DAYS) -> dict:
    """The working days after `start` as a step records them: one character a day — "1" working, "0" not, and "w" or "r"
    (a working day or a rest day by Monday–Friday) where the calendar has not published the year yet.

    Recorded with the application, it lets every later reading of the deadline — status, the queue, replay years later —
    count on the very calendar the claim was judged by, whatever version of the library is installed then.
    """
    marks = []
    for offset in range(1, days + 1):
        working, known = is_working_day(start + timedelta(days=offset))
        marks.append(("1" if working else "0") if known else ("w" if working else "r"))
    return {"name": CALENDAR, "from": start.isoformat(), "days": "".join(marks)}


def due_on_record(record: dict, start: date, n: int, paused=frozenset()) -> WorkingDayDue:
    """`nth_working_day_after` counted on a recorded calendar; past its end, or for a start before it, on the installed one."""
    origin = date.fromisoformat(record["from"])
    marks = record["days"]
    day, counted, estimated = start, 0, False
    while counted < n:
        day += ONE_DAY
        if day in paused:
            continue
        offset = (day - origin).days - 1
        if 0 <= offset < len(marks):
            mark = marks[offset]
            working, known = mark in "1w", mark in "01"
        else:
            working, known = is_working_day(day)
        counted += working
        estimated = estimated or not known
    return WorkingDayDue(day, estimated, record["name"])
