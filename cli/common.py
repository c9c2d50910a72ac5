"""What every command module shares: the command groups they register on, and the way a command opens the database
as the acting user, does one piece of work and shows the result (JSON or a screen).

The arrows run one way: cli.main imports the command modules (cli.admin, cli.flow, cli.looking, cli.audit,
cli.batch), they import this module, and this module imports none of them.
"""

import json
import os
import sys

import typer

from cli import texts
from cli.command_line import G, GlobalCommand, GlobalGroup


class ClaimsTyper(typer.Typer):
    """A typer app whose commands and groups take the global options, with plain (fast) help and -h as --help."""

    def __init__(self, help: str, **settings):
        super().__init__(help=help, cls=GlobalGroup, no_args_is_help=True, rich_markup_mode=None, **settings)

    def command(self, name: str | None = None, **settings):
        return super().command(name, cls=GlobalCommand, **settings)


app = ClaimsTyper(texts.APP, add_completion=True, pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]})
user_app = ClaimsTyper(texts.GROUPS["user"])
policy_app = ClaimsTyper(texts.GROUPS["policy"])
settings_app = ClaimsTyper(texts.GROUPS["settings"])
db_app = ClaimsTyper(texts.GROUPS["db"])
audit_app = ClaimsTyper(texts.GROUPS["audit"])
for name, group in (("user", user_app), ("policy", policy_app), ("settings", settings_app), ("db", db_app), ("audit", audit_app)):
    app.add_typer(group, name=name)


def open_office():
    """The database, opened as the acting user (a line of `claims batch`: as its own user, at its own time)."""
    if G.session is not None:
        return G.session.office()
    from workflows.office import Office

    return Office.open(G.db, G.user, os.environ.get("CLAIMS_NOW"))


def work(task):
    """Open the database as the acting user, do one piece of work, return its result."""
    office = open_office()
    try:
        return task(office)
    finally:
        office.close()


def serve(task, render) -> None:
    """Open the database as the acting user, do one piece of work, show it."""
    emit(work(task), render)


def emit(result, render) -> None:
    """Print the JSON document, or the human screen: `render` is a function or the name of one in
    cli.render, which is imported only when a person reads the output."""
    if G.discard:
        return
    try:
        if G.json:
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        else:
            if isinstance(render, str):
                from cli import render as screens

                render = getattr(screens, render)
            show(render, result)
        sys.stdout.flush()
    except BrokenPipeError:
        pipe_closed()


def show(render, result) -> None:
    """A screen, through the pager when it is longer than the terminal: only on a terminal (never when piped), never in a
    batch, never with --no-pager (docs/cli.md, Output)."""
    if not (G.pager and G.session is None and sys.stdout.isatty()):
        render(result)
        return
    import contextlib
    import io
    import shutil

    class Screen(io.StringIO):
        def isatty(self) -> bool:  # keeps the screen's colours: they go to the terminal, through the pager
            return True

    screen = Screen()
    with contextlib.redirect_stdout(screen):
        render(result)
    text = screen.getvalue()
    if text.count("\n") < shutil.get_terminal_size().lines:
        sys.stdout.write(text)
    else:
        page(text)


def page(text: str) -> None:
    """Python's own pager (pydoc: $MANPAGER or $PAGER, else less, else more), with less told, as git tells it, to pass the
    colours through and to quit at the end of a screenful (LESS=FRX) unless the user has their own LESS."""
    import pydoc

    os.environ.setdefault("LESS", "FRX")
    sys.stdout.flush()
    pydoc.pager(text)


def pipe_closed() -> None:
    """The reader of our output went away (`claims history C | head -1`): it has all it wanted, which is not an error.
    Further output goes nowhere, so that Python's own flush at exit does not fail either."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
