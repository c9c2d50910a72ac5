"""The case flow: the commands that move a claim through the state machine (docs/cli.md, Case flow).

Each parses its input (a bad date, amount or text is exit 2 before anything is opened), calls one workflow
function and shows the claim's status. Registered on the main group of cli.common.
"""

# No `from __future__ import annotations` here: typer would then re-evaluate every command's string
# annotations at each start-up (get_command ~22 ms instead of ~10 ms).
from typing import Annotated, Optional

import typer

from claims.errors import BadInput
from claims.i18n import N_
from claims.i18n import cli_ as _
from claims.materials import DOCUMENT_TYPES
from claims.values import clean_text, money, parse_amount, parse_date
from cli import common
from cli.choices import Because, Cause, Channel, ClaimType, Ground, IdType, Outcome, Relation, document, parser
from cli.command_line import G
from cli.common import app
from cli.texts import Choice, Choices, about, param

MESSAGES = {"unreadable file": N_("--file {path!r} cannot be read: {reason}")}


def _claim(command: str):
    """The CLAIM argument of a command: a claim id, completed from the database."""
    return typer.Argument(metavar="CLAIM", help=param(f"{command} CLAIM"))


def _flow(claim: str, command: str, args: dict) -> None:
    from workflows.cases import advance

    common.serve(lambda office: advance(office, claim, command, args, view=not G.discard), "status")


def _date(text: str | None, option: str) -> str | None:
    return None if text is None else parse_date(text, option).isoformat()


def _amount(text: str | None, option: str = "--amount") -> str | None:
    return None if text is None else money(parse_amount(text, option))


def _value(choice) -> str | None:
    return None if choice is None else choice.value


def _text(text: str | None, option: str, *, lines: bool = True) -> str | None:
    """Free text a person typed: not empty or blank, no control characters but line breaks (docs/cli.md)."""
    return None if text is None else clean_text(text, option, lines=lines)


@app.command(**about("report"))
def report(
    policy: Annotated[str, typer.Argument(metavar="POLICY", help=param("report POLICY"))],
    type_: Annotated[ClaimType, typer.Option("--type", parser=parser(ClaimType), help=param("report --type"))],
    event_date: Annotated[str, typer.Option("--event-date", metavar="DATE", help=param("report --event-date"))],
    cause: Annotated[Optional[Cause], typer.Option("--cause", parser=parser(Cause), help=param("report --cause"))] = None,
    channel: Annotated[Optional[Channel], typer.Option("--channel", parser=parser(Channel), help=param("report --channel"))] = None,
    late_reason: Annotated[Optional[str], typer.Option("--late-reason", metavar="TEXT", help=param("report --late-reason"))] = None,
    description: Annotated[Optional[str], typer.Option("--description", metavar="TEXT", help=param("report --description"))] = None,
):
    from workflows.cases import report as open_claim

    args = {"type": type_.value, "event_date": _date(event_date, "--event-date"), "cause": _value(cause),
            "channel": _value(channel), "late_reason": _text(late_reason, "--late-reason"),
            "description": _text(description, "--description")}
    common.serve(lambda office: open_claim(office, policy, args), "reported")


@app.command(**about("apply"))
def apply(
    claim: Annotated[str, _claim("apply")],
    applicant: Annotated[str, typer.Option("--applicant", metavar="NAME", help=param("apply --applicant"))],
    id_type: Annotated[IdType, typer.Option("--id-type", parser=parser(IdType), help=param("apply --id-type"))],
    id_number: Annotated[str, typer.Option("--id-number", metavar="NUMBER", help=param("apply --id-number"))],
    id_expires: Annotated[Optional[str], typer.Option("--id-expires", metavar="DATE", help=param("apply --id-expires"))] = None,
    id_photo: Annotated[bool, typer.Option("--id-photo", help=param("apply --id-photo"))] = False,
    relation: Annotated[Optional[Relation], typer.Option("--relation", parser=parser(Relation), help=param("apply --relation"))] = None,
    signed_by: Annotated[Optional[str], typer.Option("--signed-by", metavar="NAME", help=param("apply --signed-by"))] = None,
    for_: Annotated[Optional[str], typer.Option("--for", metavar="NAME", help=param("apply --for"))] = None,
):
    args = {"applicant": _text(applicant, "--applicant", lines=False), "id_type": id_type.value,
            "id_number": _text(id_number, "--id-number", lines=False),
            "id_expires": _date(id_expires, "--id-expires"), "id_photo": id_photo, "relation": _value(relation),
            "signed_by": _text(signed_by, "--signed-by", lines=False), "for": _text(for_, "--for", lines=False)}
    _flow(claim, "apply", args)


@app.command(**about("attach"))
def attach(
    claim: Annotated[str, _claim("attach")],
    doc_type: Annotated[str, typer.Argument(metavar="DOC_TYPE", parser=document,
                                              help=param("attach DOC_TYPE", document_types=Choices("document", DOCUMENT_TYPES, "")))],
    file: Annotated[Optional[str], typer.Option("--file", metavar="PATH", help=param("attach --file"))] = None,
):
    _flow(claim, "attach", {"document": doc_type, "sha256": _file_digest(file)})


def _file_digest(path: str | None) -> str | None:
    if path is None:
        return None
    import hashlib

    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        raise BadInput(_(MESSAGES["unreadable file"]).format(path=path, reason=exc.strerror)) from None


@app.command(**about("request"))
def request(
    claim: Annotated[str, _claim("request")],
    doc_type: Annotated[str, typer.Argument(metavar="DOC_TYPE", parser=document, help=param("request DOC_TYPE"))],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help=param("request --reason"))],
):
    _flow(claim, "request", {"document": doc_type, "reason": _text(reason, "--reason")})


@app.command(**about("investigate"))
def investigate(claim: Annotated[str, _claim("investigate")]):
    _flow(claim, "investigate", {})


@app.command(**about("decide"))
def decide(
    claim: Annotated[str, _claim("decide")],
    outcome: Annotated[Outcome, typer.Argument(metavar="OUTCOME", parser=parser(Outcome), help=param(
        "decide OUTCOME", **{value: Choice("outcome", value) for value in ("approve", "partial", "decline")}))],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help=param("decide --reason"))],
    amount: Annotated[Optional[str], typer.Option("--amount", metavar="AMOUNT", help=param("decide --amount"))] = None,
    ground: Annotated[Optional[Ground], typer.Option("--ground", parser=parser(Ground), help=param("decide --ground"))] = None,
):
    args = {"outcome": outcome.value, "amount": _amount(amount), "ground": _value(ground), "reason": _text(reason, "--reason")}
    _flow(claim, "decide", args)


@app.command(**about("notify"))
def notify(claim: Annotated[str, _claim("notify")]):
    _flow(claim, "notify", {})


@app.command(**about("pay"))
def pay(
    claim: Annotated[str, _claim("pay")],
    amount: Annotated[str, typer.Option("--amount", metavar="AMOUNT", help=param("pay --amount"))],
    advance: Annotated[bool, typer.Option("--advance", help=param("pay --advance"))] = False,
    to: Annotated[Optional[str], typer.Option("--to", metavar="PAYEE", help=param("pay --to"))] = None,
):
    args = {"amount": _amount(amount), "advance": advance}
    if to is not None:
        args["to"] = _text(to, "--to", lines=False)
    _flow(claim, "pay", args)


@app.command(**about("exclude"))
def exclude(
    claim: Annotated[str, _claim("exclude")],
    name: Annotated[str, typer.Argument(metavar="NAME", help=param("exclude NAME"))],
    because: Annotated[Because, typer.Option("--because", parser=parser(Because),
                                             help=param("exclude --because", choices=Choices("because", Because.__members__)))],
):
    _flow(claim, "exclude", {"beneficiary": _text(name, "NAME", lines=False), "because": because.value})


@app.command("mark-complex", **about("mark-complex"))
def mark_complex(claim: Annotated[str, _claim("mark-complex")],
                 reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help=param("mark-complex --reason"))]):
    _flow(claim, "mark-complex", {"reason": _text(reason, "--reason")})


@app.command(**about("assign"))
def assign(claim: Annotated[str, _claim("assign")],
           to: Annotated[str, typer.Option("--to", metavar="USER", help=param("assign --to"))]):
    _flow(claim, "assign", {"to": _text(to, "--to", lines=False)})


@app.command(**about("appeal"))
def appeal(claim: Annotated[str, _claim("appeal")],
           reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help=param("appeal --reason"))]):
    _flow(claim, "appeal", {"reason": _text(reason, "--reason")})


@app.command(**about("close"))
def close(claim: Annotated[str, _claim("close")]):
    _flow(claim, "close", {})


@app.command(**about("withdraw"))
def withdraw(claim: Annotated[str, _claim("withdraw")],
             reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help=param("withdraw --reason"))]):
    _flow(claim, "withdraw", {"reason": _text(reason, "--reason")})


@app.command(**about("consult"))
def consult(claim: Annotated[str, _claim("consult")],
            note: Annotated[str, typer.Option("--note", metavar="TEXT", help=param("consult --note"))]):
    _flow(claim, "consult", {"note": _text(note, "--note")})
