"""Policy versions: every policy body ever imported is kept, append-only, with the admin event that attested it.

The bodies already in the database become versions attested by the admin event `claims db upgrade` appends right after
this migration, in the same transaction, at the next seq of the admin chain (it lists their digests): nothing earlier
can prove what they were, so the upgrade says so in the audit log (docs/security.md, What verify proves).

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("policy_version", sa.Column("number", sa.String(), primary_key=True),
                    sa.Column("digest", sa.String(), primary_key=True), sa.Column("body", sa.String(), nullable=False),
                    sa.Column("imported_seq", sa.Integer(), nullable=False))
    _append_only("policy_version")
    op.execute("INSERT INTO policy_version (number, digest, body, imported_seq) "
               "SELECT number, digest, body, (SELECT coalesce(max(seq), 0) + 1 FROM audit_event WHERE claim_id = '@admin') FROM policy")


def _append_only(table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} FOR EACH ROW EXECUTE FUNCTION claims_append_only()")
    op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION claims_append_only()")


def downgrade() -> None:
    raise NotImplementedError("the audit log only ever moves forward")
