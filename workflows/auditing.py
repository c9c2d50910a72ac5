"""Auditors' read-only use cases besides verification: replaying one claim, exporting the log.

Export format (one event per JSON line, or per CSV row under a header): the fields an event's
hash is computed over — ``claim_id, seq, event, from, to, at, actor, role, payload,
settings_version, prev_hash`` — plus ``hash``. To re-verify an event with your own tools: drop
``hash``, serialise the rest as canonical JSON (keys sorted, no whitespace, UTF-8, no escaping
of non-ASCII; values as exported — ``seq`` a number, ``payload`` an object, empty ``from`` or
``prev_hash`` as ``null``), and take its SHA-256 in hex; it must equal ``hash``, and each
``prev_hash`` must be the ``hash`` of the seq before it in the same ``claim_id``. Every JSON line
is itself in canonical form. Roles that may not see personal data (admin) get masked payloads and no
hashes (docs/security.md, What masking guarantees): auditors export the raw log.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, time

from claims import audit_reads
from claims.canonical import canonical_json
from claims.chain import Problem
from claims.errors import BadInput, NotFound
from claims.i18n import _, listing
from claims.values import within_calendar
from workflows.admin_record import read_admin_record
from workflows.office import Office
from workflows.replay import Replayer, stored_problems
from workflows.views import masked

EXPORT_FIELDS = ("claim_id", "seq", "event", "from", "to", "at", "actor", "role", "payload", "settings_version", "prev_hash", "hash")
FORMATS = ("jsonl", "csv")


# replay ---------------------------------------------------------------------------------------
def replay_claim(office: Office, claim_id: str, as_of: str | None = None) -> dict:
    """The claim rebuilt from its events alone (as it stood at `as_of`, if given), every step re-judged."""
    moment = _parse_as_of(as_of)
    with office.store.read() as tx:
        row = audit_reads.claim_row(tx, claim_id)
        rows = audit_reads.chain(tx, claim_id)
        if row is None and not rows:
            raise NotFound(_("claim {claim!r} not found").format(claim=claim_id), claim=claim_id)
        user = office.authorized_user(tx, "replay")
        until = _until(moment, office.settings(tx).zone)
        record = read_admin_record(tx, prove_policies=False, now=office.clock.now())
        bodies = audit_reads.policy_bodies(tx, [row.policy] if row else _reported_policy(rows))
    result = Replayer(record, policy_bodies=bodies).replay(claim_id, rows, until=until, keep_steps=True)
    problems = list(result.problems)
    if row is None:
        problems.append(Problem(claim_id, None, "claim", orphan_problem(len(rows))))
    compared = row is not None and result.complete
    if compared:
        problems += stored_problems(row, result.claim)
    return _replay_document(claim_id, result, problems, until, compared, user)


def orphan_problem(events: int) -> str:
    return _("{events} audit events belong to a claim that has no claim row").format(events=events)


def _reported_policy(rows) -> list[str]:
    """The policy a chain without a claim row reports on, if its first event says."""
    try:
        return [json.loads(rows[0].payload)["args"]["policy"]] if rows else []
    except (ValueError, TypeError, KeyError):
        return []


def _replay_document(claim_id: str, result, problems: list[Problem], until, compared: bool, user: dict) -> dict:
    claim = result.claim
    decision = claim.decision if claim else None
    return {
        "claim": claim_id,
        "state": claim.state if claim else None,
        "version": claim.version if claim else 0,
        "consistent": not problems,
        "problems": [p.as_dict() for p in problems],
        "as_of": until.isoformat() if until else None,
        "compared_with_stored": compared,
        "events": result.folded,
        "flags": list(claim.flags) if claim else [],
        "paid_amount": claim.paid_amount if claim else None,
        "decision": None if decision is None else {k: decision.get(k) for k in ("outcome", "amount", "ground", "reason", "by", "on")},
        "received_documents": sorted(claim.received) if claim else [],
        "applicant": masked(claim.applicant, user) if claim else None,
        "steps": result.steps,
    }


def _parse_as_of(text: str | None) -> date | datetime | None:
    """--as-of: an ISO date (the end of that day) or timestamp (naive: the insurer's time zone)."""
    if text is None:
        return None
    try:
        moment = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise BadInput(_("--as-of must be an ISO date or timestamp, got {text!r}").format(text=text)) from None
    within_calendar(moment if type(moment) is date else moment.date(), "--as-of")
    return moment


def _until(moment, zone) -> datetime | None:
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time.max, tzinfo=zone)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


# export ---------------------------------------------------------------------------------------
def export(office: Office, fmt: str, only: str | None, out, *, excel: bool = False) -> int:
    """Stream the audit log (or one chain) to `out` with its hashes; returns the number of events. `excel`: CSV as Excel
    reads it (a UTF-8 byte-order mark, CRLF line ends)."""
    if fmt not in FORMATS:
        raise BadInput(_("--format must be one of {formats}, got {format!r}").format(formats=listing(FORMATS), format=fmt))
    if excel and fmt != "csv":
        raise BadInput(_("--excel shapes CSV for Excel; it goes with --format csv, not {format}").format(format=fmt))
    with office.store.read() as tx:
        if only is not None and not audit_reads.claim_event_count(tx, only) and audit_reads.claim_row(tx, only) is None:
            raise NotFound(_("claim {claim!r} not found").format(claim=only), claim=only)
        user = office.authorized_user(tx, "audit")
        write = _jsonl_writer(out) if fmt == "jsonl" else _csv_writer(out, excel)
        count = 0
        for row in audit_reads.events(tx, only):
            write(_exported(row, user))
            count += 1
    return count


def _exported(row, user: dict) -> dict:
    try:
        payload = json.loads(row.payload)
    except (TypeError, ValueError):
        payload = row.payload  # not JSON: exported as stored, and it will not re-hash
    return masked({"claim_id": row.claim_id, "seq": row.seq, "event": row.event, "from": row.from_state, "to": row.to_state,
                   "at": row.at, "actor": row.actor, "role": row.role, "payload": payload, "settings_version": row.settings_version,
                   "prev_hash": row.prev_hash, "hash": row.hash}, user)


def _jsonl_writer(out):
    def write(event: dict) -> None:
        out.write(canonical_json(event) + "\n")

    return write


def _csv_writer(out, excel: bool = False):
    if excel:
        out.write("\ufeff")  # Excel takes a file for UTF-8 only when it starts with the byte-order mark
    writer = csv.writer(out, lineterminator="\r\n" if excel else "\n")
    writer.writerow(EXPORT_FIELDS)

    def write(event: dict) -> None:
        payload = event["payload"]
        event["payload"] = payload if isinstance(payload, str) else canonical_json(payload)
        writer.writerow([event[name] for name in EXPORT_FIELDS])

    return write
