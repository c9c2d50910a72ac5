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
from claims.i18n import _, name
from claims.storage import Tx
from workflows.admin_record import read_admin_record
from workflows.auditing import orphan_problem
from workflows.office import Office
from workflows.verify_ranges import Findings, Workers, anchor_problems, jobs_for, ranges_of, verify_range
from workflows.views import masked, sees_personal_data


class Progress:
    """What a caller may pass to follow a long verification (the CLI draws a bar)."""

    def start(self, total: int) -> None: ...

    def advance(self, events: int) -> None: ...


def verify(office: Office, only: str | None = None, anchor_path: str | None = None, progress: Progress | None = None,
           jobs: int | None = None) -> dict:
    """Verify the whole book (or one claim); `jobs` processes share a large book (default: as many as it deserves).

    Every process judges one and the same snapshot (``Store.shared_read``), so verification while people work never
    reports a problem that is only a difference between two moments.
    """
    anchor = read_anchor(anchor_path) if anchor_path else None
    progress = progress or Progress()
    started = time.perf_counter()
    processes = _processes(office, only, jobs)
    workers = Workers(processes - 1, _target(office)) if processes > 1 else None
    try:
        snapshot = office.store.shared_read(workers.join) if workers else office.store.read()
        with snapshot as tx:
            user = office.authorized_user(tx, "audit")
            doc = _verify_in(tx, office, only, anchor, progress, workers, processes)
    finally:
        if workers:
            workers.close()
    doc["anchor"] = None if anchor is None else _anchor_summary(anchor, anchor_path, office.clock.now())
    doc["seconds"] = round(time.perf_counter() - started, 3)
    return masked(doc, user)


def _anchor_summary(anchor: Anchor, path: str, now) -> dict:
    """What the anchor covered and how old it is: events written after it are proven only by the hash chains."""
    taken = _moment(anchor.created_at)
    return {"file": path, "root": anchor.root, "chains": len(anchor.heads), "events": sum(seq for seq, _ in anchor.heads.values()),
            "created_at": anchor.created_at, "age_days": None if taken is None else round((now - taken).total_seconds() / 86400, 1)}


def _moment(text):
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else None


def _processes(office: Office, only: str | None, jobs: int | None) -> int:
    """How many processes share the work: decided from a first look (the claim must exist, the user may verify)."""
    with office.store.read() as tx:
        if only is not None and only != ADMIN_CHAIN and not _exists(tx, only):
            raise NotFound(_("claim {claim!r} not found").format(claim=only), claim=only)
        office.authorized_user(tx, "audit")
        if only is not None:
            return 1
        return jobs_for(audit_reads.claim_event_count(tx), jobs)


def _verify_in(tx: Tx, office: Office, only: str | None, anchor: Anchor | None, progress: Progress, workers, processes: int) -> dict:
    heads = dict(anchor.heads) if anchor else {}
    findings = Findings()
    findings.add([Problem(None, None, "file", _("the database file is damaged: {what}").format(what=what)) for what in tx.damage()])
    record = read_admin_record(tx, watch=heads.get(ADMIN_CHAIN, (None,))[0], now=office.clock.now())
    findings.add(record.problems)
    findings.add(_admin_anchor(heads.pop(ADMIN_CHAIN, None), record))
    claims = events = 0
    if only != ADMIN_CHAIN:
        stored = audit_reads.claim_event_count(tx, only)
        progress.start(stored)
        if workers:
            results = workers.run(tx, record, ranges_of(tx, processes), heads, progress.advance)
        else:
            results = [verify_range(tx, record, None, None, heads, progress.advance, only)]
        claims, events = _merge(results, findings, heads)
        if events != stored:  # some events belong to no claim row
            events += _orphans(tx, findings, heads, only)
    warnings = [_("the append-only trigger {name} is missing: the database no longer refuses UPDATE or DELETE on its table").format(
                    name=name) for name in audit_reads.missing_triggers(tx)]
    if anchor:
        _anchor_leftovers(findings, anchor, heads, only)
    return {
        "ok": findings.total == 0,
        "claims": claims,
        "events": events + record.events,
        "problems": [p.as_dict() for p in findings.listed],
        "problems_total": findings.total,
        "admin_events": record.events,
        "settings_versions": len(record.settings) + len(record.unusable),
        "warnings": warnings,
        "jobs": processes,
    }


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
        findings.add([Problem(claim_id, None, "claim", orphan_problem(count))])
        heads.pop(claim_id, None)
        events += count
    return events


def _anchor_leftovers(findings: Findings, anchor: Anchor, heads: dict, only: str | None) -> None:
    if not anchor.root_matches:
        findings.add([Problem(None, None, "anchor", _("the anchor file's root hash does not match its heads: the anchor itself was "
                                                      "edited"))])
    if only is None:
        for chain, (seq, _digest) in sorted(heads.items()):
            findings.add([Problem(chain, seq, "anchor", _("the anchor covers this chain up to seq {seq}, but the log holds none "
                                                          "of it").format(seq=seq))])


def anchor(office: Office) -> dict:
    """The anchor document of the log as it stands (claims.anchor describes the format)."""
    with office.store.read() as tx:
        user = office.authorized_user(tx, "audit")
        if not sees_personal_data(user):
            raise Forbidden(_("not allowed: an anchor holds the hashes of events with personal data the {role} role is not "
                              "shown (docs/security.md, What masking guarantees); an auditor takes anchors").format(
                role=name("role", user["role"])), rule="role")
        heads = [(row.claim_id, row.seq, row.hash) for row in audit_reads.heads(tx)]
    return anchor_document(heads, office.clock.now().isoformat(timespec="seconds"))
