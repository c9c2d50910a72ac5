"""`claims batch FILE`: many commands in one process (docs/cli.md, batch). Registered on the main group of cli.common.

Each line of FILE is a JSON object ``{"args": [...], "as": "li", "now": "…"}``: the words a user
would type after ``claims``, run through the very same command objects, so a line is parsed,
checked, authorised and recorded exactly as when typed. Only the database stays open between
lines; each command is still its own transaction. The commands' own output is not shown.
"""

import errno
import json  # no `from __future__ import annotations`: typer reads this module's annotations at every start-up
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, redirect_stdout
from typing import Annotated

import typer
from typer.core import TyperGroup

from claims.errors import BadInput, ClaimsError
from claims.i18n import N_
from claims.i18n import cli_ as _
from claims.values import text_problem
from cli import common
from cli.command_line import G, split_globals
from cli.common import app
from cli.failures import as_error
from cli.texts import about, param

LINE_KEYS = frozenset({"args", "as", "now"})
# every word that split_globals or _given acts on starts with one of these
GLOBAL_OPTIONS = ("--db", "--as", "--json", "--lang", "--no-pager")
MESSAGES = {
    "exit code": N_("the command ended with exit code {code}"),
    "not json": N_("the line is not valid JSON ({problem} at column {column})"),
    "not utf-8": N_("the line is not UTF-8 text"),
    "too deep": N_("the line is nested too deeply to be read"),
    "unreadable value": N_("the line holds a value that cannot be read: {problem}"),
    "not an object": N_('a line must be a JSON object with "args": the words of the command, e.g. {example}'),
    "unknown key": N_('unknown key {key!r} in the line; a line has "args", "as" and "now"'),
    "args": N_('"args" must be a non-empty list of strings (the words after `claims`)'),
    "empty string": N_('"{key}" must be a non-empty string'),
    "unreadable word": N_("the line holds {problem}: {word!r}"),
    "batch in batch": N_("`batch` cannot run inside a batch"),
    "no --db": N_("a batch line runs on the batch's database; leave --db out of its args"),
    "two users": N_('the line says "as": {user!r} and --as {option!r}; give one'),
    "no command": N_('"args" names no command'),
    "unreadable file": N_("batch file {path!r} cannot be read: {reason}"),
}


@app.command(**about("batch"))
def batch(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help=param("batch FILE"))],
    keep_going: Annotated[bool, typer.Option("--keep-going", help=param("batch --keep-going"))] = False,
):
    from workflows.batch import Session

    with _open(file) as handle:
        session = Session(G.db, G.user, os.environ.get("CLAIMS_NOW"))
        try:
            outcome = run(ctx.find_root().command, session, _lines_of(handle), keep_going, total=_count_for_progress(file))
        finally:
            session.close()
    common.emit(outcome.as_dict(), "batch_outcome")
    if outcome.failed:
        raise typer.Exit(outcome.failed[0][1].exit_code)


# running the lines ----------------------------------------------------------------------------
class Outcome:
    """How a batch went: lines done, lines failed (number, error), where it stopped."""

    def __init__(self):
        self.done = 0
        self.failed: list[tuple[int, ClaimsError]] = []
        self.stopped_at: int | None = None

    def as_dict(self) -> dict:
        return {
            "done": self.done,
            "failed": [{"line": n, "exit": e.exit_code, "error": e.as_dict()} for n, e in self.failed],
            "stopped_at": self.stopped_at,
        }


def run(command, session, lines: Iterator[tuple[int, bytes]], keep_going: bool, total: int | None = None) -> Outcome:
    """Run each line through `command` (the `claims` group) in order; stop at the first failure unless `keep_going`.
    The lines' own output goes nowhere (one redirection for the whole run, not one per line)."""
    outcome = Outcome()
    dispatch = Dispatch(command)
    with _batch_globals(session), _progress(total) as advance, redirect_stdout(_SINK):
        for number, text in lines:
            error = run_line(dispatch, session, text)
            if advance:
                advance()
            if error is None:
                outcome.done += 1
                continue
            outcome.failed.append((number, error))
            if not keep_going:
                outcome.stopped_at = number
                break
    return outcome


def run_line(dispatch, session, text: str | bytes) -> ClaimsError | None:
    """One line as the command a user would type: None when done, else its error."""
    try:
        args, user, now = parse_line(text)
        session.line(user, now)
        G.user = session.asked if user is None else user
        code = dispatch(args)
    except typer.Exit as done:
        code = done.exit_code
    except Exception as exc:  # noqa: BLE001 - every failure is the line's, reported in the summary
        return as_error(exc)
    if isinstance(code, int) and code:
        error = ClaimsError(_(MESSAGES["exit code"]).format(code=code))
        error.exit_code = code
        return error
    return None


# a line's words on the `claims` group ----------------------------------------------------------
class Dispatch:
    """Runs a line's words as `group.main(args=words, prog_name="claims", standalone_mode=False)` does, faster.

    That call parses the group's own options, looks the command up and rebuilds its option parser at
    every line before typer's parameter machinery runs (~0.3 ms a line of the benchmark batch, against
    ~0.1 ms this way). Here each plain command (report, attach, decide, ...) is looked up once and keeps
    its parser; a line naming one is tokenised by that parser, each value is taken and converted by
    typer's own `consume_value` and `process_value`, and the command is invoked in a context whose
    parent is the group's, as typer does. Anything else -- a sub-group (`user add`), an unknown name,
    an option first, `--help`, a stray word, a value that fails to parse or convert -- is run by the
    whole group as before, which raises the same error with the same message as when typed (parsing
    has no effects, so parsing again is safe). tests/cli/test_batch_dispatch.py runs lines both ways.
    """

    def __init__(self, group):
        self.group = group
        plain = (group.callback is None and getattr(group, "_result_callback", None) is None
                 and set(group.context_settings) <= {"help_option_names"})
        self.commands = {name: _Command(group, name, command) for name, command in group.commands.items() if plain and _fits(command)}

    def __call__(self, words: list[str]):
        command = self.commands.get(words[0])
        ctx = None if command is None else command.parsed(words[1:])
        if ctx is None:
            return self.group.main(args=words, prog_name="claims", standalone_mode=False)
        return _invoke(ctx)


def _fits(command) -> bool:
    """Parameters processed in declaration order, not typer's (eager first, then as typed), give the
    same values only when none has a callback or is eager; settings and sub-commands are left to typer."""
    return (not isinstance(command, TyperGroup) and not command.context_settings and not command.no_args_is_help
            and all(param.callback is None and not param.is_eager for param in command.params))


class _Command:
    """A plain command of the group with the option parser click would build for it at every line."""

    def __init__(self, group, name: str, command):
        self.group, self.name, self.command = group, name, command
        ctx = self._context()
        self.parser = command.make_parser(ctx)
        self.own = {param.name for param in command.params}  # not the global options, nor help: the group runs those

    def _context(self):
        """The command's context inside its group's, as typer makes them (the group's settings, e.g. -h, are inherited)."""
        group_ctx = self.group.context_class(self.group, info_name="claims", **self.group.context_settings)
        group_ctx.invoked_subcommand = self.name
        return self.command.context_class(self.command, info_name=self.name, parent=group_ctx)

    def parsed(self, words: list[str]):
        """The command's context holding its converted parameters, as typer's parse leaves it; None if
        anything is amiss (the group then raises the error)."""
        ctx = self._context()
        self.parser.ctx = ctx
        try:
            opts, rest, _order = self.parser.parse_args(words)
            if rest or not opts.keys() <= self.own:
                return None
            for param in self.command.params:
                value, source = param.consume_value(ctx, opts)
                ctx.set_parameter_source(param.name, source)
                value = param.process_value(ctx, value)
                if param.expose_value:
                    ctx.params[param.name] = value
        except Exception:  # noqa: BLE001 - the group parses the line again and raises it as typed
            return None
        return ctx


def _invoke(ctx):
    """`ctx.command.invoke(ctx)` inside its group's context, and what typer's main does, when not standalone,
    with what escapes a command (typer.core._main): an exit is its code, an EOF an abort, ^C exit 130,
    a broken pipe exit 1."""
    try:
        with ctx.parent, ctx:
            return ctx.command.invoke(ctx)
    except typer.Exit as done:
        return done.exit_code
    except EOFError as exc:
        typer.echo(file=sys.stderr)
        raise typer.Abort() from exc
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        from typer._click.utils import PacifyFlushWrapper

        sys.stdout, sys.stderr = PacifyFlushWrapper(sys.stdout), PacifyFlushWrapper(sys.stderr)
        sys.exit(1)


def parse_line(text: str | bytes) -> tuple[list[str], str | None, str | None]:
    """The command words, its user and its time; a malformed line is bad input (exit 2)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(_(MESSAGES["not json"]).format(problem=exc.msg, column=exc.colno)) from None
    except UnicodeDecodeError:
        raise BadInput(_(MESSAGES["not utf-8"])) from None
    except RecursionError:
        raise BadInput(_(MESSAGES["too deep"])) from None
    except ValueError as exc:  # e.g. a whole number of more than 4,300 digits
        raise BadInput(_(MESSAGES["unreadable value"]).format(problem=str(exc).split(";")[0])) from None
    if not isinstance(doc, dict) or "args" not in doc:
        raise BadInput(_(MESSAGES["not an object"]).format(example='{"args": ["status", "CLM-000001"]}'))
    if not doc.keys() <= LINE_KEYS:
        unknown = sorted(set(doc) - LINE_KEYS)
        raise BadInput(_(MESSAGES["unknown key"]).format(key=unknown[0]))
    args, user, now = doc["args"], doc.get("as"), doc.get("now")
    if not isinstance(args, list) or not args or not all(isinstance(word, str) for word in args):
        raise BadInput(_(MESSAGES["args"]))
    for key, value in (("as", user), ("now", now)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise BadInput(_(MESSAGES["empty string"]).format(key=key))
    for word in [*args, user or "", now or ""]:
        problem = text_problem(word)
        if problem:
            raise BadInput(_(MESSAGES["unreadable word"]).format(problem=problem, word=word[:20]))
    return _command_words(args, user, now)


def _command_words(args: list[str], user: str | None, now: str | None) -> tuple[list[str], str | None, str | None]:
    """Global options inside "args": --as names the user, --json changes nothing, --db is refused."""
    for word in args:
        if word.startswith(GLOBAL_OPTIONS):
            break
    else:  # the usual line: nothing for split_globals to take, the words are the command's as they are
        if args[0] == "batch":
            raise BadInput(_(MESSAGES["batch in batch"]))
        return args, user, now
    if _given(args, "--db"):
        raise BadInput(_(MESSAGES["no --db"]))
    found, words = split_globals(args)
    if _given(args, "--as"):
        if user is not None and user != found.user:
            raise BadInput(_(MESSAGES["two users"]).format(user=user, option=found.user))
        user = found.user
    if not words or words[0] == "batch":
        raise BadInput(_(MESSAGES["batch in batch" if words else "no command"]))
    return words, user, now


def _given(args: list[str], option: str) -> bool:
    words = args[: args.index("--")] if "--" in args else args
    return any(word == option or word.startswith(option + "=") for word in words)


class _Sink:
    """Where the lines' own output goes: nowhere (only the summary is shown)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


_SINK = _Sink()


@contextmanager
def _batch_globals(session):
    """Lines share the session's database; their documents are built as JSON and discarded."""
    saved = (G.user, G.json, G.session, G.discard)
    G.json, G.session, G.discard = True, session, True
    try:
        yield
    finally:
        G.user, G.json, G.session, G.discard = saved


# the file ---------------------------------------------------------------------------------------
def _open(path: str):
    """The batch file (or standard input for -); one that cannot be read is exit 2."""
    if path == "-":
        return nullcontext(sys.stdin.buffer)
    try:
        return open(path, "rb")
    except OSError as exc:
        raise BadInput(_(MESSAGES["unreadable file"]).format(path=path, reason=exc.strerror)) from None


def _lines_of(handle) -> Iterator[tuple[int, bytes]]:
    """(line number, line) for each non-blank line, read as it is run."""
    for number, raw in enumerate(handle, start=1):
        if raw.strip():
            yield number, raw


def _count_for_progress(path: str) -> int | None:
    if not _shows_progress() or path == "-":
        return None
    with open(path, "rb") as handle:
        return sum(1 for raw in handle if raw.strip())


# what a person sees ---------------------------------------------------------------------------
def _shows_progress() -> bool:
    return not G.json and sys.stderr.isatty()


@contextmanager
def _progress(total: int | None):
    """A progress bar on stderr, only on a terminal and not with --json; yields the advance step."""
    if total is None:
        yield None
        return
    from cli.progress import ProgressBar

    bar = ProgressBar("batch")
    bar.start(total)
    try:
        yield bar.advance
    finally:
        bar.stop()
