"""Looking: where a claim stands, its materials, the work queue, the audit trail, the state machine (docs/cli.md,
Looking). Registered on the main group of cli.common."""

# No `from __future__ import annotations` here: typer would then re-evaluate every command's string
# annotations at each start-up.
from typing import Annotated, Optional

import typer

from cli import common
from cli.choices import ClaimType, DiagramFormat, State, parser
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
    state: Annotated[Optional[list[State]], typer.Option("--state", parser=parser(State), help=param("list --state"))] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help=param("list --overdue"))] = False,
    type_: Annotated[Optional[ClaimType], typer.Option("--type", parser=parser(ClaimType), help=param("list --type"))] = None,
    mine: Annotated[bool, typer.Option("--mine", help=param("list --mine"))] = False,
    assignee: Annotated[Optional[str], typer.Option("--assignee", metavar="USER", help=param("list --assignee"))] = None,
    policy: Annotated[Optional[str], typer.Option("--policy", metavar="POLICY", help=param("list --policy"))] = None,
    applicant: Annotated[Optional[str], typer.Option("--applicant", metavar="NAME", help=param("list --applicant"))] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", metavar="N", min=1, help=param("list --limit"))] = None,
    offset: Annotated[int, typer.Option("--offset", metavar="N", min=0, help=param("list --offset"))] = 0,
):
    from claims.values import clean_text
    from workflows.reads import work_queue

    def text(value, option):
        return None if value is None else clean_text(value, option, lines=False)

    def work(office):
        return work_queue(office, states=tuple(dict.fromkeys(_value(s) for s in state or ())), claim_type=_value(type_),
                          overdue=overdue, mine=mine, assignee=text(assignee, "--assignee"), policy=policy,
                          person=text(applicant, "--applicant"), limit=limit, offset=offset)

    queue = common.work(work)  # JSON: the rows (docs/cli.md, list); the screen also says how many matched
    common.emit(queue["rows"], lambda rows: _screens().queue(rows, queue["total"], queue["offset"]))


def _screens():
    from cli import render

    return render


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
