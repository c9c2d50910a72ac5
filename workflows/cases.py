"""The case flow: each command is one unit of work — judge, record, commit together.

A step is judged by the state machine and its guards; its audit events are sealed onto
the claim's hash chain; the claim is folded forward through ``evolve``; the new claim and
the events commit in one transaction, or nothing does.

Every payload is ``{"args": <the command's inputs>, "facts": <outside facts used>, ...}``
plus what the step derived from them, so replay can judge the step again.
"""

from __future__ import annotations

from datetime import date

from claims.audit import seal
from claims.errors import Conflict, NotFound, RuleRefused
from claims.i18n import N_, _, listing, name, names
from claims.materials import DOCUMENT_TYPES, required_materials
from claims.records import NEW, Claim, evolve
from claims.storage import Tx
from claims.working_days import calendar_record
from workflows import deadlines as dl
from workflows import eligibility as el
from workflows import facts as facts_of
from workflows import guards as g
from workflows import views
from workflows.clock import stamp
from workflows.machine import MACHINE, referee
from workflows.office import Office
from workflows.step import Step

REPORTS = "claims:report"  # the lock every report takes: claim numbers and the duplicate-report check are per database


def report(office: Office, policy_number: str, args: dict) -> dict:
    """报案: first notice of an insured event; returns the new claim."""

    def work(tx: Tx) -> dict:
        tx.lock(REPORTS)  # one report at a time: the next claim number, and no duplicate slipping in beside this one
        policy = tx.policy(policy_number)
        if policy is None:
            raise NotFound(_("policy {policy!r} not found").format(policy=policy_number))
        user = office.authorized_user(tx, "report")
        number = tx.next_claim_number()
        terms = facts_of.policy_terms(policy, args["type"])
        claim = Claim(id=f"CLM-{number:06d}", policy=policy_number, type=args["type"],
                      event_date=args["event_date"], line=terms["line"])
        step = Step("report", claim, {"policy": policy_number, **args}, terms, office.now(tx), office.settings(tx), actor=user)
        to_state = referee().judge(step)
        _refuse_duplicate(tx, claim)
        new = _record(tx, step, to_state, _report_events(step))
        return {"claim": new.id, "state": new.state, "flags": new.flags}

    return office.store.transact(work)


def advance(office: Office, claim_id: str, command: str, args: dict, *, view: bool = True) -> dict | None:
    """Any step on an existing claim: apply, attach, investigate, decide, notify, pay, …"""
    if command in ("attach", "request") and args["document"] not in DOCUMENT_TYPES:
        raise NotFound(_("document type {document!r} not found; known types: {known}").format(
            document=args["document"], known=names("document", DOCUMENT_TYPES)))

    def work(tx: Tx) -> dict | None:
        claim = tx.existing_claim(claim_id)  # in a write transaction: the claim's row, and so its chain, locked first
        user = office.authorized_user(tx, command)
        if command in facts_of.READS_OTHER_CLAIMS:
            tx.lock(policy_lock(claim.policy))  # the amounts paid on the policy's other claims must not change meanwhile
        settings = office.settings(tx)
        now = office.now(tx)
        facts = facts_of.gather(tx, command, claim, user, settings, args)
        if command == "apply" and claim.state == "reported":  # the calendar the decision deadline will be counted on
            facts["calendar"] = calendar_record(now.astimezone(settings.zone).date())
        step = Step(command, claim, PREPARE.get(command, _as_given)(args, claim, facts), facts, now, settings, actor=user)
        try:
            to_state = referee().judge(step)
        except RuleRefused as refused:
            raise refused.followed_by(_what_now(claim, settings, user, now)) from None
        new = _record(tx, step, to_state, EVENTS[command](step))
        return views.status(new, settings, user, step.now) if view else None

    return office.store.transact(work)


def _what_now(claim: Claim, settings, user: dict, now) -> str:
    """After a refusal: what this user may do to the claim now (the `allowed_actions` of its status)."""
    allowed = views.allowed_actions(claim, settings, user, now)
    if allowed:
        return _("allowed now: {actions} — see `claims status {claim}`").format(actions=listing(allowed), claim=claim.id)
    return _("nothing is open to you now — see `claims status {claim}`").format(claim=claim.id)


def policy_lock(number: str) -> str:
    return f"claims:policy:{number}"


def _record(tx: Tx, step: Step, to_state: str, events: list[tuple[str, dict]]) -> Claim:
    """Seal the events onto the claim's chain, fold them into the claim, write both."""
    before = claim = step.claim
    seq, prev = tx.chain_head(before.id) if before.version else (0, None)
    at = stamp(step.now.astimezone(step.settings.zone))
    day = step.today.isoformat()
    sealed = []
    for kind, payload in events:
        if sealed:  # a follow-up event (the Art. 22 notice) is judged by the machine too
            to_state = referee().judge(Step(kind, claim, {}, {}, step.now, step.settings, actor=step.actor))
        event = seal(claim.id, seq + 1, kind, None if claim.state == NEW else claim.state, to_state, at,
                     step.actor["name"], step.actor["role"], payload, step.settings.version, prev)
        claim = evolve(claim, kind, to_state, payload, at, day)
        sealed.append(event)
        seq, prev = event.seq, event.hash
    due = dl.next_due(claim, step.settings, step.today)
    due = due.isoformat() if due else None
    if before.version == 0:
        tx.insert_claim(claim, int(claim.id.removeprefix("CLM-")), due)
    else:
        tx.update_claim(claim, before.version, due)
    tx.append_events(sealed)
    return claim



def _refuse_duplicate(tx: Tx, claim: Claim) -> None:
    for other in tx.claims_on_policy(claim.policy, claim.type):
        if other.event_date == claim.event_date and other.state != "withdrawn":
            raise Conflict(
                _("duplicate report: {other} already reports a {type} event of {event_date} "
                  "on policy {policy} (docs/rules.md, Duplicate reports)").format(
                    other=other.id, type=name("claim type", claim.type), event_date=claim.event_date, policy=claim.policy),
                rule="duplicate_report",
                claim=other.id,
            )


# inputs as the rules need them ------------------------------------------------------------------
def _as_given(args: dict, claim: Claim, facts: dict) -> dict:
    return args


def _with_relation(args: dict, claim: Claim, facts: dict) -> dict:
    """Read the applicant's relation off the policy when it is not given."""
    if args.get("relation") or "apply" not in MACHINE.get_triggers(claim.state):  # a wrong state is refused first, by name
        return args
    relation = el.relation_of(args["applicant"], claim.type, facts["persons"], claim.excluded)
    if relation is None:
        raise g.refused(_("{applicant} is neither the insured nor a named beneficiary; say how they relate to the "
                          "claim with --relation").format(applicant=args["applicant"]),
                        ELIGIBLE_APPLICANTS, "eligible_applicant", claim.id)
    return {**args, "relation": relation}


ELIGIBLE_APPLICANTS = N_("deck slide 12, eligible applicants")
PREPARE = {"apply": _with_relation}


# what each command records ----------------------------------------------------------------------
def _report_events(step: Step) -> list[tuple[str, dict]]:
    late = dl.has_reporting_window(step.claim) and step.today > dl.report_due(date.fromisoformat(step.args["event_date"]), step.settings)
    return [("report", {"args": step.args, "facts": step.facts, "late": late})]


def _apply_events(step: Step) -> list[tuple[str, dict]]:
    """The application; and, Insurance Law Art. 22, one notice telling the claimant promptly everything still missing —
    for a further applicant (a co-beneficiary, an heir), only what their application newly requires."""
    applicant = _applicant(step)
    required = required_materials(step.claim.type, step.claim.cause, applicant)
    events = [("apply", {"args": step.args, "facts": step.facts, "applicant": applicant, "required": required})]
    already = step.claim.required if step.claim.applicant else []
    missing = [d for d in required if d not in step.claim.received and d not in already]
    if missing:
        events.append(("notice", {"args": {}, "missing": missing, "rule": "Insurance Law Art. 22"}))
    return events


def _applicant(step: Step) -> dict:
    a, persons, out = step.args, step.facts["persons"], step.claim.excluded
    whom = el.acting_for(a, step.claim.type, persons, out)
    return {
        "name": a["applicant"],
        "relation": a["relation"],
        "id_type": a["id_type"],
        "id_number": a["id_number"],
        "for": whom,
        "for_relation": el.relation_of(whom, step.claim.type, persons, out),
    }


def _pay_events(step: Step) -> list[tuple[str, dict]]:
    """A payment names its payee (`--to`, or the only one) — on a claim applied for since payees exist."""
    payload = _plain(step)[0][1]
    if step.claim.applicants:
        payload["payee"] = g.payee_of(step)
    return [("pay", payload)]


def _request_events(step: Step) -> list[tuple[str, dict]]:
    doc = step.args["document"]
    named_before = doc in step.claim.required or doc in (step.claim.notice or {}).get("missing", [])
    return [("request", {"args": step.args, "violation": named_before})]


def _decide_events(step: Step) -> list[tuple[str, dict]]:
    return [("decide", {"args": step.args, "facts": step.facts, "by": step.actor["name"]})]


def _plain(step: Step) -> list[tuple[str, dict]]:
    payload = {"args": step.args}
    if step.facts:
        payload["facts"] = step.facts
    return [(step.command, payload)]


EVENTS = {
    "report": _report_events,
    "apply": _apply_events,
    "attach": _plain,
    "request": _request_events,
    "investigate": _plain,
    "decide": _decide_events,
    "notify": _plain,
    "pay": _pay_events,
    "appeal": _plain,
    "close": _plain,
    "withdraw": _plain,
    "consult": _plain,
    "exclude": _plain,
    "mark-complex": _plain,
    "assign": _plain,
}
