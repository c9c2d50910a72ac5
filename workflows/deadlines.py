"""Deadlines of Insurance Law Arts. 21, 23, 24, 25, 26 and the house appeal window.

"Within N days of D" means due on D + N; a deadline is overdue from the day after.
The Art. 23 decision clock pauses while materials named in the Art. 22 notice are
outstanding (SPC Interpretation II Art. 15).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from claims.records import Claim
from claims.settings import Settings
from claims.values import add_days, add_years

SOURCES = {
    "report": "Insurance Law Art. 21; product clause",
    "limitation": "Insurance Law Art. 26",
    "decision": "Insurance Law Art. 23; SPC Interpretation II Art. 15",
    "refusal_notice": "Insurance Law Art. 24",
    "payment": "Insurance Law Art. 23",
    "advance_payment": "Insurance Law Art. 25",
    "appeal": "house rule (appeal window setting)",
}

OPEN_REVIEW = ("applied", "investigating", "appealed")


@dataclass(frozen=True)
class Deadline:
    name: str
    due: date
    overdue: bool
    obligation: bool  # the insurer's (or claimant's) duty, as opposed to a record of the past

    def as_dict(self) -> dict:
        return {"name": self.name, "due": self.due.isoformat(), "overdue": self.overdue, "rule": SOURCES[self.name]}


def report_due(event_date: date, s: Settings) -> date:
    return add_days(event_date, s.reporting_window_days)


def limitation_due(event_date: date, line: str, s: Settings) -> date:
    years = s.limitation_years_life if line == "life" else s.limitation_years_other
    return add_years(event_date, years)


def paused_days(claim: Claim, today: date) -> int:
    """Days between the missing-materials notice and the last supplement (or today)."""
    notice = claim.notice
    if not notice or not notice["missing"]:
        return 0
    end = date.fromisoformat(claim.supplements_done_on) if claim.supplements_done_on else today
    return max(0, (end - date.fromisoformat(notice["on"])).days)


def decision_due(claim: Claim, s: Settings, today: date) -> date:
    if claim.review_from:
        return add_days(date.fromisoformat(claim.review_from), s.decision_days)
    return add_days(date.fromisoformat(claim.applied_on), s.decision_days + paused_days(claim, today))


def advance_payment_from(claim: Claim, s: Settings, today: date) -> date:
    return add_days(date.fromisoformat(claim.applied_on), s.advance_payment_days + paused_days(claim, today))


def deadlines(claim: Claim, s: Settings, today: date) -> list[Deadline]:
    """The deadlines that matter at the claim's stage (cli.md, deadlines[].name)."""
    found: list[Deadline] = []
    event = date.fromisoformat(claim.event_date) if claim.event_date else None
    if claim.state == "reported" and event:
        due = report_due(event, s)
        found.append(Deadline("report", due, date.fromisoformat(claim.reported_on) > due, False))
        found.append(_obligation("limitation", limitation_due(event, claim.line, s), today))
    if claim.state in OPEN_REVIEW and claim.decision is None:
        found.append(_obligation("decision", decision_due(claim, s, today), today))
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
            found.append(_obligation("decision", decision_due(claim, s, today), today))
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


def _obligation(name: str, due: date, today: date) -> Deadline:
    return Deadline(name, due, today > due, True)
