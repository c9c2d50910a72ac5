"""The claim flow of deck slide 18 as the command table states it (docs/cli.md, the case flow), judged by the one Machine."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from claims.errors import RuleRefused
from claims.records import NEW, STATES, Claim
from workflows.machine import MACHINE, diagram, referee
from workflows.office import read_settings
from workflows.step import Step

OPEN = {"reported", "applied", "investigating", "appealed"}
# command: {source state: destination} (None = stays in the same state)
TABLE = {
    "report": {NEW: "reported"},
    "apply": {"reported": "applied", "applied": None},  # again: a co-beneficiary or an heir, for their own share
    "investigate": {"applied": "investigating", "appealed": "investigating"},
    "decide": {"investigating": None},
    "notify": {"investigating": {"approved", "declined"}},
    "pay": {"approved": {"paid", "approved"}, "investigating": None},  # paid once every share is
    "appeal": {"declined": "appealed", "paid": "appealed"},
    "close": {"paid": "closed", "declined": "closed"},
    "withdraw": {s: "withdrawn" for s in OPEN},
    "attach": {s: None for s in OPEN},
    "consult": {s: None for s in STATES},
    "exclude": {s: None for s in ("reported", "applied", "investigating")},
    "mark-complex": {s: None for s in ("applied", "investigating", "appealed")},
}
S = read_settings()
NOW = datetime(2026, 5, 1, 9, tzinfo=timezone(timedelta(hours=8)))


@pytest.mark.parametrize("command", sorted(TABLE))
def test_deck_slide18_each_command_runs_from_exactly_the_states_of_the_table(command):
    sources = {state for state in [NEW, *STATES] if command in MACHINE.get_triggers(state)}
    assert sources == set(TABLE[command])


@pytest.mark.parametrize("command", sorted(TABLE))
def test_deck_slide18_each_command_leads_where_the_table_says(command):
    for source, expected in TABLE[command].items():
        dests = {t.dest or source for t in MACHINE.events[command].transitions[source]}
        wanted = expected if isinstance(expected, set) else {expected or source}
        assert dests == wanted, (command, source)


def test_closed_and_withdrawn_allow_consultation_only():
    for state in ("closed", "withdrawn"):
        assert [t for t in MACHINE.get_triggers(state) if t in TABLE] == ["consult"]


def test_no_auto_transitions_that_skip_the_guards():
    assert not any(name.startswith("to_") for name in MACHINE.events)


def test_referee_refusal_names_the_state():
    c = Claim(
        id="CLM-000001",
        policy="P-2022-0002",
        type="critical_illness",
        state="reported",
        version=1,
        event_date="2026-04-25",
        line="health",
        reported_on="2026-05-01",
    )
    with pytest.raises(RuleRefused) as refused:
        referee().judge(Step("investigate", c, {}, {}, NOW, S))
    assert refused.value.rule == "state" and "reported" in refused.value.message and "investigate" in refused.value.message


def test_referee_refusal_of_a_guard_names_that_guards_rule():
    c = Claim(
        id="CLM-000001",
        policy="P-2022-0002",
        type="critical_illness",
        state="applied",
        version=3,
        event_date="2026-04-25",
        line="health",
        reported_on="2026-05-01",
        applied_on="2026-05-01",
        required=["claim_form"],
    )
    with pytest.raises(RuleRefused) as refused:
        referee().judge(Step("investigate", c, {}, {}, NOW, S))
    assert refused.value.rule == "materials_complete" and "Art. 22" in refused.value.message
    full = Claim(**{**c.as_dict(), "received": {"claim_form": [None]}})
    assert referee().judge(Step("investigate", full, {}, {}, NOW, S)) == "investigating"


def test_diagram_is_drawn_from_the_machine():
    text = diagram("mermaid")
    assert "reported --> applied: apply" in text and "declined --> appealed: appeal" in text
    assert "digraph" in diagram("dot")
