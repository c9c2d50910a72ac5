"""`claims`: the command line of the claims-workflow engine (reference: docs/cli.md).

Each command parses its input, calls one workflow function and renders the result. Heavy modules (transitions, rich;
SQLModel only for `init`) are imported inside commands. This module is the entry point: importing the command modules
registers every command on the groups of cli.common; `main` takes the global options off the line, runs the command
and turns any failure into its exit code (cli.failures).
"""

import os
import sys

import typer

from claims import i18n
from claims.errors import BadInput
from cli import admin, audit, batch, completion, flow, looking  # noqa: F401 - importing them registers their commands
from cli.command_line import G, language_from_environment, readable, split_globals
from cli.common import app
from cli.failures import as_error, fail, interrupted

COMPLETE_VAR = "_CLAIMS_COMPLETE"  # set by the completion scripts of `claims --show-completion`


def main(argv: list[str] | None = None) -> int:
    from typer._click.exceptions import UsageError

    argv = sys.argv[1:] if argv is None else argv
    if os.environ.get(COMPLETE_VAR):
        return _complete()
    G.json = "--json" in argv[: argv.index("--")] if "--" in argv else "--json" in argv  # errors in the options themselves too
    _speak_as_the_environment_says()  # errors in the options themselves too, until --lang is read
    try:
        readable(argv)
        found, rest = split_globals(argv)
        G.db, G.user, G.json, G.lang, G.pager = found.db, found.user, found.json, found.lang, found.pager
        i18n.use(G.lang)
        script = completion.asked_for_script(rest)
        if script:
            return completion.write_script(*script)
        code = typer.main.get_command(app).main(args=rest, prog_name="claims", standalone_mode=False)
        if code == 130:  # typer turns a Ctrl-C into a silent Exit(130), after every transaction rolled back
            return interrupted()
        return code if isinstance(code, int) else 0  # a command's typer.Exit(code) comes back as its return value
    except typer.Exit as done:
        return done.exit_code
    except KeyboardInterrupt:
        return interrupted()
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for a user
        return fail(as_error(exc), usage=exc if isinstance(exc, UsageError) else None)


def _speak_as_the_environment_says() -> None:
    try:
        i18n.use(language_from_environment())
    except BadInput:  # CLAIMS_LANG names no language: said in English, once the line is read
        i18n.use("en")


def _complete() -> int:
    """A shell asks what may follow the words typed so far (docs/cli.md, Shell completion): typer answers from the
    command tree and the completers (cli.completion). Whatever goes wrong, the answer is silence, never a traceback."""
    completion.values_as_typed()
    try:
        i18n.use(language_from_environment())  # the words of help beside each offer
        typer.main.get_command(app).main(args=[], prog_name="claims")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0
    except (Exception, KeyboardInterrupt):  # noqa: BLE001 - a completion offers nothing rather than fail
        return 0
    return 0


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":  # `python -m cli.main`: run the imported module, where every command is registered
    from cli.main import run as run_registered

    run_registered()
