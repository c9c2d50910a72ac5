"""How many processes `claims audit verify` uses when --jobs does not say."""

import os

from workflows.verify_ranges import MAX_JOBS, PARALLEL_FROM, jobs_for


def test_a_small_book_is_verified_by_one_process():
    assert jobs_for(PARALLEL_FROM - 1, None) == 1


def test_a_large_book_is_shared_among_the_processors_this_process_may_use(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert jobs_for(PARALLEL_FROM, None) == 2


def test_never_more_than_max_jobs_by_default(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert jobs_for(10 * PARALLEL_FROM, None) == MAX_JOBS


def test_jobs_asked_for_are_what_runs():
    assert jobs_for(10, 4) == 4 and jobs_for(10 * PARALLEL_FROM, 1) == 1
