"""Verifying the claims of a book, one id range per processor.

Claims verify independently of each other, so a large book is cut into contiguous claim id
ranges: the calling process verifies the first range itself and a spawned worker process each
other one — spawned, not forked, so no worker inherits the caller's open database connection.
Each range is streamed exactly as a single-process verification streams the whole book, in its
own read transaction, and the results are merged in range order: the report does not depend on
how many processes ran.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from dataclasses import dataclass, field
from queue import Empty

from claims import audit_reads, i18n
from claims.chain import Problem
from claims.errors import ClaimsError
from claims.i18n import _
from claims.storage import Tx, open_store
from workflows.admin_record import AdminRecord
from workflows.replay import Replayer, stored_problems

PARALLEL_FROM = 50_000  # claim events from which verification is shared among processes by default
MAX_JOBS = 3
MAX_LISTED = 10_000  # problems listed in full; beyond that they are only counted
PROGRESS_STEP = 5000  # events a worker verifies between progress reports


@dataclass
class Findings:
    """The problems found, in the order found; a damaged log cannot flood memory."""

    listed: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, problems: list[Problem]) -> None:
        self.total += len(problems)
        room = MAX_LISTED - len(self.listed)
        if room > 0:
            self.listed.extend(problems[:room])

    def merge(self, other: Findings) -> None:
        self.add(other.listed)
        self.total += other.total - len(other.listed)  # the ones `other` could only count


@dataclass
class RangeResult:
    claims: int = 0
    events: int = 0
    findings: Findings = field(default_factory=Findings)
    anchored: list[str] = field(default_factory=list)  # the anchored chains this range checked


def jobs_for(events: int, asked: int | None) -> int:
    """How many processes verify the book: as --jobs asks; by default one per processor this process may
    use (at most MAX_JOBS, ≈55 MiB each) once the book holds PARALLEL_FROM events, one below that.

    Measured on this 2-core machine: a worker's start-up is ≈0.3 s; two processes verified 100k events
    1.7–2.1× and 1M events 2.05× as fast as one (bench/verify_bench.py --jobs).
    """
    if asked:
        return asked
    if events < PARALLEL_FROM:
        return 1
    return max(1, min(MAX_JOBS, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def verify_range(tx: Tx, record: AdminRecord, lo: str | None, hi: str | None, heads: dict, advance, only: str | None = None) -> RangeResult:
    """Hash chains, replay and stored claims of the claims with lo <= id < hi (or just `only`)."""
    replayer, result = Replayer(record), RangeResult()

    def read_policies(page) -> None:
        replayer.policy_bodies = audit_reads.policy_bodies(tx, [claim.policy for claim in page])

    for row, rows in audit_reads.chains(tx, only, lo, hi, on_page=read_policies):
        head = heads.get(row.id)
        replayed = replayer.replay(row.id, rows, watch=head[0] if head else None)
        result.findings.add(replayed.problems)
        if replayed.complete:
            result.findings.add(stored_problems(row, replayed.claim))
        if head:
            result.findings.add(anchor_problems(row.id, head, replayed.last_seq, replayed.watched))
            result.anchored.append(row.id)
        result.claims += 1
        result.events += replayed.events
        advance(replayed.events)
    return result


def anchor_problems(chain: str, head: tuple[int, str], last_seq: int, watched: str | None) -> list[Problem]:
    """The chain must still hold the anchored hash at the anchored seq."""
    seq, digest = head
    if last_seq < seq:
        return [Problem(chain, seq, "anchor", _("the log ends at seq {last}, but the anchor covers seq {seq}: "
                                                "events were removed from the tail").format(last=last_seq, seq=seq))]
    if watched != digest:
        return [Problem(chain, seq, "anchor", _("seq {seq} no longer has the hash the anchor holds: "
                                                "the chain was rewritten after the anchor was taken").format(seq=seq))]
    return []


class Workers:
    """Processes that verify claim ranges in the snapshot of the process that started them.

    Spawned, not forked, so no worker inherits the caller's open database connection; started with SIGINT ignored, so a
    Ctrl-C reaches the caller alone (which ends them) instead of printing each worker's traceback. Each waits for a
    snapshot token (`join`), opens its read transaction in that snapshot, then verifies the range it is given (`run`).
    """

    def __init__(self, count: int, target: str):
        self.context = multiprocessing.get_context("spawn")
        self.outbox = self.context.Queue()
        self.inboxes = [self.context.Queue() for _ in range(count)]
        language = i18n.chosen()  # a spawned worker starts in English: it writes its problems in the caller's language
        self.processes = [self.context.Process(target=_worker, args=(index, target, inbox, self.outbox, language), daemon=True)
                          for index, inbox in enumerate(self.inboxes, 1)]
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited across exec: the workers' Python keeps it ignored
        try:
            for process in self.processes:
                process.start()
        finally:
            signal.signal(signal.SIGINT, previous)

    def join(self, token) -> None:
        """Every worker begins its read transaction in the snapshot `token` names; returns once all have."""
        for inbox in self.inboxes:
            inbox.put(("join", token))
        ready = 0
        while ready < len(self.inboxes):
            kind, index, value = self.outbox.get()
            if kind == "failed":
                raise ClaimsError(_("a verification worker could not open the database: {reason}").format(reason=value))
            ready += kind == "ready"

    def run(self, tx: Tx, record: AdminRecord, ranges: list, heads: dict, advance) -> list[RangeResult]:
        """The first range verified here, in `tx`; each other range by a worker, in the same snapshot."""
        for inbox, (lo, hi) in zip(self.inboxes, ranges[1:], strict=False):
            inbox.put(("verify", (record, lo, hi, heads)))
        for inbox in self.inboxes[len(ranges) - 1:]:
            inbox.put(("stop", None))
        collected = _Inbox(self.outbox, advance, ranges)
        collected.results[0] = verify_range(tx, record, *ranges[0], heads, collected.advance_here)
        while len(collected.results) < len(ranges):
            collected.take(self.outbox.get())
        return [collected.results[index] for index in range(len(ranges))]

    def close(self) -> None:
        for inbox in self.inboxes:
            inbox.put(("stop", None))
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()


def ranges_of(tx: Tx, parts: int) -> list[tuple[str | None, str | None]]:
    """Contiguous claim id ranges of about the same size, as many as `parts` (fewer for a small book)."""
    points = audit_reads.split_points(tx, parts) if parts > 1 else []
    return list(zip([None, *points], [*points, None], strict=True))


class _Inbox:
    """What the workers report: progress, a range's result, or a failure."""

    def __init__(self, queue, advance, ranges):
        self.queue, self.advance, self.ranges = queue, advance, ranges
        self.results: dict[int, RangeResult] = {}

    def take(self, message) -> None:
        kind, index, value = message
        if kind == "progress":
            self.advance(value)
        elif kind == "failed":
            raise ClaimsError(_worker_failure(self.ranges[index], value))
        elif kind == "done":
            self.results[index] = value

    def advance_here(self, events: int) -> None:
        """Progress of this process's own range; meanwhile, whatever the workers reported."""
        self.advance(events)
        while True:
            try:
                self.take(self.queue.get_nowait())
            except Empty:
                return


def _worker(index: int, target: str, inbox, outbox, language: str = "en") -> None:
    i18n.use(language)
    store, pending = open_store(target), [0]

    def advance(events: int) -> None:
        pending[0] += events
        if pending[0] >= PROGRESS_STEP:
            outbox.put(("progress", index, pending[0]))
            pending[0] = 0

    try:
        kind, token = inbox.get()
        if kind != "join":
            return
        with store.join_read(token) as tx:
            outbox.put(("ready", index, None))
            kind, work = inbox.get()
            if kind != "verify":
                return
            record, lo, hi, heads = work
            result = verify_range(tx, record, lo, hi, heads, advance)
        outbox.put(("progress", index, pending[0]))
        outbox.put(("done", index, result))
    except Exception as exc:  # noqa: BLE001 - reported to the caller, which stops with it
        outbox.put(("failed", index, f"{type(exc).__name__}: {exc}"))
    finally:
        store.close()


def _worker_failure(bounds, reason) -> str:
    """A worker's failure, naming the claims it verified."""
    lo, hi = bounds
    if hi:
        return (_("a verification worker failed on the claims from {lo} to before {hi}: {reason}") if lo else
                _("a verification worker failed on the claims from the first to before {hi}: {reason}")).format(lo=lo, hi=hi, reason=reason)
    return (_("a verification worker failed on the claims from {lo} to the last: {reason}") if lo else
            _("a verification worker failed on the claims from the first to the last: {reason}")).format(lo=lo, reason=reason)
