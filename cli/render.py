"""Human-readable screens. The JSON documents are the contract; this is the courtesy.

Every screen fits the terminal it is shown on (cli.layout: COLUMNS, else the terminal's width, else 80) and wraps
between words. They are plain styled text: rich costs ~50-90 ms of a cold start, which a handler typing dozens of
commands an hour would pay each time; it is imported only to pretty-print a JSON document (`policy show`).
"""

from __future__ import annotations

import json

import typer

from claims.i18n import N_, cli_ngettext, listing, money, name, names
from claims.i18n import _ as engine
from claims.i18n import cli_ as _
from cli.layout import grid, pad, terminal_width, wrap

STATE_COLOUR = {"approved": "green", "paid": "green", "declined": "red", "appealed": "yellow"}
BOLD, RED, GREEN = {"bold": True}, {"fg": "red", "bold": True}, {"fg": "green"}
LABEL = 21  # the width of a status screen's labels
LISTED = 12  # items of a list shown in a history line's details (a policy import may list thousands)

MESSAGES = {
    "initialised": N_("Created a claims database (settings version {version})."),
    "initialised training": N_("Created a training claims database (settings version {version})."),
    "user added": N_("User {user} is {role}."),
    "user added limit": N_("User {user} is {role}, authority limit {limit}."),
    "created and set up": N_("Created the claims schema and set up the server's claims roles and grants."),
    "only set up": N_("Set up the server's claims roles and grants."),
    "first admin": N_("{admin} may now run `claims init` as the first admin."),
    "logins missing": N_("No login yet for: {logins}; create them and run `claims db setup` again."),
    "copied": N_("Copied {claims} and {events}; anchor root {root}… (the same as the source's)."),
    "copy logins missing": N_("The database server has no login yet for: {logins}; create them, then run `claims db setup` "
                              "to give each their role."),
    "already upgraded": N_("The schema is already at revision {to}; nothing was changed."),
    "upgraded": N_("Upgraded the schema from {before} to revision {to}."),
    "revision": N_("revision {revision}"),
    "no revision": N_("release 0.1 (no revision)"),
    "role changed": N_("User {user} is {role} (was {before})."),
    "role changed limit": N_("User {user} is {role}, authority limit {limit} (was {before})."),
    "previous": N_("{role}, limit {limit}"),
    "imported": N_("Imported {imported} policies; {unchanged} unchanged."),
    "reported": N_("{claim}  {state}"),
    "reported flags": N_("{claim}  {state}  flags: {flags}"),
    "status rows": {"claim": N_("Claim"), "insured": N_("Insured"), "assignee": N_("Held by"), "flags": N_("Flags"),
                    "applicant": N_("Applicant"), "received": N_("Received"), "missing": N_("Missing"), "due": N_("Due: {name}"),
                    "decision": N_("Decision"), "payees": N_("Payees"), "excluded": N_("No right"), "paid": N_("Paid"),
                    "appeal": N_("Appeal"), "next": N_("Next")},
    "payee": N_("{name} ({relation}) {share}%, paid {paid}"),
    "payee amount": N_("{name} ({relation}) {share}% = {amount}, paid {paid}"),
    "excluded person": N_("{name} ({because})"),
    "complex": N_("complex case since {on}: {reason} (decision due 30 days after the application)"),
    "claim": N_("{type} on policy {policy}, event of {event_date} (version {version})"),
    "applicant": N_("{name} ({relation}, {id_type} {id_number})"),
    "nothing received": "—",
    "nothing missing": N_("nothing"),
    "due": N_("{due}  {when}  ({rule})"),
    "due today": N_("due today"),
    "decision": N_("{outcome} — {reason}"),
    "decision amount": N_("{outcome} {amount} — {reason}"),
    "decision ground": N_("{outcome} [{ground}] — {reason}"),
    "decision amount ground": N_("{outcome} {amount} [{ground}] — {reason}"),
    "may appeal": N_("the claimant may appeal: claims appeal CLAIM --reason …"),
    "nothing next": N_("nothing (for your role)"),
    "materials": N_("Materials for {claim}"),
    "material columns": (N_("document"), N_("what it is"), N_("received")),
    "received": N_("yes ({copies})"),
    "missing": N_("missing"),
    "notice": N_("Missing-materials notice (Art. 22) sent {on}: {missing}"),
    "queue": N_("Work queue (most urgent first)"),
    "queue columns": (N_("claim"), N_("state"), N_("applicant"), N_("assignee"), N_("next deadline")),
    "next": N_("{deadline} {due}"),
    "OVERDUE": N_("OVERDUE"),
    "trail": N_("Audit trail"),
    "line failed": N_("line {line}: Error: {message} (exit {exit})"),
    "stopped": N_("Stopped at line {line}; the lines after it were not run (--keep-going runs them)."),
    "by": N_("{actor} ({role})"),
    "more": N_("… ({count} more)"),
}


def _say(key: str, **values) -> str:
    return _(MESSAGES[key]).format(**values)


def _lines(text: str, indent: str = "") -> None:
    """A paragraph, wrapped between words at the terminal's width."""
    typer.echo("\n".join(wrap(text, terminal_width(), indent)))


# one-line confirmations -----------------------------------------------------------------------
def initialised(doc: dict) -> None:
    _lines(_say("initialised training" if doc["training"] else "initialised", version=doc["settings_version"][:12]))


def user_added(doc: dict) -> None:
    role = name("role", doc["role"])
    if doc["limit"]:
        _lines(_say("user added limit", user=doc["user"], role=role, limit=money(doc["limit"])))
    else:
        _lines(_say("user added", user=doc["user"], role=role))


def set_up(doc: dict) -> None:
    _lines(_say("created and set up" if doc["created"] else "only set up"))
    if doc["admin"]:
        _lines(_say("first admin", admin=doc["admin"]))
    if doc["logins_to_create"]:
        _lines(_say("logins missing", logins=listing(doc["logins_to_create"])))


def copied(doc: dict) -> None:
    claims = cli_ngettext("{n} claim", "{n} claims", doc["claims"]).format(n=f"{doc['claims']:,}")
    events = cli_ngettext("{n} claim event", "{n} claim events", doc["events"]).format(n=f"{doc['events']:,}")
    _lines(_say("copied", claims=claims, events=events, root=doc["anchor_root"][:16]))
    if doc["logins_to_create"]:
        _lines(_say("copy logins missing", logins=listing(doc["logins_to_create"])))


def upgraded(doc: dict) -> None:
    if not doc["upgraded"]:
        _lines(_say("already upgraded", to=doc["to"]))
        return
    before = _say("revision", revision=doc["from"]) if doc["from"] else _(MESSAGES["no revision"])
    _lines(_say("upgraded", before=before, to=doc["to"]))


def role_changed(doc: dict) -> None:
    previous = name("role", doc["previous_role"])
    before = _say("previous", role=previous, limit=money(doc["previous_limit"])) if doc["previous_limit"] else previous
    role = name("role", doc["role"])
    if doc["limit"]:
        _lines(_say("role changed limit", user=doc["user"], role=role, limit=money(doc["limit"]), before=before))
    else:
        _lines(_say("role changed", user=doc["user"], role=role, before=before))


def imported(doc: dict) -> None:
    _lines(_say("imported", imported=doc["imported"], unchanged=doc["unchanged"]))


def document(doc) -> None:
    from rich.console import Console

    Console(highlight=False).print_json(json.dumps(doc, ensure_ascii=False))


def reported(doc: dict) -> None:
    state = name("state", doc["state"])
    if doc["flags"]:
        _lines(_say("reported flags", claim=doc["claim"], state=state, flags=names("flag", doc["flags"])))
    else:
        _lines(_say("reported", claim=doc["claim"], state=state))


# a claim --------------------------------------------------------------------------------------
def status(doc: dict) -> None:
    label = {key: _(text) for key, text in MESSAGES["status rows"].items()}
    state = typer.style(name("state", doc["state"]), fg=STATE_COLOUR.get(doc["state"]), bold=True)
    typer.echo(typer.style(doc["claim"], bold=True) + "  " + state)
    _row(label["claim"], _say("claim", type=name("claim type", doc["type"]), policy=doc["policy"], event_date=doc["event_date"],
                              version=doc["version"]))
    if doc.get("insured"):
        _row(label["insured"], doc["insured"])
    if doc.get("assignee"):
        _row(label["assignee"], doc["assignee"])
    flags = [name("flag", flag) for flag in doc["flags"]] + ([_say("complex", **doc["complex"])] if doc.get("complex") else [])
    if flags:
        _row(label["flags"], listing(flags), "yellow")
    for applicant in doc.get("applicants") or ([doc["applicant"]] if doc.get("applicant") else []):
        _row(label["applicant"], _say("applicant", name=applicant["name"], relation=name("relation", applicant["relation"]),
                                      id_type=name("id type", applicant["id_type"]), id_number=applicant["id_number"]))
    _row(label["received"], names("document", doc["received_documents"]) or _(MESSAGES["nothing received"]))
    missing = doc["missing_documents"]
    _row(label["missing"], names("document", missing) or _(MESSAGES["nothing missing"]), "red" if missing else "green")
    for d in doc["deadlines"]:
        value = _say("due", due=d["due"], when=_when(d), rule=engine(d["rule"]))
        _row(label["due"].format(name=name("deadline", d["name"])), value, "red" if d["overdue"] else None)
    if doc["decision"]:
        _row(label["decision"], _decision(doc["decision"]))
    if len(doc.get("payees") or ()) > 1:
        for payee in doc["payees"]:
            values = {"name": payee["name"], "relation": name("relation", payee["relation"]), "share": payee["share"],
                      "paid": money(payee["paid"])}
            if payee["amount"]:
                _row(label["payees"], _say("payee amount", amount=money(payee["amount"]), **values))
            else:
                _row(label["payees"], _say("payee", **values))
    if doc.get("excluded"):
        _row(label["excluded"], listing(_say("excluded person", name=e["name"], because=name("because", e["because"]))
                                        for e in doc["excluded"]))
    _row(label["paid"], money(doc["paid_amount"]))
    if "appeal" in doc["allowed_actions"]:
        _row(label["appeal"], _(MESSAGES["may appeal"]))
    _row(label["next"], listing(doc["allowed_actions"]) or _(MESSAGES["nothing next"]))


def _decision(dec: dict) -> str:
    outcome, reason = name("outcome", dec["outcome"]), dec["reason"]
    amount = money(dec["amount"]) if dec["amount"] else None
    ground = name("ground", dec["ground"]) if dec["ground"] else None
    if amount and ground:
        return _say("decision amount ground", outcome=outcome, amount=amount, ground=ground, reason=reason)
    if amount:
        return _say("decision amount", outcome=outcome, amount=amount, reason=reason)
    if ground:
        return _say("decision ground", outcome=outcome, ground=ground, reason=reason)
    return _say("decision", outcome=outcome, reason=reason)


def _when(deadline: dict) -> str:
    """How far off a deadline is, from the reader's today: in 3 days, due today, OVERDUE by 2 days (or 2 days ago, for one that
    was not an obligation, such as the reporting window of a claim already reported)."""
    days = deadline["days_left"]
    n = abs(days)
    if deadline["overdue"]:
        return cli_ngettext("OVERDUE by {days} day", "OVERDUE by {days} days", n).format(days=n)
    if days == 0:
        return _(MESSAGES["due today"])
    if days > 0:
        return cli_ngettext("in {days} day", "in {days} days", n).format(days=n)
    return cli_ngettext("{days} day ago", "{days} days ago", n).format(days=n)


def _row(label: str, value: str, colour: str | None = None) -> None:
    """`  Label                value`, the value wrapped between words in what the label leaves of the width (both measured
    in terminal cells: a Chinese character takes two)."""
    width = terminal_width()
    label_width = LABEL if width >= 50 else max(12, width // 3)
    lines = wrap(value, max(12, width - label_width - 2))
    typer.echo("  " + pad(label, label_width) + typer.style(lines[0], fg=colour))
    for line in lines[1:]:
        typer.echo(" " * (label_width + 2) + typer.style(line, fg=colour))


def checklist(doc: dict) -> None:
    typer.echo(typer.style(_say("materials", claim=doc["claim"]), italic=True))
    rows = [[(_(heading), BOLD) for heading in MESSAGES["material columns"]]]
    for row in doc["checklist"]:
        got = (_say("received", copies=row["copies"]), GREEN) if row["received"] else (_(MESSAGES["missing"]), {"fg": "red"})
        rows.append([name("document", row["document"]), engine(row["description"]), got])
    _grid(rows, flexible=1)
    if doc["notice"]:
        _lines(_say("notice", on=doc["notice"]["on"], missing=names("document", doc["notice"]["missing"])), indent="  ")


def _grid(rows: list[list], **layout) -> None:
    for lines in grid(rows, terminal_width(), **layout):
        for line in lines:
            typer.echo(line)


# many claims, many users ----------------------------------------------------------------------
def queue(rows: list[dict], total: int | None = None, offset: int = 0) -> None:
    """Aligned plain columns (a rich Table measures every cell: 0.5 s for 300 rows, the whole queue's budget); the last
    line says how many claims matched and, when --limit or --offset left some out, which ones are shown."""
    typer.echo(typer.style(_(MESSAGES["queue"]), italic=True))
    cells = [[(_(heading), BOLD) for heading in MESSAGES["queue columns"]]]
    for r in rows:
        overdue = (_(MESSAGES["OVERDUE"]), RED) if r["overdue"] else ""
        cells.append([r["claim"], name("state", r["state"]), r["applicant"] or "—", r["assignee"] or "—", _next(r), overdue])
    _grid(cells, narrow=[[0, 1, 2], [3, 4, 5]])
    total = len(rows) if total is None else total
    if total == len(rows):
        typer.echo(cli_ngettext("{n} claim", "{n} claims", total).format(n=f"{total:,}"))
    elif offset:
        typer.echo(cli_ngettext("showing {shown} of {n} claim (from number {first})",
                                "showing {shown} of {n} claims (from number {first})", total)
                   .format(shown=f"{len(rows):,}", n=f"{total:,}", first=f"{offset + 1:,}"))
    else:
        typer.echo(cli_ngettext("showing {shown} of {n} claim", "showing {shown} of {n} claims", total)
                   .format(shown=f"{len(rows):,}", n=f"{total:,}"))


def _next(row: dict) -> str:
    return _say("next", deadline=name("deadline", row["next_deadline"]), due=row["next_due"]) if row["next_due"] else "—"


def users(rows: list[dict]) -> None:
    _grid([[r["user"], name("role", r["role"]), money(r["limit"]) if r["limit"] else ""] for r in rows])


# the audit trail ------------------------------------------------------------------------------
def history(rows: list[dict]) -> None:
    """One line per event (two on a narrow terminal: the event and its hash, then when and by whom), its hash in a column
    of its own, its details beneath."""
    typer.echo(typer.style(_(MESSAGES["trail"]), italic=True))
    width = terminal_width()
    cells = [[f"{r['seq']:>4}", r["at"][:16].replace("T", " "), (name("event", r["event"]), BOLD), _move(r),
              _say("by", actor=r["actor"], role=name("role", r["role"])), r["hash"][:8] if r["hash"] else ""] for r in rows]
    for r, lines in zip(rows, grid(cells, width, right=(0,), narrow=[[0, 2, 3, 5], [1, 4]]), strict=True):
        for line in lines:
            typer.echo(line)
        details = _details(r["payload"])
        if details:
            for line in wrap(details, width - 6):
                typer.echo(" " * 6 + typer.style(line, dim=True))


def _move(r: dict) -> str:
    to = name("state", r["to"])
    return f"{name('state', r['from']) or '∅'} → {to}" if r["from"] != r["to"] else to


def _details(payload: dict) -> str:
    """The event's payload as it is stored (keys and values as in the JSON): the record itself, not translated."""
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
        return " / ".join(shown + ([_say("more", count=f"{len(value) - LISTED:,}")] if len(value) > LISTED else []))
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
    done = doc["done"]
    if doc["failed"]:
        failed = len(doc["failed"])
        _lines(cli_ngettext("{done} command done; {failed} failed.", "{done} commands done; {failed} failed.", done)
               .format(done=done, failed=failed))
    else:
        _lines(cli_ngettext("{done} command done.", "{done} commands done.", done).format(done=done))
