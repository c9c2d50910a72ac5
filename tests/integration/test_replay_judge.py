"""Replay's Judge walks the Machine's own transitions without dispatch; it must answer as the Referee does.

test_replay_properties.py also judges every command of its random sequences with both.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from claims.errors import RuleRefused
from claims.records import Claim, evolve
from workflows.judge import Judge
from workflows.machine import COMMANDS, referee
from workflows.office import read_settings
from workflows.step import Step

from . import test_audit_book
from .test_audit_book import OPEN, PAID, SEQ

book, book_template = test_audit_book.book, test_audit_book.book_template  # the fixtures, for pytest to find

ACTORS = [{"name": "li", "role": "agent"}, {"name": "zhao", "role": "senior"}, {"name": "wang", "role": "handler"}]


def _answer(judge, step):
    try:
        return judge(step)
    except RuleRefused as refusal:
        return ("refused", refusal.rule, refusal.message)


def _stages(book, claim_id: str) -> list[Claim]:
    """The claim after each of its events, folded straight from the log."""
    events = book.events(claim_id)
    report = json.loads(events[0].payload)
    claim = Claim(id=claim_id, policy=report["args"]["policy"], type=report["args"]["type"], event_date=report["args"]["event_date"],
                  line=report["facts"]["line"])
    stages = [claim]
    for e in events:
        claim = evolve(claim, e.event, e.to_state, json.loads(e.payload), e.at, e.at[:10])
        stages.append(claim)
    return stages


def test_the_judge_agrees_with_the_referee_for_every_command_at_every_stage(book):
    settings, judge = read_settings(), Judge()
    facts = {**json.loads(book.events(PAID)[0].payload)["facts"], "paid_elsewhere": "0.00", "authority_limit": "50000.00"}
    compared = 0
    for claim in _stages(book, PAID) + _stages(book, OPEN):
        start = datetime.fromisoformat(claim.last_event_at) if claim.last_event_at else datetime.fromisoformat("2026-05-01T09:00:00+08:00")
        for command in COMMANDS:
            for actor in ACTORS:
                for later in (timedelta(0), timedelta(days=70), -timedelta(hours=1)):
                    step = Step(command, claim, {}, facts, start + later, settings, actor=actor, probe=True)
                    assert _answer(judge.judge, step) == _answer(referee().judge, step), (command, claim.state, actor, later)
                    compared += 1
    assert compared > 1000


def _answer_or_error(judge, step):
    try:
        return _answer(judge, step)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:  # a guard that cannot read the inputs
        return ("raised", type(exc).__name__, str(exc))


def test_the_judge_agrees_with_the_referee_on_steps_with_their_inputs(book):
    """As replay judges: not a probe, every guard asked, with the arguments and facts each command recorded."""
    settings, judge = read_settings(), Judge()
    recorded = [json.loads(e.payload) for e in book.events(PAID)]
    inputs = [(p.get("args", {}), p.get("facts", {})) for p in recorded]
    inputs.append(({"amount": "60000.00", "advance": True}, inputs[SEQ["pay"] - 1][1]))  # an advance payment, refused or not
    compared, allowed = 0, set()
    for claim in _stages(book, PAID) + _stages(book, OPEN):
        start = datetime.fromisoformat(claim.last_event_at) if claim.last_event_at else datetime.fromisoformat("2026-05-01T09:00:00+08:00")
        for command in COMMANDS:
            for args, facts in inputs:
                for actor in ACTORS:
                    for later in (timedelta(0), timedelta(days=70), -timedelta(hours=1)):
                        step = Step(command, claim, args, facts, start + later, settings, actor=actor)
                        answer = _answer_or_error(judge.judge, step)
                        assert answer == _answer_or_error(referee().judge, step), (command, claim.state, args, actor, later)
                        if isinstance(answer, str):
                            allowed.add((command, claim.state, answer))
                        compared += 1
    assert compared > 10000
    assert len(allowed) >= 10  # steps the rules allow are among them, not only refusals
