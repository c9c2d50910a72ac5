"""Audit events: one per step, chained per claim by SHA-256 over a canonical form."""

from __future__ import annotations

import json
from dataclasses import dataclass

from claims.canonical import canonical_json, sha256_hex

ADMIN_CHAIN = "@admin"  # users, roles, limits, settings and policy imports have a chain of their own


@dataclass(frozen=True)
class AuditEvent:
    claim_id: str
    seq: int
    event: str
    from_state: str | None
    to_state: str
    at: str
    actor: str
    role: str
    payload: dict
    settings_version: str
    prev_hash: str | None
    hash: str

    def as_history(self) -> dict:
        """The event as ``claims history --json`` shows it (docs/cli.md)."""
        return {
            "seq": self.seq,
            "event": self.event,
            "from": self.from_state,
            "to": self.to_state,
            "at": self.at,
            "actor": self.actor,
            "role": self.role,
            "payload": self.payload,
            "settings_version": self.settings_version,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def event_hash(claim_id, seq, event, from_state, to_state, at, actor, role, payload, settings_version, prev_hash) -> str:
    """SHA-256 over the canonical JSON of every field but the hash itself."""
    return sha256_hex(
        canonical_json(
            {
                "claim_id": claim_id,
                "seq": seq,
                "event": event,
                "from": from_state,
                "to": to_state,
                "at": at,
                "actor": actor,
                "role": role,
                "payload": payload,
                "settings_version": settings_version,
                "prev_hash": prev_hash,
            }
        )
    )


def seal(claim_id, seq, event, from_state, to_state, at, actor, role, payload, settings_version, prev_hash) -> AuditEvent:
    """A new event, hashed and chained to `prev_hash`."""
    digest = event_hash(claim_id, seq, event, from_state, to_state, at, actor, role, payload, settings_version, prev_hash)
    return AuditEvent(claim_id, seq, event, from_state, to_state, at, actor, role, payload, settings_version, prev_hash, digest)


def from_row(row) -> AuditEvent:
    """An event as stored (payload as canonical JSON text)."""
    return AuditEvent(
        row.claim_id, row.seq, row.event, row.from_state, row.to_state, row.at, row.actor, row.role,
        json.loads(row.payload), row.settings_version, row.prev_hash, row.hash,
    )
