"""`claims`: the command line of the claims-workflow engine (contract: shared/docs/cli.md).

Each command parses its input, calls one workflow function and renders the result.
Heavy modules (transitions, rich; SQLModel only for `init`) are imported inside commands.
"""

# No `from __future__ import annotations` here: typer would then re-evaluate every command's string
# annotations at each start-up (get_command ~22 ms instead of ~10 ms).
import json
import os
import sys
from dataclasses import dataclass
from typing import Annotated, Optional

import typer

from claims.errors import BadInput, ClaimsError
from claims.values import clean_text, money, parse_amount, parse_date
from cli.choices import Because, Cause, Channel, ClaimType, DiagramFormat, Ground, IdType, Outcome, Relation, Role, State

app = typer.Typer(
    help="Claims workflow for life insurance: report → apply → investigate → notify → payout, with appeal and consult.\n\n"
    "Global options (before or after the command): --db TARGET (env CLAIMS_DB, default claims.db), "
    "--as USER (env CLAIMS_USER), --json.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
user_app = typer.Typer(help="Users and their roles (admin).", no_args_is_help=True)
policy_app = typer.Typer(help="Policies: reference data (admin).", no_args_is_help=True)
settings_app = typer.Typer(help="Product settings in force (admin).", no_args_is_help=True)
db_app = typer.Typer(help="The database itself: schema upgrades, copies between back ends, a server's set-up (admin).",
                     no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(policy_app, name="policy")
app.add_typer(settings_app, name="settings")
app.add_typer(db_app, name="db")


@dataclass
class Globals:
    db: str = "claims.db"
    user: str | None = None
    json: bool = False
    session: object | None = None  # `claims batch`: the one open database its lines share
    discard: bool = False  # `claims batch`: the lines' own documents are neither built nor shown


G = Globals()


# plumbing -----------------------------------------------------------------------------------
def _office():
    if G.session is not None:  # a line of `claims batch`: as its own user, at its own time
        return G.session.office()
    from workflows.office import Office

    return Office.open(G.db, G.user, os.environ.get("CLAIMS_NOW"))


def _serve(work, render) -> None:
    """Open the database as the acting user, do one piece of work, render it."""
    office = _office()
    try:
        result = work(office)
    finally:
        office.close()
    _emit(result, render)


def _emit(result, render) -> None:
    """Print the JSON document, or the human screen: `render` is a function or the name of one in
    cli.render, which is imported only when a person reads the output (rich costs ~50 ms)."""
    if G.discard:
        return
    try:
        if G.json:
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        else:
            if isinstance(render, str):
                from cli import render as screens

                render = getattr(screens, render)
            render(result)
        sys.stdout.flush()
    except BrokenPipeError:
        pipe_closed()


def pipe_closed() -> None:
    """The reader of our output went away (`claims history C | head -1`): it has all it wanted, which is not an error.
    Further output goes nowhere, so that Python's own flush at exit does not fail either."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _flow(claim: str, command: str, args: dict) -> None:
    from workflows.cases import advance

    _serve(lambda office: advance(office, claim, command, args, view=not G.discard), "status")


def _date(text: str | None, option: str) -> str | None:
    return None if text is None else parse_date(text, option).isoformat()


def _amount(text: str | None, option: str = "--amount") -> str | None:
    return None if text is None else money(parse_amount(text, option))


def _value(choice) -> str | None:
    return None if choice is None else choice.value


def _text(text: str | None, option: str, *, lines: bool = True) -> str | None:
    """Free text a person typed: not empty or blank, no control characters but line breaks (docs/cli.md)."""
    return None if text is None else clean_text(text, option, lines=lines)


# setup --------------------------------------------------------------------------------------
@app.command()
def init(
    training: Annotated[bool, typer.Option("--training", help="a training database: CLAIMS_NOW sets the clock")] = False,
    settings: Annotated[Optional[str], typer.Option("--settings", help="a TOML file of product settings")] = None,
):
    """Create a claims database; the invoking user becomes its admin."""
    from workflows.admin import init as create

    result = create(G.db, training=training, settings_file=settings, asked=G.user, now_text=os.environ.get("CLAIMS_NOW"))
    _emit(result, "initialised")


@user_app.command("add")
def user_add(
    name: str,
    role: Annotated[Role, typer.Option("--role")],
    limit: Annotated[Optional[str], typer.Option("--limit", help="authority limit for a handler or senior")] = None,
):
    """Register a user with a role (and an authority limit for handlers)."""
    from workflows.admin import add_user

    _serve(lambda office: add_user(office, name, role.value, limit), "user_added")


@user_app.command("role")
def user_role(
    name: str,
    role: Annotated[Role, typer.Option("--role")],
    limit: Annotated[Optional[str], typer.Option("--limit", help="authority limit for a handler or senior")] = None,
):
    """Change a registered user's role or limit (recorded with the previous ones)."""
    from workflows.admin import change_role

    _serve(lambda office: change_role(office, name, role.value, limit), "role_changed")


@user_app.command("list")
def user_list():
    """Users, their roles and authority limits."""
    from workflows.admin import list_users

    _serve(list_users, "users")


@policy_app.command("import")
def policy_import(file: str):
    """Import policies from a JSON file; idempotent by policy number."""
    from workflows.admin import import_policies

    _serve(lambda office: import_policies(office, file), "imported")


@policy_app.command("show")
def policy_show(policy: str):
    """Show a policy as imported."""
    from workflows.admin import show_policy

    _serve(lambda office: show_policy(office, policy), "document")


@settings_app.command("show")
def settings_show():
    """Show the product settings in force and their version."""
    from workflows.admin import show_settings

    _serve(show_settings, "document")


@settings_app.command("load")
def settings_load(file: str):
    """Put settings from a TOML file in force (recorded; old events keep their version)."""
    from workflows.admin import load_settings

    _serve(lambda office: load_settings(office, file), "document")


@db_app.command("upgrade")
def db_upgrade():
    """Bring an older database's schema up to this program's version (recorded in the admin chain; all or nothing)."""
    from workflows.admin import upgrade_schema

    result = upgrade_schema(G.db, G.user, os.environ.get("CLAIMS_NOW"))
    _emit(result, "upgraded")


@db_app.command("setup")
def db_setup(
    admin: Annotated[Optional[str], typer.Option("--admin", help="a database login to make the first claims admin (it then runs "
                                                 "`claims init`)")] = None,
):
    """On a PostgreSQL server, as its administrator: the schema, the claims group roles, the grants and triggers that make the
    server enforce the roles, and each registered user's role (docs/postgres.md)."""
    from claims.storage import open_store

    store = open_store(G.db, create=True)
    try:
        result = store.setup(admin)
    finally:
        store.close()
    _emit(result, "set_up")


@db_app.command("copy")
def db_copy(
    source: Annotated[str, typer.Argument(help="the claims database to copy: a file path, sqlite:///path or a PostgreSQL URL")],
    target: Annotated[str, typer.Argument(help="where to: a new file, or an empty PostgreSQL database")],
):
    """Copy a whole claims database to another place or back end, verified (same events, hashes, anchor root) before it
    commits; a failed copy leaves the target empty."""
    from workflows.db_copy import copy_database

    result = copy_database(source, target, G.user, os.environ.get("CLAIMS_NOW"))
    _emit(result, "copied")


# case flow ----------------------------------------------------------------------------------
@app.command()
def report(
    policy: str,
    type_: Annotated[ClaimType, typer.Option("--type", help="the claim type")],
    event_date: Annotated[str, typer.Option("--event-date", help="the date of the insured event")],
    cause: Annotated[Optional[Cause], typer.Option("--cause")] = None,
    channel: Annotated[Optional[Channel], typer.Option("--channel")] = None,
    late_reason: Annotated[Optional[str], typer.Option("--late-reason", help="why the report comes after the window")] = None,
    description: Annotated[Optional[str], typer.Option("--description")] = None,
):
    """报案 Report an insured event: opens a claim."""
    from workflows.cases import report as open_claim

    args = {"type": type_.value, "event_date": _date(event_date, "--event-date"), "cause": _value(cause),
            "channel": _value(channel), "late_reason": _text(late_reason, "--late-reason"),
            "description": _text(description, "--description")}
    _serve(lambda office: open_claim(office, policy, args), "reported")


@app.command()
def apply(
    claim: str,
    applicant: Annotated[str, typer.Option("--applicant")],
    id_type: Annotated[IdType, typer.Option("--id-type")],
    id_number: Annotated[str, typer.Option("--id-number")],
    id_expires: Annotated[Optional[str], typer.Option("--id-expires")] = None,
    id_photo: Annotated[bool, typer.Option("--id-photo", help="the ID carries a photo (household register)")] = False,
    relation: Annotated[Optional[Relation], typer.Option("--relation")] = None,
    signed_by: Annotated[Optional[str], typer.Option("--signed-by")] = None,
    for_: Annotated[Optional[str], typer.Option("--for", help="whom a guardian or representative acts for")] = None,
):
    """申请 Record the claim application by an eligible applicant."""
    args = {"applicant": _text(applicant, "--applicant", lines=False), "id_type": id_type.value,
            "id_number": _text(id_number, "--id-number", lines=False),
            "id_expires": _date(id_expires, "--id-expires"), "id_photo": id_photo, "relation": _value(relation),
            "signed_by": _text(signed_by, "--signed-by", lines=False), "for": _text(for_, "--for", lines=False)}
    _flow(claim, "apply", args)


@app.command()
def attach(
    claim: str,
    doc_type: str,
    file: Annotated[Optional[str], typer.Option("--file", help="the scanned material; its SHA-256 is recorded")] = None,
):
    """Record receipt of a material (理赔材料)."""
    _flow(claim, "attach", {"document": doc_type, "sha256": _file_digest(file)})


def _file_digest(path: str | None) -> str | None:
    if path is None:
        return None
    import hashlib

    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        raise BadInput(f"--file {path!r} cannot be read: {exc.strerror}") from None


@app.command()
def request(claim: str, doc_type: str, reason: Annotated[str, typer.Option("--reason")]):
    """Ask the claimant for a further material (a repeat of the Art. 22 notice is flagged)."""
    _flow(claim, "request", {"document": doc_type, "reason": _text(reason, "--reason")})


@app.command()
def investigate(claim: str):
    """调查 Start the investigation (materials must be complete)."""
    _flow(claim, "investigate", {})


@app.command()
def decide(
    claim: str,
    outcome: Annotated[Outcome, typer.Argument()],
    reason: Annotated[str, typer.Option("--reason")],
    amount: Annotated[Optional[str], typer.Option("--amount")] = None,
    ground: Annotated[Optional[Ground], typer.Option("--ground")] = None,
):
    """Record the decision: approve, partial or decline (the claim stays investigating)."""
    args = {"outcome": outcome.value, "amount": _amount(amount), "ground": _value(ground), "reason": _text(reason, "--reason")}
    _flow(claim, "decide", args)


@app.command()
def notify(claim: str):
    """通知 Tell the claimant the decision."""
    _flow(claim, "notify", {})


@app.command()
def pay(
    claim: str,
    amount: Annotated[str, typer.Option("--amount")],
    advance: Annotated[bool, typer.Option("--advance", help="an advance payment during investigation (Art. 25)")] = False,
    to: Annotated[Optional[str], typer.Option("--to", help="the payee, when the claim has more than one (see `claims status`)")] = None,
):
    """领款 Pay the benefit: a payee's part of the approved amount still unpaid to them."""
    args = {"amount": _amount(amount), "advance": advance}
    if to is not None:
        args["to"] = _text(to, "--to", lines=False)
    _flow(claim, "pay", args)


@app.command()
def exclude(
    claim: str,
    name: Annotated[str, typer.Argument(help="the named death beneficiary who has no right")],
    because: Annotated[Because, typer.Option("--because", help="predeceased, same_event, waived, forfeited or relation_ended; "
                                             "the material proving it must have been received")],
):
    """Record that a named beneficiary has no right (Insurance Law Arts. 42, 43; SPC Interpretation III Arts. 9, 15):
    the shares are recomputed (SPC Interpretation III Art. 12)."""
    _flow(claim, "exclude", {"beneficiary": _text(name, "NAME", lines=False), "because": because.value})


@app.command("mark-complex")
def mark_complex(claim: str, reason: Annotated[str, typer.Option("--reason", help="why the case is complex")]):
    """Mark the case complex: the decision is then due 30 days after the application (Insurance Law Art. 23)."""
    _flow(claim, "mark-complex", {"reason": _text(reason, "--reason")})


@app.command()
def appeal(claim: str, reason: Annotated[str, typer.Option("--reason")]):
    """申诉 The claimant disputes a refusal or partial payment."""
    _flow(claim, "appeal", {"reason": _text(reason, "--reason")})


@app.command()
def close(claim: str):
    """Close a paid or declined claim."""
    _flow(claim, "close", {})


@app.command()
def withdraw(claim: str, reason: Annotated[str, typer.Option("--reason")]):
    """The claimant withdraws the claim."""
    _flow(claim, "withdraw", {"reason": _text(reason, "--reason")})


@app.command()
def consult(claim: str, note: Annotated[str, typer.Option("--note")]):
    """咨询 Record a consultation (any state)."""
    _flow(claim, "consult", {"note": _text(note, "--note")})


# looking ------------------------------------------------------------------------------------
@app.command()
def status(claim: str):
    """Where the claim stands: state, flags, materials, deadlines, decision, next actions."""
    from workflows.reads import status as read_status

    _serve(lambda office: read_status(office, claim), "status")


@app.command()
def docs(claim: str):
    """The materials checklist."""
    from workflows.reads import docs as read_docs

    _serve(lambda office: read_docs(office, claim), "checklist")


@app.command("list")
def list_(
    state: Annotated[Optional[list[State]], typer.Option("--state", help="only claims in this state (repeat for several)")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="only claims with an overdue deadline")] = False,
    type_: Annotated[Optional[ClaimType], typer.Option("--type", help="only claims of this type")] = None,
    mine: Annotated[bool, typer.Option("--mine", help="handlers: the claims assigned to you; agents: those you reported or "
                                       "applied for")] = False,
    assignee: Annotated[Optional[str], typer.Option("--assignee", help="only the claims this handler holds")] = None,
    policy: Annotated[Optional[str], typer.Option("--policy", help="only the claims on this policy")] = None,
    applicant: Annotated[Optional[str], typer.Option("--applicant", help="part of an applicant's or the insured's name")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="at most this many rows")] = None,
    offset: Annotated[int, typer.Option("--offset", min=0, help="skip this many rows first")] = 0,
):
    """The work queue, most urgent first (overdue first, then by the next deadline)."""
    from workflows.reads import work_queue

    def work(office):
        return work_queue(office, states=tuple(dict.fromkeys(_value(s) for s in state or ())), claim_type=_value(type_),
                          overdue=overdue, mine=mine, assignee=_text(assignee, "--assignee", lines=False), policy=policy,
                          person=_text(applicant, "--applicant", lines=False), limit=limit, offset=offset)

    office = _office()
    try:
        queue = work(office)
    finally:
        office.close()
    _emit(queue["rows"], lambda rows: _screens().queue(rows, queue["total"], queue["offset"]))


def _screens():
    from cli import render

    return render


@app.command()
def assign(claim: str, to: Annotated[str, typer.Option("--to", help="the handler or senior who is to hold the claim")]):
    """Hand a claim to a handler or senior (their queue: `claims list --mine`); recorded in the claim's audit trail."""
    _flow(claim, "assign", {"to": _text(to, "--to", lines=False)})


@app.command()
def history(claim: str):
    """The claim's audit trail."""
    from workflows.reads import history as read_history

    _serve(lambda office: read_history(office, claim), "history")


@app.command()
def diagram(fmt: Annotated[DiagramFormat, typer.Option("--format")] = DiagramFormat.mermaid):
    """The state machine as the code defines it (mermaid or dot)."""
    from workflows.reads import diagram as draw

    office = _office()
    try:
        text = draw(office, fmt.value)
    finally:
        office.close()
    _emit({"format": fmt.value, "diagram": text}, lambda doc: print(doc["diagram"]))


# auditor and bulk commands live in their own modules and register on `app`
from cli import audit as _audit_commands  # noqa: E402,F401
from cli import batch as _batch_commands  # noqa: E402,F401

# entry point --------------------------------------------------------------------------------
GLOBAL_VALUES = {"--db": "db", "--as": "user"}


def split_globals(argv: list[str]) -> tuple[Globals, list[str]]:
    """Take --db, --as and --json from anywhere on the line (docs/cli.md: before or after the command)."""
    found = Globals(db=os.environ.get("CLAIMS_DB") or "claims.db", user=os.environ.get("CLAIMS_USER") or None)
    rest, i = [], 0
    while i < len(argv):
        word = argv[i]
        name, eq, value = word.partition("=")
        if word == "--json":
            found.json = True
        elif name in GLOBAL_VALUES and eq:
            setattr(found, GLOBAL_VALUES[name], _global_value(name, value))
        elif word in GLOBAL_VALUES:
            if i + 1 >= len(argv):
                raise BadInput(f"{word} needs a value")
            setattr(found, GLOBAL_VALUES[word], _global_value(word, argv[i + 1]))
            i += 1
        elif word == "--":
            rest += argv[i:]
            break
        else:
            rest.append(word)
        i += 1
    return found, rest


def _readable(argv: list[str]) -> None:
    """Every word of the command line, and the CLAIMS_ variables, must be text (the shell may pass bytes that are not UTF-8)."""
    from claims.values import text_problem

    for name in ("CLAIMS_DB", "CLAIMS_USER", "CLAIMS_NOW", "CLAIMS_LANG"):
        problem = text_problem(os.environ.get(name, ""))
        if problem:
            raise BadInput(f"{name} holds {problem}")
    for word in argv:
        problem = text_problem(word)
        if problem:
            raise BadInput(f"the command line holds {problem}: {word.encode('utf-8', 'replace')[:30]!r}")


def _global_value(option: str, value: str) -> str:
    if not value.strip():
        what = "a user" if option == "--as" else "a database"
        raise BadInput(f"{option} must name {what}, not an empty string")
    return value


def main(argv: list[str] | None = None) -> int:
    from typer._click.exceptions import UsageError

    argv = sys.argv[1:] if argv is None else argv
    G.json = "--json" in argv[: argv.index("--")] if "--" in argv else "--json" in argv  # errors in the options themselves too
    try:
        _readable(argv)
        found, rest = split_globals(argv)
        G.db, G.user, G.json = found.db, found.user, found.json
        code = typer.main.get_command(app).main(args=rest, prog_name="claims", standalone_mode=False)
        if code == 130:  # typer turns a Ctrl-C into a silent Exit(130), after every transaction rolled back
            return _interrupted()
        return code if isinstance(code, int) else 0  # a command's typer.Exit(code) comes back as its return value
    except typer.Exit as done:
        return done.exit_code
    except KeyboardInterrupt:
        return _interrupted()
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for a user
        return _fail(as_error(exc), usage=exc if isinstance(exc, UsageError) else None)


def _interrupted() -> int:
    """Ctrl-C: one line and exit 130 (what shells report for SIGINT); the open transaction was rolled back."""
    try:
        sys.stderr.write("\nInterrupted; nothing more was written.\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    return 130


def as_error(exc: Exception) -> ClaimsError:
    """Any failure of a command in the words of the error family (the one place exit codes are chosen)."""
    from typer._click.exceptions import ClickException

    if isinstance(exc, ClaimsError):
        return exc
    if isinstance(exc, typer.Abort):
        return ClaimsError("aborted")
    if isinstance(exc, ClickException):
        return BadInput(exc.format_message())
    return _unexpected(exc)


def _unexpected(exc: Exception) -> ClaimsError:
    if "claims.storage" in sys.modules:
        from claims.storage import translate

        known = translate(exc)
        if known:
            return known
    if os.environ.get("CLAIMS_DEBUG"):
        raise exc
    return ClaimsError(f"internal error ({type(exc).__name__}: {exc}); set CLAIMS_DEBUG=1 for the traceback")


def _fail(error: ClaimsError, usage=None) -> int:
    if G.json:
        sys.stderr.write(json.dumps({"error": error.as_dict()}, ensure_ascii=False) + "\n")
    else:
        if usage is not None and usage.ctx is not None:
            sys.stderr.write(usage.ctx.get_usage() + "\n")
        sys.stderr.write(f"Error: {error.message}\n")
    return error.exit_code


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":  # `python -m cli.main`: run the imported module, where every command is registered
    from cli.main import run as run_registered

    run_registered()
