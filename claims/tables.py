"""The database schema, as SQLModel tables. ``audit_event`` is part of the CLI contract."""

from __future__ import annotations

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class MetaRow(SQLModel, table=True):
    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class SettingsRow(SQLModel, table=True):
    """Each settings version ever in force, keyed by the hash of its canonical body."""

    __tablename__ = "settings_version"
    version: str = Field(primary_key=True)
    body: str
    recorded_at: str


class UserRow(SQLModel, table=True):
    __tablename__ = "app_user"
    name: str = Field(primary_key=True)
    role: str
    authority_limit: str | None = None
    added_at: str


class PolicyRow(SQLModel, table=True):
    __tablename__ = "policy"
    number: str = Field(primary_key=True)
    body: str
    digest: str


class PolicyVersionRow(SQLModel, table=True):
    """Every policy body ever imported, with the admin event that attested it. Append-only, like the audit log."""

    __tablename__ = "policy_version"
    number: str = Field(primary_key=True)
    digest: str = Field(primary_key=True)
    body: str
    imported_seq: int


class ClaimRow(SQLModel, table=True):
    """The current state of a claim; always equal to the fold of its audit events."""

    __tablename__ = "claim"
    __table_args__ = (Index("ix_claim_duplicates", "policy", "type", "event_date"),)
    id: str = Field(primary_key=True)
    number: int = Field(unique=True)
    policy: str = Field(foreign_key="policy.number")
    type: str
    event_date: str
    state: str = Field(index=True)
    version: int
    paid_amount: str
    next_due: str | None = Field(default=None, index=True)
    snapshot: str
    updated_at: str
    assignee: str | None = Field(default=None, index=True)  # who holds the claim (claims assign): a handler's queue
    people: str | None = None  # the insured's and applicants' names, for `claims list --applicant` (a substring search)


class AuditEventRow(SQLModel, table=True):
    """Append-only: UPDATE and DELETE are refused by triggers (created with the schema, claims.schema)."""

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("claim_id", "seq", name="uq_audit_event_claim_seq"),
                      Index("ix_audit_event_actor", "actor"))  # an agent's own claims: `claims list --mine`
    id: int | None = Field(default=None, primary_key=True)
    claim_id: str
    seq: int
    event: str
    from_state: str | None = None
    to_state: str
    at: str
    actor: str
    role: str
    payload: str
    settings_version: str = Field(foreign_key="settings_version.version")
    prev_hash: str | None = None
    hash: str
