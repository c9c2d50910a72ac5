"""`claims db copy SOURCE TARGET`: a whole claims database moved to another back end (SQLite → PostgreSQL, or back).

Every row is copied, in one transaction on the target, from one consistent snapshot of the source; before that
transaction commits, the copy is compared with the source — the same number of rows in every table, the same events
in the same chains with the same hashes, the same anchor root — and any difference rolls it back: a failed copy leaves
the target as empty as it was. The acting user must be an admin of the source; on a server the target is created by
its owner (docs/postgres.md, Moving from SQLite).
"""

from __future__ import annotations

from itertools import zip_longest

from claims.anchor import root_hash
from claims.errors import IntegrityFailure
from claims.i18n import _
from claims.storage import Store, Tx, open_store
from workflows.office import Office

PAGE = 1000
# Every table, parents first (foreign keys), with the columns copied and the order rows are read in.
TABLES = {
    "meta": ("key", "value"),
    "settings_version": ("version", "body", "recorded_at"),
    "app_user": ("name", "role", "authority_limit", "added_at"),
    "policy": ("number", "body", "digest"),
    "policy_version": ("number", "digest", "body", "imported_seq"),
    "claim": ("id", "number", "policy", "type", "event_date", "state", "version", "paid_amount", "next_due", "snapshot", "updated_at",
              "assignee", "people"),
    "audit_event": ("id", "claim_id", "seq", "event", "from_state", "to_state", "at", "actor", "role", "payload", "settings_version",
                    "prev_hash", "hash"),
}
ORDER = {"meta": "key", "settings_version": "version", "app_user": "name", "policy": "number", "policy_version": "number, digest",
         "claim": "id", "audit_event": "id"}
HEADS = ("SELECT e.claim_id, e.seq, e.hash FROM audit_event e JOIN (SELECT claim_id, max(seq) AS seq FROM audit_event "
         "GROUP BY claim_id) last ON e.claim_id = last.claim_id AND e.seq = last.seq ORDER BY e.claim_id")
EVERY_HASH = "SELECT claim_id, seq, hash FROM audit_event ORDER BY claim_id, seq"


def copy_database(source: str, target: str, asked: str | None, now_text: str | None) -> dict:
    """Copy the claims database at `source` into the empty place `target`; returns what was copied."""
    office = Office(open_store(source), asked, now_text)
    destination = open_store(target, create=True)
    try:
        with office.store.read() as read:
            office.authorized_user(read, "db")
            outcome: dict = {}
            destination.create(lambda write: outcome.update(_copy(read, write, destination)))
    finally:
        office.close()
        destination.close()
    return outcome


def _copy(read: Tx, write: Tx, destination: Store) -> dict:
    for table, columns in TABLES.items():
        _copy_table(read, write, table, columns)
    destination.after_copy(write)
    return _compared(read, write) | {"logins_to_create": destination.logins_missing(write)}


def _copy_table(read: Tx, write: Tx, table: str, columns: tuple[str, ...]) -> None:
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
    rows = read.stream(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {ORDER[table]}")
    batch = []
    for row in rows:
        batch.append(dict(zip(columns, row, strict=True)))
        if len(batch) == PAGE:
            write.conn.executemany(insert, batch)
            batch = []
    if batch:
        write.conn.executemany(insert, batch)


def _compared(read: Tx, write: Tx) -> dict:
    """The copy, proven equal to the source before it commits: row counts, every event's hash in chain order, the root."""
    for table in TABLES:
        counts = [tx.value(f"SELECT count(*) FROM {table}") for tx in (read, write)]
        if counts[0] != counts[1]:
            raise IntegrityFailure(_("the copy holds {copied} rows of {table}, the source {source}; nothing was copied").format(
                copied=counts[1], table=table, source=counts[0]))
    for ours, theirs in zip_longest(read.stream(EVERY_HASH), write.stream(EVERY_HASH)):
        if tuple(ours or ()) != tuple(theirs or ()):
            raise IntegrityFailure(_("the copy's event {copied} differs from the source's {source}; nothing was copied").format(
                copied=tuple(theirs or ())[:2], source=tuple(ours or ())[:2]))
    roots = [root_hash([tuple(head) for head in tx.stream(HEADS)]) for tx in (read, write)]
    if roots[0] != roots[1]:
        raise IntegrityFailure(_("the copy's anchor root differs from the source's; nothing was copied"))
    events = write.value("SELECT count(*) FROM audit_event WHERE claim_id != '@admin'")
    return {"claims": write.value("SELECT count(*) FROM claim"), "events": events, "anchor_root": roots[1]}
