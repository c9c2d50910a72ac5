"""What the administrative chain attests: the settings versions, and who held which role when.

Replay judges each claim event against the settings version it names and checks its actor held
the recorded role. Both come from here, and both are proven first: the admin chain's hashes link,
every stored settings version still hashes to its key and was put in force by an admin event,
and the user table says what the chain's last ``user_add`` for each user says.
"""

from __future__ import annotations

import json
from datetime import datetime

from claims import audit_reads
from claims.audit import ADMIN_CHAIN
from claims.canonical import canonical_json, sha256_hex
from claims.chain import ChainCheck, Problem
from claims.errors import ClaimsError
from claims.i18n import _, name
from claims.settings import Settings
from claims.storage import Tx
from workflows.roles import may_run

# admin event -> the command (docs/cli.md) whose role table entry allows it
ADMIN_COMMANDS = {"init": "init", "user_add": "user", "user_role": "user", "policy_import": "policy", "settings": "settings",
                  "schema_upgrade": "db"}
ATTESTS_POLICIES = ("policy_import", "schema_upgrade")  # events that list the policy versions they bring in force
ACTIVE = "active"


class AdminRecord:
    """The settings versions and the role history the admin chain proves."""

    def __init__(self, checked_at: datetime | None = None):
        self.training = False
        self.checked_at = checked_at  # when this verification runs: outside training no step can be dated later
        self.settings: dict[str, Settings] = {}  # usable versions
        self.unusable: dict[str, str] = {}  # version -> why it cannot be used
        self.problems: list[Problem] = []
        self.events = 0
        self.last_seq = 0
        self.watched: str | None = None  # the hash at an anchor's seq, when asked
        self._spans: dict[tuple[str, str], list[list]] = {}  # (user, role) -> [[from, until or None, limit], ...]
        self.policy_versions: dict[str, tuple[str, int]] = {}  # digest -> (policy number, seq of the import that attested it)
        self.policy_in_force: dict[str, str] = {}  # policy number -> the digest its last import brought in force
        self.import_times: dict[int, datetime] = {}  # admin seq of each policy import -> its time
        self._current: dict[str, tuple[str, str | None, tuple[str, str]]] = {}  # user -> (role, limit, span key)

    # roles ------------------------------------------------------------------------------------
    def held(self, name: str, role: str, now: datetime) -> bool:
        """Whether the admin chain had `name` registered as `role` at `now`.

        In a training database the clock is chosen per command, so times across chains do not
        order; there a role counts if the user was ever registered with it.
        """
        spans = self._spans.get((name, role))
        if not spans:
            return False
        if self.training:
            return True
        for start, until, _limit in spans:  # (a loop, not any() over a generator: replay asks this for every event)
            if start <= now and (until is None or now < until):
                return True
        return False

    def from_the_future(self, at: datetime | None) -> bool:
        """Whether a step outside a training database claims a time after this verification (its clock was chosen)."""
        return not self.training and self.checked_at is not None and at is not None and at > self.checked_at

    def limits(self, name: str, role: str, now: datetime) -> set[str | None]:
        """The authority limits `name` was registered with, as `role`, at `now` (in a training database: ever)."""
        return {limit for start, until, limit in self._spans.get((name, role), ())
                if self.training or (start <= now and (until is None or now < until))}

    def attested(self, number: str, digest: str, now: datetime) -> str | None:
        """Why the policy version `digest` cannot have been what a step at `now` read of policy `number`, or None."""
        found = self.policy_versions.get(digest)
        if found is None or found[0] != number:
            return _("no policy import attests the version of {policy} it records").format(policy=number)
        if not self.training and self.import_times[found[1]] > now:
            return _("the version of {policy} it records was imported only later (admin seq {seq})").format(policy=number, seq=found[1])
        return None

    def register(self, name: str, role: str, limit: str | None, when: datetime) -> None:
        current = self._current.get(name)
        if current is not None:
            self._spans[current[2]][-1][1] = when
        key = (name, role)
        self._spans.setdefault(key, []).append([when, None, limit])
        self._current[name] = (role, limit, key)

    def registered(self) -> dict[str, tuple[str, str | None]]:
        """Each user's role and limit as the last user_add for them says."""
        return {name: (role, limit) for name, (role, limit, _) in self._current.items()}


def read_admin_record(tx: Tx, watch: int | None = None, *, prove_policies: bool = True, now: datetime | None = None) -> AdminRecord:
    """Walk the admin chain, then prove the stored settings versions, users, training flag and policies against it.
    `now` is when the verification runs (outside a training database, no event may be dated after it)."""
    record = AdminRecord(now)
    attested = _walk_admin_chain(tx, record, watch)
    _prove_settings(tx, record, attested)
    _prove_users(tx, record)
    _prove_training(tx, record)
    if prove_policies:
        _prove_policies(tx, record)
    return record


def future_problem(chain: str, row, record: AdminRecord) -> Problem:
    return Problem(chain, row.seq, "at", _("the event is dated {at}, after this verification ({checked_at}): "
                                           "outside a training database nobody chooses the clock").format(
        at=row.at, checked_at=record.checked_at.isoformat()))


def _time(text) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


def _check_previous(record: AdminRecord, row, payload: dict) -> None:
    """A user_add is for a new name; a user_role's previous role and limit are what the chain had registered."""
    current = record.registered().get(payload["user"])
    if row.event == "user_add" and current is not None:
        record.problems.append(Problem(ADMIN_CHAIN, row.seq, "user", _("user_add registers {user} again").format(user=payload["user"])))
    if row.event == "user_role" and current != (payload.get("previous_role"), payload.get("previous_limit")):
        was = _role((payload.get("previous_role"), payload.get("previous_limit")))
        if current:
            problem = _("user_role says {user} was {was}, the chain says {role}").format(user=payload["user"], was=was, role=_role(current))
        else:
            problem = _("user_role says {user} was {was}, the chain says not registered").format(user=payload["user"], was=was)
        record.problems.append(Problem(ADMIN_CHAIN, row.seq, "user", problem))


def _prove_training(tx: Tx, record: AdminRecord) -> None:
    """Whether the database is a training one is decided once, by the init event; meta must still say so."""
    stored = audit_reads.meta_value(tx, "training")
    if stored is not None and stored != ("1" if record.training else "0"):
        record.problems.append(Problem(ADMIN_CHAIN, 1, "training", _("meta.training is {stored!r}, but the init event says "
                                                                     "training={training}: the database was altered").format(
            stored=stored, training=str(record.training).lower())))


def _prove_policies(tx: Tx, record: AdminRecord) -> None:
    """Every stored policy body and version is one an import attested, and each policy holds the version last imported."""
    problems = record.problems
    for number, digest, body in audit_reads.policy_versions(tx):
        attested = record.policy_versions.get(digest)
        if _body_digest(body) != digest:
            problems.append(Problem(ADMIN_CHAIN, None, "policy", _("a stored version of policy {policy} was edited: "
                                                                   "its body no longer hashes to its digest").format(policy=number)))
        elif attested is None or attested[0] != number:
            problems.append(Problem(ADMIN_CHAIN, None, "policy", _("a stored version of policy {policy} was never attested by "
                                                                   "a policy import").format(policy=number)))
    for number, digest, body in audit_reads.policies(tx):
        if _body_digest(body) != digest or record.policy_in_force.get(number) != digest:
            problems.append(Problem(ADMIN_CHAIN, None, "policy", _("policy {policy} is not as its last import left it: the stored "
                                                                   "body or its digest was changed outside `claims policy import`").format(
                policy=number)))


def _body_digest(body) -> str | None:
    try:
        return sha256_hex(body)
    except (AttributeError, UnicodeEncodeError):  # not text, or not UTF-8
        return None


def _walk_admin_chain(tx: Tx, record: AdminRecord, watch: int | None) -> dict[str, tuple[int, dict]]:
    """Check the admin chain; returns the settings versions its events put in force."""
    check = ChainCheck(ADMIN_CHAIN, watch)
    attested: dict[str, tuple[int, dict]] = {}
    problems = record.problems
    for row in audit_reads.chain(tx, ADMIN_CHAIN):
        payload = check.link(row, problems)
        record.events += 1
        expected_from = None if row.seq == 1 else ACTIVE
        if row.from_state != expected_from or row.to_state != ACTIVE:
            problems.append(Problem(ADMIN_CHAIN, row.seq, "state", _("an admin event goes {from_state} → {to_state}, "
                                                                     "expected {expected} → {active}").format(
                from_state=row.from_state, to_state=row.to_state, expected=expected_from, active=ACTIVE)))
        if record.from_the_future(_time(row.at)):
            problems.append(future_problem(ADMIN_CHAIN, row, record))
        command = ADMIN_COMMANDS.get(row.event)
        if command is None or not may_run(row.role, command):
            problems.append(Problem(ADMIN_CHAIN, row.seq, "role", _("the {role} role may not record `{event}`").format(
                role=name("role", row.role), event=row.event)))
        if payload is not None:
            _take(record, attested, row, payload)
    if record.events and attested == {}:
        problems.append(Problem(ADMIN_CHAIN, None, "settings", _("no init or settings event puts any settings in force")))
    record.last_seq, record.watched = check.next_seq - 1, check.watched
    return attested


def _take(record: AdminRecord, attested: dict, row, payload: dict) -> None:
    try:
        if row.event in ("init", "settings"):
            attested.setdefault(sha256_hex(canonical_json(payload["settings"])), (row.seq, payload["settings"]))
            if row.event == "init":
                record.training = bool(payload["training"])
        elif row.event in ("user_add", "user_role"):
            _check_previous(record, row, payload)
            record.register(payload["user"], payload["role"], payload["limit"], datetime.fromisoformat(row.at))
        elif row.event in ATTESTS_POLICIES:
            record.import_times[row.seq] = datetime.fromisoformat(row.at)
            for entry in payload.get("policies", ()):
                record.policy_versions.setdefault(entry["digest"], (entry["policy"], row.seq))
                record.policy_in_force[entry["policy"]] = entry["digest"]
    except (KeyError, TypeError, ValueError) as exc:
        record.problems.append(Problem(ADMIN_CHAIN, row.seq, "payload", _("the {event} event cannot be read: {error}").format(
            event=name("event", row.event), error=repr(exc))))


def _prove_settings(tx: Tx, record: AdminRecord, attested: dict[str, tuple[int, dict]]) -> None:
    stored = dict(audit_reads.settings_bodies(tx))
    for version, body in stored.items():
        intact = _body_digest(body) == version
        if not intact:
            record.problems.append(Problem(ADMIN_CHAIN, attested.get(version, (None,))[0], "settings",
                                           _("settings version {version}… was edited: its stored body no longer hashes to its "
                                             "version").format(version=version[:12])))
        if version not in attested:
            record.problems.append(Problem(ADMIN_CHAIN, None, "settings",
                                           _("settings version {version}… was never put in force by an init or settings event").format(
                                               version=version[:12])))
        _use(record, version, body if intact else None, attested)
    for version, (seq, _body) in attested.items():
        if version not in stored:
            record.problems.append(Problem(ADMIN_CHAIN, seq, "settings",
                                           _("settings version {version}… is missing from settings_version").format(version=version[:12])))
            _use(record, version, None, attested)


def _use(record: AdminRecord, version: str, body: str | None, attested: dict) -> None:
    """Judge with the stored body when it is intact, else with the copy the admin chain holds."""
    if body is None and version in attested:
        body = canonical_json(attested[version][1])
    if body is None:
        record.unusable[version] = _("its stored body was edited and no admin event holds the original")
        return
    try:
        record.settings[version] = Settings.from_mapping(json.loads(body), _("settings version {version}").format(version=version[:12]))
    except (ClaimsError, ValueError, TypeError) as exc:
        record.unusable[version] = _("it cannot be read ({reason})").format(reason=exc)


def _prove_users(tx: Tx, record: AdminRecord) -> None:
    table = {name: (role, limit) for name, role, limit in audit_reads.users(tx)}
    chain = record.registered()
    for user in sorted(set(table) | set(chain)):
        if user not in chain:
            problem = _("user {user} is in app_user but no user_add event registered them").format(user=user)
        elif user not in table:
            problem = _("user {user} was registered by the admin chain but is missing from app_user").format(user=user)
        elif table[user] != chain[user]:
            problem = _("app_user says {user} is {role}; the admin chain's last user_add says {registered}").format(
                user=user, role=_role(table[user]), registered=_role(chain[user]))
        else:
            continue
        record.problems.append(Problem(ADMIN_CHAIN, None, "user", problem))


def _role(entry: tuple[str, str | None]) -> str:
    role, limit = entry
    return _("{role} (limit {limit})").format(role=name("role", role), limit=limit) if limit else name("role", role)
