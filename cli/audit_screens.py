"""The auditor's screens: a replay, step by step, and an audit verification (cli.audit shows them).

Plain styled text laid out by cli.layout, like every other screen: columns that fit the terminal, words unbroken.
"""

from __future__ import annotations

import typer

from cli.layout import grid, terminal_width, wrap

MESSAGES = {
    "replay": "Replay of {claim}",
    "as of": " as of {moment}",
    "replay columns": ("seq", "at", "event", "from → to", "by", "check"),
    "allowed": "✓ allowed",
    "chain only": "✓ chain only",
    "by": "{actor} ({role})",
    "where": "{claim}: {state}, version {version}, paid {paid}",
    "flags": ", flags {flags}",
    "replays": " — every step replays{stored}.",
    "equals stored": " and equals the stored claim",
    "problem": "✗ {seq}{problem} [{check}]",
    "seq": "seq {seq}: ",
    "warning": "Warning: {warning}",
    "verified": "Audit log verified: {scope}{anchor} in {seconds} s — hash chains intact, every step allowed by the rules in "
                "force then, stored claims equal their replay.",
    "scope": "{claims}, {events} (with {admin})",
    "anchor": ", against the anchor {file} taken {created}{age} (covering {chains} and {events})",
    "unknown time": "at an unknown time",
    "age": ", {age} old",
    "hours": "{n} hours",
    "under an hour": "less than an hour",
    "days": "{n:g} days",
    "failed": "Audit verification failed: {problems} in {scope}{anchor}",
    "problem columns": ("claim", "seq", "check", "problem"),
    "more": "… and {more} not listed.",
}
BOLD = {"bold": True}


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _say(text: str, style: dict | None = None, indent: str = "") -> None:
    for line in wrap(text, terminal_width(), indent):
        typer.echo(typer.style(line, **style) if style else line)


def _grid(rows: list[list], **layout) -> None:
    for lines in grid(rows, terminal_width(), **layout):
        for line in lines:
            typer.echo(line)


# replay ---------------------------------------------------------------------------------------
def replay(doc: dict) -> None:
    title = MESSAGES["replay"].format(claim=doc["claim"]) + (MESSAGES["as of"].format(moment=doc["as_of"]) if doc["as_of"] else "")
    _say(title, {"italic": True})
    rows = [[(name, BOLD) for name in MESSAGES["replay columns"]]]
    for step in doc["steps"]:
        move = f"{step['from'] or '∅'} → {step['to']}" if step["from"] != step["to"] else step["to"]
        rows.append([str(step["seq"]), str(step["at"])[:16].replace("T", " "), step["event"], move,
                     MESSAGES["by"].format(actor=step["actor"], role=step["role"]), _check(step)])
    _grid(rows, flexible=5, right=(0,), narrow=[[0, 1, 2, 3], [4, 5]])
    _claim_problems(doc)


def _check(step: dict) -> tuple[str, dict]:
    if step["problems"]:
        return "; ".join(step["problems"]), {"fg": "red"}
    if step["judged"]:
        return MESSAGES["allowed"], {"fg": "green"}
    return MESSAGES["chain only"], {"fg": "yellow"}


def _claim_problems(doc: dict) -> None:
    where = MESSAGES["where"].format(claim=doc["claim"], state=doc["state"], version=doc["version"], paid=doc["paid_amount"])
    flags = MESSAGES["flags"].format(flags=", ".join(doc["flags"])) if doc["flags"] else ""
    if doc["consistent"]:
        stored = MESSAGES["equals stored"] if doc["compared_with_stored"] else ""
        _say(where + flags + MESSAGES["replays"].format(stored=stored), {"fg": "green"})
        return
    _say(where + flags, BOLD)
    for p in doc["problems"]:
        seq = MESSAGES["seq"].format(seq=p["seq"]) if p["seq"] is not None else ""
        _say("  " + MESSAGES["problem"].format(seq=seq, problem=p["problem"], check=p["check"]), {"fg": "red"}, indent="    ")


# audit verify ---------------------------------------------------------------------------------
def verification(doc: dict) -> None:
    scope = MESSAGES["scope"].format(claims=_count(doc["claims"], "claim"), events=_count(doc["events"], "event"),
                                     admin=_count(doc["admin_events"], "admin event"))
    anchor = _anchor_text(doc["anchor"]) if doc["anchor"] else ""
    for warning in doc["warnings"]:
        _say(MESSAGES["warning"].format(warning=warning), {"fg": "yellow"})
    if doc["ok"]:
        _say(MESSAGES["verified"].format(scope=scope, anchor=anchor, seconds=doc["seconds"]), {"fg": "green"})
        return
    _say(MESSAGES["failed"].format(problems=_count(doc["problems_total"], "problem"), scope=scope, anchor=anchor), BOLD)
    rows = [[(name, BOLD) for name in MESSAGES["problem columns"]]]
    for p in doc["problems"]:
        rows.append([p["claim"] or "—", "" if p["seq"] is None else str(p["seq"]), p["check"], (p["problem"], {"fg": "red"})])
    _grid(rows, flexible=3)
    if doc["problems_total"] > len(doc["problems"]):
        _say(MESSAGES["more"].format(more=_count(doc["problems_total"] - len(doc["problems"]), "more problem")))


def _anchor_text(a: dict) -> str:
    age = "" if a["age_days"] is None else MESSAGES["age"].format(age=_age(a["age_days"]))
    return MESSAGES["anchor"].format(file=a["file"], created=a["created_at"] or MESSAGES["unknown time"], age=age,
                                     chains=_count(a["chains"], "chain"), events=_count(a["events"], "event"))


def _age(days: float) -> str:
    if days < 1:
        return MESSAGES["hours"].format(n=round(days * 24)) if days * 24 >= 1 else MESSAGES["under an hour"]
    return MESSAGES["days"].format(n=days)
