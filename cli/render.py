"""Human-readable screens. The JSON documents are the contract; this is the courtesy.

Every screen fits the terminal it is shown on (cli.layout: COLUMNS, else the terminal's width, else 80) and wraps
between words. They are plain styled text: rich costs ~50-90 ms of a cold start, which a handler typing dozens of
commands an hour would pay each time; it is imported only to pretty-print a JSON document (`policy show`).
"""

from __future__ import annotations

import json

import typer

from cli.layout import grid, terminal_width, wrap

STATE_COLOUR = {"approved": "green", "paid": "green", "declined": "red", "appealed": "yellow"}
BOLD, RED, GREEN = {"bold": True}, {"fg": "red", "bold": True}, {"fg": "green"}
LABEL = 21  # the width of a status screen's labels
LISTED = 12  # items of a list shown in a history line's details (a policy import may list thousands)

MESSAGES = {
    "initialised": "Created a {kind}claims database (settings version {version}).",
    "training": "training ",
    "user added": "User {user} is {role}{limit}.",
    "limit": ", authority limit {limit}",
    "set up": "{made} the server's claims roles and grants.",
    "created and set up": "Created the claims schema and set up",
    "only set up": "Set up",
    "first admin": "{admin} may now run `claims init` as the first admin.",
    "logins missing": "No login yet for: {logins}; create them and run `claims db setup` again.",
    "copied": "Copied {claims} and {events}; anchor root {root}… (the same as the source's).",
    "copy logins missing": "The database server has no login yet for: {logins}; create them, then run `claims db setup` to give "
                           "each their role.",
    "already upgraded": "The schema is already at revision {to}; nothing was changed.",
    "upgraded": "Upgraded the schema from {before} to revision {to}.",
    "revision": "revision {revision}",
    "no revision": "release 0.1 (no revision)",
    "role changed": "User {user} is {role}{limit} (was {before}).",
    "previous": "{role}, limit {limit}",
    "imported": "Imported {imported} policies; {unchanged} unchanged.",
    "reported": "{claim}  {state}{flags}",
    "report flags": "  flags: {flags}",
    "status rows": {"claim": "Claim", "insured": "Insured", "assignee": "Held by", "flags": "Flags", "applicant": "Applicant",
                    "received": "Received", "missing": "Missing", "due": "Due: {name}", "decision": "Decision", "payees": "Payees",
                    "excluded": "No right", "paid": "Paid", "appeal": "Appeal", "next": "Next"},
    "payee": "{name} ({relation}) {share}%{amount}, paid {paid}",
    "payee amount": " = {amount}",
    "excluded person": "{name} ({because})",
    "complex": "complex case since {on}: {reason} (decision due 30 days after the application)",
    "claim": "{type} on policy {policy}, event of {event_date} (version {version})",
    "applicant": "{name} ({relation}, {id_type} {id_number})",
    "nothing received": "—",
    "nothing missing": "nothing",
    "due": "{due}  {when}  ({rule})",
    "overdue": "OVERDUE by {days} day{s}",
    "due today": "due today",
    "days left": "in {days} day{s}",
    "days ago": "{days} day{s} ago",
    "decision": "{outcome}{amount}{ground} — {reason}",
    "may appeal": "the claimant may appeal: claims appeal CLAIM --reason …",
    "nothing next": "nothing (for your role)",
    "materials": "Materials for {claim}",
    "material columns": ("document", "what it is", "received"),
    "received": "yes ({copies})",
    "missing": "missing",
    "notice": "Missing-materials notice (Art. 22) sent {on}: {missing}",
    "queue": "Work queue (most urgent first)",
    "queue columns": ("claim", "state", "applicant", "assignee", "next deadline"),
    "queue size": "{n:,} claim{s}",
    "queue part": "showing {shown:,} of {n:,} claim{s}",
    "queue from": " (from number {first:,})",
    "OVERDUE": "OVERDUE",
    "trail": "Audit trail",
    "line failed": "line {line}: Error: {message} (exit {exit})",
    "stopped": "Stopped at line {line}; the lines after it were not run (--keep-going runs them).",
    "batch done": "{done} {noun} done{failed}.",
    "batch failed": "; {n} failed",
    "by": "{actor} ({role})",
}


def _say(key: str, **values) -> str:
    return MESSAGES[key].format(**values)


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _lines(text: str, indent: str = "") -> None:
    """A paragraph, wrapped between words at the terminal's width."""
    typer.echo("\n".join(wrap(text, terminal_width(), indent)))


# one-line confirmations -----------------------------------------------------------------------
def initialised(doc: dict) -> None:
    _lines(_say("initialised", kind=MESSAGES["training"] if doc["training"] else "", version=doc["settings_version"][:12]))


def user_added(doc: dict) -> None:
    _lines(_say("user added", user=doc["user"], role=doc["role"], limit=_say("limit", limit=doc["limit"]) if doc["limit"] else ""))


def set_up(doc: dict) -> None:
    _lines(_say("set up", made=MESSAGES["created and set up" if doc["created"] else "only set up"]))
    if doc["admin"]:
        _lines(_say("first admin", admin=doc["admin"]))
    if doc["logins_to_create"]:
        _lines(_say("logins missing", logins=", ".join(doc["logins_to_create"])))


def copied(doc: dict) -> None:
    events = _plural(doc["events"], "claim event")
    _lines(_say("copied", claims=_plural(doc["claims"], "claim"), events=events, root=doc["anchor_root"][:16]))
    if doc["logins_to_create"]:
        _lines(_say("copy logins missing", logins=", ".join(doc["logins_to_create"])))


def upgraded(doc: dict) -> None:
    if not doc["upgraded"]:
        _lines(_say("already upgraded", to=doc["to"]))
        return
    before = _say("revision", revision=doc["from"]) if doc["from"] else MESSAGES["no revision"]
    _lines(_say("upgraded", before=before, to=doc["to"]))


def role_changed(doc: dict) -> None:
    limit = _say("limit", limit=doc["limit"]) if doc["limit"] else ""
    before = _say("previous", role=doc["previous_role"], limit=doc["previous_limit"]) if doc["previous_limit"] else doc["previous_role"]
    _lines(_say("role changed", user=doc["user"], role=doc["role"], limit=limit, before=before))


def imported(doc: dict) -> None:
    _lines(_say("imported", imported=doc["imported"], unchanged=doc["unchanged"]))


def document(doc) -> None:
    from rich.console import Console

    Console(highlight=False).print_json(json.dumps(doc, ensure_ascii=False))


def reported(doc: dict) -> None:
    flags = _say("report flags", flags=", ".join(doc["flags"])) if doc["flags"] else ""
    _lines(_say("reported", claim=doc["claim"], state=doc["state"], flags=flags))


# a claim --------------------------------------------------------------------------------------
def status(doc: dict) -> None:
    label = MESSAGES["status rows"]
    state = typer.style(doc["state"], fg=STATE_COLOUR.get(doc["state"]), bold=True)
    typer.echo(typer.style(doc["claim"], bold=True) + "  " + state)
    _row(label["claim"], _say("claim", **doc))
    if doc.get("insured"):
        _row(label["insured"], doc["insured"])
    if doc.get("assignee"):
        _row(label["assignee"], doc["assignee"])
    flags = doc["flags"] + ([_say("complex", **doc["complex"])] if doc.get("complex") else [])
    if flags:
        _row(label["flags"], ", ".join(flags), "yellow")
    for applicant in doc.get("applicants") or ([doc["applicant"]] if doc.get("applicant") else []):
        _row(label["applicant"], _say("applicant", **applicant))
    _row(label["received"], ", ".join(doc["received_documents"]) or MESSAGES["nothing received"])
    missing = doc["missing_documents"]
    _row(label["missing"], ", ".join(missing) or MESSAGES["nothing missing"], "red" if missing else "green")
    for d in doc["deadlines"]:
        value = _say("due", due=d["due"], when=_when(d), rule=d["rule"])
        _row(label["due"].format(name=d["name"]), value, "red" if d["overdue"] else None)
    if doc["decision"]:
        dec = doc["decision"]
        _row(label["decision"], _say("decision", outcome=dec["outcome"], amount=f" {dec['amount']}" if dec["amount"] else "",
                                     ground=f" [{dec['ground']}]" if dec["ground"] else "", reason=dec["reason"]))
    if len(doc.get("payees") or ()) > 1:
        for payee in doc["payees"]:
            _row(label["payees"], _say("payee", name=payee["name"], relation=payee["relation"], share=payee["share"],
                                       amount=_say("payee amount", amount=payee["amount"]) if payee["amount"] else "",
                                       paid=payee["paid"]))
    if doc.get("excluded"):
        _row(label["excluded"], ", ".join(_say("excluded person", **e) for e in doc["excluded"]))
    _row(label["paid"], doc["paid_amount"])
    if "appeal" in doc["allowed_actions"]:
        _row(label["appeal"], MESSAGES["may appeal"])
    _row(label["next"], ", ".join(doc["allowed_actions"]) or MESSAGES["nothing next"])


def _when(deadline: dict) -> str:
    """How far off a deadline is, from the reader's today: in 3 days, due today, OVERDUE by 2 days (or 2 days ago, for one that
    was not an obligation, such as the reporting window of a claim already reported)."""
    days = deadline["days_left"]
    count = {"days": abs(days), "s": "" if abs(days) == 1 else "s"}
    if deadline["overdue"]:
        return _say("overdue", **count)
    if days == 0:
        return MESSAGES["due today"]
    return _say("days left" if days > 0 else "days ago", **count)


def _row(label: str, value: str, colour: str | None = None) -> None:
    """`  Label                value`, the value wrapped between words in what the label leaves of the width."""
    width = terminal_width()
    label_width = LABEL if width >= 50 else max(12, width // 3)
    lines = wrap(value, max(12, width - label_width - 2))
    typer.echo(f"  {label:<{label_width}}" + typer.style(lines[0], fg=colour))
    for line in lines[1:]:
        typer.echo(" " * (label_width + 2) + typer.style(line, fg=colour))


def checklist(doc: dict) -> None:
    typer.echo(typer.style(_say("materials", claim=doc["claim"]), italic=True))
    rows = [[(name, BOLD) for name in MESSAGES["material columns"]]]
    for row in doc["checklist"]:
        got = (_say("received", copies=row["copies"]), GREEN) if row["received"] else (MESSAGES["missing"], {"fg": "red"})
        rows.append([row["document"], row["description"], got])
    _grid(rows, flexible=1)
    if doc["notice"]:
        _lines(_say("notice", on=doc["notice"]["on"], missing=", ".join(doc["notice"]["missing"])), indent="  ")


def _grid(rows: list[list], **layout) -> None:
    for lines in grid(rows, terminal_width(), **layout):
        for line in lines:
            typer.echo(line)


# many claims, many users ----------------------------------------------------------------------
def queue(rows: list[dict], total: int | None = None, offset: int = 0) -> None:
    """Aligned plain columns (a rich Table measures every cell: 0.5 s for 300 rows, the whole queue's budget); the last
    line says how many claims matched and, when --limit or --offset left some out, which ones are shown."""
    typer.echo(typer.style(MESSAGES["queue"], italic=True))
    cells = [[(name, BOLD) for name in MESSAGES["queue columns"]]]
    for r in rows:
        overdue = (MESSAGES["OVERDUE"], RED) if r["overdue"] else ""
        cells.append([r["claim"], r["state"], r["applicant"] or "—", r["assignee"] or "—", _next(r), overdue])
    _grid(cells, narrow=[[0, 1, 2], [3, 4, 5]])
    total = len(rows) if total is None else total
    s = "s" if total != 1 else ""
    if total == len(rows):
        typer.echo(_say("queue size", n=total, s=s))
    else:
        typer.echo(_say("queue part", shown=len(rows), n=total, s=s) + (_say("queue from", first=offset + 1) if offset else ""))


def _next(row: dict) -> str:
    return f"{row['next_deadline']} {row['next_due']}" if row["next_due"] else "—"


def users(rows: list[dict]) -> None:
    _grid([[r["user"], r["role"], r["limit"] or ""] for r in rows])


# the audit trail ------------------------------------------------------------------------------
def history(rows: list[dict]) -> None:
    """One line per event (two on a narrow terminal: the event and its hash, then when and by whom), its hash in a column
    of its own, its details beneath."""
    typer.echo(typer.style(MESSAGES["trail"], italic=True))
    width = terminal_width()
    cells = [[f"{r['seq']:>4}", r["at"][:16].replace("T", " "), (r["event"], BOLD), _move(r), _say("by", actor=r["actor"], role=r["role"]),
              r["hash"][:8] if r["hash"] else ""] for r in rows]
    for r, lines in zip(rows, grid(cells, width, right=(0,), narrow=[[0, 2, 3, 5], [1, 4]]), strict=True):
        for line in lines:
            typer.echo(line)
        details = _details(r["payload"])
        if details:
            for line in wrap(details, width - 6):
                typer.echo(" " * 6 + typer.style(line, dim=True))


def _move(r: dict) -> str:
    return f"{r['from'] or '∅'} → {r['to']}" if r["from"] != r["to"] else r["to"]


def _details(payload: dict) -> str:
    args = {k: v for k, v in payload.get("args", {}).items() if v not in (None, False, "")}
    extra = {k: v for k, v in payload.items() if k not in ("args", "facts") and v not in (None, False, [], "")}
    shown = {**args, **extra}
    return ", ".join(f"{k}={_short(v)}" for k, v in shown.items())


def _short(value) -> str:
    """A payload value in a few words: a digest by its first 12 hex digits (the JSON has it whole)."""
    if isinstance(value, dict):
        return value.get("name") or value.get("policy") or json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        shown = [_short(item) for item in value[:LISTED]]
        return " / ".join(shown + ([f"… ({len(value) - LISTED:,} more)"] if len(value) > LISTED else []))
    text = str(value)
    if len(text) >= 32 and all(ch in "0123456789abcdef" for ch in text):
        return text[:12] + "…"
    return text


# a batch --------------------------------------------------------------------------------------
def batch_outcome(doc: dict) -> None:
    """Each failed line and where the batch stopped (stderr), then how many commands were done (stdout)."""
    width = terminal_width()
    for f in doc["failed"]:
        line = _say("line failed", line=f["line"], message=f["error"]["message"], exit=f["exit"])
        typer.echo("\n".join(wrap(line, width, "  ")), err=True)
    if doc["stopped_at"] is not None:
        typer.echo("\n".join(wrap(_say("stopped", line=doc["stopped_at"]), width, "  ")), err=True)
    failed = _say("batch failed", n=len(doc["failed"])) if doc["failed"] else ""
    _lines(_say("batch done", done=doc["done"], noun="command" if doc["done"] == 1 else "commands", failed=failed))
