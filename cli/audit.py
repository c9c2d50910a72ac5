"""Auditor commands: replay and audit verify/anchor/export (issue 3). Registered on the main app."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from typing import Annotated

import typer

from claims.errors import BadInput, IntegrityFailure
from cli.main import G, _emit, _office, app, pipe_closed

audit_app = typer.Typer(help="Auditors: prove the audit log holds together, anchor it, export it.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def _work(work):
    """Open the database as the acting user, do one piece of work, return its result."""
    office = _office()
    try:
        return work(office)
    finally:
        office.close()


@app.command()
def replay(
    claim: str,
    as_of: Annotated[str | None, typer.Option("--as-of", help="the claim as it stood then: an ISO timestamp, or a date (its end)")] = None,
):
    """Rebuild a claim from its audit events alone, re-judging every step against the rules in force then."""
    from workflows.auditing import replay_claim

    doc = _work(lambda office: replay_claim(office, claim, as_of))
    _emit(doc, _render_replay)
    if not doc["consistent"]:
        raise IntegrityFailure(f"claim {claim} does not replay consistently: {_count(len(doc['problems']), 'problem')}", claim=claim)


JOBS_HELP = "processes sharing the work (default: one per processor, at most 3, from 50,000 events; one below)"


@audit_app.command("verify")
def audit_verify(
    claim: Annotated[str | None, typer.Option("--claim", help="only this claim (and the admin chain)")] = None,
    anchor: Annotated[str | None, typer.Option("--anchor", help="an anchor file: prove everything it covered is unchanged")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", min=1, help=JOBS_HELP)] = None,
):
    """Hash chains, replay of every step, and the stored claims all agree (exit 7 otherwise)."""
    from workflows.verify import verify

    bar = _ProgressBar() if sys.stderr.isatty() and not G.json else None
    try:
        doc = _work(lambda office: verify(office, claim, anchor, bar, jobs))
    finally:
        if bar:
            bar.stop()
    _emit(doc, _render_verification)
    if not doc["ok"]:
        raise IntegrityFailure(f"audit verification failed: {_count(doc['problems_total'], 'problem')}")


@audit_app.command("anchor")
def audit_anchor(out: Annotated[str | None, typer.Option("--out", help="write the anchor to this file (default: stdout)")] = None):
    """A digest of the whole log (each chain's last seq and hash, and a root hash) to keep outside the database."""
    from workflows.verify import anchor

    doc = _work(anchor)
    if out is None:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
        return
    _write_file(out, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    summary = {"out": out, "chains": doc["chains"], "events": doc["events"], "root": doc["root"], "created_at": doc["created_at"]}
    _emit(summary, _render_anchored)


@audit_app.command("export")
def audit_export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="jsonl (one canonical JSON event per line) or csv")] = ExportFormat.jsonl,
    claim: Annotated[str | None, typer.Option("--claim", help="only this claim's chain (@admin: the admin chain)")] = None,
):
    """Stream the audit log with its hashes, for re-verification with your own tools.

    Each event carries the fields its hash is computed over (claim_id, seq, event, from, to, at,
    actor, role, payload, settings_version, prev_hash) and the hash: drop "hash", serialise the rest
    as canonical JSON (sorted keys, no whitespace, UTF-8), SHA-256 it; each prev_hash is the hash of
    the seq before in the same claim_id.
    """
    from workflows.auditing import export

    try:
        _work(lambda office: export(office, fmt.value, claim, sys.stdout))
        sys.stdout.flush()
    except BrokenPipeError:  # `claims audit export | head`: the reader has all it wanted
        pipe_closed()


def _render_anchored(s: dict) -> None:
    print(f"Anchored {_count(s['chains'], 'chain')} ({_count(s['events'], 'event')}), root {s['root'][:16]}… → {s['out']}")


def _write_file(path: str, text: str) -> None:
    temporary = f"{path}.tmp"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        raise BadInput(f"--out {path!r} cannot be written: {exc.strerror}") from None


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


class _ProgressBar:
    """A rich progress bar on stderr, for a terminal only."""

    STEP = 5000  # events between redraw requests

    def __init__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(TextColumn("verifying"), BarColumn(), MofNCompleteColumn(), TextColumn("events"), TimeRemainingColumn(),
                                 console=Console(stderr=True), transient=True)
        self.task, self.pending = None, 0

    def start(self, total: int) -> None:
        self.task = self.progress.add_task("verify", total=total)
        self.progress.start()

    def advance(self, events: int) -> None:
        self.pending += events
        if self.pending >= self.STEP:
            self.progress.advance(self.task, self.pending)
            self.pending = 0

    def stop(self) -> None:
        if self.task is not None:
            self.progress.advance(self.task, self.pending)
        self.progress.stop()


# human screens ----------------------------------------------------------------------------------
def _render_replay(doc: dict) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    table = Table(title=Text(f"Replay of {doc['claim']}" + (f" as of {doc['as_of']}" if doc["as_of"] else "")))
    for name in ("seq", "at", "event", "from → to", "by", "check"):
        table.add_column(name, overflow="fold")
    for step in doc["steps"]:
        move = f"{step['from'] or '∅'} → {step['to']}" if step["from"] != step["to"] else step["to"]
        check = Text("; ".join(step["problems"]), style="red") if step["problems"] else \
            Text("✓ allowed" if step["judged"] else "✓ chain only", style="green" if step["judged"] else "yellow")
        by = Text(f"{step['actor']} ({step['role']})")
        table.add_row(str(step["seq"]), str(step["at"])[:16].replace("T", " "), Text(str(step["event"])), Text(move), by, check)
    console.print(table)
    _render_claim_problems(console, doc)


def _render_claim_problems(console, doc: dict) -> None:
    from rich.text import Text

    where = f"{doc['claim']}: {doc['state']}, version {doc['version']}, paid {doc['paid_amount']}"
    flags = f", flags {', '.join(doc['flags'])}" if doc["flags"] else ""
    if doc["consistent"]:
        stored = " and equals the stored claim" if doc["compared_with_stored"] else ""
        console.print(Text.assemble((where + flags, "bold"), f" — every step replays{stored}.", style="green"))
        return
    console.print(Text(where + flags, style="bold"))
    for p in doc["problems"]:
        seq = f"seq {p['seq']}: " if p["seq"] is not None else ""
        console.print(Text(f"  ✗ {seq}{p['problem']} [{p['check']}]", style="red"))


def _anchor_text(a: dict) -> str:
    age = "" if a["age_days"] is None else f", {_age(a['age_days'])} old"
    return (f", against the anchor {a['file']} taken {a['created_at'] or 'at an unknown time'}{age} "
            f"(covering {_count(a['chains'], 'chain')} and {_count(a['events'], 'event')})")


def _age(days: float) -> str:
    if days < 1:
        return f"{round(days * 24)} hours" if days * 24 >= 1 else "less than an hour"
    return f"{days:g} days"


def _render_verification(doc: dict) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    scope = f"{_count(doc['claims'], 'claim')}, {_count(doc['events'], 'event')} (with {_count(doc['admin_events'], 'admin event')})"
    anchor = _anchor_text(doc["anchor"]) if doc["anchor"] else ""
    for warning in doc["warnings"]:
        console.print(Text.assemble(("Warning: ", "yellow"), warning))
    if doc["ok"]:
        console.print(Text.assemble(("Audit log verified", "green"), f": {scope}{anchor} in {doc['seconds']} s — hash chains intact, "
                                    "every step allowed by the rules in force then, stored claims equal their replay."))
        return
    table = Table(title=Text(f"Audit verification failed: {_count(doc['problems_total'], 'problem')} in {scope}{anchor}"))
    for name in ("claim", "seq", "check", "problem"):
        table.add_column(name, overflow="fold")
    for p in doc["problems"]:
        table.add_row(Text(p["claim"] or "—"), "" if p["seq"] is None else str(p["seq"]), p["check"], Text(p["problem"]))
    console.print(table)
    if doc["problems_total"] > len(doc["problems"]):
        console.print(Text(f"… and {_count(doc['problems_total'] - len(doc['problems']), 'more problem')} not listed."))
