"""`claims batch` runs a line's words on the command objects without re-parsing the `claims` group
(cli.batch.Dispatch). Whatever the words, the outcome must be the one `claims.main(args=words,
standalone_mode=False)` gives: the same values reach the command, the same errors with the same
messages and exit codes come back. Each line is run both ways, with the workflow stubbed out."""

from __future__ import annotations

import errno
import sys

import pytest
import typer.main
from typer._click.globals import get_current_context
from typer._click.utils import PacifyFlushWrapper

from cli import batch as batch_module
from cli import common
from cli import flow as flow_module
from cli import main as entry
from cli.failures import as_error

CLAIM = "CLM-000001"
LINES = [
    # the usual lines, every option form
    ["attach", CLAIM, "claim_form"],
    ["attach", CLAIM, "claim_form", "--file", "scan.pdf"],
    ["attach", "--file=scan.pdf", CLAIM, "claim_form"],
    ["attach", "--", "--claim-form", "claim_form"],
    ["report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25", "--channel", "agent", "--cause", "illness"],
    ["apply", CLAIM, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013", "--id-photo"],
    ["decide", CLAIM, "approve", "--amount", "60000", "--reason", "ok"],
    ["decide", CLAIM, "decline", "--ground", "not_covered", "--reason", "not listed"],
    ["pay", CLAIM, "--amount", "1", "--advance"],
    ["consult", CLAIM, "--note", "first", "--note", "last wins"],
    ["withdraw", CLAIM, "--reason", "  "],  # refused by the command's body, not by typer
    ["investigate", CLAIM],
    ["list", "--state", "applied", "--overdue", "--type", "death", "--limit", "5"],
    ["list", "--overdue", "--overdue"],
    ["status", CLAIM],
    ["diagram", "--format", "dot"],
    ["replay", CLAIM, "--as-of", "2026-05-01"],
    # usage errors: each must read as when typed
    ["attch", CLAIM, "claim_form"],
    ["nonsense"],
    ["attach", CLAIM],
    ["attach"],
    ["attach", CLAIM, "claim_form", "extra"],
    ["attach", CLAIM, "claim_form", "--nope"],
    ["attach", CLAIM, "claim_form", "--fil", "x"],
    ["attach", CLAIM, "claim_form", "--file"],
    ["decide", CLAIM, "maybe", "--reason", "x"],
    ["decide", CLAIM, "APPROVE", "--reason", "x"],
    ["decide", CLAIM, "approve"],
    ["decide", CLAIM, "decline", "--ground", "whim", "--reason", "x"],
    ["report", "P-2022-0002", "--type"],
    ["report", "P-2022-0002", "--type", "theft", "--event-date", "2026-04-25"],
    ["pay", CLAIM, "--amount", "1", "--advance=yes"],
    ["list", "--limit", "0"],
    ["list", "--limit", "many"],
    ["list", "--state", "lost"],
    ["diagram", "--format", "png"],
    # help, options first, sub-groups: the whole group runs them, as before
    ["status", "--help"],
    ["status", CLAIM, "--help"],
    ["--help"],
    ["--version"],
    ["user"],
    ["user", "add", "zhou", "--role", "agent"],
    ["user", "add", "zhou", "--role", "king"],
    ["user", "nope"],
    ["policy", "show", "P-2022-0002"],
    ["audit", "verify"],
]


class Stop(Exception):
    """Where a stubbed command would open the database."""


@pytest.fixture
def reached(monkeypatch):
    """What reached the workflow: the command's path, its converted parameters and what it passed on."""
    calls = []

    def seen(*what):
        ctx = get_current_context()
        calls.append((ctx.command_path, dict(ctx.params), what))

    def office():
        seen("office")
        raise Stop("the database")

    monkeypatch.setattr(flow_module, "_flow", lambda claim, command, args: seen(claim, command, args))
    monkeypatch.setattr(common, "serve", lambda work, render: seen(render))
    monkeypatch.setattr(common, "open_office", office)
    return calls


def outcome(run, words: list[str], calls: list) -> tuple:
    """What running `words` returned or raised (as the batch reports it), and what reached the workflow."""
    calls.clear()
    try:
        result = ("returned", run(list(words)))
    except SystemExit as exc:
        result = ("exit", exc.code)
    except BaseException as exc:  # noqa: BLE001 - a KeyboardInterrupt must come back the same way too
        error = as_error(exc) if isinstance(exc, Exception) else None
        result = ("raised", type(exc), None if error is None else (error.exit_code, error.as_dict()))
    return result, list(calls)


def each_way(words: list[str], calls: list, capsys) -> list[tuple]:
    """The words through the whole group (as before, and as typed) and through the batch's dispatch:
    for each, what came back, what reached the workflow, what was printed, whether stderr got wrapped."""
    group = typer.main.get_command(entry.app)
    runs = [lambda args: group.main(args=args, prog_name="claims", standalone_mode=False), batch_module.Dispatch(group)]
    seen = []
    for run in runs:
        stdout, stderr = sys.stdout, sys.stderr
        try:
            result = outcome(run, words, calls)
            wrapped = isinstance(sys.stderr, PacifyFlushWrapper)
        finally:
            sys.stdout, sys.stderr = stdout, stderr
        printed = capsys.readouterr()
        seen.append((result, printed.out, printed.err, wrapped))
    return seen


@pytest.mark.parametrize("words", LINES, ids=" ".join)
def test_a_line_reaches_its_command_or_fails_exactly_as_through_the_group(words, reached, capsys):
    typed, dispatched = each_way(words, reached, capsys)
    assert dispatched == typed


def test_the_usual_commands_take_the_short_way(reached, capsys):
    """Not a timing: the plain commands are dispatched without the group; sub-groups are left to it."""
    dispatch = batch_module.Dispatch(typer.main.get_command(entry.app))
    assert {"report", "apply", "attach", "decide", "notify", "pay", "close", "status", "replay"} <= set(dispatch.commands)
    assert not {"user", "policy", "settings", "audit", "batch"} - {"batch"} & set(dispatch.commands)
    assert dispatch.commands["attach"].parsed([CLAIM, "claim_form"]).params == {"claim": CLAIM, "doc_type": "claim_form", "file": None}
    assert dispatch.commands["attach"].parsed([CLAIM, "claim_form", "--help"]) is None
    assert dispatch.commands["attach"].parsed([CLAIM]) is None
    assert dispatch(["attach", CLAIM, "claim_form"]) is None and reached[0][0] == "claims attach"


@pytest.mark.parametrize("escape", [KeyboardInterrupt(), EOFError(), OSError(errno.EPIPE, "Broken pipe"), OSError(errno.EIO, "I/O")],
                         ids=["interrupt", "eof", "broken-pipe", "other-oserror"])
def test_what_escapes_a_command_is_handled_as_typers_main_does(escape, reached, monkeypatch, capsys):
    def flow(claim, command, args):
        raise escape

    monkeypatch.setattr(flow_module, "_flow", flow)
    typed, dispatched = each_way(["investigate", CLAIM], reached, capsys)
    assert dispatched == typed
