"""Guards: pure functions of a Step that return why the rules say no, or None.

Each guard names its rule and source, so a refusal reads e.g. "refused: materials
incomplete — pathology_report is missing (Insurance Law Art. 22)". Guards that need the
command's inputs are skipped when only asking which actions are allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from claims.errors import RuleRefused
from claims.i18n import N_, _, listing, name, names, ngettext
from claims.i18n import money as as_read
from claims.materials import EXCLUSION_PROOF
from claims.values import add_years, money, resident_id_problem
from workflows import deadlines as dl
from workflows import eligibility as el
from workflows import entitlement as ent
from workflows.step import Step


@dataclass(frozen=True)
class Guard:
    rule: str
    source: str
    check: Callable[[Step], str | None]
    needs_input: bool

    def refusal(self, step: Step) -> RuleRefused | None:
        if step.probe and self.needs_input:
            return None
        problem = self.check(step)
        if problem is None:
            return None
        return refused(problem, self.source, self.rule, step.claim.id)


def refused(problem: str, source: str, rule: str, claim: str | None) -> RuleRefused:
    """A refusal: what is wrong and the rule's source (an N_ message, translated here). Its `reason` is the same without
    "refused: ", for replay to cite in any language."""
    source = _(source)
    return RuleRefused(_("refused: {problem} ({source})").format(problem=problem, source=source), rule=rule, claim=claim,
                       reason=_("{problem} ({source})").format(problem=problem, source=source))


def guard(rule: str, source: str, needs_input: bool = False):
    def wrap(check):
        return Guard(rule, source, check, needs_input)

    return wrap


# The clock ----------------------------------------------------------------------------------
@guard("clock", N_("docs/cli.md, Time"))
def not_before_last_event(step: Step):
    last = step.claim.last_event_at
    if last and step.now < datetime.fromisoformat(last):
        return _("this command is dated {now}, before the claim's last event at {last}").format(now=step.now.isoformat(), last=last)


# Reporting (报案) ----------------------------------------------------------------------------
@guard("event_date", N_("an insured event cannot lie in the future"), needs_input=True)
def event_not_in_future(step: Step):
    if date.fromisoformat(step.args["event_date"]) > step.today:
        return _("the event date {event_date} is after today ({today})").format(event_date=step.args["event_date"], today=step.today)


@guard("policy_in_force", N_("policy contract; Insurance Law Art. 14"))
def policy_in_force(step: Step):
    f = step.facts
    if f["status"] != "in_force":
        return _("policy {policy} is {status}, not in force").format(policy=step.claim.policy, status=name("policy status", f["status"]))
    if step.claim.event_date and step.claim.event_date < f["issued"]:
        return _("the event ({event_date}) happened before policy {policy} was issued ({issued})").format(
            event_date=step.claim.event_date, policy=step.claim.policy, issued=f["issued"])


@guard("coverage", N_("policy contract"))
def policy_covers_type(step: Step):
    if step.facts["sum_insured"] is None:
        return _("policy {policy} does not cover {type} (it covers {covered})").format(
            policy=step.claim.policy, type=name("claim type", step.claim.type), covered=names("claim type", step.facts["covers"]))


@guard("limitation", N_("Insurance Law Art. 26"))
def within_limitation(step: Step):
    c = step.claim
    due = dl.limitation_due(date.fromisoformat(c.event_date), c.line, step.settings)
    if step.today > due:
        years = step.settings.limitation_years_life if c.line == "life" else step.settings.limitation_years_other
        return _("the right to claim expired on {due}, {years} years after the event for a {line} policy").format(
            due=due, years=years, line=name("line", c.line))


@guard("late_report", N_("Insurance Law Art. 21; product clause"), needs_input=True)
def late_report_has_reason(step: Step):
    if not dl.has_reporting_window(step.claim):
        return None
    due = dl.report_due(date.fromisoformat(step.claim.event_date), step.settings)
    if step.today > due and not (step.args.get("late_reason") or "").strip():
        return _("the report is late: the {days}-day reporting window ended on {due}; "
                 "a late report is accepted with a stated reason (--late-reason)").format(
            days=step.settings.reporting_window_days, due=due)


# Applying (申请) -----------------------------------------------------------------------------
@guard("photo_id", N_("deck slide 11"), needs_input=True)
def valid_photo_id(step: Step):
    a = step.args
    if a["id_type"] == "household_register" and not a.get("id_photo"):
        return _("a household register (户口本) has no photo and does not prove identity; "
                 "give a photo ID (or --id-photo if this one carries a photo)")
    if a["id_type"] == "resident_id":
        problem = resident_id_problem(a["id_number"])
        if problem:
            return problem
    expires = a.get("id_expires")
    if expires and date.fromisoformat(expires) < step.today:
        return _("the applicant's ID expired on {expires}; a valid, unexpired ID is required").format(expires=expires)


@guard("proxy_signature", N_("deck slide 9: 保全申请材料不允许代签名"), needs_input=True)
def no_proxy_signature(step: Step):
    a = step.args
    signer = a.get("signed_by")
    if signer and signer != a["applicant"]:
        return _("the application must be signed by the applicant {applicant}, not by {signer}").format(
            applicant=a["applicant"], signer=signer)


@guard("eligible_applicant", N_("deck slides 12, 13, 14, 17; Insurance Law Arts. 39–42; SPC Interpretation III Art. 12"),
       needs_input=True)
def applicant_eligible(step: Step):
    a, persons, out = step.args, step.facts["persons"], step.claim.excluded
    whom = el.acting_for(a, step.claim.type, persons, out)
    if whom is None:
        named = len(el.death_beneficiaries(persons))
        why = _("the policy names several beneficiaries") if named else _("the policy names no death beneficiary")
        return _("say whom the {relation} acts for with --for ({why})").format(relation=name("relation", a["relation"]), why=why)
    relation = a["relation"]
    if relation in ("guardian", "representative"):
        relation = el.relation_of(whom, step.claim.type, persons, out) or "other"
    return el.eligibility_problem(step.claim.type, relation, whom, persons, out)


@guard("applied_once", N_("Insurance Law Art. 40: each entitled person claims their own share"), needs_input=True)
def not_applied_yet(step: Step):
    whom = el.acting_for(step.args, step.claim.type, step.facts["persons"], step.claim.excluded)
    for earlier in step.claim.all_applicants:
        if (earlier.get("for") or earlier["name"]) == whom:
            return _("{whom} has applied already (as {relation}); each entitled person applies once, for their own share").format(
                whom=whom, relation=name("relation", earlier["relation"]))


@guard("minor_applicant", N_("deck slide 11; Civil Code Arts. 17, 27"), needs_input=True)
def minor_has_guardian(step: Step):
    a, persons = step.args, step.facts["persons"]
    whom = el.acting_for(a, step.claim.type, persons, step.claim.excluded)
    if a["relation"] != "guardian" and el.is_minor(el.person(whom or "", persons), step.today):
        return _("{whom} is under 18 and may not apply alone: the guardian applies, with proof of guardianship").format(whom=whom)


@guard("id_matches_policy", N_("docs/cli.md, Policy file: people are matched by name and ID number"), needs_input=True)
def id_matches_policy(step: Step):
    """Every record the policy holds for the applicant with an ID of the same kind must hold this ID (GB 11643's X in any case)."""
    a = step.args
    for known in el.records_of(a["applicant"], step.facts["persons"]):
        same_kind = known.get("id_type", "resident_id") == a["id_type"]  # a passport number never equals a resident ID
        if same_kind and known.get("id_number") and known["id_number"].upper() != a["id_number"].upper():
            return _("the ID number given does not match the one the policy holds for {applicant}").format(applicant=a["applicant"])


@guard("beneficiary_changed", N_("SPC Interpretation III Art. 11"), needs_input=True)
def beneficiary_not_changed_after_event(step: Step):
    whom = el.acting_for(step.args, step.claim.type, step.facts["persons"], step.claim.excluded)
    for b in el.death_beneficiaries(step.facts["persons"]):
        if b["name"] == whom and b.get("since") and b["since"] > step.claim.event_date:
            return _("{whom} became beneficiary on {since}, after the insured event ({event_date}), and cannot claim").format(
                whom=whom, since=b["since"], event_date=step.claim.event_date)


# Investigating (调查) ------------------------------------------------------------------------
@guard("materials_complete", N_("Insurance Law Art. 22"))
def materials_complete(step: Step):
    missing = step.claim.missing
    if missing:
        return ngettext("materials incomplete — {missing} is missing", "materials incomplete — {missing} are missing",
                        len(missing)).format(missing=names("document", missing))


# Deciding --------------------------------------------------------------------------------------
@guard("decision_recorded", N_("claims procedure: one decision per review"))
def no_decision_yet(step: Step):
    if step.claim.decision:
        return _("a decision ({outcome}) is already recorded; notify the claimant").format(
            outcome=name("outcome", step.claim.decision["outcome"]))


@guard("decision_inputs", N_("docs/cli.md, decide"), needs_input=True)
def decision_has_inputs(step: Step):
    a = step.args
    if a["outcome"] == "decline":
        if not a.get("ground"):
            return _("a decline needs a coded ground (--ground), so the claimant can be told why")
        if a.get("amount"):
            return _("a decline approves no amount; leave out --amount")
    else:
        if not a.get("amount"):
            return _("an {outcome} decision needs the amount it approves (--amount)").format(outcome=name("outcome", a["outcome"]))
        if a.get("ground"):
            return _("a ground (--ground) is given only with a decline")


@guard("sum_insured", N_("policy contract: the sum insured"), needs_input=True)
def within_sum_insured(step: Step):
    amount = step.args.get("amount")
    if not amount or step.args.get("outcome") == "decline":
        return None
    f = step.facts
    remaining = Decimal(f["sum_insured"]) - Decimal(f["paid_elsewhere"])
    total = Decimal(amount) + (step.claim.paid if step.args.get("advance") else Decimal(0))
    if total > remaining:
        return _("{total} exceeds the remaining sum insured of {remaining} for {type}").format(
            total=_amount(total), remaining=_amount(remaining), type=name("claim type", step.claim.type))
    if step.command == "decide" and Decimal(amount) < step.claim.paid:
        return _("the approved amount {amount} is less than the {paid} already paid").format(
            amount=_amount(amount), paid=_amount(step.claim.paid_amount))


@guard("authority_limit", N_("house rule: authority limits"), needs_input=True)
def within_authority(step: Step):
    limit, amount = step.facts.get("authority_limit"), step.args.get("amount")
    if step.args.get("outcome") == "decline" or not amount or limit is None:
        return None
    if Decimal(amount) > Decimal(limit):
        return _("{amount} is above {user}'s authority limit of {limit}; "
                 "a senior handler with enough authority must record this decision").format(
            amount=_amount(amount), user=step.actor.get("name"), limit=_amount(limit))


@guard("contestability", N_("Insurance Law Art. 16"), needs_input=True)
def nondisclosure_within_two_years(step: Step):
    """Art. 16: the insurer may not rescind for non-disclosure more than two years after the contract was formed — counted
    to the decision (the rescission), not to the event."""
    if step.args.get("ground") == "nondisclosure":
        start, bar = _two_years(step, step.settings.contestability_years)
        if step.today > bar:
            return _("a decline for non-disclosure is barred: this decision comes more than {years} "
                     "years after the policy was formed or reinstated ({start})").format(
                years=step.settings.contestability_years, start=start)


@guard("suicide_exclusion", N_("Insurance Law Art. 44"), needs_input=True)
def suicide_within_two_years(step: Step):
    """Art. 44: no death benefit for suicide within two years of formation or reinstatement — counted to the event — unless
    the insured lacked civil capacity (proven by the material received)."""
    if step.args.get("ground") != "suicide":
        return None
    start, bar = _two_years(step, step.settings.suicide_exclusion_years)
    if date.fromisoformat(step.claim.event_date) > bar:
        return _("a decline for suicide is barred: the event came more than {years} years after "
                 "the policy was formed or reinstated ({start})").format(years=step.settings.suicide_exclusion_years, start=start)
    if "incapacity_proof" in step.claim.received:
        return _("a decline for suicide is barred: proof that the insured lacked civil capacity was received ({document})").format(
            document=name("document", "incapacity_proof"))


def _two_years(step: Step, years: int) -> tuple[str, date]:
    start = step.facts["reinstated"] or step.facts["issued"]
    return start, add_years(date.fromisoformat(start), years)


# Notifying, paying, appealing ------------------------------------------------------------------
@guard("decision_recorded", N_("Insurance Law Arts. 23, 24"))
def has_decision(step: Step):
    if not step.claim.decision:
        return _("no decision is recorded yet; record one with `claims decide`")


@guard("payment_amount", N_("Insurance Law Art. 23"), needs_input=True)
def pays_approved_amount(step: Step):
    """The payment is the named payee's part of the approved amount still unpaid to them (docs/cli.md, pay)."""
    if step.args.get("advance"):
        return _("an advance payment (--advance) is made only during investigation (Insurance Law Art. 25)")
    if not ent.payees(step.claim):  # applied for before payees were kept: one payment of the approved amount still unpaid
        payable = Decimal(step.claim.decision["amount"]) - step.claim.paid
        if Decimal(step.args["amount"]) != payable:
            return _("the payment must equal the approved amount still unpaid, {payable}, not {amount}").format(
                payable=_amount(payable), amount=_amount(step.args["amount"]))
        return None
    payee = payee_of(step)
    if payee is None:
        return _which_payee(step)
    payable = ent.unpaid(step.claim, payee)
    if Decimal(step.args["amount"]) != payable:
        return _("the payment to {payee} must equal their part of the approved amount still unpaid, {payable}, not {amount}").format(
            payee=payee, payable=_amount(payable), amount=_amount(step.args["amount"]))


def _amount(value) -> str:
    """An amount in a refusal as its reader expects it: 60000.00, or ¥60,000.00 in Chinese."""
    return as_read(money(Decimal(value)))


def payee_of(step: Step) -> str | None:
    """Whom a payment is for: the one named with --to, or the only payee."""
    payees = [p.name for p in ent.payees(step.claim)]
    to = step.args.get("to")
    if to is not None:
        return to if to in payees else None
    return payees[0] if len(payees) == 1 else None


def _which_payee(step: Step) -> str:
    payees = listing(p.name for p in ent.payees(step.claim)) or _("nobody yet")
    if step.args.get("to") is not None:
        return _("{to} is not a payee of this claim (payees: {payees})").format(to=step.args["to"], payees=payees)
    return _("the claim has several payees ({payees}): say whom this payment is for with --to").format(payees=payees)


@guard("four_eyes", N_("house rule: four-eyes above the threshold"))
def four_eyes(step: Step):
    decision = step.claim.decision
    threshold = step.settings.four_eyes_threshold
    if decision and decision["by"] == step.actor.get("name") and Decimal(decision["amount"]) > threshold:
        return _("{user} recorded this decision of {amount}; above {threshold} another handler must release the payment").format(
            user=decision["by"], amount=_amount(decision["amount"]), threshold=_amount(threshold))


@guard("notified_first", N_("Insurance Law Art. 23: the claimant is told the decision, then paid"))
def decision_notified(step: Step):
    if step.claim.decision and not step.args.get("advance"):
        return _("the decision is not yet notified: run `claims notify` first, then pay the approved amount")


@guard("advance_payment", N_("Insurance Law Art. 25"), needs_input=True)
def advance_flag_given(step: Step):
    if not step.args.get("advance"):
        return _("during investigation only an advance payment (--advance) can be made")
    if len(ent.payees(step.claim)) > 1 and payee_of(step) is None:
        return _which_payee(step)


@guard("advance_payment", N_("Insurance Law Art. 25"))
def advance_after_sixty_days(step: Step):
    if step.claim.decision:
        return _("a decision is recorded; notify the claimant and pay the approved amount instead")
    start = dl.advance_payment_from(step.claim, step.settings, step.today)
    if step.today < start:
        return _("an advance payment is possible from {start}, {days} days after the request with materials").format(
            start=start, days=step.settings.advance_payment_days)


# Beneficiaries out, and complex cases -------------------------------------------------------------------
@guard("excluded_beneficiary", N_("Insurance Law Arts. 42, 43; SPC Interpretation III Arts. 9, 12, 15"), needs_input=True)
def exclusion_is_proven(step: Step):
    """A named beneficiary is out only as a received material proves: predeceased or died in the same event (a beneficiary's
    death certificate), waived (a waiver), forfeited (a court judgment), or designated by a relationship that ended
    before the event (proof of it; SPC III Art. 9(3): a designation by name alone stands)."""
    person, because = step.args["beneficiary"], step.args["because"]
    designated = [b for b in el.death_beneficiaries(step.facts["persons"]) if b["name"] == person]
    if not designated:
        named = listing(b["name"] for b in el.death_beneficiaries(step.facts["persons"])) or _("nobody")
        return _("{name} is not a death beneficiary of policy {policy} (named: {named})").format(
            name=person, policy=step.claim.policy, named=named)
    if person in step.claim.excluded:
        return _("{name} is already out ({because})").format(name=person, because=name("because", step.claim.excluded[person]))
    proof = EXCLUSION_PROOF[because]
    if proof not in step.claim.received:
        return _("{because} must be proven by a received {proof}: attach it first (claims attach {claim} {document})").format(
            because=name("because", because), proof=name("document", proof), claim=step.claim.id, document=proof)
    if because == "relation_ended" and not designated[0].get("relation"):
        return _("{name} is designated by name alone: the designation stands after the relationship ended "
                 "(SPC Interpretation III Art. 9(3) applies to a designation by name and relationship)").format(name=person)


@guard("complex_case", N_("CIRC Order 2010 No. 4 Art. 23; Insurance Law Art. 23"))
def not_complex_yet(step: Step):
    if step.claim.complex:
        return _("the case was marked complex on {on} ({reason})").format(on=step.claim.complex["on"], reason=step.claim.complex["reason"])


@guard("assignee", N_("house rule: claims are held by handlers and seniors (docs/cli.md, assign)"), needs_input=True)
def assignee_is_a_handler(step: Step):
    role = step.facts.get("assignee_role")
    if role not in ("handler", "senior"):
        if role is None:
            return _("{user} is not registered: a claim is assigned to a handler or a senior").format(user=step.args["to"])
        an = _("{user} is an {role}: a claim is assigned to a handler or a senior")
        a = _("{user} is a {role}: a claim is assigned to a handler or a senior")
        return (an if role[0] in "aeiou" else a).format(user=step.args["to"], role=name("role", role))
    if step.claim.assignee == step.args["to"]:
        return _("{claim} is already assigned to {user}").format(claim=step.claim.id, user=step.args["to"])


@guard("appeal_window", N_("house rule: appeal window setting"))
def within_appeal_window(step: Step):
    due = dl.appeal_due(step.claim, step.settings)
    if step.today > due:
        return _("the appeal window closed on {due}").format(due=due)


@guard("appeal_after_partial", N_("docs/rules.md, Appeals"))
def paid_partially(step: Step):
    decision = step.claim.decision
    if not decision or decision["outcome"] != "partial":
        return _("a paid claim can be appealed only after a partial decision")
