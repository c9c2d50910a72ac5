"""How a failed command ends: in the words of the error family, with its exit code (docs/cli.md, Exit codes).

This is the one place exit codes are chosen: `as_error` turns whatever a command raised into a `ClaimsError`
(usage errors are bad input, anything unforeseen a bug, exit 1), and `fail` prints it -- one `Error: …` line, or
the JSON error document with --json -- and returns its code.
"""

import json
import os
import sys

import typer

from claims.errors import BadInput, ClaimsError
from claims.i18n import N_
from claims.i18n import cli_ as _
from cli.command_line import G

MESSAGES = {
    "aborted": N_("aborted"),
    "internal": N_("internal error ({kind}: {exc}); set CLAIMS_DEBUG=1 for the traceback"),
    "interrupted": N_("\nInterrupted; nothing more was written.\n"),
    "error": N_("Error: {message}"),
}


def as_error(exc: Exception) -> ClaimsError:
    """Any failure of a command in the words of the error family."""
    from typer._click.exceptions import ClickException

    if isinstance(exc, ClaimsError):
        return exc
    if isinstance(exc, typer.Abort):
        return ClaimsError(_(MESSAGES["aborted"]))
    if isinstance(exc, ClickException):
        from cli.usage import message

        return BadInput(message(exc))
    return _unexpected(exc)


def _unexpected(exc: Exception) -> ClaimsError:
    if "claims.storage" in sys.modules:
        from claims.storage import translate

        known = translate(exc)
        if known:
            return known
    if os.environ.get("CLAIMS_DEBUG"):
        raise exc
    return ClaimsError(_(MESSAGES["internal"]).format(kind=type(exc).__name__, exc=exc))


def fail(error: ClaimsError, usage=None) -> int:
    """Say what failed (stderr) and return its exit code."""
    if G.json:
        sys.stderr.write(json.dumps({"error": error.as_dict()}, ensure_ascii=False) + "\n")
    else:
        if usage is not None and usage.ctx is not None:
            sys.stderr.write(usage.ctx.get_usage() + "\n")
        sys.stderr.write(_for_a_person(_(MESSAGES["error"]).format(message=error.message)) + "\n")
    return error.exit_code


def _for_a_person(line: str) -> str:
    """On a terminal, the message is wrapped between words at its width; anywhere else it stays one line."""
    try:
        if not sys.stderr.isatty():
            return line
    except (AttributeError, ValueError):
        return line
    from cli.layout import terminal_width, wrap

    return "\n".join(wrap(line, terminal_width(), indent="  "))


def interrupted() -> int:
    """Ctrl-C: one line and exit 130 (what shells report for SIGINT); the open transaction was rolled back."""
    try:
        sys.stderr.write(_(MESSAGES["interrupted"]))
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    return 130
