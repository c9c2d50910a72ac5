"""Human-readable screens (rich). The JSON documents are the contract; this is the courtesy."""

from __future__ import annotations

import json

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

console = Console(highlight=False)

STATE_STYLE = {"approved": "green", "paid": "green", "declined": "red", "withdrawn": "dim", "closed": "dim", "appealed": "yellow"}


def initialised(doc: dict) -> None:
    kind = "training " if doc["training"] else ""
    console.print(f"Created a {kind}claims database (settings version {doc['settings_version'][:12]}).")


def user_added(doc: dict) -> None:
    limit = f", authority limit {doc['limit']}" if doc["limit"] else ""
    console.print(f"User {doc['user']} is {doc['role']}{limit}.")


def imported(doc: dict) -> None:
    console.print(f"Imported {doc['imported']} policies; {doc['unchanged']} unchanged.")


def document(doc) -> None:
    console.print_json(json.dumps(doc, ensure_ascii=False))


def reported(doc: dict) -> None:
    flags = f"  flags: {', '.join(doc['flags'])}" if doc["flags"] else ""
    console.print(f"{doc['claim']}  {doc['state']}{flags}")


def status(doc: dict) -> None:
    state = Text(doc["state"], style=STATE_STYLE.get(doc["state"], "bold"))
    head = Text.assemble((doc["claim"], "bold"), "  ", state)
    body = Table.grid(padding=(0, 2))
    body.add_column(style="bold")
    body.add_column()
    body.add_row("Claim", f"{doc['type']} on policy {doc['policy']}, event of {doc['event_date']} (version {doc['version']})")
    if doc["flags"]:
        body.add_row("Flags", Text(", ".join(doc["flags"]), style="yellow"))
    if doc.get("applicant"):
        a = doc["applicant"]
        body.add_row("Applicant", f"{a['name']} ({a['relation']}, {a['id_type']} {a['id_number']})")
    body.add_row("Received", ", ".join(doc["received_documents"]) or "—")
    body.add_row("Missing", Text(", ".join(doc["missing_documents"]) or "nothing", style="red" if doc["missing_documents"] else "green"))
    for d in doc["deadlines"]:
        mark = Text("OVERDUE", style="bold red") if d["overdue"] else Text("")
        body.add_row(f"Due: {d['name']}", Text.assemble(d["due"], "  ", mark, f"  ({d['rule']})"))
    if doc["decision"]:
        dec = doc["decision"]
        amount = f" {dec['amount']}" if dec["amount"] else ""
        ground = f" [{dec['ground']}]" if dec["ground"] else ""
        body.add_row("Decision", f"{dec['outcome']}{amount}{ground} — {dec['reason']}")
    body.add_row("Paid", doc["paid_amount"])
    if doc["state"] in ("declined",) or "appeal" in doc["allowed_actions"]:
        body.add_row("Appeal", "the claimant may appeal: `claims appeal CLAIM --reason …`")
    body.add_row("Next", ", ".join(doc["allowed_actions"]) or "nothing (for your role)")
    console.print(Panel(body, title=head, title_align="left"))


def checklist(doc: dict) -> None:
    table = Table(title=f"Materials for {doc['claim']}")
    table.add_column("document")
    table.add_column("what it is")
    table.add_column("received")
    for row in doc["checklist"]:
        got = Text(f"yes ({row['copies']})", style="green") if row["received"] else Text("missing", style="red")
        table.add_row(row["document"], row["description"], got)
    console.print(table)
    if doc["notice"]:
        console.print(f"Missing-materials notice (Art. 22) sent {doc['notice']['on']}: {', '.join(doc['notice']['missing'])}")


QUEUE_COLUMNS = ("claim", "policy", "type", "state", "next due")


def queue(rows: list[dict]) -> None:
    """Aligned columns in one Text: a rich Table measures every cell (0.5 s for 300 rows, the whole queue's budget)."""
    cells = [QUEUE_COLUMNS] + [(r["claim"], r["policy"], r["type"], r["state"], r["next_due"] or "—") for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(QUEUE_COLUMNS))]
    text = Text("Work queue (most urgent first)\n", style="italic")
    for n, row in enumerate(cells):
        text.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(), style="bold" if n == 0 else "")
        if n and rows[n - 1]["overdue"]:
            text.append("  ")
            text.append("OVERDUE", style="bold red")
        text.append("\n")
    text.append(f"{len(rows)} claim{'s' if len(rows) != 1 else ''}")
    console.print(text, no_wrap=True, crop=False)


def history(rows: list[dict]) -> None:
    table = Table(title="Audit trail")
    for name in ("seq", "at", "event", "from → to", "by", "details", "hash"):
        table.add_column(name, overflow="fold")
    for r in rows:
        move = f"{r['from'] or '∅'} → {r['to']}" if r["from"] != r["to"] else r["to"]
        table.add_row(str(r["seq"]), r["at"][:19], r["event"], move, f"{r['actor']} ({r['role']})",
                      _details(r["payload"]), r["hash"][:12])
    console.print(table)


def _details(payload: dict) -> str:
    args = {k: v for k, v in payload.get("args", {}).items() if v not in (None, False, "")}
    extra = {k: v for k, v in payload.items() if k not in ("args", "facts") and v not in (None, False, [], "")}
    shown = {**args, **extra}
    return ", ".join(f"{k}={_short(v)}" for k, v in shown.items())


def _short(value) -> str:
    if isinstance(value, dict):
        return value.get("name") or json.dumps(value, ensure_ascii=False)[:40]
    if isinstance(value, list):
        return "/".join(map(str, value))
    return str(value)
