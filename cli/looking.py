"""Looking: where a claim stands, its materials, the work queue, the audit trail, the state machine (docs/cli.md,
Looking). Registered on the main group of cli.common."""

# No `from __future__ import annotations` here: typer would then re-evaluate every command's string
# annotations at each start-up.
from typing import Annotated, Optional

import typer

from cli import common
from cli.choices import ClaimType, DiagramFormat, State
from cli.common import app
from cli.texts import about, param


def _claim(command: str):
    return typer.Argument(metavar="CLAIM", help=param(f"{command} CLAIM"))


@app.command(**about("status"))
def status(claim: Annotated[str, _claim("status")]):
    from workflows.reads import status as read_status

    common.serve(lambda office: read_status(office, claim), "status")


@app.command(**about("docs"))
def docs(claim: Annotated[str, _claim("docs")]):
    from workflows.reads import docs as read_docs

    common.serve(lambda office: read_docs(office, claim), "checklist")


@app.command("list", **about("list"))
def list_(
    state: Annotated[Optional[State], typer.Option("--state", help=param("list --state"))] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help=param("list --overdue"))] = False,
    type_: Annotated[Optional[ClaimType], typer.Option("--type", help=param("list --type"))] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", metavar="N", min=1, help=param("list --limit"))] = None,
):
    from workflows.reads import work_queue

    common.serve(lambda office: work_queue(office, state=_value(state), claim_type=_value(type_), overdue=overdue, limit=limit),
                 "queue")


def _value(choice) -> str | None:
    return None if choice is None else choice.value


@app.command(**about("history"))
def history(claim: Annotated[str, _claim("history")]):
    from workflows.reads import history as read_history

    common.serve(lambda office: read_history(office, claim), "history")


@app.command(**about("diagram"))
def diagram(fmt: Annotated[DiagramFormat, typer.Option("--format", help=param("diagram --format"))] = DiagramFormat.mermaid):
    from workflows.reads import diagram as draw

    text = common.work(lambda office: draw(office, fmt.value))
    common.emit({"format": fmt.value, "diagram": text}, lambda doc: print(doc["diagram"]))
