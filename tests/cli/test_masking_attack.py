"""What a masked role can learn (issue 8 §2; docs/security.md, What masking guarantees).

An agent or an admin is shown ID numbers masked. If they were also shown a hash over the unmasked value, the
few hidden digits could be tried one by one against it: with the birth date known and the check digit fixed, a
resident ID has at most a thousand candidates. This test runs that attack on everything an agent and an admin
can obtain — every command, JSON and screen, errors, batch summaries, exports, replays, verification, anchors —
and requires that it recovers nothing, and that no fragment of any digest computed over personal data appears.
"""

from __future__ import annotations

import copy
import json
import re

import pytest

from claims.audit import event_hash
from claims.values import mask, resident_id_problem

APPLICANTS = {  # who applies, on which policy, with which ID (the example policies' people)
    "陈某": ("P-2022-0002", "critical_illness", "630102197502110013", "1975-02-11"),
    "李强": ("P-2021-0005", "disability", "44030419701010001X", "1970-10-10"),
    "陈先生": ("P-2023-0001", "death", "11010519800501003X", "1980-05-01"),
}
ALL_IDS = {"630102197502110013", "44030419701010001X", "11010519800501003X", "11010519820709004X",
           "310101198503030027", "310101201209010011"}
HEX = re.compile(r"[0-9a-f]{8,}")


@pytest.fixture
def book(claims, walk, tmp_path):
    """Claims in every stage an agent and an admin look at, with scanned materials (file digests) and imports."""
    paid = walk.critical_illness("paid")
    scan = tmp_path / "scan.txt"
    scan.write_text("diagnosis certificate of 陈某", encoding="utf-8")
    disability = claims.ok("report", "P-2021-0005", "--type", "disability", "--event-date", "2026-04-28", as_="li").json["claim"]
    claims.ok("apply", disability, "--applicant", "李强", "--id-type", "resident_id", "--id-number", "44030419701010001X", as_="li")
    claims.ok("attach", disability, "claim_form", "--file", str(scan), as_="li")
    death = claims.ok("report", "P-2023-0001", "--type", "death", "--event-date", "2026-04-28", as_="li").json["claim"]
    claims.ok("apply", death, "--applicant", "陈先生", "--id-type", "resident_id", "--id-number", "11010519800501003X", as_="li")
    return [paid, disability, death]


def outputs_of(claims, book, tmp_path) -> dict[str, list[str]]:
    """Everything the agent li and the admin can obtain, by role: stdout and stderr of every command, JSON and screen."""
    seen: dict[str, list[str]] = {"li": [], "admin": []}
    bad_id = "630102197502110021"  # a valid ID that is not 陈某's: the refusal must not give the real one away
    for fmt in (True, False):
        for claim in book:
            for argv in (["status", claim], ["docs", claim], ["history", claim]):
                _take(seen, claims, "li", argv, fmt)
                _take(seen, claims, "admin", argv, fmt)
            _take(seen, claims, "admin", ["replay", claim], fmt)
        for argv in (["list"], ["list", "--state", "paid"]):
            _take(seen, claims, "li", argv, fmt)
            _take(seen, claims, "admin", argv, fmt)
        for argv in (["history", "@admin"], ["audit", "export"], ["audit", "export", "--format", "csv"], ["audit", "verify"],
                     ["audit", "anchor"], ["user", "list"], ["settings", "show"], *(["policy", "show", p] for p in _policies())):
            _take(seen, claims, "admin", argv, fmt)
        day = "2026-04-29" if fmt else "2026-04-30"
        fresh = claims.ok("report", "P-2022-0002", "--type", "medical", "--event-date", day, as_="li").json["claim"]
        _take(seen, claims, "li", ["apply", fresh, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", bad_id], fmt)
        _take(seen, claims, "li", ["apply", fresh, "--applicant", "陈某", "--id-type", "resident_id", "--id-number",
                                   "630102197502110013"], fmt)
        lines = tmp_path / "lines.jsonl"
        lines.write_text("\n".join(json.dumps({"args": argv}) for argv in (["status", book[0]], ["history", book[1]],
                                                                           ["apply", book[2], "--applicant", "x", "--id-type",
                                                                            "passport", "--id-number", "E1"])), encoding="utf-8")
        _take(seen, claims, "li", ["batch", str(lines), "--keep-going"], fmt)
    anchor = tmp_path / "anchor.json"
    claims.ok("audit", "anchor", "--out", str(anchor), as_="qian")
    _take(seen, claims, "admin", ["audit", "verify", "--anchor", str(anchor)], True)
    return seen


def test_nothing_an_agent_or_admin_obtains_lets_a_masked_id_be_recomputed(claims, book, tmp_path):
    seen = outputs_of(claims, book, tmp_path)
    secret_digests = _digests_over_personal_data(claims.database, tmp_path)
    for who, texts in seen.items():
        everything = "\n".join(text for _, text in texts)
        for number in ALL_IDS:
            assert number not in everything, f"{who} was shown the ID number {number}"
        fragments = {run for run in HEX.findall(everything) if any(run in digest for digest in secret_digests)}
        assert not fragments, f"{who} was shown {len(fragments)} fragments of digests over personal data, e.g. {sorted(fragments)[:3]}"
        recovered = attack(texts)
        assert recovered == {}, f"{who} recovered {recovered} by trying the hidden digits against the hashes shown"


def test_the_attack_does_recover_an_id_from_a_hash_it_is_given(claims, book):
    """The attacker is real: shown the hashes an auditor sees beside IDs masked as agents see them, it finds the ID."""
    rows = claims.ok("history", book[0], as_="qian").json
    exposed = _mask_ids(rows)
    assert "630102197502110013" not in json.dumps(exposed, ensure_ascii=False)
    assert attack([(["history", book[0]], json.dumps(exposed, ensure_ascii=False))]) == {"陈某": "630102197502110013"}


def _mask_ids(value):
    if isinstance(value, dict):
        return {k: mask(v) if k == "id_number" and isinstance(v, str) else _mask_ids(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_ids(v) for v in value]
    return value


# the attack ---------------------------------------------------------------------------------------------------------------
def attack(texts: list[str]) -> dict[str, str]:
    """Try every completion of each masked resident ID against every event hash shown. Returns {name: recovered ID}.

    The attacker is generous to itself: it knows each person's birth date and the first three digits of the ID (what
    the old mask showed), so only three digits and the check digit are unknown — at most a thousand candidates.
    """
    recovered: dict[str, str] = {}
    for event in _events_in(texts):
        if not (isinstance(event.get("hash"), str) and len(event["hash"]) == 64):
            continue
        for name, (_, _, number, birth) in APPLICANTS.items():
            if name in recovered:
                continue
            masks = {m for m in _masked_values(event) if m.endswith(number[-2:])}
            if len(masks) != 1:
                continue
            masked = next(iter(masks))
            for candidate in _candidates(number[:3], birth, masked[-4:]):
                if _rehash(event, masked, candidate) == event["hash"]:
                    recovered[name] = candidate
                    break
    return recovered


def _candidates(prefix: str, birth: str, last4: str):
    for middle in range(1000):
        candidate = f"{prefix}{middle:03d}{birth.replace('-', '')}{last4}"
        if resident_id_problem(candidate) is None:
            yield candidate


def _rehash(event: dict, masked: str, candidate: str) -> str:
    payload = _substitute(copy.deepcopy(event.get("payload")), masked, candidate)
    return event_hash(event["claim_id"], event["seq"], event["event"], event["from"], event["to"], event["at"],
                      event["actor"], event["role"], payload, event["settings_version"], event["prev_hash"])


def _substitute(value, masked: str, candidate: str):
    if isinstance(value, dict):
        return {k: _substitute(v, masked, candidate) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, masked, candidate) for v in value]
    return candidate if value == masked else value


def _masked_values(value) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_masked_values(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_masked_values(v) for v in value)) if value else set()
    return {value} if isinstance(value, str) and "*" in value and len(value) == 18 else set()


def _events_in(texts: list):
    """Events in what was shown; the claim of a history is the one the attacker asked for."""
    for argv, text in texts:
        for chunk in [text, *text.splitlines()]:
            try:
                doc = json.loads(chunk)
            except ValueError:
                continue
            for event in doc if isinstance(doc, list) else [doc]:
                if isinstance(event, dict) and "seq" in event and "event" in event:
                    yield {"claim_id": argv[1] if argv[0] == "history" else None, **event}


# what the attacker must not see ----------------------------------------------------------------------------------------------
def _digests_over_personal_data(database, tmp_path) -> set[str]:
    """Every digest the database holds whose input contains personal data, directly or through a chain."""
    digests = {h for row in database.rows("SELECT hash, prev_hash FROM audit_event") for h in row if h}
    digests |= {d for (d,) in database.rows("SELECT digest FROM policy")}
    for (payload,) in database.rows("SELECT payload FROM audit_event"):
        digests |= set(re.findall(r"[0-9a-f]{64}", payload))
    settings = {v for (v,) in database.rows("SELECT version FROM settings_version")}
    return digests - settings  # a settings version is a digest over settings anyone may read


def _policies() -> list[str]:
    return [p for p, *_ in APPLICANTS.values()]


def _take(seen: dict, claims, who: str, argv: list[str], json_out: bool) -> None:
    result = claims(*argv, as_=who, json_out=json_out)
    seen[who] += [(argv, result.out), (argv, result.err)]
