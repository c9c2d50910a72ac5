"""Judging a recorded step again, fast: the one Machine's transitions, evaluated without dispatch.

``Referee.judge`` fires the Machine's trigger (≈25 µs of event dispatch and state callbacks per
step). Replay only needs to know which transition the rules allow, so ``Judge`` walks the same
transition table (``MACHINE.events[trigger].transitions[state]``, in order) and calls the same
conditions on a ``Case`` of its own, never attached to the Machine — exactly what the Machine's
trigger evaluates. Any refusal is handed to the Referee itself, so it is worded exactly as the
live command's was.
"""

from __future__ import annotations

from workflows.machine import MACHINE, Case, referee
from workflows.step import Step


class Judge:
    """Which state a step leads to, as the Referee would say (tests/integration/test_replay_judge.py proves they agree)."""

    def __init__(self):
        self.case = Case()
        self.table = {}
        for name, event in MACHINE.events.items():
            for source, transitions in event.transitions.items():
                if MACHINE.prepare_event or any(t.prepare for t in transitions):
                    continue  # callbacks could change the outcome: leave these to the Referee
                self.table[(name, source)] = [(t.dest or source, [(self._condition(c), c.target) for c in t.conditions], _Probe(event, t))
                                              for t in transitions]

    def _condition(self, condition):
        return getattr(self.case, condition.func) if isinstance(condition.func, str) else condition.func

    def judge(self, step: Step) -> str:
        options = self.table.get((step.command, step.claim.state))
        if options is not None:
            self.case.step, self.case.refusal = step, None
            for dest, conditions, probe in options:
                for check, target in conditions:
                    if check(probe) != target:
                        break
                else:
                    return dest
        return referee().judge(step)


class _Probe:
    """What the Case's conditions read of transitions' EventData: the event and the transition."""

    __slots__ = ("event", "transition")

    def __init__(self, event, transition):
        self.event, self.transition = event, transition
