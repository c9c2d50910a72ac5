"""Setting up: the database, users, policies, settings (docs/cli.md, Setup). Registered on the groups of cli.common."""

# No `from __future__ import annotations` here: typer would then re-evaluate every command's string
# annotations at each start-up.
import os
import sys
from typing import Annotated, Optional

import typer

from cli import common
from cli.choices import Role, parser
from cli.command_line import G
from cli.common import app, db_app, policy_app, settings_app, user_app
from cli.texts import about, param


@app.command(**about("init"))
def init(
    training: Annotated[bool, typer.Option("--training", help=param("init --training"))] = False,
    settings: Annotated[Optional[str], typer.Option("--settings", metavar="FILE", help=param("init --settings"))] = None,
):
    from workflows.admin import init as create

    result = create(G.db, training=training, settings_file=settings, asked=G.user, now_text=os.environ.get("CLAIMS_NOW"))
    common.emit(result, "initialised")


@user_app.command("add", **about("user add"))
def user_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help=param("user add NAME"))],
    role: Annotated[Role, typer.Option("--role", parser=parser(Role), help=param("user add --role"))],
    limit: Annotated[Optional[str], typer.Option("--limit", metavar="AMOUNT", help=param("user add --limit"))] = None,
):
    from workflows.admin import add_user

    common.serve(lambda office: add_user(office, name, role.value, limit), "user_added")


@user_app.command("role", **about("user role"))
def user_role(
    name: Annotated[str, typer.Argument(metavar="USER", help=param("user role USER"))],
    role: Annotated[Role, typer.Option("--role", parser=parser(Role), help=param("user role --role"))],
    limit: Annotated[Optional[str], typer.Option("--limit", metavar="AMOUNT", help=param("user role --limit"))] = None,
):
    from workflows.admin import change_role

    common.serve(lambda office: change_role(office, name, role.value, limit), "role_changed")


@user_app.command("list", **about("user list"))
def user_list():
    from workflows.admin import list_users

    common.serve(list_users, "users")


@policy_app.command("import", **about("policy import"))
def policy_import(file: Annotated[str, typer.Argument(metavar="FILE", help=param("policy import FILE"))]):
    from workflows.policy_import import import_policies

    progress = _import_progress()
    try:
        result = common.work(lambda office: import_policies(office, file, progress))
    finally:
        if progress:
            progress.stop()  # gone before the result is shown
    common.emit(result, "imported")


def _import_progress():
    """A progress bar on stderr, for a person at a terminal (not with --json, not inside a batch)."""
    if G.json or G.session is not None or not sys.stderr.isatty():
        return None
    from cli.progress import ProgressBar

    return ProgressBar("policies", percent=True)


@policy_app.command("show", **about("policy show"))
def policy_show(policy: Annotated[str, typer.Argument(metavar="POLICY", help=param("policy show POLICY"))]):
    from workflows.admin import show_policy

    common.serve(lambda office: show_policy(office, policy), "document")


@settings_app.command("show", **about("settings show"))
def settings_show():
    from workflows.admin import show_settings

    common.serve(show_settings, "document")


@settings_app.command("load", **about("settings load"))
def settings_load(file: Annotated[str, typer.Argument(metavar="FILE", help=param("settings load FILE"))]):
    from workflows.admin import load_settings

    common.serve(lambda office: load_settings(office, file), "document")


@db_app.command("upgrade", **about("db upgrade"))
def db_upgrade():
    from workflows.admin import upgrade_schema

    result = upgrade_schema(G.db, G.user, os.environ.get("CLAIMS_NOW"))
    common.emit(result, "upgraded")


@db_app.command("setup", **about("db setup"))
def db_setup(admin: Annotated[Optional[str], typer.Option("--admin", metavar="LOGIN", help=param("db setup --admin"))] = None):
    from claims.storage import open_store

    store = open_store(G.db, create=True)
    try:
        result = store.setup(admin)
    finally:
        store.close()
    common.emit(result, "set_up")


@db_app.command("copy", **about("db copy"))
def db_copy(
    source: Annotated[str, typer.Argument(metavar="SOURCE", help=param("db copy SOURCE"))],
    target: Annotated[str, typer.Argument(metavar="TARGET", help=param("db copy TARGET"))],
):
    from workflows.db_copy import copy_database

    result = copy_database(source, target, G.user, os.environ.get("CLAIMS_NOW"))
    common.emit(result, "copied")
