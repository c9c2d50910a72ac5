"""The schema of release 0.1 (SQLite only then), frozen: the tables, their keys and indexes, the append-only triggers.

A database made by release 0.1 carries no revision; `claims db upgrade` recognises it by its tables and stamps it 0001.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TEXT, NUMBER = sa.String(), sa.Integer()


def upgrade() -> None:
    op.create_table("meta", sa.Column("key", TEXT, primary_key=True), sa.Column("value", TEXT, nullable=False))
    op.create_table("settings_version", sa.Column("version", TEXT, primary_key=True), sa.Column("body", TEXT, nullable=False),
                    sa.Column("recorded_at", TEXT, nullable=False))
    op.create_table("app_user", sa.Column("name", TEXT, primary_key=True), sa.Column("role", TEXT, nullable=False),
                    sa.Column("authority_limit", TEXT), sa.Column("added_at", TEXT, nullable=False))
    op.create_table("policy", sa.Column("number", TEXT, primary_key=True), sa.Column("body", TEXT, nullable=False),
                    sa.Column("digest", TEXT, nullable=False))
    op.create_table(
        "claim",
        sa.Column("id", TEXT, primary_key=True), sa.Column("number", NUMBER, nullable=False, unique=True),
        sa.Column("policy", TEXT, sa.ForeignKey("policy.number"), nullable=False), sa.Column("type", TEXT, nullable=False),
        sa.Column("event_date", TEXT, nullable=False), sa.Column("state", TEXT, nullable=False),
        sa.Column("version", NUMBER, nullable=False),
        sa.Column("paid_amount", TEXT, nullable=False), sa.Column("next_due", TEXT), sa.Column("snapshot", TEXT, nullable=False),
        sa.Column("updated_at", TEXT, nullable=False))
    op.create_index("ix_claim_duplicates", "claim", ["policy", "type", "event_date"])
    op.create_index("ix_claim_state", "claim", ["state"])
    op.create_index("ix_claim_next_due", "claim", ["next_due"])
    op.create_table(
        "audit_event",
        sa.Column("id", NUMBER, primary_key=True), sa.Column("claim_id", TEXT, nullable=False), sa.Column("seq", NUMBER, nullable=False),
        sa.Column("event", TEXT, nullable=False), sa.Column("from_state", TEXT), sa.Column("to_state", TEXT, nullable=False),
        sa.Column("at", TEXT, nullable=False), sa.Column("actor", TEXT, nullable=False), sa.Column("role", TEXT, nullable=False),
        sa.Column("payload", TEXT, nullable=False),
        sa.Column("settings_version", TEXT, sa.ForeignKey("settings_version.version"), nullable=False),
        sa.Column("prev_hash", TEXT), sa.Column("hash", TEXT, nullable=False),
        sa.UniqueConstraint("claim_id", "seq", name="uq_audit_event_claim_seq"))
    _append_only("audit_event")


def _append_only(table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
        return
    op.execute("""CREATE OR REPLACE FUNCTION claims_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$""")
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} FOR EACH ROW EXECUTE FUNCTION claims_append_only()")
    op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION claims_append_only()")


def downgrade() -> None:
    raise NotImplementedError("the audit log only ever moves forward")
