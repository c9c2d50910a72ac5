"""Human-readable screens. The JSON documents are the contract; this is the courtesy.

The screens every flow command prints (status, one-line confirmations) are plain styled text;
the tables (materials, history, policy documents) use rich, imported only for them: rich costs
~50-90 ms of a cold start, which a handler typing dozens of commands an hour would pay each time.
"""

from __future__ import annotations

import json
import shutil
import textwrap

import typer

STATE_COLOUR = {"approved": "green", "paid": "green", "declined": "red", "appealed": "yellow"}


class _LazyConsole:
    """rich's Console, created on first use."""

    def __getattr__(self, name):
        from rich.console import Console

        console = Console(highlight=False)
        globals()["console"] = console
        return getattr(console, name)


console = _LazyConsole()


def initialised(doc: dict) -> None:
    kind = "training " if doc["training"] else ""
    typer.echo(f"Created a {kind}claims database (settings version {doc['settings_version'][:12]}).")


def user_added(doc: dict) -> None:
    limit = f", authority limit {doc['limit']}" if doc["limit"] else ""
    typer.echo(f"User {doc['user']} is {doc['role']}{limit}.")


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def set_up(doc: dict) -> None:
    made = "Created the claims schema and set up" if doc["created"] else "Set up"
    typer.echo(f"{made} the server's claims roles and grants.")
    if doc["admin"]:
        typer.echo(f"{doc['admin']} may now run `claims init` as the first admin.")
    if doc["logins_to_create"]:
        typer.echo(f"No login yet for: {', '.join(doc['logins_to_create'])}; create them and run `claims db setup` again.")


def copied(doc: dict) -> None:
    typer.echo(f"Copied {_plural(doc['claims'], 'claim')} and {_plural(doc['events'], 'claim event')}; anchor root "
               f"{doc['anchor_root'][:16]}… (the same as the source's).")
    if doc["logins_to_create"]:
        typer.echo(f"The database server has no login yet for: {', '.join(doc['logins_to_create'])}; create them, then run "
                   "`claims db setup` to give each their role.")


def upgraded(doc: dict) -> None:
    if not doc["upgraded"]:
        typer.echo(f"The schema is already at revision {doc['to']}; nothing was changed.")
        return
    before = f"revision {doc['from']}" if doc["from"] else "release 0.1 (no revision)"
    typer.echo(f"Upgraded the schema from {before} to revision {doc['to']}.")


def role_changed(doc: dict) -> None:
    limit = f", authority limit {doc['limit']}" if doc["limit"] else ""
    before = f"{doc['previous_role']}, limit {doc['previous_limit']}" if doc["previous_limit"] else doc["previous_role"]
    typer.echo(f"User {doc['user']} is {doc['role']}{limit} (was {before}).")


def users(rows: list[dict]) -> None:
    width = max((len(r["user"]) for r in rows), default=4)
    for r in rows:
        typer.echo(f"{r['user']:<{width}}  {r['role']:<8}  {r['limit'] or ''}".rstrip())


def imported(doc: dict) -> None:
    typer.echo(f"Imported {doc['imported']} policies; {doc['unchanged']} unchanged.")


def document(doc) -> None:
    console.print_json(json.dumps(doc, ensure_ascii=False))


def reported(doc: dict) -> None:
    flags = f"  flags: {', '.join(doc['flags'])}" if doc["flags"] else ""
    typer.echo(f"{doc['claim']}  {doc['state']}{flags}")


def status(doc: dict) -> None:
    state = typer.style(doc["state"], fg=STATE_COLOUR.get(doc["state"]), bold=True)
    typer.echo(typer.style(doc["claim"], bold=True) + "  " + state)
    _row("Claim", f"{doc['type']} on policy {doc['policy']}, event of {doc['event_date']} (version {doc['version']})")
    if doc["flags"]:
        _row("Flags", ", ".join(doc["flags"]), "yellow")
    if doc.get("applicant"):
        a = doc["applicant"]
        _row("Applicant", f"{a['name']} ({a['relation']}, {a['id_type']} {a['id_number']})")
    _row("Received", ", ".join(doc["received_documents"]) or "—")
    missing = doc["missing_documents"]
    _row("Missing", ", ".join(missing) or "nothing", "red" if missing else "green")
    for d in doc["deadlines"]:
        _row(f"Due: {d['name']}", f"{d['due']}{'  OVERDUE' if d['overdue'] else ''}  ({d['rule']})", "red" if d["overdue"] else None)
    if doc["decision"]:
        dec = doc["decision"]
        amount = f" {dec['amount']}" if dec["amount"] else ""
        ground = f" [{dec['ground']}]" if dec["ground"] else ""
        _row("Decision", f"{dec['outcome']}{amount}{ground} — {dec['reason']}")
    _row("Paid", doc["paid_amount"])
    if "appeal" in doc["allowed_actions"]:
        _row("Appeal", "the claimant may appeal: claims appeal CLAIM --reason …")
    _row("Next", ", ".join(doc["allowed_actions"]) or "nothing (for your role)")


LABEL = 21


def _row(label: str, value: str, colour: str | None = None) -> None:
    width = max(40, shutil.get_terminal_size((100, 24)).columns - LABEL - 2)
    lines = textwrap.wrap(value, width) or [""]
    typer.echo(f"  {label:<{LABEL}}" + typer.style(lines[0], fg=colour))
    for line in lines[1:]:
        typer.echo(" " * (LABEL + 2) + typer.style(line, fg=colour))


def checklist(doc: dict) -> None:
    from rich.table import Table
    from rich.text import Text

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


QUEUE_COLUMNS = ("claim", "state", "applicant", "assignee", "next deadline")


def queue(rows: list[dict], total: int | None = None, offset: int = 0) -> None:
    """Aligned plain columns: a rich Table measures every cell (0.5 s for 300 rows, the whole queue's budget)."""
    cells = [QUEUE_COLUMNS] + [(r["claim"], r["state"], r["applicant"] or "—", r["assignee"] or "—", _next(r)) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(QUEUE_COLUMNS))]
    lines = [typer.style("Work queue (most urgent first)", italic=True)]
    for n, row in enumerate(cells):
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        if n == 0:
            line = typer.style(line, bold=True)
        elif rows[n - 1]["overdue"]:
            line += "  " + typer.style("OVERDUE", fg="red", bold=True)
        lines.append(line)
    total = len(rows) if total is None else total
    left_out = total - len(rows)
    count = f"{total:,} claim{'s' if total != 1 else ''}"
    lines.append(f"showing {len(rows):,} of {count}" + (f" (from number {offset + 1})" if offset else "") if left_out else count)
    typer.echo("\n".join(lines))


def _next(row: dict) -> str:
    return f"{row['next_deadline']} {row['next_due']}" if row["next_due"] else "—"


def history(rows: list[dict]) -> None:
    """One line per event, its details indented beneath (readable at any terminal width)."""
    typer.echo(typer.style("Audit trail", italic=True))
    moves = [f"{r['from'] or '∅'} → {r['to']}" if r["from"] != r["to"] else r["to"] for r in rows]
    events = max((len(r["event"]) for r in rows), default=5)
    states = max((len(m) for m in moves), default=5)
    width = max(40, shutil.get_terminal_size((100, 24)).columns - 8)
    for r, move in zip(rows, moves, strict=True):
        when = r["at"][:16].replace("T", " ")
        typer.echo(f"{r['seq']:>4}  {when}  {typer.style(r['event'].ljust(events), bold=True)}  {move.ljust(states)}  "
                   f"{r['actor']} ({r['role']})" + (f"  {r['hash'][:8]}" if r["hash"] else ""))
        for line in textwrap.wrap(_details(r["payload"]), width):
            typer.echo(" " * 8 + typer.style(line, dim=True))


def _details(payload: dict) -> str:
    args = {k: v for k, v in payload.get("args", {}).items() if v not in (None, False, "")}
    extra = {k: v for k, v in payload.items() if k not in ("args", "facts") and v not in (None, False, [], "")}
    shown = {**args, **extra}
    return ", ".join(f"{k}={_short(v)}" for k, v in shown.items())


def _short(value) -> str:
    if isinstance(value, dict):
        return value.get("name") or json.dumps(value, ensure_ascii=False)[:40]
    if isinstance(value, list):
        return " / ".join(map(str, value))
    return str(value)
