"""Replay: rebuild a claim from its audit events alone, re-judging every step.

Each event is fed back as the step it was: the claim folded so far, the command, the inputs and
outside facts recorded in its payload, its recorded time as ``now`` and the settings version it
names (never the wall clock, never today's settings). The same state machine must lead to the
recorded state, the same code must derive the same payload (``cases.EVENTS``), the actor must
have held a role that may run the command, and ``records.evolve`` folds it in, exactly as the
live command did. The fold must equal the stored claim.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from claims.canonical import canonical_json, matches_canonical, undecodable
from claims.chain import ChainCheck, Problem
from claims.errors import RuleRefused
from claims.i18n import N_, _, clauses, listing, name
from claims.records import NEW, Claim, evolve, people_of, snapshot_form
from claims.settings import Settings
from claims.values import mask, money
from claims.working_days import CALENDAR, calendar_record
from workflows.admin_record import AdminRecord, future_problem
from workflows.cases import EVENTS
from workflows.facts import POLICY_COMMANDS, from_policy
from workflows.judge import Judge
from workflows.roles import may_run
from workflows.step import Step
from workflows.views import DIGEST_KEYS, PII_KEYS

FOLLOW_UPS = {"notice": "apply"}  # events a command records right after itself -> that command
STORED_COLUMNS = ("state", "version", "paid_amount", "policy", "type", "event_date", "assignee", "people")
UNREADABLE = (KeyError, TypeError, ValueError, AttributeError, IndexError)


@dataclass
class Replayed:
    claim_id: str
    claim: Claim | None = None  # the fold (None if not even the report could be replayed)
    problems: list[Problem] = field(default_factory=list)
    events: int = 0  # events read (checked)
    folded: int = 0  # events folded into `claim`
    complete: bool = True  # False when --as-of stopped before the last event, or the fold broke off
    cut: bool = False  # --as-of stopped before the last event
    last_seq: int = 0
    watched: str | None = None  # the stored hash at the seq an anchor asked about
    steps: list[dict] | None = None


class Replayer:
    """Replays claims one after another with one Judge: nothing per claim stays behind.

    `policy_bodies` maps a policy version's digest to its stored body (text): the versions of the claims being replayed.
    """

    def __init__(self, record: AdminRecord, judge=None, policy_bodies: dict[str, str] | None = None):
        self.record = record
        self.judge = judge or Judge().judge
        self.policy_bodies = {} if policy_bodies is None else policy_bodies
        self._parsed: dict[str, dict] = {}

    def policy_version(self, digest: str) -> dict | None:
        """A stored policy version, parsed once while it is among the bodies in hand."""
        found = self._parsed.get(digest)
        if found is None:
            body = self.policy_bodies.get(digest)
            if body is None:
                return None
            if len(self._parsed) > 4096:
                self._parsed.clear()
            found = self._parsed[digest] = {**json.loads(body), "digest": digest}
        return found

    def replay(self, claim_id: str, rows, *, until: datetime | None = None, watch: int | None = None, keep_steps: bool = False) -> Replayed:
        run = _Run(self, claim_id, watch, keep_steps)
        for row in rows:
            if until is not None and (_moment(row) or until) > until:  # (an unreadable time is replayed, to be reported)
                run.result.complete, run.result.cut = False, True
                break
            run.take(row)
        return run.finish()


class _Run:
    """One claim's replay in progress."""

    def __init__(self, replayer: Replayer, claim_id: str, watch: int | None, keep_steps: bool):
        self.replayer, self.record = replayer, replayer.record
        self.check = ChainCheck(claim_id, watch)
        self.result = Replayed(claim_id, steps=[] if keep_steps else None)
        self.problems = self.result.problems
        self.claim: Claim | None = None
        self.judging = True  # stops at the first step the rules do not reproduce
        self.folding = True  # stops when an event cannot be folded at all
        self.expected: list[tuple[str, dict]] = []  # follow-up events the last command derived
        self.command_row = None
        self.opened_with_digest = True

    def take(self, row) -> None:
        seen, judged = len(self.problems), self.judging
        payload = self.check.link(row, self.problems)
        self.result.events += 1
        if self.folding:
            self._fold(row, payload)
        if self.result.steps is not None:
            self.result.steps.append(_step_view(row, self.problems[seen:], judged))

    def _fold(self, row, payload) -> None:
        now, settings = _moment(row), self.record.settings.get(row.settings_version)
        if payload is None or now is None or settings is None:
            return self._cannot_judge(row, now, settings)
        if self.claim is None and not self._open(row, payload):
            return self._stop(row, None)
        today = now.astimezone(settings.zone).date()
        if self.record.from_the_future(now):
            self.problems.append(future_problem(self.check.chain, row, self.record))
        expected_from = None if self.claim.state == NEW else self.claim.state
        if row.from_state != expected_from:
            self._problem(row, "from_state", _("the event says it left {from_state}, but the claim was {state}").format(
                from_state=name("state", row.from_state), state=name("state", expected_from or NEW)))
        if self.judging:
            self._judge(row, payload, now, settings, today)
        try:
            self.claim = evolve(self.claim, row.event, row.to_state, payload, row.at, today.isoformat())
        except UNREADABLE as exc:
            return self._stop(row, _("the event cannot be folded into the claim ({error})").format(error=repr(exc)))
        self.result.folded += 1

    def _judge(self, row, payload: dict, now: datetime, settings: Settings, today: date) -> None:
        try:
            problem = self._follow_up(row, payload, now, settings, today) if row.event in FOLLOW_UPS or self.expected else \
                self._command(row, payload, now, settings, today)
        except RuleRefused as refusal:
            problem = ("rule", _("the rules in force then do not allow this step: {reason}").format(reason=refusal.reason))
        except UNREADABLE as exc:
            problem = ("payload", _("the step cannot be judged from what was recorded ({error})").format(error=repr(exc)))
        if problem:
            self._problem(row, *problem)
            self.judging = False

    def _command(self, row, payload: dict, now: datetime, settings: Settings, today: date):
        self._check_role(row, row.event, now)
        derive = EVENTS.get(row.event)
        if derive is None:
            return ("rule", _("`{event}` is not a command of the claim flow").format(event=row.event))
        step = Step(row.event, self.claim, payload["args"], payload.get("facts", {}), now, settings,
                    actor={"name": row.actor, "role": row.role})
        step.today = today  # what Step.today would work out again from `now` and the settings' time zone
        to_state = self.replayer.judge(step)
        if to_state != row.to_state:
            return ("to_state", _to_state_problem(to_state, row.to_state))
        (_event, derived), *follow_ups = derive(step)
        if derived != payload:
            return ("derived", _("the recorded payload differs from what the step derives: {difference}").format(
                difference=_difference(payload, derived)))
        self.expected, self.command_row = follow_ups, row
        return self._facts_problem(row, step)

    def _facts_problem(self, row, step: Step):
        """The facts a step recorded of the policy and of its actor must be what they were (docs/security.md, What verify proves)."""
        facts = step.facts
        if row.event in POLICY_COMMANDS and ("policy_digest" in facts or self.opened_with_digest):
            problem = self._policy_problem(row, step)
            if problem:
                return ("policy", problem)
        if row.event == "apply" and "calendar" in facts:
            problem = _calendar_problem(facts["calendar"], step.today)
            if problem:
                return ("calendar", problem)
        if row.event == "assign" and facts.get("assignee_role") and \
                not self.record.held(step.args.get("to"), facts["assignee_role"], step.now):
            return ("assignee", _("the step records {user} as {role}, but the admin chain did not register them so then").format(
                user=step.args.get("to"), role=name("role", facts["assignee_role"])))
        if "authority_limit" in facts:
            held = self.record.limits(row.actor, row.role, step.now)
            default = money(step.settings.handler_default_limit) if row.role == "handler" else None
            allowed = {default if limit is None else limit for limit in held}
            if facts["authority_limit"] not in allowed:
                registered = listing(sorted(str(a) for a in allowed)) or _("none")
                return ("authority", _("the step records {user}'s authority limit as {limit}, but the admin chain registered "
                                       "{registered} for the {role} role then").format(
                    user=row.actor, limit=facts["authority_limit"], registered=registered, role=name("role", row.role)))
        return None

    def _policy_problem(self, row, step: Step) -> str | None:
        claim, digest = step.claim, step.facts.get("policy_digest")
        if digest is None:
            return _("the step does not record which version of policy {policy} it read").format(policy=claim.policy)
        why = self.record.attested(claim.policy, digest, step.now)
        if why:
            return _("the step read a policy version that is not the imported one: {reason}").format(reason=why)
        version = self.replayer.policy_version(digest)
        if version is None:
            return _("the version of policy {policy} it records is not stored").format(policy=claim.policy)
        expected = from_policy(row.event, version, claim.type)
        differing = [key for key in expected if step.facts.get(key) != expected[key]]
        if differing:
            return _("the facts it records of policy {policy} ({keys}) differ from the version imported: {difference}").format(
                policy=claim.policy, keys=listing(differing),
                difference=_difference({k: step.facts.get(k) for k in differing}, {k: expected[k] for k in differing}))
        return None

    def _follow_up(self, row, payload: dict, now: datetime, settings: Settings, today: date):
        if not self.expected:
            return ("follow_up", _("a {event} event is recorded only right after `{command}` derives it").format(
                event=name("event", row.event), command=FOLLOW_UPS[row.event]))
        follow_up, derived = self.expected.pop(0)
        command = self.command_row
        if row.event != follow_up:
            return ("follow_up", _("`{command}` (seq {seq}) derives a {expected} event next, but the log has {event}").format(
                command=command.event, seq=command.seq, expected=name("event", follow_up), event=name("event", row.event)))
        if (row.at, row.actor, row.role) != (command.at, command.actor, command.role):
            return ("follow_up", _("the {event} event does not share the time and actor of `{command}` (seq {seq})").format(
                event=name("event", follow_up), command=command.event, seq=command.seq))
        if derived != payload:
            return ("derived", _("the recorded {event} differs from what `{command}` derives: {difference}").format(
                event=name("event", follow_up), command=command.event, difference=_difference(payload, derived)))
        step = Step(follow_up, self.claim, {}, {}, now, settings, actor={"name": row.actor, "role": row.role})
        step.today = today
        to_state = self.replayer.judge(step)
        if to_state != row.to_state:
            return ("to_state", _to_state_problem(to_state, row.to_state))
        return None

    def _check_role(self, row, command: str, now: datetime) -> None:
        if not may_run(row.role, command):
            self._problem(row, "role", _("the {role} role may not run `{command}` (docs/rules.md, Who may do what)").format(
                role=name("role", row.role), command=command))
        elif not self.record.held(row.actor, row.role, now):
            self._problem(row, "role", _("{user} was not registered as {role} at {at} (admin chain)").format(
                user=row.actor, role=name("role", row.role), at=row.at))

    def _open(self, row, payload: dict) -> bool:
        """The claim as `report` creates it, from the report event alone."""
        if row.event != "report":
            self._problem(row, "rule", _("a claim's first event must be report, not {event}").format(event=name("event", row.event)))
            return False
        try:
            args = payload["args"]
            self.claim = Claim(id=self.check.chain, policy=args["policy"], type=args["type"], event_date=args["event_date"],
                               line=payload["facts"]["line"])
            self.opened_with_digest = "policy_digest" in payload["facts"]  # a claim reported before policy versions: none of it
        except UNREADABLE as exc:
            self._problem(row, "payload", _("the report event does not record what opened the claim ({error})").format(error=repr(exc)))
            return False
        return True

    def _cannot_judge(self, row, now: datetime | None, settings: Settings | None) -> None:
        """Stop at an event that cannot even be judged: no payload (already reported), time or settings."""
        if now is None:
            self._problem(row, "at", _("the event's time {at!r} is not an ISO timestamp with a UTC offset").format(at=row.at))
        if settings is None:
            why = self.record.unusable.get(row.settings_version) or _("it is not stored")
            self._problem(row, "settings", _("settings version {version}… cannot be used: {reason}").format(
                version=str(row.settings_version)[:12], reason=why))
        self._stop(row, None)

    def _stop(self, row, why: str | None) -> None:
        if why:
            self._problem(row, "fold", why)
        self.folding = self.judging = False
        self.result.complete = False

    def _problem(self, row, check: str, what: str) -> None:
        self.problems.append(Problem(self.check.chain, row.seq, check, what))

    def finish(self) -> Replayed:
        result = self.result
        if self.judging and self.expected:
            follow_up = self.expected[0][0]
            self.problems.append(Problem(self.check.chain, self.command_row.seq, "follow_up",
                                         _("`{command}` derives a {event} event, but the log has none").format(
                                             command=self.command_row.event, event=name("event", follow_up))))
        result.claim = self.claim
        result.last_seq, result.watched = self.check.next_seq - 1, self.check.watched
        if result.events == 0 and not result.cut:
            self.problems.append(Problem(self.check.chain, None, "events", _("the claim has no audit events")))
            result.complete = False
        return result


def _calendar_problem(recorded, today: date) -> str | None:
    """The working days an application recorded must start the day after it, and — judged by the same version of the
    calendar — be the days that calendar publishes (a later version is not asked: the step was judged by this one)."""
    try:
        start = date.fromisoformat(recorded["from"])
        calendar, days = recorded["name"], recorded["days"]
    except (KeyError, TypeError, ValueError):
        return _("the calendar the application recorded cannot be read")
    if start != today:
        return _("the recorded calendar starts after {start}, but the application was made on {today}").format(start=start, today=today)
    if calendar == CALENDAR and calendar_record(start, len(days))["days"] != days:
        return _("the working days recorded with the application are not those {calendar} publishes").format(calendar=calendar)
    return None


def _moment(row) -> datetime | None:
    try:
        moment = datetime.fromisoformat(row.at)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


def stored_problems(row, claim: Claim) -> list[Problem]:
    """How the stored claim row differs from the replayed claim."""
    unreadable = [column for column, value in zip(row._fields, row, strict=True) if undecodable(value)]
    if unreadable:
        return [Problem(claim.id, None, "encoding", _("the stored claim's {columns} is not UTF-8 text: it was written outside this "
                                                      "tool").format(columns=listing(unreadable)))]
    problems = []
    for column in STORED_COLUMNS:
        stored, replayed = getattr(row, column), (people_of(claim) if column == "people" else getattr(claim, column))
        if stored != replayed:
            problems.append(Problem(claim.id, None, "stored", _("the stored {column} is {stored!r}, the events give {replayed!r}").format(
                column=column, stored=stored, replayed=replayed)))
    if not matches_canonical(snapshot_form(claim), row.snapshot):
        differing = _snapshot_fields(row.snapshot, claim)
        problems.append(Problem(claim.id, None, "stored", _("the stored snapshot differs from the replayed claim in {fields}").format(
            fields=differing)))
    return problems


def _snapshot_fields(snapshot: str, claim: Claim) -> str:
    try:
        stored = json.loads(snapshot)
    except (TypeError, ValueError):
        return _("everything (it is not JSON)")
    if not isinstance(stored, dict):
        return _("everything (it is not a JSON object)")
    return _differences(stored, snapshot_form(claim), STORED_REPLAYED) or _("its JSON form")


def _difference(recorded: dict, derived: dict) -> str:
    return _differences(recorded, derived, RECORDED_DERIVED)


def _to_state_problem(judged: str, recorded: str) -> str:
    return _("the rules lead to {judged}, the event says {recorded}").format(judged=name("state", judged), recorded=name("state", recorded))


RECORDED_DERIVED = N_("{path}: recorded {first}, derived {second}")
STORED_REPLAYED = N_("{path}: stored {first}, replayed {second}")


def _differences(first, second, described: str, limit: int = 4) -> str:
    """Where two documents differ, as paths to the differing values (values shown only where they are not personal data);
    `described` says how one difference reads (an N_ message)."""
    found = list(_leaf_differences(first, second, ""))
    shown = clauses(_described(path, a, b, described) for path, a, b in found[:limit])
    if len(found) > limit:
        return _("{differences}; and {more} more").format(differences=shown, more=len(found) - limit)
    return shown


def _leaf_differences(a, b, path: str):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key, _ABSENT) != b.get(key, _ABSENT):
                yield from _leaf_differences(a.get(key, _ABSENT), b.get(key, _ABSENT), f"{path}.{key}" if path else str(key))
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                yield from _leaf_differences(x, y, f"{path}[{index}]")
    else:
        yield path, a, b


def _described(path: str, a, b, described: str) -> str:
    key = path.rsplit(".", 1)[-1].split("[", 1)[0]
    if key in PII_KEYS or key in DIGEST_KEYS:
        return _("{path} differs").format(path=path)
    return _(described).format(path=path, first=_short(a), second=_short(b))


class _Absent:
    def __repr__(self) -> str:
        return "absent"


_ABSENT = _Absent()


def _short(value) -> str:
    if value is _ABSENT:
        return _("absent")
    text = canonical_json(_safe(value))
    return text if len(text) <= 80 else text[:77] + "…"


def _safe(value):
    """A value for a problem text: identifiers masked and digests left out, whoever reads it."""
    if isinstance(value, dict):
        return {k: ("…" if k in DIGEST_KEYS else mask(v) if k in PII_KEYS and isinstance(v, str) else _safe(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_safe(v) for v in value]
    return value


def _step_view(row, problems: list[Problem], judged: bool) -> dict:
    return {"seq": row.seq, "event": row.event, "from": row.from_state, "to": row.to_state, "at": row.at, "actor": row.actor,
            "role": row.role, "judged": judged, "ok": not problems, "problems": [p.problem for p in problems]}
