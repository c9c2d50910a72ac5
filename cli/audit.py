"""Auditor commands: replay and audit verify/anchor/export (docs/cli.md, Audit). Registered on the groups of cli.common."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from typing import Annotated

import typer

from claims.errors import BadInput, IntegrityFailure
from claims.i18n import N_, cli_ngettext
from claims.i18n import cli_ as _
from cli import common
from cli.command_line import G
from cli.common import app, audit_app
from cli.texts import about, param

MESSAGES = {
    "not consistent": N_("claim {claim} does not replay consistently: {problems}"),
    "failed": N_("audit verification failed: {problems}"),
    "unwritable": N_("--out {path!r} cannot be written: {reason}"),
    "anchored": N_("Anchored {chains} ({events}), root {root}… → {out}"),
}


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


@app.command(**about("replay"))
def replay(
    claim: Annotated[str, typer.Argument(metavar="CLAIM", help=param("replay CLAIM"))],
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="TIMESTAMP", help=param("replay --as-of"))] = None,
):
    from workflows.auditing import replay_claim

    doc = common.work(lambda office: replay_claim(office, claim, as_of))
    common.emit(doc, _screen("replay"))
    if not doc["consistent"]:
        problems = _problems(len(doc["problems"]))
        raise IntegrityFailure(_(MESSAGES["not consistent"]).format(claim=claim, problems=problems), claim=claim)


@audit_app.command("verify", **about("audit verify"))
def audit_verify(
    claim: Annotated[str | None, typer.Option("--claim", metavar="CLAIM", help=param("audit verify --claim"))] = None,
    anchor: Annotated[str | None, typer.Option("--anchor", metavar="FILE", help=param("audit verify --anchor"))] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", metavar="N", min=1, help=param("audit verify --jobs"))] = None,
):
    from workflows.verify import verify

    bar = _progress()
    try:
        doc = common.work(lambda office: verify(office, claim, anchor, bar, jobs))
    finally:
        if bar:
            bar.stop()
    common.emit(doc, _screen("verification"))
    if not doc["ok"]:
        raise IntegrityFailure(_(MESSAGES["failed"]).format(problems=_problems(doc["problems_total"])))


def _screen(name: str):
    """A screen of cli.audit_screens, imported when a person reads it."""

    def show(doc: dict) -> None:
        from cli import audit_screens

        getattr(audit_screens, name)(doc)

    return show


def _progress():
    if not sys.stderr.isatty() or G.json:
        return None
    from cli.progress import ProgressBar

    return ProgressBar("verify", unit="events", step=5000)


@audit_app.command("anchor", **about("audit anchor"))
def audit_anchor(out: Annotated[str | None, typer.Option("--out", metavar="FILE", help=param("audit anchor --out"))] = None):
    from workflows.verify import anchor

    doc = common.work(anchor)
    if out is None:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
        return
    _write_file(out, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    summary = {"out": out, "chains": doc["chains"], "events": doc["events"], "root": doc["root"], "created_at": doc["created_at"]}
    common.emit(summary, _render_anchored)


@audit_app.command("export", **about("audit export"))
def audit_export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help=param("audit export --format"))] = ExportFormat.jsonl,
    claim: Annotated[str | None, typer.Option("--claim", metavar="CLAIM", help=param("audit export --claim"))] = None,
    excel: Annotated[bool, typer.Option("--excel", help=param("audit export --excel"))] = False,
):
    from workflows.auditing import export

    try:
        common.work(lambda office: export(office, fmt.value, claim, sys.stdout, excel=excel))
        sys.stdout.flush()
    except BrokenPipeError:  # `claims audit export | head`: the reader has all it wanted
        common.pipe_closed()


def _render_anchored(s: dict) -> None:
    chains = cli_ngettext("{n} chain", "{n} chains", s["chains"]).format(n=f"{s['chains']:,}")
    events = cli_ngettext("{n} event", "{n} events", s["events"]).format(n=f"{s['events']:,}")
    print(_(MESSAGES["anchored"]).format(chains=chains, events=events, root=s["root"][:16], out=s["out"]))


def _write_file(path: str, text: str) -> None:
    temporary = f"{path}.tmp"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        raise BadInput(_(MESSAGES["unwritable"]).format(path=path, reason=exc.strerror)) from None


def _problems(n: int) -> str:
    return cli_ngettext("{n} problem", "{n} problems", n).format(n=f"{n:,}")
