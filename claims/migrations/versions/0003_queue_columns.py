"""The work queue's columns: who holds a claim (`claims assign`) and the names of its people (`claims list --applicant`),
and an index on the audit log's actor (an agent's `claims list --mine`).

The names of the claims already there are filled in from their snapshots: the insured (as the report or the first
application read the policy) and every applicant and whom they applied for.

Revision ID: 0003
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("claim", sa.Column("assignee", sa.String(), nullable=True))
    op.add_column("claim", sa.Column("people", sa.String(), nullable=True))
    op.create_index("ix_claim_assignee", "claim", ["assignee"])
    op.create_index("ix_audit_event_actor", "audit_event", ["actor"])
    bind = op.get_bind()
    for claim_id, snapshot in bind.execute(sa.text("SELECT id, snapshot FROM claim")).fetchall():
        bind.execute(sa.text("UPDATE claim SET people = :people WHERE id = :id"), {"people": _people(json.loads(snapshot)), "id": claim_id})


def _people(claim: dict) -> str | None:
    """As claims.records.people_of says it of a claim (frozen here: a migration does not change with the code)."""
    names = []
    insured = claim.get("insured") or ((claim.get("persons") or {}).get("insured") or {}).get("name")
    if insured:
        names.append(insured)
    applicants = claim.get("applicants") or ([claim["applicant"]] if claim.get("applicant") else [])
    for applicant in applicants:
        names += [applicant["name"], applicant.get("for") or applicant["name"]]
    return " / ".join(dict.fromkeys(names)) or None


def downgrade() -> None:
    raise NotImplementedError("the audit log only ever moves forward")
