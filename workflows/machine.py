"""The claim state machine (deck slide 18), built once per process.

One ``transitions`` Machine with ``auto_transitions=False`` drives one small context
object (``Case``). A guard's silent ``False`` becomes a ``RuleRefused`` that names the
rule; "what may I do next" asks the same guards through ``may_<trigger>``.
"""

from __future__ import annotations

from decimal import Decimal

from transitions import Machine

from claims.errors import RuleRefused
from claims.i18n import N_, _, name
from claims.records import NEW, STATES
from workflows import entitlement as ent
from workflows import guards as g
from workflows.step import Step

STATE_MACHINE = N_("claim state machine, deck slide 18")  # the source a refusal by state cites
OPEN = ["reported", "applied", "investigating", "appealed"]
CLOCK = [g.not_before_last_event]
APPLYING = [*CLOCK, g.within_limitation, g.applicant_eligible, g.minor_has_guardian, g.beneficiary_not_changed_after_event,
            g.valid_photo_id, g.id_matches_policy, g.no_proxy_signature]

# (trigger, sources, destination or None for "stays", guards, branch condition)
TRANSITIONS = [
    ("report", [NEW], "reported", [g.event_not_in_future, g.policy_in_force, g.policy_covers_type, g.within_limitation,
                                   g.late_report_has_reason], None),
    ("apply", ["reported"], "applied", APPLYING, None),
    ("apply", ["applied"], None, [*APPLYING, g.not_applied_yet], None),  # a co-beneficiary or an heir, for their own share
    ("notice", ["applied"], None, [], None),  # follows apply: the one Art. 22 missing-materials notice
    ("attach", OPEN, None, CLOCK, None),
    ("request", ["applied", "investigating", "appealed"], None, CLOCK, None),
    ("investigate", ["applied", "appealed"], "investigating", [*CLOCK, g.materials_complete], None),
    ("decide", ["investigating"], None, [*CLOCK, g.no_decision_yet, g.materials_complete, g.decision_has_inputs, g.within_sum_insured,
                                         g.within_authority, g.nondisclosure_within_two_years, g.suicide_within_two_years], None),
    ("notify", ["investigating"], "approved", [*CLOCK, g.has_decision], "decision_approves"),
    ("notify", ["investigating"], "declined", [*CLOCK, g.has_decision], "decision_declines"),
    ("pay", ["approved"], "paid", [*CLOCK, g.pays_approved_amount, g.four_eyes], "pays_the_last_share"),
    ("pay", ["approved"], None, [*CLOCK, g.pays_approved_amount, g.four_eyes], "shares_remain"),
    ("pay", ["investigating"], None, [*CLOCK, g.decision_notified, g.advance_flag_given, g.advance_after_sixty_days,
                                        g.within_sum_insured], None),
    ("appeal", ["declined"], "appealed", [*CLOCK, g.within_appeal_window], None),
    ("appeal", ["paid"], "appealed", [*CLOCK, g.paid_partially, g.within_appeal_window], None),
    ("close", ["paid", "declined"], "closed", CLOCK, None),
    ("withdraw", OPEN, "withdrawn", CLOCK, None),
    ("consult", list(STATES), None, CLOCK, None),
    ("exclude", ["reported", "applied", "investigating"], None, [*CLOCK, g.exclusion_is_proven], None),
    ("mark-complex", ["applied", "investigating", "appealed"], None, [*CLOCK, g.not_complex_yet], None),
    ("assign", [*OPEN, "approved", "declined", "paid"], None, [*CLOCK, g.assignee_is_a_handler], None),
]

GUARDS = {(t, source, dest): guards for t, sources, dest, guards, _ in TRANSITIONS for source in sources}


class Case:
    """The plain context object the Machine drives (a SQLModel row cannot be one)."""

    def __init__(self):
        self.step: Step | None = None
        self.refusal: RuleRefused | None = None

    def rules_allow(self, event) -> bool:
        t = event.transition
        for rule in GUARDS[(event.event.name, t.source, t.dest)]:
            refusal = rule.refusal(self.step)
            if refusal:
                self.refusal = refusal
                return False
        return True

    def decision_approves(self, event) -> bool:
        decision = self.step.claim.decision
        return bool(decision) and decision["outcome"] in ("approve", "partial")

    def decision_declines(self, event) -> bool:
        decision = self.step.claim.decision
        return bool(decision) and decision["outcome"] == "decline"

    def pays_the_last_share(self, event) -> bool:
        """The claim is paid when every payee's share is (docs/cli.md, pay)."""
        return not self.shares_remain(event)

    def shares_remain(self, event) -> bool:
        step = self.step
        if not ent.payees(step.claim):  # applied for before payees were kept: one payment settles it
            return False
        payee = g.payee_of(step)
        amount = Decimal(step.args["amount"]) if step.args.get("amount") else Decimal(0)
        return payee is None or ent.shares_left_after(step.claim, payee, amount)


def _build() -> Machine:
    machine = Machine(model=None, states=[NEW, *STATES], initial=NEW, auto_transitions=False, send_event=True)
    for trigger, sources, dest, _source, branch in TRANSITIONS:
        conditions = ["rules_allow"] + ([branch] if branch else [])
        machine.add_transition(trigger, sources, dest, conditions=conditions)
    return machine


MACHINE = _build()
COMMANDS = tuple(dict.fromkeys(t for t, *_ in TRANSITIONS))
TRIGGERS = {state: frozenset(MACHINE.get_triggers(state)) for state in MACHINE.states}  # the machine is fixed once built


class Referee:
    """Judges steps with the one Machine, through one reusable Case."""

    def __init__(self):
        self.case = Case()
        MACHINE.add_model(self.case)

    def judge(self, step: Step) -> str:
        """The state the step leads to; raises RuleRefused naming the rule if it may not happen."""
        state = step.claim.state
        if step.command not in TRIGGERS.get(state, ()):
            raise g.refused(_("`{command}` is not possible while the claim is {state}").format(
                command=step.command, state=name("state", state)),
                            STATE_MACHINE, "state", step.claim.id)
        self._load(step)
        if not self.case.trigger(step.command):
            if self.case.refusal:
                raise self.case.refusal
            reason = _("`{command}` is not possible now").format(command=step.command)
            raise RuleRefused(_("refused: {reason}").format(reason=reason), rule="state", claim=step.claim.id, reason=reason)
        return self.case.state

    def allows(self, step: Step) -> bool:
        """Whether the rules would let this command happen, its inputs aside."""
        if step.command not in TRIGGERS.get(step.claim.state, ()):
            return False
        self._load(step)
        return self.case.may_trigger(step.command)

    def _load(self, step: Step) -> None:
        self.case.step, self.case.refusal = step, None
        MACHINE.set_state(step.claim.state, model=self.case)


_referee: Referee | None = None


def referee() -> Referee:
    global _referee
    if _referee is None:
        _referee = Referee()
    return _referee


def diagram(fmt: str = "mermaid") -> str:
    """The state machine as the code defines it."""
    edges = []
    for trigger, event in MACHINE.events.items():
        for source, transitions in event.transitions.items():
            for t in transitions:
                edges.append((source, t.dest or source, trigger))
    edges = list(dict.fromkeys(edges))
    states = list(dict.fromkeys(state for a, b, _label in edges for state in (a, b)))
    named = {state: shown for state in states if (shown := name("state", state)) != state}  # in Chinese: every state
    if fmt == "dot":
        lines = ["digraph claims {", "  rankdir=LR;"]
        lines += [f'  "{state}" [label="{shown}"];' for state, shown in named.items()]
        lines += [f'  "{a}" -> "{b}" [label="{label}"];' for a, b, label in edges]
        return "\n".join(lines + ["}"])
    lines = ["stateDiagram-v2", *(f'  state "{shown}" as {state}' for state, shown in named.items()), f"  [*] --> {NEW}"]
    lines += [f"  {a} --> {b}: {label}" for a, b, label in edges]
    lines += ["  closed --> [*]", "  withdrawn --> [*]"]
    return "\n".join(lines)
