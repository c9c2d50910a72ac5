"""``evolve`` folds an event into a new claim and never changes the claim it was given.

The new claim shares lists and dicts with the one before (copying them all for every event cost
replay a good part of its fold); a change therefore replaces a list or dict instead of editing it.
"""

from __future__ import annotations

import copy

from claims.records import Claim, evolve

AT = "2026-05-01T09:00:00+08:00"
DAY = "2026-05-01"
EVENTS = [
    ("report", "reported", {"args": {"event_date": "2026-04-20", "cause": "illness", "channel": "agent"}, "facts": {"line": "health"},
                            "late": True}),
    ("apply", "applied", {"args": {}, "applicant": {"name": "陈某", "relation": "insured"}, "required": ["claim_form", "bank_account"]}),
    ("notice", "applied", {"args": {}, "missing": ["claim_form", "bank_account"]}),
    ("attach", "applied", {"args": {"document": "claim_form", "sha256": None}}),
    ("attach", "applied", {"args": {"document": "claim_form", "sha256": "ab" * 32}}),  # a replacement copy
    ("request", "applied", {"args": {"document": "medical_records"}, "violation": True}),
    ("request", "applied", {"args": {"document": "medical_records"}, "violation": True}),
    ("attach", "applied", {"args": {"document": "bank_account", "sha256": None}}),
    ("investigate", "investigating", {"args": {}}),
    ("pay", "investigating", {"args": {"amount": "100.00", "advance": True}}),
    ("pay", "investigating", {"args": {"amount": "50.00", "advance": True}}),
]


def test_folding_leaves_every_earlier_claim_exactly_as_it_was():
    claim = Claim(id="CLM-000001", policy="P-1", type="critical_illness", event_date="2026-04-20", line="health")
    seen = []
    for event, to_state, payload in EVENTS:
        seen.append((claim, copy.deepcopy(claim.as_dict())))
        claim = evolve(claim, event, to_state, payload, AT, DAY)
    for earlier, as_it_was in seen:
        assert earlier.as_dict() == as_it_was
    assert claim.flags == ["late_report", "repeat_request", "advance_paid"]
    assert claim.received == {"claim_form": [None, "ab" * 32], "bank_account": [None]}
    assert list(claim.received) == ["claim_form", "bank_account"]
    assert claim.requested == ["medical_records"]
    assert claim.supplements_done_on == DAY and claim.paid_amount == "150.00" and claim.version == len(EVENTS)
