"""What Tab offers (docs/cli.md, Shell completion): claim ids (open claims first), document types, registered users.

The completers read the database the partial command line names (--db, else CLAIMS_DB, else claims.db) through
claims.quick_reads, which needs nothing but the database driver; they never fail: what cannot be read offers nothing.
Each offer carries a word of help (a claim's state, a user's role), which zsh and fish show beside it, in the language
the environment chooses (CLAIMS_LANG, LC_ALL, LANG: the completing shell passes no --lang).
"""

import os

import typer

from claims.i18n import N_

DB_KEY = "claims.db"  # where cli.command_line keeps the line's --db while completion parses it


def _target(ctx: typer.Context) -> str:
    return ctx.meta.get(DB_KEY) or os.environ.get("CLAIMS_DB") or "claims.db"


def claims(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from claims.i18n import name
    from claims.quick_reads import claim_ids

    return [(claim, name("state", state)) for claim, state in claim_ids(_target(ctx), incomplete)]


def users(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from claims.i18n import name
    from claims.quick_reads import user_names

    return [(user, name("role", role)) for user, role in user_names(_target(ctx), incomplete)]


def document_types(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from claims.i18n import _
    from claims.materials import DOCUMENT_TYPES

    return [(document, _(what)) for document, what in DOCUMENT_TYPES.items() if document.startswith(incomplete)]


# Which parameters complete what: by the name a command's help gives the value (its metavar). Attached to the click
# parameters once they are built (cli.command_line), so that typer need not inspect a completer for each of them.
# A new option naming a registered user (e.g. `assign --to`) completes users by taking the metavar USER.
BY_METAVAR = {"CLAIM": claims, "DOC_TYPE": document_types, "USER": users}


def attach_completers(params) -> None:
    for param in params:
        offer = BY_METAVAR.get(getattr(param, "metavar", None))
        if offer is not None:
            param._custom_shell_complete = _items(offer)


def _items(offer):
    def complete(ctx, param, incomplete: str):
        from typer._click.shell_completion import CompletionItem

        return [CompletionItem(value, help=what) for value, what in offer(ctx, incomplete)]

    return complete


def values_as_typed() -> None:
    """While completing, the words already typed are parsed but their values not converted: a completer reads only the
    text of --db, and converting would import pydantic (typer converts through it), which costs more than all the
    rest of a completion (bench: cold_completion_claim_id). Only for this process, which completes and exits."""
    from typer.core import _TyperParameter

    def process_value(param, ctx, value):
        return value if param.callback is None else param.callback(ctx, param, value)

    _TyperParameter.process_value = process_value


# --show-completion SHELL, --install-completion SHELL ------------------------------------------
SHELLS = ("bash", "zsh", "fish")
OPTIONS = ("--show-completion", "--install-completion")
MESSAGES = {
    "shell": N_("{option} takes bash, zsh or fish, not {shell!r}"),
    "installed": N_("{shell} completion installed in {path}"),
    "restart": N_("Completion takes effect once you restart the terminal."),
}


def asked_for_script(words: list[str]) -> tuple[str, str] | None:
    """(option, shell) when the command line is `--show-completion SHELL` or `--install-completion SHELL` (or OPTION=SHELL).
    Typer's own options take no value (they detect the shell); these forms name it, as docs/cli.md says."""
    if not words:
        return None
    option, eq, shell = words[0].partition("=")
    if option not in OPTIONS or (eq and len(words) != 1) or (not eq and len(words) != 2):
        return None
    shell = shell if eq else words[1]
    if shell not in SHELLS:
        from claims.errors import BadInput
        from claims.i18n import cli_ as _

        raise BadInput(_(MESSAGES["shell"]).format(option=option, shell=shell))
    return option, shell


def write_script(option: str, shell: str) -> int:
    """Print the completion script for `shell`, or install it (typer's own functions, for the `claims` program)."""
    from typer._completion_shared import get_completion_script, install

    if option == "--show-completion":
        typer.echo(get_completion_script(prog_name="claims", complete_var="_CLAIMS_COMPLETE", shell=shell))
        return 0
    shell, path = install(shell=shell, prog_name="claims", complete_var="_CLAIMS_COMPLETE")
    from claims.i18n import cli_ as _

    typer.secho(_(MESSAGES["installed"]).format(shell=shell, path=path), fg="green")
    typer.echo(_(MESSAGES["restart"]))
    return 0
