"""The one clock. Replay and training databases feed it recorded or chosen times."""

from __future__ import annotations

from datetime import UTC, datetime


class Clock:
    """Real time, or a fixed instant when one is given."""

    def __init__(self, fixed: datetime | None = None):
        self.fixed = fixed

    def now(self) -> datetime:
        return self.fixed or datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """A recorded timestamp: ISO 8601 with its UTC offset."""
    return moment.isoformat(timespec="microseconds")
