"""Judging a recorded step again, fast: the one Machine's transitions, evaluated without dispatch.

``Referee.judge`` fires the Machine's trigger (≈25 µs of event dispatch and state callbacks per
step). Replay only needs to know which transition the rules allow, so ``Judge`` walks the same
transition table (``MACHINE.events[trigger].transitions[state]``, in order) and evaluates the
same conditions — exactly what the Machine's trigger evaluates. The ``rules_allow`` condition is
unrolled into the guards it would ask (``machine.GUARDS`` of that transition, in order; those
needing the command's inputs left out for a probe, as ``Guard.refusal`` leaves them out), each
called directly: a guard's ``check`` returning a reason is what makes ``refusal`` refuse. Any
refusal is handed to the Referee itself, so it is worded exactly as the live command's was.
"""

from __future__ import annotations

from workflows.machine import GUARDS, MACHINE, Case, referee
from workflows.step import Step

RULES = "rules_allow"  # the Case condition that asks a transition's guards


class Judge:
    """Which state a step leads to, as the Referee would say (tests/integration/test_replay_judge.py proves they agree)."""

    def __init__(self):
        self.case = Case()
        self.table = {}  # (trigger, state) -> [(destination, guard checks, guard checks for a probe, other conditions, probe)]
        for name, event in MACHINE.events.items():
            for source, transitions in event.transitions.items():
                if MACHINE.prepare_event or any(t.prepare for t in transitions):
                    continue  # callbacks could change the outcome: leave these to the Referee
                self.table[(name, source)] = [self._option(name, event, t) for t in transitions]

    def _option(self, name: str, event, transition):
        conditions = list(transition.conditions)
        checks = probe_checks = ()
        if conditions and conditions[0].func == RULES and conditions[0].target is True:  # asked first: unrolled
            guards = GUARDS[(name, transition.source, transition.dest)]
            checks = tuple(g.check for g in guards)
            probe_checks = tuple(g.check for g in guards if not g.needs_input)
            conditions = conditions[1:]
        others = tuple((self._condition(c), c.target) for c in conditions)
        return transition.dest or transition.source, checks, probe_checks, others, _Probe(event, transition)

    def _condition(self, condition):
        return getattr(self.case, condition.func) if isinstance(condition.func, str) else condition.func

    def judge(self, step: Step) -> str:
        options = self.table.get((step.command, step.claim.state))
        if options is not None:
            self.case.step, self.case.refusal = step, None
            for dest, checks, probe_checks, others, probe in options:
                for check in probe_checks if step.probe else checks:
                    if check(step) is not None:
                        break
                else:
                    for condition, target in others:
                        if condition(probe) != target:
                            break
                    else:
                        return dest
        return referee().judge(step)


class _Probe:
    """What the Case's conditions read of transitions' EventData: the event and the transition."""

    __slots__ = ("event", "transition")

    def __init__(self, event, transition):
        self.event, self.transition = event, transition
