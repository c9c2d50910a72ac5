"""Who held which role when, as the admin chain says: outside a training database, a role counts
only between the user_add that gave it and the next user_add for that user (replay's role check)."""

from __future__ import annotations

from datetime import datetime, timedelta

from workflows.admin_record import AdminRecord

T0 = datetime.fromisoformat("2026-05-01T09:00:00+08:00")


def _record(training: bool = False) -> AdminRecord:
    record = AdminRecord()
    record.training = training
    record.register("wang", "handler", "50000", T0)
    record.register("wang", "senior", None, T0 + timedelta(days=10))
    record.register("wang", "handler", "80000", T0 + timedelta(days=20))
    return record


def test_a_role_counts_from_its_user_add_until_the_next_one():
    record = _record()
    assert not record.held("wang", "handler", T0 - timedelta(seconds=1))
    assert record.held("wang", "handler", T0)
    assert record.held("wang", "handler", T0 + timedelta(days=10) - timedelta(seconds=1))
    assert not record.held("wang", "handler", T0 + timedelta(days=10))
    assert record.held("wang", "senior", T0 + timedelta(days=10))
    assert not record.held("wang", "senior", T0 + timedelta(days=20))
    assert record.held("wang", "handler", T0 + timedelta(days=20))
    assert record.held("wang", "handler", T0 + timedelta(days=2000))  # the last one is still in force
    assert not record.held("wang", "agent", T0 + timedelta(days=5))
    assert not record.held("li", "agent", T0)


def test_in_a_training_database_a_role_ever_held_counts():
    record = _record(training=True)
    assert record.held("wang", "senior", T0 - timedelta(days=1))
    assert not record.held("wang", "agent", T0)
