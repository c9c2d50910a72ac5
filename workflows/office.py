"""The claims office: opening a database as a user, with one clock and the settings in force."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path

from claims.errors import BadInput, ClaimsError, Conflict, Forbidden, NotFound
from claims.files import read_named_text
from claims.i18n import N_, _
from claims.settings import Settings
from claims.storage import Store, Tx, open_store
from claims.values import parse_timestamp
from workflows.clock import Clock
from workflows.roles import authorize

DEFAULT_SETTINGS = Path(__file__).with_name("settings.toml")
TRAINING = "training"
AUDITING = frozenset({"audit", "replay"})
CURRENT_SETTINGS = "settings_version"
CLOCK_ONLY_IN_TRAINING = N_("CLAIMS_NOW may only be set for a database created with `claims init --training`")


def read_settings(path: str | Path | None = None) -> Settings:
    import tomllib  # only init, settings load and CLAIMS_NOW read a settings file: not worth every start-up

    source = Path(path) if path else DEFAULT_SETTINGS
    what = _("settings file")
    try:
        data = tomllib.loads(read_named_text(source, what))
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise BadInput(_("{what} {path!r} is not valid TOML: {reason}").format(what=what, path=str(source), reason=exc)) from None
    if path:
        data = {**tomllib.loads(DEFAULT_SETTINGS.read_text(encoding="utf-8")), **data}
    return Settings.from_mapping(data, _("settings file {name}").format(name=source.name))


def parse_now(text: str | None, settings: Settings | None = None) -> datetime | None:
    if not text:
        return None
    zone = settings.zone if settings else None
    return parse_timestamp(text, "CLAIMS_NOW", tz=zone or _default_zone())


@cache  # the packaged defaults do not change while the process runs
def _default_zone():
    return read_settings().zone


class Office:
    """One user's session with one claims database.

    Who acts (docs/security.md, Who acts): in a training database, the user named with --as (CLAIMS_USER, a batch
    line's "as"), else the login; in any other database the user the system has authenticated — the operating-system
    login for SQLite — and --as may only name that same user (exit 6 otherwise).
    """

    def __init__(self, store: Store, asked: str | None = None, now_text: str | None = None):
        self.store = store
        self.asked = asked  # the name given with --as / CLAIMS_USER / a batch line's "as", if any
        self.now_text = now_text
        self.clock = Clock()
        self.strict = True
        self._checked_clock = False
        self._settings: dict[str, Settings] = {}  # by version: a version is the hash of its body, never changed

    @classmethod
    def open(cls, target: str, asked: str | None = None, now_text: str | None = None) -> Office:
        parse_now(now_text)  # unparseable input is exit 2, before anything else
        return cls(open_store(target), asked, now_text)

    def close(self) -> None:
        self.store.close()

    # the one clock --------------------------------------------------------------------------
    def now(self, tx: Tx) -> datetime:
        """Real time, or CLAIMS_NOW in a training database (exit 6 elsewhere)."""
        if not self.now_text:
            return self.clock.now()
        if not tx.training(strict=self.strict):
            raise Forbidden(_(CLOCK_ONLY_IN_TRAINING), rule="clock")
        try:
            settings = self.settings(tx)
        except ClaimsError:
            if self.strict:
                raise
            settings = None  # an auditor's command on a damaged database: the packaged time zone reads a naive CLAIMS_NOW
        return parse_now(self.now_text, settings)

    def at(self, now_text: str | None):
        """Use another CLAIMS_NOW for the following commands (batch lines)."""
        self.now_text = now_text

    # who and under which settings --------------------------------------------------------------
    def acting_name(self, tx: Tx) -> str:
        """The acting user's name, by the identity rule (exit 6 for naming someone else outside training)."""
        return acting_name(self.asked, self.store.login(), tx.training(strict=self.strict))

    def user(self, tx: Tx) -> dict:
        name = self.acting_name(tx)
        user = tx.user(name)
        if user is None:
            raise NotFound(_("user {user!r} is not registered: an admin adds users with `claims user add`").format(user=name))
        return user

    def authorized_user(self, tx: Tx, command: str) -> dict:
        self.strict = command not in AUDITING  # an auditor's command reports a damaged database instead of stopping at it
        self.now(tx)  # docs/cli.md, Time: CLAIMS_NOW outside a training database is refused (exit 6) by every command, first
        user = self.user(tx)
        authorize(user, command)
        return user

    def settings(self, tx: Tx) -> Settings:
        version = tx.meta(CURRENT_SETTINGS)
        if version is None:
            raise Conflict(_("the database has no settings in force: was `claims init` interrupted?"))
        if version not in self._settings:
            self._settings[version] = tx.settings(version)
        return self._settings[version]


def acting_name(asked: str | None, login: str, training: bool) -> str:
    """Who acts: the login, or in a training database whoever --as names; elsewhere --as may only name the login."""
    if asked is None or asked == login or training:
        return login if asked is None else asked
    raise Forbidden(
        _("you are {login}: outside a training database the acting user is the one the system has authenticated, "
          "and --as (CLAIMS_USER, a batch line's \"as\") may only name {login}, not {asked} (docs/security.md, Who acts)").format(
            login=login, asked=asked),
        rule="identity",
    )
