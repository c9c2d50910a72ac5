"""The global options --db, --as, --json, --lang, --no-pager and --version: before or after the command (docs/cli.md,
Global options).

`split_globals` takes --db, --as, --json, --lang and --no-pager off the command line before click parses it, so a command
only sees its own words. All six are also declared to click on every command and group (`GlobalCommand`, `GlobalGroup`):
each command's help lists them, --version is click's, and shell completion -- which parses the whole line -- knows
that --db and --as take a value, and offers the registered users for --as.
"""

import os
import re
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from claims import i18n
from claims.errors import BadInput
from claims.i18n import N_
from claims.i18n import cli_ as _
from cli import completion, texts, usage
from cli.choices import Language

LANGUAGES = tuple(language.value for language in Language)
GLOBAL_VALUES = {"--db": "db", "--as": "user", "--lang": "lang"}
ENVIRONMENT = ("CLAIMS_DB", "CLAIMS_USER", "CLAIMS_NOW", "CLAIMS_LANG")

MESSAGES = {
    "needs value": N_("{option} needs a value"),
    "empty": N_("{option} must name {what}, not an empty string"),
    "what --as": N_("a user"),
    "what --db": N_("a database"),
    "what --lang": N_("a language (zh or en)"),
    "language": N_("{where} must be zh or en, not {value!r}"),
    "unreadable env": N_("{name} holds {problem}"),
    "unreadable word": N_("the command line holds {problem}: {word}"),
    "version": N_("claims {version}"),
}


@dataclass
class Globals:
    db: str = "claims.db"
    user: str | None = None
    json: bool = False
    lang: str = "en"
    pager: bool = True  # a long screen on a terminal goes through $PAGER (--no-pager: never)
    session: object | None = None  # `claims batch`: the one open database its lines share
    discard: bool = False  # `claims batch`: the lines' own documents are neither built nor shown


G = Globals()
usage.speak()  # typer's own words ([required], Commands) from the catalogue of the language chosen


# taking them off the line --------------------------------------------------------------------
def split_globals(argv: list[str]) -> tuple[Globals, list[str]]:
    """Take --db, --as, --json and --lang from anywhere on the line (before a `--`); the rest is the command's."""
    found = Globals(db=os.environ.get("CLAIMS_DB") or "claims.db", user=os.environ.get("CLAIMS_USER") or None,
                    lang=language_from_environment())
    rest, i = [], 0
    while i < len(argv):
        word = argv[i]
        name, eq, value = word.partition("=")
        if word == "--json":
            found.json = True
        elif word == "--no-pager":
            found.pager = False
        elif name in GLOBAL_VALUES and eq:
            setattr(found, GLOBAL_VALUES[name], _global_value(name, value))
        elif word in GLOBAL_VALUES:
            if i + 1 >= len(argv):
                raise BadInput(_(MESSAGES["needs value"]).format(option=word))
            setattr(found, GLOBAL_VALUES[word], _global_value(word, argv[i + 1]))
            i += 1
        elif word == "--":
            rest += argv[i:]
            break
        else:
            rest.append(word)
        i += 1
    return found, rest


def _global_value(option: str, value: str) -> str:
    if not value.strip():
        raise BadInput(_(MESSAGES["empty"]).format(option=option, what=_(MESSAGES[f"what {option}"])))
    if option == "--lang":
        return _language(value, "--lang")
    return value


def language_from_environment() -> str:
    """CLAIMS_LANG (zh or en), else LC_ALL / LANG: zh* is Chinese; anything else English."""
    chosen = os.environ.get("CLAIMS_LANG")
    if chosen:
        return _language(chosen, "CLAIMS_LANG")
    locale = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "zh" if locale.lower().startswith("zh") else "en"


def _language(value: str, where: str) -> str:
    if value not in LANGUAGES:
        raise BadInput(_(MESSAGES["language"]).format(where=where, value=value))
    return value


def readable(argv: list[str]) -> None:
    """Every word of the command line, and the CLAIMS_ variables, must be text (the shell may pass bytes that are not UTF-8)."""
    from claims.values import text_problem

    for name in ENVIRONMENT:
        problem = text_problem(os.environ.get(name, ""))
        if problem:
            raise BadInput(_(MESSAGES["unreadable env"]).format(name=name, problem=problem))
    for word in argv:
        problem = text_problem(word)
        if problem:
            raise BadInput(_(MESSAGES["unreadable word"]).format(problem=problem, word=repr(word.encode("utf-8", "replace")[:30])))


# declared to click ---------------------------------------------------------------------------
def _remember(ctx: typer.Context, param: typer.CallbackParam, value):
    """Completion parses the line: what it says of --db is kept for the completers (cli.completion)."""
    if value is not None:
        ctx.meta[completion.DB_KEY] = value
    return value


def _version(ctx: typer.Context, value: bool):
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        number = version("claims")
    except PackageNotFoundError:  # run from a source tree that was never installed
        number = "unknown"
    if G.json:
        import json

        typer.echo(json.dumps({"version": number}))
    else:
        typer.echo(_(MESSAGES["version"]).format(version=number))
    raise typer.Exit(0)


def _declared(
    db: Annotated[Optional[str], typer.Option("--db", metavar="TARGET", help=texts.GLOBAL["--db"], expose_value=False,
                                              callback=_remember)] = None,
    user: Annotated[Optional[str], typer.Option("--as", metavar="USER", help=texts.GLOBAL["--as"], expose_value=False)] = None,
    json: Annotated[bool, typer.Option("--json", help=texts.GLOBAL["--json"], expose_value=False)] = False,
    lang: Annotated[Optional[Language], typer.Option("--lang", metavar="zh|en", help=texts.GLOBAL["--lang"], expose_value=False)] = None,
    no_pager: Annotated[bool, typer.Option("--no-pager", help=texts.GLOBAL["--no-pager"], expose_value=False)] = False,
    version: Annotated[bool, typer.Option("--version", help=texts.GLOBAL["--version"], is_eager=True, expose_value=False,
                                          callback=_version)] = False,
):
    """Carries the declarations of the global options."""


@cache
def global_params() -> tuple:
    """The global options as click parameters (built once, from `_declared`'s signature, by typer itself)."""
    carrier = typer.Typer(add_completion=False)
    carrier.command()(_declared)
    params = typer.main.get_command(carrier).params
    completion.attach_completers(params)
    return tuple(params)


def is_global(param) -> bool:
    return param in global_params()


class _WithGlobalOptions:
    """Every command and group parses the global options too, and lists them in a section of their own.

    Help is shown in the reader's language (docs/cli.md, Languages): click holds every text in English (cli.texts) and
    each is translated here, when it is shown, so that one process may show help in either language. In Chinese the
    page is laid out in terminal cells (cli.help_format), where a Chinese character takes two."""

    def get_help(self, ctx) -> str:
        return super().get_help(ctx) if i18n.chosen() == "en" else _in_cells(ctx, self.format_help)

    def get_usage(self, ctx) -> str:
        return super().get_usage(ctx) if i18n.chosen() == "en" else _in_cells(ctx, self.format_usage)

    def format_help(self, ctx, formatter) -> None:
        _formats_unbroken()
        super().format_help(ctx, formatter)

    def format_usage(self, ctx, formatter) -> None:
        pieces = [texts.shown(piece) for piece in self.collect_usage_pieces(ctx)]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_(texts.USAGE))

    def format_help_text(self, ctx, formatter) -> None:
        text = texts.shown(self.help)
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def format_epilog(self, ctx, formatter) -> None:
        if self.epilog:
            formatter.write_paragraph()
            with formatter.indentation():
                room = formatter.width - formatter.current_indent
                formatter.write_text("\n".join(fitted_example(line, room) for line in texts.shown(self.epilog).split("\n")))

    def get_short_help_str(self, limit: int = 45) -> str:
        if i18n.chosen() == "en":
            return super().get_short_help_str(limit)
        from cli.help_format import short_help

        return short_help(texts.shown(self.help), limit)

    def get_params(self, ctx):
        return [*super().get_params(ctx), *global_params()]

    def format_options(self, ctx, formatter) -> None:
        sections = {"arguments": [], "options": [], "global": []}
        for param in self.get_params(ctx):
            record = texts.COMPLETION.get(param.name) or param.get_help_record(ctx)
            if record is not None:
                kind = "global" if is_global(param) else "arguments" if param.param_type_name == "argument" else "options"
                sections[kind].append(record if i18n.chosen() == "en" else _shown_record(param, record))
        for kind, records in sections.items():
            if records:
                with formatter.section(_(texts.SECTIONS[kind])):
                    formatter.write_dl(records)


def _in_cells(ctx, write) -> str:
    """What `write(ctx, formatter)` lays out, on a formatter that measures in terminal cells (cli.help_format)."""
    from cli.help_format import formatter

    page = formatter(ctx)
    write(ctx, page)
    return page.getvalue().rstrip("\n")


def fitted_example(line: str, room: int) -> str:
    """An example command line as typed, broken where it is wider than `room` into lines continued with a backslash,
    between an option with its value and the next (a shell reads it back as the one command)."""
    from cli.layout import cell_len

    if not line.lstrip().startswith("claims ") or cell_len(line) <= room:
        return line
    indent = line[: len(line) - len(line.lstrip())]
    units: list[str] = []
    for word in re.findall(r'"[^"]*"|\S+', line):
        if units and not word.startswith("-") and units[-1].startswith("-") and " " not in units[-1]:
            units[-1] += " " + word  # an option and its value stay together
        else:
            units.append(word)
    lines, current = [], indent + units[0]
    for unit in units[1:]:
        if cell_len(f"{current} {unit} \\") > room and current.strip():
            lines.append(current + " \\")
            current = indent + "    " + unit
        else:
            current += " " + unit
    return "\n".join([*lines, current])


def _shown_record(param, record: tuple[str, str]) -> tuple[str, str]:
    """An option's or argument's line of help in the reader's language: its help translated (click's own words after it,
    such as [required], come translated from typer), the choices of a vocabulary named as the reader names them."""
    from cli.choices import vocabulary_of

    name, help_ = record
    own = texts.COMPLETION[param.name][1] if param.name in texts.COMPLETION else (param.help or "")
    if own and help_.startswith(own):  # then typer's [required], [default: …], already in Chinese
        own, extras = texts.shown(own), help_[len(own):]
    else:
        own, extras = help_, ""
    context = vocabulary_of(param)
    if param.param_type_name == "argument" or context:
        name = name.split(" <", 1)[0]  # typer's <str>, or the English values: the help names the choices instead
    if context and param.param_type_name == "option" and param.metavar is None:
        name = f"{name} {param.opts[0].lstrip('-').upper().replace('-', '_')}"
    if context and not texts.lists_choices(param.help):
        from claims.i18n import names

        own = _(texts.ONE_OF).format(help=own, choices=names(context, vocabulary_values(param)))
    return name, own + extras


def vocabulary_values(param) -> list[str]:
    return [getattr(choice, "value", choice) for choice in param.type_descriptor.choices or ()]


@cache
def _formats_unbroken() -> None:
    """Help is wrapped between words, never at a hyphen inside one: a date's format is YYYY-MM-DD on one line. (Click's
    wrapper, which typer carries as typer._click, breaks at hyphens; its formatter looks the class up at each call.)"""
    from typer._click import _textwrap

    class Unhyphenated(_textwrap.TextWrapper):
        def __init__(self, *args, **settings):
            super().__init__(*args, break_on_hyphens=False, **settings)

    _textwrap.TextWrapper = Unhyphenated


class GlobalCommand(_WithGlobalOptions, TyperCommand):
    def __init__(self, *args, **settings):
        super().__init__(*args, **settings)
        completion.attach_completers(self.params)


class GlobalGroup(_WithGlobalOptions, TyperGroup):
    def list_commands(self, ctx) -> list[str]:
        """In the order of the reference (cli.texts): setting up, the case flow, looking, auditing."""
        order, group = texts.ORDER, " ".join(ctx.command_path.split()[1:])

        def place(name: str) -> int:
            path = f"{group} {name}".strip()
            return order.index(path) if path in order else len(order)

        return sorted(super().list_commands(ctx), key=place)

    def format_options(self, ctx, formatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)
