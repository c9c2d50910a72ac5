"""Deadlines of Insurance Law Arts. 21, 23, 24, 25, 26 and the house appeal window.

"Within N days of D" means due on D + N; a deadline is overdue from the day after.
The Art. 23 decision clock pauses while materials named in the Art. 22 notice are
outstanding (SPC Interpretation II Art. 15).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from claims.i18n import N_, _
from claims.records import Claim
from claims.settings import Settings
from claims.values import add_days, add_years
from claims.working_days import due_on_record

# The sources stay English in JSON (a deadline's `rule`); marked for the catalogue, the screens show them translated (`_(rule)`).
WORKING_DAYS_SOURCE = N_("CIRC Order 2010 No. 4 Art. 23; SPC Interpretation II Art. 15")
SOURCES = {
    "report": N_("Insurance Law Art. 21; product clause"),
    "limitation": N_("Insurance Law Art. 26"),
    "decision": N_("Insurance Law Art. 23; SPC Interpretation II Art. 15"),  # 30 days: a complex case, or settings before working days
    "refusal_notice": N_("Insurance Law Art. 24"),
    "payment": N_("Insurance Law Art. 23"),
    "advance_payment": N_("Insurance Law Art. 25"),
    "appeal": N_("house rule (appeal window setting)"),
}

OPEN_REVIEW = ("applied", "investigating", "appealed")


@dataclass(frozen=True)
class Deadline:
    name: str
    due: date
    overdue: bool
    obligation: bool  # the insurer's (or claimant's) duty, as opposed to a record of the past
    rule: str | None = None  # the source, where it differs by case (a decision in working days or in calendar days)
    note: str | None = None  # e.g. counted Monday to Friday beyond the calendar's published years (for a person: translated)

    def as_dict(self) -> dict:
        found = {"name": self.name, "due": self.due.isoformat(), "overdue": self.overdue, "rule": self.rule or SOURCES[self.name]}
        if self.note:
            found["note"] = self.note
        return found


@dataclass(frozen=True)
class DecisionDue:
    due: date
    rule: str
    note: str | None = None


def has_reporting_window(claim: Claim) -> bool:
    """A survival or maturity benefit falls due on a date: nothing to report within a window."""
    return claim.type != "survival_benefit"


def report_due(event_date: date, s: Settings) -> date:
    return add_days(event_date, s.reporting_window_days)


def limitation_due(event_date: date, line: str, s: Settings) -> date:
    years = s.limitation_years_life if line == "life" else s.limitation_years_other
    return add_years(event_date, years)


def paused_days(claim: Claim, today: date) -> int:
    """Days between the missing-materials notice and the last supplement (or today)."""
    return len(paused_dates(claim, today))


def paused_dates(claim: Claim, today: date) -> frozenset[date]:
    """The days the decision clock stood still (SPC Interpretation II Art. 15): from the day after the missing-materials
    notice to the day the last material it named arrived (or today, while one is outstanding)."""
    notice = claim.notice
    if not notice or not notice["missing"]:
        return frozenset()
    start = date.fromisoformat(notice["on"])
    end = date.fromisoformat(claim.supplements_done_on) if claim.supplements_done_on else today
    return frozenset(add_days(start, n) for n in range(1, max(0, (end - start).days) + 1))


def decision_due(claim: Claim, s: Settings, today: date) -> date:
    return decision_deadline(claim, s, today).due


def decision_deadline(claim: Claim, s: Settings, today: date) -> DecisionDue:
    """When the decision is due: the Nth working day after the application (or a review's start after an appeal) on the
    calendar recorded with the application, paused days not counted (CIRC Order 2010 No. 4 Art. 23); 30 days when the case
    was marked complex, or for settings from before working days (Insurance Law Art. 23)."""
    review = claim.review_from is not None
    start = date.fromisoformat(claim.review_from if review else claim.applied_on)
    paused = frozenset() if review else paused_dates(claim, today)
    if claim.complex or s.decision_working_days is None or claim.calendar is None:
        return DecisionDue(add_days(start, s.decision_days + len(paused)), SOURCES["decision"])
    counted = due_on_record(claim.calendar, start, s.decision_working_days, paused)
    note = (_("counted Monday to Friday where {calendar} has not published the year yet").format(calendar=counted.calendar)
            if counted.estimated else None)
    return DecisionDue(counted.date, WORKING_DAYS_SOURCE, note)


def advance_payment_from(claim: Claim, s: Settings, today: date) -> date:
    return add_days(date.fromisoformat(claim.applied_on), s.advance_payment_days + paused_days(claim, today))


def deadlines(claim: Claim, s: Settings, today: date) -> list[Deadline]:
    """The deadlines that matter at the claim's stage (docs/cli.md, status)."""
    found: list[Deadline] = []
    event = date.fromisoformat(claim.event_date) if claim.event_date else None
    if claim.state == "reported" and event:
        if has_reporting_window(claim):
            due = report_due(event, s)
            found.append(Deadline("report", due, date.fromisoformat(claim.reported_on) > due, False))
        found.append(_obligation("limitation", limitation_due(event, claim.line, s), today))
    if claim.state in OPEN_REVIEW and claim.decision is None:
        found.append(_decision(claim, s, today))
        if claim.state != "appealed" and not claim.review_from:
            start = advance_payment_from(claim, s, today)
            if today >= start:
                unpaid = "advance_paid" not in claim.flags
                found.append(Deadline("advance_payment", start, unpaid and today > start, unpaid))
    decision = claim.decision
    if claim.state == "investigating" and decision and not claim.notified_on:
        if decision["outcome"] == "decline":
            found.append(_obligation("refusal_notice", add_days(date.fromisoformat(decision["on"]), s.refusal_notice_days), today))
        else:
            found.append(_decision(claim, s, today))
    if claim.state == "approved":
        found.append(_obligation("payment", add_days(date.fromisoformat(claim.notified_on), s.payment_days), today))
    if claim.state == "declined" or (claim.state == "paid" and decision and decision["outcome"] == "partial"):
        found.append(Deadline("appeal", appeal_due(claim, s), False, False))
    return found


def appeal_due(claim: Claim, s: Settings) -> date:
    return add_days(date.fromisoformat(claim.notified_on), s.appeal_window_days)


def next_due(claim: Claim, s: Settings, today: date) -> date | None:
    """The earliest obligation still open: what the work queue sorts by."""
    dues = [d.due for d in deadlines(claim, s, today) if d.obligation]
    return min(dues) if dues else None


def _decision(claim: Claim, s: Settings, today: date) -> Deadline:
    due = decision_deadline(claim, s, today)
    return Deadline("decision", due.due, today > due.due, True, due.rule, due.note)


def _obligation(name: str, due: date, today: date) -> Deadline:
    return Deadline(name, due, today > due, True)
