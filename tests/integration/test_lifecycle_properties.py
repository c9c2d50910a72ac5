"""Property tests of the lifecycle: random command sequences, real SQLite file.

Whatever a crowd of agents and handlers types, in whatever order and at whatever time:
- every recorded step is an edge of the claim flow in domain.md (the table below is
  written from domain.md, not from the code);
- a refused command changes nothing (no event, same version);
- the stored claim always equals the fold of its audit events, and the hash chain links.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from backends import POSTGRES, SQLITE, discard, new_database
from hypothesis import HealthCheck, settings
from hypothesis import event as note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from claims.audit import event_hash
from claims.errors import ClaimsError
from claims.records import Claim, evolve
from claims.storage import open_store
from workflows import admin, cases, policy_import
from workflows.deadlines import next_due
from workflows.office import Office

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies.json"

# domain.md, "command | from | to" — (event, from, to) that may ever be recorded.
OPEN = {"reported", "applied", "investigating", "appealed"}
ALL = OPEN | {"approved", "declined", "paid", "closed", "withdrawn"}
ALLOWED = (
    {("report", None, "reported"), ("apply", "reported", "applied"), ("notice", "applied", "applied")}
    | {("investigate", s, "investigating") for s in ("applied", "appealed")}
    | {("decide", "investigating", "investigating")}
    | {("notify", "investigating", "approved"), ("notify", "investigating", "declined")}
    | {("pay", "approved", "paid"), ("pay", "investigating", "investigating")}
    | {("appeal", "declined", "appealed"), ("appeal", "paid", "appealed")}
    | {("close", s, "closed") for s in ("paid", "declined")}
    | {("withdraw", s, "withdrawn") for s in OPEN}
    | {("attach", s, s) for s in OPEN}
    | {("request", s, s) for s in ("applied", "investigating", "appealed")}
    | {("consult", s, s) for s in ALL}
)

ACTORS = st.sampled_from(["li", "wang", "zhao", "sun"])
AMOUNTS = st.sampled_from(["1000.00", "8000.00", "20000.00", "60000.00", "70000.00"])


class ClaimLifecycle(RuleBasedStateMachine):
    KIND = SQLITE  # the back end the claim lives on

    @initialize()
    def open_book(self):
        self.dir = tempfile.TemporaryDirectory()
        self.database = new_database(self.KIND, Path(self.dir.name))
        self.db = self.database.target
        self.now = datetime.fromisoformat("2026-05-01T09:00:00+08:00")
        admin.init(self.db, training=True, settings_file=None, asked="admin", now_text=self.now.isoformat())
        office = self.office("admin")
        crowd = [("li", "agent", None), ("wang", "handler", "50000"), ("zhao", "senior", None), ("sun", "handler", "100000")]
        for name, role, limit in crowd:
            admin.add_user(office, name, role, limit)
        policy_import.import_policies(office, str(POLICIES))
        office.close()
        self.claim_id = self.run("li", lambda o: cases.report(o, "P-2022-0002", {
            "type": "critical_illness", "event_date": "2026-04-25", "cause": "illness", "channel": "agent",
            "late_reason": None, "description": None}))["claim"]

    def teardown(self):
        if hasattr(self, "database"):
            for _, _, _, to_state, *_ in self.events():
                note(f"reached {to_state}")
            discard(self.database)
        self.dir.cleanup()

    def office(self, who: str) -> Office:
        return Office(open_store(self.db), who, self.now.isoformat())

    def run(self, who, work):
        office = self.office(who)
        try:
            return work(office)
        except ClaimsError:
            return None
        finally:
            office.close()

    def step(self, who, command, args):
        before = self.events()
        result = self.run(who, lambda o: cases.advance(o, self.claim_id, command, args))
        after = self.events()
        if result is None:
            assert after == before, f"refused {command} wrote something"
        else:
            assert len(after) > len(before)

    def events(self):
        return self.database.rows("SELECT seq, event, from_state, to_state, at, actor, role, payload, settings_version, prev_hash, "
                                  "hash FROM audit_event WHERE claim_id = ? ORDER BY seq", (self.claim_id,))

    # the crowd ------------------------------------------------------------------------------
    @rule(days=st.integers(0, 40))
    def time_passes(self, days):
        self.now += timedelta(days=days, minutes=1)

    @rule(who=ACTORS, photo=st.booleans())
    def apply(self, who, photo):
        self.step(who, "apply", {"applicant": "陈某", "id_type": "household_register" if photo else "resident_id",
                                 "id_number": "630102197502110013", "id_expires": None, "id_photo": False,
                                 "relation": None, "signed_by": None, "for": None})

    @rule(who=ACTORS, doc=st.sampled_from(["claim_form", "applicant_id", "bank_account", "diagnosis_certificate",
                                           "pathology_report", "medical_records", "itemized_bill"]))
    def attach(self, who, doc):
        self.step(who, "attach", {"document": doc, "sha256": None})

    @rule(who=ACTORS)
    def supplement_everything_missing(self, who):
        for doc in self.stored().missing:
            self.step(who, "attach", {"document": doc, "sha256": None})

    @rule(who=ACTORS)
    def investigate(self, who):
        self.step(who, "investigate", {})

    @rule(who=ACTORS, outcome=st.sampled_from(["approve", "partial", "decline"]), amount=AMOUNTS,
          ground=st.sampled_from([None, "exclusion", "nondisclosure"]))
    def decide(self, who, outcome, amount, ground):
        self.step(who, "decide", {"outcome": outcome, "amount": None if outcome == "decline" else amount,
                                  "ground": ground if outcome == "decline" else None, "reason": "review"})

    @rule(who=ACTORS)
    def notify(self, who):
        self.step(who, "notify", {})

    @rule(who=ACTORS, amount=AMOUNTS, advance=st.booleans(), exact=st.booleans())
    def pay(self, who, amount, advance, exact):
        claim = self.stored()
        if exact and claim.decision and claim.decision["amount"]:
            amount = f"{float(claim.decision['amount']) - float(claim.paid_amount):.2f}"
        self.step(who, "pay", {"amount": amount, "advance": advance})

    @rule(who=ACTORS)
    def appeal(self, who):
        self.step(who, "appeal", {"reason": "disagree"})

    @rule(who=ACTORS, command=st.sampled_from(["close"] * 11 + ["consult"] * 5 + ["request"] * 3 + ["withdraw"]))
    def other(self, who, command):
        args = {"withdraw": {"reason": "no longer needed"}, "consult": {"note": "phoned"},
                "request": {"document": "medical_records", "reason": "check history"}, "close": {}}[command]
        self.step(who, command, args)

    @rule(outcome=st.sampled_from(["approve", "partial", "decline"]), appeal=st.booleans())
    def progress(self, outcome, appeal):
        """The next sensible step toward payout, so that deep states are reached too."""
        claim = self.stored()
        if claim.state == "reported":
            self.apply("li", False)
        elif claim.state in ("applied", "appealed"):
            self.supplement_everything_missing("li")
            self.investigate("wang")
        elif claim.state == "investigating" and not claim.decision:
            self.decide("zhao", outcome, "20000.00", "exclusion")
        elif claim.state == "investigating":
            self.notify("wang")
        elif claim.state == "approved":
            self.pay("sun", "0", False, True)
        elif claim.state in ("declined", "paid"):
            self.step("li", "appeal", {"reason": "disagree"}) if appeal else self.step("wang", "close", {})

    # what must always hold ----------------------------------------------------------------------
    def stored(self) -> Claim:
        ((snapshot,),) = self.database.rows("SELECT snapshot FROM claim WHERE id = ?", (self.claim_id,))
        return Claim.from_dict(json.loads(snapshot))

    @invariant()
    def every_step_is_an_edge_of_the_claim_flow(self):
        for _, event, from_state, to_state, *_ in self.events():
            assert (event, from_state, to_state) in ALLOWED, (event, from_state, to_state)

    @invariant()
    def stored_claim_is_the_fold_of_its_events(self):
        events = self.events()
        claim = Claim(id=self.claim_id, policy="P-2022-0002", type="critical_illness")
        for _, event, _, to_state, at, *_rest in events:
            payload = json.loads(_rest[2])
            claim = evolve(claim, event, to_state, payload, at, at[:10])
        assert claim == self.stored()

    @invariant()
    def queue_columns_agree_with_the_stored_claim(self):
        """An update names an indexed column only when it changes: the columns must still be the claim's."""
        store = open_store(self.db)
        try:
            with store.read() as tx:
                sql = "SELECT state, version, paid_amount, next_due, snapshot FROM claim WHERE id = :id"
                row = tx.rows(sql, {"id": self.claim_id}).fetchone()
                settings_in_force = tx.settings(tx.meta("settings_version"))
        finally:
            store.close()
        if row is None:
            return
        claim = Claim.from_dict(json.loads(row[4]))
        due = next_due(claim, settings_in_force, date.fromisoformat(claim.last_event_at[:10]))
        assert tuple(row[:4]) == (claim.state, claim.version, claim.paid_amount, due.isoformat() if due else None)

    @invariant()
    def hash_chain_links(self):
        prev = None
        for seq, event, from_state, to_state, at, actor, role, payload, version, prev_hash, digest in self.events():
            assert prev_hash == prev
            assert digest == event_hash(self.claim_id, seq, event, from_state, to_state, at, actor, role,
                                        json.loads(payload), version, prev_hash)
            prev = digest


ClaimLifecycle.TestCase.settings = settings(max_examples=40, stateful_step_count=40, deadline=None,
                                            suppress_health_check=[HealthCheck.too_slow])
TestClaimLifecycle = ClaimLifecycle.TestCase


class ClaimLifecycleOnPostgres(ClaimLifecycle):
    KIND = POSTGRES


ClaimLifecycleOnPostgres.TestCase.settings = settings(max_examples=12, stateful_step_count=40, deadline=None,
                                                      suppress_health_check=[HealthCheck.too_slow])
TestClaimLifecycleOnPostgres = pytest.mark.postgres(ClaimLifecycleOnPostgres.TestCase)
