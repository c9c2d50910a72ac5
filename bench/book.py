"""A synthetic book of business: policies, and claims walked through the whole lifecycle.

Walking 100,000 claims one command at a time would take the better part of an hour, so the
book is built in two moves:

1. *Templates*: a few hundred claims are walked by the real engine (`claims batch`, in a
   scratch training database): every scenario of the lifecycle — including appeals — at
   several ages, so their deadlines fall before, on and after the book's "today".
2. *Clones*: each book claim copies one template onto its own policy (a policy of the same
   shape, differing only in its number): the template's events with the clone's claim id,
   re-hashed into the clone's own chain, and its stored claim row. Nothing else differs, so
   every clone is exactly what the engine would have recorded for that walk.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.run import claims_cli, write_lines
from claims.audit import event_hash
from claims.canonical import canonical_json, sha256_hex
from claims.values import with_check_digit

TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the book is dated around the real today: reads run on the real clock
USERS = [["user", "add", "li", "--role", "agent"], ["user", "add", "wang", "--role", "handler", "--limit", "50000"],
         ["user", "add", "zhao", "--role", "senior"], ["user", "add", "qian", "--role", "auditor"]]

# Two policy shapes; a book policy of shape k is a copy of SHAPES[k] under its own number.
INSURED = {"name": "张伟", "birth_date": "1980-05-01", "id_type": "resident_id", "id_number": with_check_digit("11010519800501003")}
SPOUSE = {"name": "李娜", "birth_date": "1982-07-09", "id_type": "resident_id", "id_number": with_check_digit("11010519820709004")}
SHAPES = [
    {"product": "平安鑫盛", "line": "health", "status": "in_force", "issued": "2022-01-01", "reinstated": None,
     "holder": SPOUSE, "insured": INSURED, "beneficiaries": [],
     "coverages": [{"type": "critical_illness", "sum_insured": "100000.00"}, {"type": "medical", "sum_insured": "50000.00"}]},
    {"product": "平安福", "line": "life", "status": "in_force", "issued": "2022-01-01", "reinstated": None,
     "holder": INSURED, "insured": INSURED, "beneficiaries": [{"name": SPOUSE["name"], "kind": "death", "share": "100"}],
     "coverages": [{"type": "death", "sum_insured": "200000.00"}, {"type": "critical_illness", "sum_insured": "100000.00"}]},
]
# (claim type, applicant, materials) for each shape
CLAIMANTS = [
    ("critical_illness", INSURED, ("claim_form", "applicant_id", "bank_account", "diagnosis_certificate", "pathology_report",
                                   "medical_records")),
    ("death", SPOUSE, ("claim_form", "applicant_id", "bank_account", "death_certificate", "household_deregistration")),
]


def policy(number: str, shape: int) -> dict:
    return {"policy": number, **SHAPES[shape]}


def book_policy_number(i: int) -> str:
    return f"P-BK-{i:07d}"


# walks ------------------------------------------------------------------------------------------
def walk(scenario: str, claim: str, shape: int) -> list[tuple[int, list[str], str]]:
    """The steps of a scenario as (day offset from the report, command words, acting user)."""
    claim_type, applicant, materials = CLAIMANTS[shape]
    steps = [(0, ["report", "", "--type", claim_type, "--event-date", "EVENT"], "li")]  # policy and date filled in later
    if scenario == "reported":
        return steps
    identity = ["--id-type", "resident_id", "--id-number", applicant["id_number"]]
    steps.append((1, ["apply", claim, "--applicant", applicant["name"], *identity], "li"))
    if scenario == "applied":
        return steps
    if scenario == "withdrawn":
        return [*steps, (4, ["withdraw", claim, "--reason", "the claimant withdrew"], "li")]
    steps += [(2, ["attach", claim, doc], "li") for doc in materials]
    steps.append((3, ["investigate", claim], "wang"))
    for stage in PLOTS[scenario]:
        steps.append(STAGES[stage](claim))
    return steps


def _decide(day: int, outcome: str, amount: str | None = None):
    def stage(claim):
        words = ["decide", claim, outcome, "--reason", f"{outcome} after review"]
        words += ["--amount", amount] if amount else ["--ground", "not_covered"]
        return day, words, "zhao" if amount else "wang"

    return stage


def _step(day: int, command: str, user: str, *more: str):
    return lambda claim: (day, [command, claim, *more], user)


STAGES = {
    "decline": _decide(5, "decline"), "approve": _decide(5, "approve", "30000"), "partial": _decide(5, "partial", "20000"),
    "notify": _step(6, "notify", "wang"), "pay": _step(8, "pay", "wang", "--amount", "30000"),
    "pay_partial": _step(8, "pay", "wang", "--amount", "20000"),
    "appeal": _step(10, "appeal", "li", "--reason", "the claimant disputes the decision"),
    "review": _step(11, "investigate", "wang"), "re_approve": _decide(14, "approve", "30000"), "re_notify": _step(15, "notify", "wang"),
    "pay_rest": _step(17, "pay", "wang", "--amount", "10000"), "re_pay": _step(17, "pay", "wang", "--amount", "30000"),
    "close": _step(20, "close", "wang"),
}
PLOTS = {
    "investigating": [],
    "decided": ["decline"],
    "approved": ["approve", "notify"],
    "closed": ["approve", "notify", "pay", "close"],
    "declined": ["decline", "notify"],
    "closed_declined": ["decline", "notify", "close"],
    "appealed": ["decline", "notify", "appeal"],
    "closed_after_appeal": ["decline", "notify", "appeal", "review", "re_approve", "re_notify", "re_pay", "close"],
    "paid_partial": ["partial", "notify", "pay_partial"],
    "closed_after_partial_appeal": ["partial", "notify", "pay_partial", "appeal", "review", "re_approve", "re_notify", "pay_rest", "close"],
}

# share of the book, and how old (days since the report) its claims are: most of a book is
# settled; open claims are mostly recent; a thin tail of open claims is overdue.
MIX = [
    ("closed", 0.38, range(25, 720)), ("closed_after_appeal", 0.08, range(25, 720)), ("closed_declined", 0.08, range(25, 720)),
    ("closed_after_partial_appeal", 0.04, range(25, 720)), ("withdrawn", 0.04, range(5, 720)), ("paid_partial", 0.04, range(10, 720)),
    ("declined", 0.04, range(8, 720)), ("reported", 0.05, range(0, 9)), ("applied", 0.05, range(1, 25)),
    ("investigating", 0.10, range(3, 28)), ("decided", 0.01, range(5, 8)), ("approved", 0.04, range(6, 15)),
    ("appealed", 0.047, range(10, 35)),
    ("investigating", 0.001, range(60, 200)), ("approved", 0.001, range(30, 200)), ("appealed", 0.001, range(60, 200)),
]


@dataclass
class Template:
    scenario: str
    shape: int
    age: int
    claim: dict = field(default_factory=dict)  # its row in the claim table
    events: list[dict] = field(default_factory=list)


def template_plan(ages_per_scenario: int) -> list[Template]:
    """Each scenario of MIX, for each shape, at a few ages spread over its range."""
    plan = []
    for scenario, _, ages in MIX:
        picks = sorted({ages[round(k * (len(ages) - 1) / max(1, ages_per_scenario - 1))] for k in range(ages_per_scenario)})
        plan += [Template(scenario, shape, age) for age in picks for shape in range(len(SHAPES))]
    return sorted(plan, key=lambda t: -t.age)  # oldest first: claim numbers follow the order of the reports


def template_lines(plan: list[Template]) -> list[dict]:
    """The batch that walks every template claim (claim i is CLM-i, policy P-TPL-i)."""
    lines = []
    for i, t in enumerate(plan, start=1):
        start = TODAY - timedelta(days=t.age)
        for day, words, user in walk(t.scenario, f"CLM-{i:06d}", t.shape):
            words = list(words)
            if words[0] == "report":
                words[1], words[5] = f"P-TPL-{i:06d}", (start - timedelta(days=3)).isoformat()
            when = min(start + timedelta(days=day), TODAY)
            lines.append({"args": words, "as": user, "now": f"{when.isoformat()}T10:00:00+08:00"})
    lines.sort(key=lambda line: line["now"])  # a day of work across claims, in time order
    return lines


def walk_templates(workdir: Path, plan: list[Template]) -> str:
    """Walk the templates with the real engine; fill in their claim rows and events."""
    db = workdir / "templates.db"
    policies = write_json(workdir / "template-policies.json", [policy(f"P-TPL-{i:06d}", t.shape) for i, t in enumerate(plan, 1)])
    claims_cli(db, "init", "--training", now=_now())
    setup = [{"args": words} for words in USERS] + [{"args": ["policy", "import", str(policies)]}]
    batch = write_lines(workdir / "templates.jsonl", setup + template_lines(plan))
    done = json.loads(claims_cli(db, "--json", "batch", str(batch), now=_now(), check=False))
    if done["failed"]:
        raise RuntimeError(f"a template walk failed: {done['failed'][0]}")
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        for i, t in enumerate(plan, start=1):
            claim_id = f"CLM-{i:06d}"
            t.claim = dict(conn.execute("SELECT * FROM claim WHERE id = ?", (claim_id,)).fetchone())
            t.events = [dict(r) for r in conn.execute("SELECT * FROM audit_event WHERE claim_id = ? ORDER BY seq", (claim_id,))]
        return conn.execute("SELECT value FROM meta WHERE key = 'settings_version'").fetchone()[0]


# clones -----------------------------------------------------------------------------------------
PREV_TOKEN = "@@prev@@"


class Cloner:
    """Copies one template onto a new claim id and policy, re-hashing its chain.

    The template's own claim id and policy number are swapped wherever they appear as JSON
    strings (the hash input, payloads such as the report's "policy", the snapshot).
    """

    def __init__(self, template: Template):
        self.template = template
        self.claim_id, self.policy = template.claim["id"], template.claim["policy"]
        self.hash_texts = [self._hash_text(e) for e in template.events]

    @staticmethod
    def _hash_text(e: dict) -> str:
        body = {"claim_id": e["claim_id"], "seq": e["seq"], "event": e["event"], "from": e["from_state"], "to": e["to_state"],
                "at": e["at"], "actor": e["actor"], "role": e["role"], "payload": json.loads(e["payload"]),
                "settings_version": e["settings_version"], "prev_hash": PREV_TOKEN if e["prev_hash"] else None}
        return canonical_json(body)

    def _swap(self, text: str, claim_id: str, policy: str) -> str:
        return text.replace(f'"{self.claim_id}"', f'"{claim_id}"').replace(f'"{self.policy}"', f'"{policy}"')

    def rows(self, number: int, policy_number: str) -> tuple[tuple, list[tuple]]:
        claim_id = f"CLM-{number:06d}"
        events, prev = [], None
        for e, text in zip(self.template.events, self.hash_texts, strict=True):
            text = self._swap(text, claim_id, policy_number)
            if prev:
                text = text.replace(f'"{PREV_TOKEN}"', f'"{prev}"', 1)
            digest = sha256_hex(text)
            events.append((claim_id, e["seq"], e["event"], e["from_state"], e["to_state"], e["at"], e["actor"], e["role"],
                           self._swap(e["payload"], claim_id, policy_number), e["settings_version"], prev, digest))
            prev = digest
        c = self.template.claim
        snapshot = self._swap(c["snapshot"], claim_id, policy_number)
        claim = (claim_id, number, policy_number, c["type"], c["event_date"], c["state"], c["version"], c["paid_amount"],
                 c["next_due"], snapshot, c["updated_at"])
        return claim, events

    def check(self) -> None:
        """A clone's chain equals what claims.audit computes, and nothing of the template is left in it."""
        claim, events = self.rows(999_999, "P-CHECK")
        for row, e in zip(events, self.template.events, strict=True):
            expected = event_hash(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], json.loads(row[8]), row[9], row[10])
            assert row[11] == expected, f"clone hash differs for {e['event']}"
            assert self.claim_id not in row[8] and self.policy not in row[8], f"template id left in the {e['event']} payload"
        assert json.loads(claim[9])["id"] == "CLM-999999" and json.loads(claim[9])["policy"] == "P-CHECK"


def clone_book(db: Path, plan: list[Template], claims: int, seed: int = 4) -> dict[str, str]:
    """Write `claims` clones onto book policies 1..claims; returns a sample claim id per scenario."""
    cloners = {id(t): Cloner(t) for t in plan}
    for cloner in cloners.values():
        cloner.check()
    by_scenario = _templates_by_scenario(plan)
    pick = random.Random(seed)
    scenarios, weights = [m[0] for m in MIX], [m[1] for m in MIX]
    samples: dict[str, str] = {}
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        for start in range(1, claims + 1, 5000):
            claim_rows, event_rows = [], []
            for number in range(start, min(start + 5000, claims + 1)):
                shape = number % len(SHAPES)
                index = pick.choices(range(len(MIX)), weights)[0]
                template = pick.choice(by_scenario[(index, shape)])
                claim, events = cloners[id(template)].rows(number, book_policy_number(number))
                samples.setdefault(scenarios[index], claim[0])
                claim_rows.append(claim)
                event_rows += events
            conn.executemany("INSERT INTO claim (id, number, policy, type, event_date, state, version, paid_amount, next_due, "
                             "snapshot, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", claim_rows)
            conn.executemany("INSERT INTO audit_event (claim_id, seq, event, from_state, to_state, at, actor, role, payload, "
                             "settings_version, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", event_rows)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return samples


def _templates_by_scenario(plan: list[Template]) -> dict[tuple[int, int], list[Template]]:
    found: dict[tuple[int, int], list[Template]] = {}
    for index, (scenario, _, ages) in enumerate(MIX):
        for shape in range(len(SHAPES)):
            found[(index, shape)] = [t for t in plan if t.scenario == scenario and t.shape == shape and t.age in ages]
    return found


# files ------------------------------------------------------------------------------------------
def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def book_policies(workdir: Path, count: int) -> Path:
    return write_json(workdir / "policies.json", [policy(book_policy_number(i), i % len(SHAPES)) for i in range(1, count + 1)])


def throughput_lines(first_claim: int, claims: int) -> list[dict]:
    """New claims on book policies 1..claims, each walked report → decline → appeal → paid → closed, today."""
    lines, second = [], 0
    for k in range(claims):
        number = first_claim + k
        shape = (k + 1) % len(SHAPES)
        for _, words, user in walk("closed_after_appeal", f"CLM-{number:06d}", shape):
            words = list(words)
            if words[0] == "report":
                words[1], words[5] = book_policy_number(k + 1), (TODAY - timedelta(days=1)).isoformat()
            moment = f"{TODAY.isoformat()}T{8 + second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}+08:00"
            lines.append({"args": words, "as": user, "now": moment})
            second += 1
    return lines


def _now() -> str:
    return f"{TODAY.isoformat()}T09:00:00+08:00"


def today_at(clock: str = "18:00:00") -> str:
    return f"{TODAY.isoformat()}T{clock}+08:00"
