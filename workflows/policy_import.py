"""`claims policy import FILE`: policies as reference data, idempotent by policy number (docs/cli.md, Policy file).

A file of 50,000 policies is never in memory at once. A first pass reads it a record at a time, validates each
(a bad record, or a policy number seen twice, refuses the whole file, naming the record and field: exit 2, before
anything is opened for writing) and spools each policy in its stored form -- canonical body and digest, one JSON line
-- to a temporary file. The import then reads the spool back in batches, inside one transaction: the policies written
are exactly the ones checked, whatever happens to the file meanwhile.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from claims.audit import ADMIN_CHAIN
from claims.canonical import canonical_json, sha256_hex
from claims.errors import EnvironmentFailure
from claims.i18n import N_, _
from claims.policies import PolicyFile
from claims.storage import Tx, policy_row
from workflows.admin import _admin_at_work, _admin_event
from workflows.office import Office

BATCH = 1000  # policies looked up and written per batch of statements
MESSAGES = {"no room": N_("the import's temporary file could not be written ({reason}); nothing was imported")}


def import_policies(office: Office, path: str, progress=None) -> dict:
    """New and changed policies are imported, the rest unchanged; one admin event attests them.

    The admin event lists the digest of every body it brings in force, and each body is kept as a policy version: `audit
    verify` proves every policy body against the import that attested it, and every decision against the version it read.
    `progress` (optional: `start(total, what)`, `advance(n)`) is told of both passes.
    """
    with Spool() as spool:
        file_sha256 = spool.fill(path, progress)

        def work(tx: Tx) -> dict:
            admin = _admin_at_work(office, tx, "policy")
            if progress:
                progress.start(spool.count, "policies")
            written = Written(tx, tx.chain_head(ADMIN_CHAIN)[0] + 1)
            for batch in spool.batches():
                written.add(batch)
                if progress:
                    progress.advance(len(batch))
            payload = written.payload(Path(path).name, file_sha256)
            _admin_event(tx, admin, office.now(tx), office.settings(tx), "policy_import", payload)
            return {"imported": payload["new"] + len(payload["changed"]), "unchanged": payload["unchanged"]}

        return office.store.transact(work)


class Spool:
    """The checked policies as stored rows, one JSON line each, in a temporary file removed when closed."""

    def __init__(self):
        self.handle, self.count = None, 0

    def __enter__(self) -> Spool:
        self.handle = _failing_safely(lambda: tempfile.TemporaryFile("w+", encoding="utf-8"))
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()

    def fill(self, path: str, progress) -> str:
        """Every record of the file validated and spooled; the SHA-256 of the file's bytes."""
        if progress:
            progress.start(_size(path), "checking")
        policies = PolicyFile(path, on_read=progress.advance if progress else None)
        for policy in policies:
            row = policy_row(policy)
            _failing_safely(lambda row=row: self.handle.write(json.dumps([row["number"], row["digest"], row["body"]]) + "\n"))
            self.count += 1
        return policies.sha256

    def batches(self):
        """The spooled rows in batches of BATCH (each call reads the spool from its start: a retried transaction reads it again)."""
        self.handle.seek(0)
        batch = []
        for line in self.handle:
            number, digest, body = json.loads(line)
            batch.append({"number": number, "digest": digest, "body": body})
            if len(batch) == BATCH:
                yield batch
                batch = []
        if batch:
            yield batch


def _failing_safely(write):
    try:
        return write()
    except OSError as exc:
        raise EnvironmentFailure(_(MESSAGES["no room"]).format(reason=exc.strerror or exc)) from None


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0  # PolicyFile says why it cannot be read


class Written:
    """Writes batches of rows (new and changed policies; unchanged ones are left alone) and keeps what the admin event
    says of them: the (number, digest) of every policy in the file, and of those written."""

    def __init__(self, tx: Tx, imported_seq: int):
        self.tx, self.imported_seq = tx, imported_seq
        self.every: list[tuple[str, str]] = []
        self.new = 0
        self.changed: list[str] = []
        self.written: list[tuple[str, str]] = []

    def add(self, rows: list[dict]) -> None:
        known = self.tx.policy_digests([row["number"] for row in rows])
        new = [row for row in rows if row["number"] not in known]
        changed = [row for row in rows if row["number"] in known and known[row["number"]] != row["digest"]]
        self.tx.put_policies(new, changed, imported_seq=self.imported_seq)
        self.every += [(row["number"], row["digest"]) for row in rows]
        self.written += [(row["number"], row["digest"]) for row in (*new, *changed)]
        self.new += len(new)
        self.changed += [row["number"] for row in changed]

    def payload(self, file_name: str, file_sha256: str) -> dict:
        return {
            "file": file_name,
            "file_sha256": file_sha256,
            "new": self.new,
            "changed": self.changed,
            "unchanged": len(self.every) - self.new - len(self.changed),
            "digest": sha256_hex(canonical_json(sorted(self.every))),
            "policies": [{"policy": number, "digest": digest} for number, digest in sorted(self.written)],
        }
