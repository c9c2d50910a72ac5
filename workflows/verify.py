"""Audit verification and anchors: prove the whole log holds together, claim by claim, streaming.

``verify`` walks the admin chain (settings versions, who held which role), then every claim in
id order, a page of claims at a time: its hash chain, the replay of every step against the rules
in force then, and the stored claim against the replay (a large book is shared out among processes
by claim id range: ``verify_ranges``). With an anchor it also proves every anchored chain still
holds the anchored hash at the anchored seq.
"""

from __future__ import annotations

import time

from claims import audit_reads
from claims.anchor import Anchor, anchor_document, read_anchor
from claims.audit import ADMIN_CHAIN
from claims.chain import Problem
from claims.errors import Forbidden, NotFound
from claims.storage import Tx
from workflows.admin_record import read_admin_record
from workflows.office import Office
from workflows.verify_ranges import Findings, anchor_problems, jobs_for, verify_range, verify_ranges
from workflows.views import masked, sees_personal_data


class Progress:
    """What a caller may pass to follow a long verification (the CLI draws a bar)."""

    def start(self, total: int) -> None: ...

    def advance(self, events: int) -> None: ...


def verify(office: Office, only: str | None = None, anchor_path: str | None = None, progress: Progress | None = None,
           jobs: int | None = None) -> dict:
    """Verify the whole book (or one claim); `jobs` processes share a large book (default: as many as it deserves)."""
    anchor = read_anchor(anchor_path) if anchor_path else None
    progress = progress or Progress()
    started = time.perf_counter()
    with office.store.read() as tx:
        if only is not None and only != ADMIN_CHAIN and not _exists(tx, only):
            raise NotFound(f"claim {only!r} not found", claim=only)
        user = office.authorized_user(tx, "audit")
        heads = dict(anchor.heads) if anchor else {}
        findings = Findings()
        record = read_admin_record(tx, watch=heads.get(ADMIN_CHAIN, (None,))[0], now=office.clock.now())
        findings.add(record.problems)
        findings.add(_admin_anchor(heads.pop(ADMIN_CHAIN, None), record))
        claims = events = workers = 0
        if only != ADMIN_CHAIN:
            stored = audit_reads.claim_event_count(tx, only)
            progress.start(stored)
            workers = 1 if only else jobs_for(stored, jobs)
            results = [verify_range(tx, record, None, None, heads, progress.advance, only)] if only else \
                verify_ranges(tx, _target(office), record, workers, heads, progress.advance)
            claims, events = _merge(results, findings, heads)
            if events != stored:  # some events belong to no claim row
                events += _orphans(tx, findings, heads, only)
        warnings = [f"the append-only trigger {name} is missing: the database no longer refuses UPDATE or DELETE on audit_event"
                    for name in audit_reads.missing_triggers(tx)]
    if anchor:
        _anchor_leftovers(findings, anchor, heads, only)
    return masked({
        "ok": findings.total == 0,
        "claims": claims,
        "events": events + record.events,
        "problems": [p.as_dict() for p in findings.listed],
        "problems_total": findings.total,
        "admin_events": record.events,
        "settings_versions": len(record.settings) + len(record.unusable),
        "anchor": None if anchor is None else {"file": anchor_path, "root": anchor.root, "chains": len(anchor.heads)},
        "warnings": warnings,
        "jobs": workers,
        "seconds": round(time.perf_counter() - started, 3),
    }, user)


def _exists(tx: Tx, claim_id: str) -> bool:
    return tx.claim(claim_id) is not None or bool(audit_reads.claim_event_count(tx, claim_id))


def _target(office: Office) -> str:
    """The database, as a worker process opens it again."""
    return office.store.target


def _merge(results, findings: Findings, heads: dict) -> tuple[int, int]:
    claims = events = 0
    for result in results:
        findings.merge(result.findings)
        for chain in result.anchored:
            heads.pop(chain, None)
        claims, events = claims + result.claims, events + result.events
    return claims, events


def _admin_anchor(head, record) -> list[Problem]:
    return [] if head is None else anchor_problems(ADMIN_CHAIN, head, record.last_seq, record.watched)


def _orphans(tx: Tx, findings: Findings, heads: dict, only: str | None) -> int:
    """Chains (or the one asked about) whose events have no claim row; returns how many events they hold."""
    events = 0
    for claim_id, count in audit_reads.orphan_chains(tx, only):
        findings.add([Problem(claim_id, None, "claim", f"{count} audit events belong to a claim that has no claim row")])
        heads.pop(claim_id, None)
        events += count
    return events


def _anchor_leftovers(findings: Findings, anchor: Anchor, heads: dict, only: str | None) -> None:
    if not anchor.root_matches:
        findings.add([Problem(None, None, "anchor", "the anchor file's root hash does not match its heads: the anchor itself was edited")])
    if only is None:
        for chain, (seq, _) in sorted(heads.items()):
            findings.add([Problem(chain, seq, "anchor", f"the anchor covers this chain up to seq {seq}, but the log holds none of it")])


def anchor(office: Office) -> dict:
    """The anchor document of the log as it stands (claims.anchor describes the format)."""
    with office.store.read() as tx:
        user = office.authorized_user(tx, "audit")
        if not sees_personal_data(user):
            raise Forbidden(f"not allowed: an anchor holds the hashes of events with personal data the {user['role']} role is not "
                            "shown (docs/security.md, What masking guarantees); an auditor takes anchors", rule="role")
        heads = [(row.claim_id, row.seq, row.hash) for row in audit_reads.heads(tx)]
    return anchor_document(heads, office.clock.now().isoformat(timespec="seconds"))
