"""click's and typer's own words in the reader's language: the usage errors they raise (Missing option, No such
option, Invalid value …) and the words typer puts in help ([required], Commands).

typer 0.29 carries click as typer._click with its messages written in English (no gettext): a usage error is said
again here from what the exception holds (its parameter, option, possibilities) when the reader is Chinese, and
left as click says it in English. typer's own module looks its few words up with the standard library's gettext,
which would choose the language from LANGUAGE / LC_ALL / LANG rather than from --lang: `speak` has it read the `cli`
catalogue as chosen instead.
"""

from __future__ import annotations

import re

from claims.i18n import N_, chosen
from claims.i18n import cli_ as _

TYPER_WORDS = (N_("required"), N_("default: {default}"), N_("env var: {var}"), N_("Arguments"), N_("Options"),
               N_("Commands"), N_("Missing command."), N_("No such command {name!r}."), N_("(dynamic)"), N_("Aborted!"))

MESSAGES = {
    "missing option": N_("Missing option {name}."),
    "missing argument": N_("Missing argument {name}."),
    "choose": N_("{message} Choose from: {choices}"),
    "invalid": N_("Invalid value for {name}: {problem}"),
    "invalid value": N_("Invalid value: {problem}"),
    "no such option": N_("No such option: {option}"),
    "possible": N_("{message} (Possible options: {options})"),
    "needs a value": N_("Option {option} requires an argument."),
    "takes no value": N_("Option {option} does not take a value."),
    "extra": N_("Got unexpected extra argument(s) ({words})"),
    "did you mean": N_("{message}. Did you mean {names}?"),
    "not a whole number": N_("{typed!r} is not a whole number"),
    "at least": N_("must be {least} or more"),
}


def speak() -> None:
    """typer.core's words (`_("required")`, `_("Commands")` …) from the `cli` catalogue of the chosen language."""
    import typer.core

    from claims.i18n import cli_

    typer.core._ = cli_


def message(exc) -> str:
    """A click usage error's message, in the reader's language."""
    from typer._click import exceptions as click

    if isinstance(exc, click.BadParameter):
        problem = _problem(exc)
        if chosen() == "en" and not isinstance(exc, click.MissingParameter):
            return exc.format_message() if problem is None else _english_invalid(exc, problem)
    if chosen() == "en" or isinstance(exc, click.NoArgsIsHelpError):
        return exc.format_message()
    if isinstance(exc, click.MissingParameter):
        return _missing(exc)
    if isinstance(exc, click.BadParameter):
        name = _hint(exc)
        problem = exc.message if problem is None else problem
        return _(MESSAGES["invalid"]).format(name=name, problem=problem) if name else _(MESSAGES["invalid value"]).format(problem=problem)
    if isinstance(exc, click.NoSuchOption):
        said = _(MESSAGES["no such option"]).format(option=exc.option_name)
        if exc.possibilities:
            said = _(MESSAGES["possible"]).format(message=said, options=", ".join(sorted(exc.possibilities)))
        return said
    return _plain(exc.message)


def _english_invalid(exc, problem: str) -> str:
    hint = _hint(exc)
    return f"Invalid value for {hint}: {problem}" if hint else f"Invalid value: {problem}"


def _hint(exc) -> str | None:
    if exc.param_hint is not None:
        return exc.param_hint if isinstance(exc.param_hint, str) else " / ".join(repr(x) for x in exc.param_hint)
    return exc.param.get_error_hint() if exc.param is not None else None


def _problem(exc) -> str | None:
    """What was wrong with a value typer converted (through pydantic): our own message (cli.choices.NotAChoice), or the
    known checks said in the reader's language; None when it was not a conversion."""
    cause = exc.__cause__
    if cause is None or not hasattr(cause, "errors"):
        return None
    errors = cause.errors()
    if not errors:
        return None
    error = errors[0]
    if error["type"] == "value_error" and "error" in error.get("ctx", {}):
        return str(error["ctx"]["error"])
    if chosen() == "en":
        return None
    if error["type"] == "int_parsing":
        return _(MESSAGES["not a whole number"]).format(typed=error.get("input"))
    if error["type"] == "greater_than_equal":
        return _(MESSAGES["at least"]).format(least=error["ctx"]["ge"])
    return None


def _missing(exc) -> str:
    from cli.choices import vocabulary_of

    param = exc.param
    kind = exc.param_type or (param.param_type_name if param is not None else "option")
    said = _(MESSAGES["missing argument" if kind == "argument" else "missing option"]).format(name=_hint(exc) or "")
    context = vocabulary_of(param) if param is not None else None
    if context:
        from claims.i18n import names
        from cli.command_line import vocabulary_values

        said = _(MESSAGES["choose"]).format(message=said, choices=names(context, vocabulary_values(param)))
    return said


PLAIN = (
    (re.compile(r"(.*)\. Did you mean (.+)\?", re.S), lambda m: _(MESSAGES["did you mean"]).format(message=m[1], names=m[2])),
    (re.compile(r"Option (.+) requires an argument\.|Option (.+) requires \d+ arguments\."),
     lambda m: _(MESSAGES["needs a value"]).format(option=m[1] or m[2])),
    (re.compile(r"Option (.+) does not take a value\."), lambda m: _(MESSAGES["takes no value"]).format(option=m[1])),
    (re.compile(r"Got unexpected extra argument\(s\) \((.*)\)", re.S), lambda m: _(MESSAGES["extra"]).format(words=m[1])),
)


def _plain(text: str) -> str:
    """A usage error click says only as text (the parser's): matched to its words, said again."""
    for pattern, say in PLAIN:
        match = pattern.fullmatch(text)
        if match:
            return say(match)
    return text
