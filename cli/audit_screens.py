"""The auditor's screens: a replay, step by step, and an audit verification (cli.audit shows them).

Plain styled text laid out by cli.layout, like every other screen: columns that fit the terminal, words unbroken.
"""

from __future__ import annotations

import typer

from claims.i18n import N_, clauses, cli_ngettext, money, name, names
from claims.i18n import cli_ as _
from cli.layout import grid, terminal_width, wrap

MESSAGES = {
    "replay": N_("Replay of {claim}"),
    "replay as of": N_("Replay of {claim} as of {moment}"),
    "replay columns": (N_("seq"), N_("at"), N_("event"), N_("from → to"), N_("by"), N_("check")),
    "allowed": N_("✓ allowed"),
    "chain only": N_("✓ chain only"),
    "by": N_("{actor} ({role})"),
    "where": N_("{claim}: {state}, version {version}, paid {paid}"),
    "where flags": N_("{claim}: {state}, version {version}, paid {paid}, flags {flags}"),
    "replays": N_("{where} — every step replays."),
    "replays stored": N_("{where} — every step replays and equals the stored claim."),
    "problem": N_("✗ {problem} [{check}]"),
    "problem seq": N_("✗ seq {seq}: {problem} [{check}]"),
    "warning": N_("Warning: {warning}"),
    "verified": N_("Audit log verified: {scope}{anchor} in {seconds} s — hash chains intact, every step allowed by the rules "
                   "in force then, stored claims equal their replay."),
    "scope": N_("{claims}, {events} (with {admin})"),
    "anchor": N_(", against the anchor {file} taken {created}{age} (covering {chains} and {events})"),
    "unknown time": N_("at an unknown time"),
    "age": N_(", {age} old"),
    "under an hour": N_("less than an hour"),
    "failed": N_("Audit verification failed: {problems} in {scope}{anchor}"),
    "problem columns": (N_("claim"), N_("seq"), N_("check"), N_("problem")),
}
BOLD = {"bold": True}


def _counted(text: str, n: int) -> str:
    return text.format(n=f"{n:,}")


def _say(text: str, style: dict | None = None, indent: str = "") -> None:
    for line in wrap(text, terminal_width(), indent):
        typer.echo(typer.style(line, **style) if style else line)


def _grid(rows: list[list], **layout) -> None:
    for lines in grid(rows, terminal_width(), **layout):
        for line in lines:
            typer.echo(line)


# replay ---------------------------------------------------------------------------------------
def replay(doc: dict) -> None:
    if doc["as_of"]:
        title = _(MESSAGES["replay as of"]).format(claim=doc["claim"], moment=doc["as_of"])
    else:
        title = _(MESSAGES["replay"]).format(claim=doc["claim"])
    _say(title, {"italic": True})
    rows = [[(_(heading), BOLD) for heading in MESSAGES["replay columns"]]]
    for step in doc["steps"]:
        to = name("state", step["to"])
        move = f"{name('state', step['from']) or '∅'} → {to}" if step["from"] != step["to"] else to
        rows.append([str(step["seq"]), str(step["at"])[:16].replace("T", " "), name("event", step["event"]), move,
                     _(MESSAGES["by"]).format(actor=step["actor"], role=name("role", step["role"])), _check(step)])
    _grid(rows, flexible=5, right=(0,), narrow=[[0, 1, 2, 3], [4, 5]])
    _claim_problems(doc)


def _check(step: dict) -> tuple[str, dict]:
    if step["problems"]:
        return clauses(step["problems"]), {"fg": "red"}
    if step["judged"]:
        return _(MESSAGES["allowed"]), {"fg": "green"}
    return _(MESSAGES["chain only"]), {"fg": "yellow"}


def _claim_problems(doc: dict) -> None:
    values = {"claim": doc["claim"], "state": name("state", doc["state"]), "version": doc["version"],
              "paid": money(doc["paid_amount"])}
    if doc["flags"]:
        where = _(MESSAGES["where flags"]).format(flags=names("flag", doc["flags"]), **values)
    else:
        where = _(MESSAGES["where"]).format(**values)
    if doc["consistent"]:
        _say(_(MESSAGES["replays stored" if doc["compared_with_stored"] else "replays"]).format(where=where), {"fg": "green"})
        return
    _say(where, BOLD)
    for p in doc["problems"]:
        if p["seq"] is not None:
            problem = _(MESSAGES["problem seq"]).format(seq=p["seq"], problem=p["problem"], check=p["check"])
        else:
            problem = _(MESSAGES["problem"]).format(problem=p["problem"], check=p["check"])
        _say("  " + problem, {"fg": "red"}, indent="    ")


# audit verify ---------------------------------------------------------------------------------
def verification(doc: dict) -> None:
    scope = _(MESSAGES["scope"]).format(
        claims=_counted(cli_ngettext("{n} claim", "{n} claims", doc["claims"]), doc["claims"]),
        events=_counted(cli_ngettext("{n} event", "{n} events", doc["events"]), doc["events"]),
        admin=_counted(cli_ngettext("{n} admin event", "{n} admin events", doc["admin_events"]), doc["admin_events"]))
    anchor = _anchor_text(doc["anchor"]) if doc["anchor"] else ""
    for warning in doc["warnings"]:
        _say(_(MESSAGES["warning"]).format(warning=warning), {"fg": "yellow"})
    if doc["ok"]:
        _say(_(MESSAGES["verified"]).format(scope=scope, anchor=anchor, seconds=doc["seconds"]), {"fg": "green"})
        return
    total = doc["problems_total"]
    problems = _counted(cli_ngettext("{n} problem", "{n} problems", total), total)
    _say(_(MESSAGES["failed"]).format(problems=problems, scope=scope, anchor=anchor), BOLD)
    rows = [[(_(heading), BOLD) for heading in MESSAGES["problem columns"]]]
    for p in doc["problems"]:
        rows.append([p["claim"] or "—", "" if p["seq"] is None else str(p["seq"]), p["check"], (p["problem"], {"fg": "red"})])
    _grid(rows, flexible=3)
    if total > len(doc["problems"]):
        more = total - len(doc["problems"])
        _say(_counted(cli_ngettext("… and {n} more problem not listed.", "… and {n} more problems not listed.", more), more))


def _anchor_text(a: dict) -> str:
    age = "" if a["age_days"] is None else _(MESSAGES["age"]).format(age=_age(a["age_days"]))
    return _(MESSAGES["anchor"]).format(
        file=a["file"], created=a["created_at"] or _(MESSAGES["unknown time"]), age=age,
        chains=_counted(cli_ngettext("{n} chain", "{n} chains", a["chains"]), a["chains"]),
        events=_counted(cli_ngettext("{n} event", "{n} events", a["events"]), a["events"]))


def _age(days: float) -> str:
    if days < 1:
        return _("{n} hours").format(n=round(days * 24)) if days * 24 >= 1 else _(MESSAGES["under an hour"])
    return _("{n:g} days").format(n=days)
