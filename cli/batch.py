"""`claims batch FILE`: many commands in one process (cli.md, Bulk). Registered on the main app.

Each line of FILE is a JSON object ``{"args": [...], "as": "li", "now": "…"}``: the words a user
would type after ``claims``, run through the very same command objects, so a line is parsed,
checked, authorised and recorded exactly as when typed. Only the database stays open between
lines; each command is still its own transaction. The commands' own output is not shown.
"""

import json  # no `from __future__ import annotations`: typer reads this module's annotations at every start-up
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, redirect_stdout
from typing import Annotated

import typer

from claims.errors import BadInput, ClaimsError
from cli import main as entry
from cli.main import G, _emit, app

LINE_KEYS = frozenset({"args", "as", "now"})


@app.command()
def batch(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="a JSON Lines file of commands, or - for standard input")],
    keep_going: Annotated[bool, typer.Option("--keep-going", help="run every line, whatever fails")] = False,
):
    """Run many commands from a JSON Lines file in one process, each its own transaction."""
    from workflows.batch import Session

    with _open(file) as handle:
        session = Session(G.db, G.user, os.environ.get("CLAIMS_NOW"))
        try:
            outcome = run(ctx.find_root().command, session, _lines_of(handle), keep_going, total=_count_for_progress(file))
        finally:
            session.close()
    _emit(outcome.as_dict(), render_outcome)
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
    """Run each line through `command` (the `claims` group) in order; stop at the first failure unless `keep_going`."""
    outcome = Outcome()
    with _batch_globals(session), _progress(total) as advance:
        for number, text in lines:
            error = run_line(command, session, text)
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


def run_line(command, session, text: str | bytes) -> ClaimsError | None:
    """One line as the command a user would type: None when done, else its error."""
    try:
        args, user, now = parse_line(text)
        session.line(user, now)
        G.user = session.user_name if user is None else user
        with redirect_stdout(_SINK):
            code = command.main(args=args, prog_name="claims", standalone_mode=False)
    except typer.Exit as done:
        code = done.exit_code
    except Exception as exc:  # noqa: BLE001 - every failure is the line's, reported in the summary
        return entry.as_error(exc)
    if isinstance(code, int) and code:
        error = ClaimsError(f"the command ended with exit code {code}")
        error.exit_code = code
        return error
    return None


def parse_line(text: str | bytes) -> tuple[list[str], str | None, str | None]:
    """The command words, its user and its time; a malformed line is bad input (exit 2)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"the line is not valid JSON ({exc.msg} at column {exc.colno})") from None
    except UnicodeDecodeError:
        raise BadInput("the line is not UTF-8 text") from None
    if not isinstance(doc, dict) or "args" not in doc:
        raise BadInput('a line must be a JSON object with "args": the words of the command, e.g. {"args": ["status", "CLM-000001"]}')
    unknown = sorted(set(doc) - LINE_KEYS)
    if unknown:
        raise BadInput(f'unknown key {unknown[0]!r} in the line; a line has "args", "as" and "now"')
    args, user, now = doc["args"], doc.get("as"), doc.get("now")
    if not isinstance(args, list) or not args or not all(isinstance(word, str) for word in args):
        raise BadInput('"args" must be a non-empty list of strings (the words after `claims`)')
    for key, value in (("as", user), ("now", now)):
        if value is not None and (not isinstance(value, str) or not value):
            raise BadInput(f'"{key}" must be a non-empty string')
    return _command_words(args, user, now)


def _command_words(args: list[str], user: str | None, now: str | None) -> tuple[list[str], str | None, str | None]:
    """Global options inside "args": --as names the user, --json changes nothing, --db is refused."""
    if _given(args, "--db"):
        raise BadInput("a batch line runs on the batch's database; leave --db out of its args")
    found, words = entry.split_globals(args)
    if _given(args, "--as"):
        if user is not None and user != found.user:
            raise BadInput(f'the line says "as": {user!r} and --as {found.user!r}; give one')
        user = found.user
    if not words or words[0] == "batch":
        raise BadInput("`batch` cannot run inside a batch" if words else '"args" names no command')
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
        raise BadInput(f"batch file {path!r} cannot be read: {exc.strerror}") from None


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
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("batch"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("batch", total=total)
        yield lambda: bar.advance(task)


def render_outcome(doc: dict) -> None:
    failed = doc["failed"]
    for f in failed:
        sys.stderr.write(f"line {f['line']}: Error: {f['error']['message']} (exit {f['exit']})\n")
    if doc["stopped_at"] is not None:
        sys.stderr.write(f"Stopped at line {doc['stopped_at']}; the lines after it were not run (--keep-going runs them).\n")
    noun = "command" if doc["done"] == 1 else "commands"
    tail = f"; {len(failed)} failed" if failed else ""
    sys.stdout.write(f"{doc['done']} {noun} done{tail}.\n")
