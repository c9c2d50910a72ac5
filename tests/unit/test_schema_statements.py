"""The SQL that commands run names exactly the columns the SQLModel schema declares."""

from claims import audit_reads, storage
from claims.tables import AuditEventRow, ClaimRow, PolicyRow


def test_a_claim_row_is_written_with_every_declared_column():
    assert storage.CLAIM_COLUMNS == tuple(ClaimRow.__table__.c.keys())


def test_an_audit_event_is_written_with_every_declared_column_but_its_rowid():
    declared = tuple(AuditEventRow.__table__.c.keys())
    assert declared[0] == "id" and storage.EVENT_COLUMNS == declared[1:]


def test_the_claim_columns_verification_reads_are_declared():
    assert set(audit_reads.CLAIM_COLUMNS) <= set(ClaimRow.__table__.c.keys())


def test_a_policy_is_written_with_every_declared_column():
    assert storage.INSERT_POLICY == "INSERT INTO policy (number, body, digest) VALUES (:number, :body, :digest)"
    assert tuple(PolicyRow.__table__.c.keys()) == ("number", "body", "digest")
