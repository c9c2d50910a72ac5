"""Product settings: windows, day counts, thresholds and the time zone, as versioned data.

The defaults live in ``workflows/settings.toml``; a version is the SHA-256 of the
settings' canonical JSON, so a stored version can be proven unchanged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from claims.canonical import canonical_json, sha256_hex
from claims.errors import BadInput
from claims.i18n import _
from claims.values import money, parse_amount


@dataclass(frozen=True)
class Settings:
    time_zone: str
    reporting_window_days: int
    limitation_years_life: int
    limitation_years_other: int
    decision_days: int
    refusal_notice_days: int
    payment_days: int
    advance_payment_days: int
    appeal_window_days: int
    contestability_years: int
    suicide_exclusion_years: int
    four_eyes_threshold: Decimal
    handler_default_limit: Decimal
    # CIRC Order 2010 No. 4 Art. 23: the decision is due the Nth working day after the application. Settings versions made
    # before this setting existed lack it (None): their claims keep the decision_days calendar-day deadline.
    decision_working_days: int | None = None

    @classmethod
    def from_mapping(cls, data: dict, source: str | None = None) -> Settings:
        source = source or _("settings")
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise BadInput(_("{source}: unknown setting {setting!r}").format(source=source, setting=unknown[0]))
        missing = sorted(name for name in set(known) - set(data) if name not in OPTIONAL)
        if missing:
            raise BadInput(_("{source}: setting {setting!r} is missing").format(source=source, setting=missing[0]))
        values = {name: _coerce(name, known[name].type, data[name], source) for name in known if name in data}
        settings = cls(**values)
        settings.zone  # noqa: B018 -- fail early on an unknown time zone
        return settings

    def as_dict(self) -> dict:
        """The settings as stored and hashed; an optional setting not in force is left out, so a version made before it
        existed still hashes to its key."""
        body = {name: value for name, value in asdict(self).items() if not (name in OPTIONAL and value is None)}
        body["four_eyes_threshold"] = money(self.four_eyes_threshold)
        body["handler_default_limit"] = money(self.handler_default_limit)
        return body

    @cached_property
    def version(self) -> str:
        return sha256_hex(canonical_json(self.as_dict()))

    @cached_property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise BadInput(_("settings: unknown time zone {zone!r}").format(zone=self.time_zone)) from None


OPTIONAL = frozenset({"decision_working_days"})


def _coerce(name: str, kind: str, value, source: str):
    if kind == "Decimal":
        return parse_amount(str(value), _("{source}: {setting}").format(source=source, setting=name))
    if kind in ("int", "int | None"):
        most = 100 if name.endswith("_years") else 3660  # a century, or ten years of days: deadlines add them to dates
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= most:
            problem = (_("{source}: {setting} must be a whole number of years from 0 to {most}, got {value!r}") if name.endswith("_years")
                       else _("{source}: {setting} must be a whole number of days from 0 to {most}, got {value!r}"))
            raise BadInput(problem.format(source=source, setting=name, most=most, value=str(value)[:40]))
        return value
    if not isinstance(value, str):
        raise BadInput(_("{source}: {setting} must be text, got {value!r}").format(source=source, setting=name, value=value))
    return value
