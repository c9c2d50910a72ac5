"""Property: whatever a crowd types, replaying the audit log reproduces every stored claim.

Random sequences of valid and invalid commands on several claims — reports on any policy, any
applicant, materials, decisions within and beyond authority, payments exact or not, appeals,
the clock running forward and backward, new settings put in force half-way — go through the
workflow functions on a real SQLite file. Afterwards every claim replays consistently from its
events alone and `audit verify` finds nothing. Every command is judged twice on the way: by
the Referee, and by replay's dispatch-free Judge, which must always agree.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from backends import POSTGRES, SQLITE, discard, new_database
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from claims.errors import ClaimsError, RuleRefused
from claims.materials import DOCUMENT_TYPES
from claims.storage import open_store
from claims.values import with_check_digit
from workflows import admin, cases, policy_import
from workflows.auditing import replay_claim
from workflows.judge import Judge
from workflows.machine import referee
from workflows.office import Office
from workflows.verify import verify

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies.json"
USERS = [("li", "agent", None), ("wang", "handler", "50000"), ("zhao", "senior", None), ("sun", "handler", "100000"),
         ("qian", "auditor", None)]
STAFF = st.sampled_from(["li", "wang", "zhao", "sun"])
HANDLERS = st.sampled_from(["wang", "zhao", "sun"])
# (name, id number): the people on the example policies, and one stranger
PEOPLE = [("陈某", "630102197502110013"), ("陈先生", "11010519800501003X"), ("张女士", "11010519820709004X"),
          ("李强", "44030419701010001X"), ("李娜", with_check_digit("44030419721212002")), ("陈女士", "310101198503030027"),
          ("路人", with_check_digit("11010119900101001"))]
REPORTS = st.sampled_from([("P-2022-0002", "critical_illness"), ("P-2022-0002", "medical"), ("P-2023-0001", "death"),
                           ("P-2023-0001", "critical_illness"), ("P-2021-0005", "death"), ("P-2021-0005", "disability"),
                           ("P-2024-0003", "accident"), ("P-2018-0004", "death"), ("P-2022-0002", "death")])
APPLICANT = {("P-2022-0002", "critical_illness"): PEOPLE[0], ("P-2022-0002", "medical"): PEOPLE[0], ("P-2023-0001", "death"): PEOPLE[1],
             ("P-2023-0001", "critical_illness"): PEOPLE[2], ("P-2021-0005", "death"): PEOPLE[4], ("P-2021-0005", "disability"): PEOPLE[3],
             ("P-2024-0003", "accident"): PEOPLE[5]}
AMOUNTS = st.sampled_from(["1000.00", "8000.00", "20000.00", "60000.00", "70000.00", "150000.00"])
SETTINGS = ["reporting_window_days = 3\ndecision_days = 20\n", "advance_payment_days = 10\nfour_eyes_threshold = \"500.00\"\n",
            "appeal_window_days = 5\nhandler_default_limit = \"5000.00\"\n", "time_zone = \"Europe/Berlin\"\n"]


class CheckingReferee:
    """The Referee, with replay's Judge asked the same question every time: both must answer alike."""

    def __init__(self):
        self.quick = Judge()

    def judge(self, step):
        expected = _outcome(referee().judge, step)
        got = _outcome(self.quick.judge, step)
        assert got == expected, f"Judge {got} but Referee {expected} for {step.command} on a {step.claim.state} claim"
        if isinstance(expected, tuple):
            raise RuleRefused(expected[1], rule=expected[0], claim=step.claim.id)
        return expected

    def allows(self, step):
        return referee().allows(step)


def _outcome(judge, step):
    try:
        return judge(step)
    except RuleRefused as refusal:
        return (refusal.rule, refusal.message)


class AuditedBook(RuleBasedStateMachine):
    KIND = SQLITE  # the back end the book lives on

    @initialize()
    def open_book(self):
        self.folder = tempfile.TemporaryDirectory()
        self.database = new_database(self.KIND, Path(self.folder.name))
        self.db = self.database.target
        self.now = datetime.fromisoformat("2026-05-01T09:00:00+08:00")
        admin.init(self.db, training=True, settings_file=None, asked="admin", now_text=self.now.isoformat())
        office = self.office("admin")
        for name, role, limit in USERS:
            admin.add_user(office, name, role, limit)
        policy_import.import_policies(office, str(POLICIES))
        office.close()
        self.claims: list[str] = []
        self.checking = mock.patch("workflows.cases.referee", lambda: CHECKING)
        self.checking.start()

    def office(self, who: str) -> Office:
        return Office(open_store(self.db), who, self.now.isoformat())

    def run(self, who: str, work):
        office = self.office(who)
        try:
            return work(office)
        except ClaimsError:
            return None
        finally:
            office.close()

    def step(self, who: str, pick: int, command: str, args: dict):
        claim = self.claims[pick % len(self.claims)]
        return self.run(who, lambda office: cases.advance(office, claim, command, args))

    def stored(self, pick: int):
        store = open_store(self.db)
        try:
            with store.read() as tx:
                return tx.claim(self.claims[pick % len(self.claims)])
        finally:
            store.close()

    # time -------------------------------------------------------------------------------------------
    @rule(hours=st.integers(0, 24 * 40))
    def time_passes(self, hours):
        self.now += timedelta(hours=hours, minutes=1)

    @rule(hours=st.integers(1, 48))
    def clock_set_back(self, hours):
        self.now -= timedelta(hours=hours)

    @rule(variant=st.sampled_from(SETTINGS))
    def new_settings_in_force(self, variant):
        path = Path(self.folder.name) / "settings.toml"
        path.write_text(variant, encoding="utf-8")
        self.run("admin", lambda office: admin.load_settings(office, str(path)))

    # the case flow --------------------------------------------------------------------------------------
    @rule(who=STAFF, report=REPORTS, days_ago=st.sampled_from([0, 3, 9, 15, 400, 1000]), reason=st.sampled_from([None, "in hospital"]))
    def report(self, who, report, days_ago, reason):
        policy, claim_type = report
        args = {"type": claim_type, "event_date": (self.now - timedelta(days=days_ago)).date().isoformat(), "cause": "illness",
                "channel": "agent", "late_reason": reason, "description": None}
        done = self.run(who, lambda office: cases.report(office, policy, args))
        if done:
            self.claims.append(done["claim"])

    @precondition(lambda self: self.claims)
    @rule(who=STAFF, pick=st.integers(0, 7), person=st.sampled_from(PEOPLE), id_type=st.sampled_from(["resident_id", "household_register"]))
    def apply(self, who, pick, person, id_type):
        name, number = person
        self.step(who, pick, "apply", {"applicant": name, "id_type": id_type, "id_number": number, "id_expires": None, "id_photo": False,
                                       "relation": None, "signed_by": None, "for": None})

    @precondition(lambda self: self.claims)
    @rule(who=STAFF, pick=st.integers(0, 7), doc=st.sampled_from(list(DOCUMENT_TYPES)))
    def attach(self, who, pick, doc):
        self.step(who, pick, "attach", {"document": doc, "sha256": None})

    @precondition(lambda self: self.claims)
    @rule(who=STAFF, pick=st.integers(0, 7))
    def supplement_everything_missing(self, who, pick):
        claim = self.stored(pick)
        for doc in claim.missing:
            self.step(who, pick, "attach", {"document": doc, "sha256": "ab" * 32})

    @precondition(lambda self: self.claims)
    @rule(who=HANDLERS, pick=st.integers(0, 7), doc=st.sampled_from(["medical_records", "itemized_bill", "claim_form"]))
    def request(self, who, pick, doc):
        self.step(who, pick, "request", {"document": doc, "reason": "needed for the review"})

    @precondition(lambda self: self.claims)
    @rule(who=STAFF, pick=st.integers(0, 7), outcome=st.sampled_from(["approve", "partial", "decline"]), amount=AMOUNTS,
          ground=st.sampled_from([None, "exclusion", "nondisclosure", "suicide"]))
    def decide(self, who, pick, outcome, amount, ground):
        self.step(who, pick, "decide", {"outcome": outcome, "amount": None if outcome == "decline" else amount,
                                        "ground": ground if outcome == "decline" else None, "reason": "review"})

    @precondition(lambda self: self.claims)
    @rule(who=STAFF, pick=st.integers(0, 7), amount=AMOUNTS, advance=st.booleans(), exact=st.booleans())
    def pay(self, who, pick, amount, advance, exact):
        claim = self.stored(pick)
        if exact and claim.decision and claim.decision["amount"]:
            amount = f"{float(claim.decision['amount']) - float(claim.paid_amount):.2f}"
        self.step(who, pick, "pay", {"amount": amount, "advance": advance})

    @precondition(lambda self: self.claims)
    @rule(who=STAFF, pick=st.integers(0, 7), command=st.sampled_from(["investigate", "notify", "close", "appeal", "withdraw", "consult"]))
    def other(self, who, pick, command):
        args = {"appeal": {"reason": "disagree"}, "withdraw": {"reason": "no longer needed"}, "consult": {"note": "phoned"}}
        self.step(who, pick, command, args.get(command, {}))

    @precondition(lambda self: self.claims)
    @rule(pick=st.integers(0, 7), outcome=st.sampled_from(["approve", "partial", "decline"]), appeal=st.booleans())
    def progress(self, pick, outcome, appeal):
        """The next sensible step toward payout, so that deep states are reached too."""
        claim = self.stored(pick)
        if claim.state == "reported":
            self.apply("li", pick, APPLICANT.get((claim.policy, claim.type), PEOPLE[-1]), "resident_id")
        elif claim.state in ("applied", "appealed"):
            self.supplement_everything_missing("li", pick)
            self.other("wang", pick, "investigate")
        elif claim.state == "investigating" and not claim.decision:
            self.decide("zhao", pick, outcome, "20000.00", "exclusion")
        elif claim.state == "investigating":
            self.other("wang", pick, "notify")
        elif claim.state == "approved":
            self.pay("sun", pick, "0", False, True)
        elif claim.state in ("declined", "paid"):
            self.other("li" if appeal else "wang", pick, "appeal" if appeal else "close")

    @precondition(lambda self: self.claims)
    @rule(pick=st.integers(0, 7), outcome=st.sampled_from(["approve", "partial", "decline"]), appeal=st.booleans())
    def three_steps_forward(self, pick, outcome, appeal):
        for _ in range(3):
            self.progress(pick, outcome, appeal)

    # what must hold at the end ------------------------------------------------------------------------
    def teardown(self):
        try:
            if hasattr(self, "claims"):
                self.checking.stop()
                self.replay_reproduces_every_stored_claim()
        finally:
            if hasattr(self, "database"):
                discard(self.database)
            if hasattr(self, "folder"):
                self.folder.cleanup()

    def replay_reproduces_every_stored_claim(self):
        office = Office(open_store(self.db), "qian")
        try:
            for claim in self.claims:
                doc = replay_claim(office, claim)
                assert doc["consistent"] and doc["compared_with_stored"], doc["problems"]
                event(f"a claim reached {doc['state']}")
            found = verify(office)
        finally:
            office.close()
        assert found["ok"], found["problems"]
        assert found["claims"] == len(self.claims)


CHECKING = CheckingReferee()
AuditedBook.TestCase.settings = settings(max_examples=30, stateful_step_count=40, deadline=None,
                                         suppress_health_check=[HealthCheck.too_slow])
TestReplayReproducesTheStoredClaim = AuditedBook.TestCase


class AuditedBookOnPostgres(AuditedBook):
    KIND = POSTGRES


AuditedBookOnPostgres.TestCase.settings = settings(max_examples=10, stateful_step_count=40, deadline=None,
                                                   suppress_health_check=[HealthCheck.too_slow])
TestReplayReproducesTheStoredClaimOnPostgres = pytest.mark.postgres(AuditedBookOnPostgres.TestCase)
