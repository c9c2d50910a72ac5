"""A step: everything a guard may look at (claim, policy facts, command, now, settings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from claims.records import Claim
from claims.settings import Settings


@dataclass
class Step:
    command: str
    claim: Claim
    args: dict
    facts: dict
    now: datetime
    settings: Settings
    actor: dict = field(default_factory=dict)
    probe: bool = False  # asking "may I?" without the command's inputs

    @cached_property
    def today(self) -> date:
        """The calendar day in the insurer's time zone."""
        return self.now.astimezone(self.settings.zone).date()
