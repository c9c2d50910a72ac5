"""What `claims --help` says: every command's summary and example, every option's and argument's help.

Kept in one place so that it can be translated as a whole; the reference is docs/cli.md. Formats are spelled
the same way everywhere: dates `YYYY-MM-DD`, amounts as AMOUNT says, timestamps as TIMESTAMP says.

Every text is English here, as click holds it (marked `N_` for the `cli` catalogue); `shown` turns it into the reader's
language when help is displayed (cli.command_line), never at import: one process may show help in both languages.
Placeholders are filled then too: the formats ({amount}, {date}, …) and the choices of a vocabulary, named as the
reader names them ({choices}, {document_types}).
"""

from claims.i18n import N_

DATE = "YYYY-MM-DD"
AMOUNT = N_("a positive amount, at most two decimals, e.g. 60000 or 1234.50")
TIMESTAMP = N_("an ISO timestamp with its UTC offset, e.g. 2026-05-01T09:00:00+08:00")

APP = (N_("Claims workflow for life insurance: report → apply → investigate → notify → payout, with appeal and consult. "
       "Global options go before or after the command; the reference is docs/cli.md."))

GROUPS = {
    "user": N_("Users and their roles (admin)."),
    "policy": N_("Policies: reference data (admin)."),
    "settings": N_("Product settings in force (admin)."),
    "db": N_("The database itself: schema upgrades, copies between back ends, a server's set-up (admin)."),
    "audit": N_("Auditors: prove the audit log holds together, anchor it, export it."),
}

# command path: (what it does, an example as typed)
COMMANDS = {
    "init": (N_("Create a claims database; the invoking user becomes its admin."),
             N_("claims --db claims.db init --training --as admin")),
    "user add": (N_("Register a new user with a role (and an authority limit for a handler or senior). An existing name is "
                 "a conflict (exit 5): `user role` changes a role."),
                 N_("claims user add wang --role handler --limit 50000")),
    "user role": (N_("Change a registered user's role or limit (recorded with the previous ones)."),
                  N_("claims user role wang --role senior")),
    "user list": (N_("Users, their roles and authority limits."), N_("claims user list")),
    "policy import": (N_("Import policies from a JSON file (a list of policies, format in docs/cli.md); idempotent by policy "
                      "number. A bad file is refused whole, naming the record and field."),
                      N_("claims policy import examples/policies.json")),
    "policy show": (N_("Show a policy as imported."), N_("claims policy show P-2022-0002")),
    "settings show": (N_("Show the product settings in force and their version."), N_("claims settings show")),
    "settings load": (N_("Put settings from a TOML file in force (recorded; old events keep their version)."),
                      N_("claims settings load settings.toml")),
    "db upgrade": (N_("Bring an older database's schema up to this program's version (recorded in the admin chain; all or "
                   "nothing)."), N_("claims --db claims.db db upgrade")),
    "db setup": (N_("On a PostgreSQL server, as its administrator: the schema, the claims group roles, the grants and "
                 "triggers that make the server enforce the roles, and each registered user's role (docs/postgres.md)."),
                 N_("claims --db postgresql://postgres@127.0.0.1:5432/claims db setup")),
    "db copy": (N_("Copy a whole claims database to another place or back end, verified (same events, hashes, anchor root) "
                "before it commits; a failed copy leaves the target empty."),
                N_("claims db copy claims.db postgresql://postgres@127.0.0.1:5432/claims")),
    "report": (N_("报案 Report an insured event: opens a claim and prints its id. A report after the reporting window needs "
               "--late-reason."),
               N_("claims report P-2022-0002 --type critical_illness --event-date 2026-04-25 --channel agent")),
    "apply": (N_("申请 Record the claim application by an eligible applicant (materials come with `attach`)."),
              N_("claims apply CLM-000001 --applicant 陈某 --id-type resident_id --id-number 630102197502110013")),
    "attach": (N_("Record receipt of a material (理赔材料); attaching it again records a replacement copy."),
               N_("claims attach CLM-000001 diagnosis_certificate --file scan.pdf")),
    "request": (N_("Ask the claimant for a further material (a repeat of the Art. 22 notice is flagged)."),
                N_("claims request CLM-000001 itemized_bill --reason \"the invoice total needs its items\"")),
    "investigate": (N_("调查 Start the investigation (materials must be complete)."), N_("claims investigate CLM-000001")),
    "decide": (N_("Record the decision; the claim stays investigating until `notify`. Every outcome needs --reason; approve "
               "and partial need --amount (the benefit approved); decline needs --ground."),
               N_("claims decide CLM-000001 approve --amount 60000 --reason \"pathology confirms the diagnosis\"")),
    "notify": (N_("通知 Tell the claimant the decision: the claim becomes approved or declined."), N_("claims notify CLM-000001")),
    "pay": (N_("领款 Pay the benefit: the amount must be what is still unpaid of the approved amount, or of the payee's "
            "share of it when the claim has several payees (--to)."),
            N_("claims pay CLM-000001 --amount 60000")),
    "exclude": (N_("Record that a named death beneficiary has no right (Insurance Law Arts. 42, 43; SPC Interpretation III "
                "Arts. 9, 15); the material proving it must have been received. The shares are recomputed (SPC "
                "Interpretation III Art. 12)."),
                N_("claims exclude CLM-000001 王大 --because predeceased")),
    "mark-complex": (N_("Mark the case complex: the decision is then due 30 days after the application (Insurance Law "
                     "Art. 23), not the settings' working days."),
                     N_("claims mark-complex CLM-000001 --reason \"the hospital records are abroad\"")),
    "assign": (N_("Hand a claim to a handler or senior (their queue: `claims list --mine`); recorded in the claim's audit "
               "trail."), N_("claims assign CLM-000001 --to wang")),
    "appeal": (N_("申诉 The claimant disputes a refusal or partial payment."),
               N_("claims appeal CLM-000001 --reason \"the drugs were prescribed as necessary\"")),
    "close": (N_("Close a paid or declined claim."), N_("claims close CLM-000001")),
    "withdraw": (N_("The claimant withdraws the claim."), N_("claims withdraw CLM-000001 --reason \"the claimant withdrew\"")),
    "consult": (N_("咨询 Record a consultation (any state)."), N_("claims consult CLM-000001 --note \"asked about the materials\"")),
    "status": (N_("Where the claim stands: state, flags, materials, deadlines, decision, what you may do next."),
               N_("claims status CLM-000001")),
    "docs": (N_("The materials checklist: what the claim needs, what has arrived."), N_("claims docs CLM-000001")),
    "list": (N_("The work queue, most urgent first (overdue first, then by the next deadline); closed and withdrawn claims "
             "only when --state asks."),
             N_("claims list --mine --overdue --limit 20")),
    "history": (N_("The claim's audit trail, one event after another (`history @admin`: the admin chain)."),
                N_("claims history CLM-000001")),
    "diagram": (N_("The state machine as the code defines it (mermaid or dot)."),
                N_("claims diagram --format dot | dot -Tsvg > machine.svg")),
    "replay": (N_("Rebuild a claim from its audit events alone, re-judging every step against the rules in force then "
               "(exit 7 when it differs from the stored claim)."), N_("claims replay CLM-000001 --as-of 2026-05-31")),
    "batch": (N_("Run many commands from a JSON Lines file in one process, each its own transaction; stops at the first "
              "failure unless --keep-going. A line: {\"args\": [\"attach\", \"CLM-000001\", \"claim_form\"], \"as\": \"li\"}."),
              N_("claims batch day.jsonl --keep-going")),
    "audit verify": (N_("Hash chains, replay of every step, and the stored claims all agree (exit 7 otherwise)."),
                     N_("claims audit verify --anchor anchor.json")),
    "audit anchor": (N_("A digest of the whole log (each chain's last seq and hash, and a root hash) to keep outside the "
                     "database."), N_("claims audit anchor --out anchor.json")),
    "audit export": (N_("Stream the audit log with its hashes, for re-verification with your own tools: drop \"hash\", "
                     "serialise the rest as canonical JSON (sorted keys, no whitespace, UTF-8) and SHA-256 it; each "
                     "prev_hash is the hash of the seq before in the same claim_id."),
                     N_("claims audit export --format csv --claim CLM-000001 > chain.csv")),
}

ORDER = list(dict.fromkeys(name for path in COMMANDS for name in (path.split()[0], path)))  # the order help lists commands in

EXAMPLE = N_("Example:")

CLAIM = N_("the claim id, e.g. CLM-000001")
REASON = N_("why, in a sentence (recorded in the audit log)")

# "command option-or-ARGUMENT": help
PARAMS = {
    "init --training": N_("a training database: any registered user may be named with --as, and CLAIMS_NOW (an ISO date or "
                       "timestamp) sets the clock"),
    "init --settings": N_("a TOML file of product settings (default: the documented ones)"),
    "user add NAME": N_("the user's name (outside a training database: their login name)"),
    "user add --role": N_("what the user may do"),
    "user add --limit": N_("authority limit of a handler or senior: {amount} (default: the settings' limit for handlers, "
                        "none for seniors)"),
    "user role USER": N_("a registered user's name"),
    "user role --role": N_("the new role"),
    "user role --limit": N_("the new authority limit: {amount}"),
    "policy import FILE": N_("a JSON file: a list of policies (docs/cli.md, Policy file)"),
    "policy show POLICY": N_("the policy number, e.g. P-2022-0002"),
    "settings load FILE": N_("a TOML file of product settings"),
    "db setup --admin": N_("a database login to make the first claims admin (it then runs `claims init`)"),
    "db copy SOURCE": N_("the claims database to copy: a file path, sqlite:///path or a PostgreSQL URL"),
    "db copy TARGET": N_("where to: a new file, or an empty PostgreSQL database"),
    "report POLICY": N_("the policy number, e.g. P-2022-0002"),
    "report --type": N_("the claim type"),
    "report --event-date": N_("the date of the insured event: {date}"),
    "report --cause": N_("what caused the event"),
    "report --channel": N_("how the report came in"),
    "report --late-reason": N_("why the report comes after the reporting window (required then)"),
    "report --description": N_("what happened, in the reporter's words"),
    "apply CLAIM": CLAIM,
    "apply --applicant": N_("the applicant's name, as on their ID"),
    "apply --id-type": N_("the applicant's ID document (a household register counts only with --id-photo)"),
    "apply --id-number": N_("the number on that ID (a resident_id: 18 characters with a valid check digit)"),
    "apply --id-expires": N_("the ID's expiry date: {date} (none: valid long-term)"),
    "apply --id-photo": N_("the ID carries a photo (needed for a household register)"),
    "apply --relation": N_("the applicant's relation to the claim (default: read off the policy)"),
    "apply --signed-by": N_("who signed the application form (must be the applicant; an agent never signs)"),
    "apply --for": N_("whom a guardian or representative acts for (default: the insured, or the only death beneficiary)"),
    "attach CLAIM": CLAIM,
    "attach DOC_TYPE": N_("the material received, one of: {document_types}"),
    "attach --file": N_("the scanned material; its SHA-256 is recorded"),
    "request CLAIM": CLAIM,
    "request DOC_TYPE": N_("the material asked for (a document type, as for attach)"),
    "request --reason": REASON,
    "investigate CLAIM": CLAIM,
    "decide CLAIM": CLAIM,
    "decide OUTCOME": N_("{approve} (needs --amount), {partial} (needs --amount) or {decline} (needs --ground)"),
    "decide --reason": N_("{reason}; every outcome needs one"),
    "decide --amount": N_("the benefit approved, for approve and partial: {amount}"),
    "decide --ground": N_("the ground of a decline (required for decline)"),
    "notify CLAIM": CLAIM,
    "pay CLAIM": CLAIM,
    "pay --amount": N_("the amount paid now: {amount}"),
    "pay --advance": N_("an advance payment during investigation, before any decision (Art. 25)"),
    "pay --to": N_("the payee, by name, when the claim has more than one (`claims status` lists them)"),
    "exclude CLAIM": CLAIM,
    "exclude NAME": N_("the named death beneficiary who has no right, as named on the policy"),
    "exclude --because": N_("why: {choices}"),
    "mark-complex CLAIM": CLAIM,
    "mark-complex --reason": REASON,
    "assign CLAIM": CLAIM,
    "assign --to": N_("the registered handler or senior who is to hold the claim"),
    "appeal CLAIM": CLAIM,
    "appeal --reason": REASON,
    "close CLAIM": CLAIM,
    "withdraw CLAIM": CLAIM,
    "withdraw --reason": REASON,
    "consult CLAIM": CLAIM,
    "consult --note": N_("what was asked or said"),
    "status CLAIM": CLAIM,
    "docs CLAIM": CLAIM,
    "list --state": N_("only claims in this state; repeat for several (closed and withdrawn claims are left out otherwise)"),
    "list --overdue": N_("only claims with a deadline passed"),
    "list --type": N_("only claims of this type"),
    "list --mine": N_("handlers and seniors: the claims assigned to you; agents: those you reported or applied for"),
    "list --assignee": N_("only the claims this handler or senior holds"),
    "list --policy": N_("only the claims on this policy number"),
    "list --applicant": N_("part of an applicant's or the insured's name"),
    "list --limit": N_("at most this many rows (a whole number, 1 or more)"),
    "list --offset": N_("skip this many rows first (a whole number, 0 or more), for the next page"),
    "history CLAIM": N_("{claim}, or @admin for the admin chain"),
    "diagram --format": N_("mermaid (a flowchart for Markdown) or dot (Graphviz)"),
    "replay CLAIM": CLAIM,
    "replay --as-of": N_("the claim as it stood then: {timestamp}, or a date {date} (its end)"),
    "batch FILE": N_("a JSON Lines file of commands, or - for standard input"),
    "batch --keep-going": N_("run every line, whatever fails (the exit code is still the first failure's)"),
    "audit verify --claim": N_("only this claim (and the admin chain)"),
    "audit verify --anchor": N_("an anchor file (from `audit anchor`): prove everything it covered is unchanged"),
    "audit verify --jobs": N_("processes sharing the work, a whole number (default: one per processor, at most 3, from "
                           "50,000 events; one below)"),
    "audit anchor --out": N_("write the anchor to this file (default: standard output)"),
    "audit export --format": N_("jsonl (one canonical JSON event per line) or csv"),
    "audit export --claim": N_("only this claim's chain (@admin: the admin chain)"),
    "audit export --excel": N_("CSV for Excel: a UTF-8 byte-order mark first and CRLF line ends, so that Excel on Chinese "
                            "Windows reads the names as UTF-8 rather than GBK (only with --format csv)"),
}

COMPLETION = {  # typer's own completion options, with the shell they may name
    "install_completion": ("--install-completion [bash|zsh|fish]", N_("install completion of commands, claim ids, document types "
                           "and users for this shell (default: the shell you are in)")),
    "show_completion": ("--show-completion [bash|zsh|fish]", N_("print the completion script for that shell, to install it "
                        "yourself (default: the shell you are in)")),
}

USAGE = N_("Usage: ")
USAGE_PIECES = (N_("[OPTIONS]"), N_("COMMAND [ARGS]..."))
HELP_OPTION = N_("Show this message and exit.")  # click's -h, --help
ONE_OF = N_("{help}; one of: {choices}")  # an option's help, then the choices of its vocabulary

SECTIONS = {"arguments": N_("Arguments"), "options": N_("Options"), "global": N_("Global options (before or after the command)")}

GLOBAL = {
    "--db": N_("the database: a file path (SQLite), sqlite:///path or postgresql://user@host:port/db; env CLAIMS_DB; "
            "default claims.db in the current folder"),
    "--as": N_("the acting user, a registered name; outside a training database only yourself; env CLAIMS_USER"),
    "--json": N_("print exactly one JSON document on stdout (an error: one on stderr); keys in docs/cli.md"),
    "--lang": N_("language of what a person reads: zh or en; env CLAIMS_LANG, else LC_ALL or LANG (zh*: zh); default en"),
    "--no-pager": N_("never page a long screen (by default one longer than the terminal goes through $PAGER, else less, "
                  "when the output is a terminal)"),
    "--version": N_("print the version and exit"),
}


FORMATS = {"amount": AMOUNT, "date": DATE, "timestamp": TIMESTAMP, "claim": CLAIM, "reason": REASON}

# what a help text shows in the reader's language, by the English text click holds: filled in at display time
_SHOWN: dict[str, object] = {}
_LISTING: set[str] = set()  # help texts that name the choices themselves


class Choices:
    """The values of a vocabulary (claims.vocabulary) in a help text: `a, b or c` in English, their Chinese names in
    Chinese. `values` may be a dict whose keys are read when shown (claims.materials.DOCUMENT_TYPES)."""

    def __init__(self, context: str, values, joined: str = "or"):
        self.context, self.values, self.joined = context, values, joined

    def english(self) -> str:
        values = list(self.values)
        if self.joined == "or" and len(values) > 1:
            return f"{', '.join(values[:-1])} or {values[-1]}"
        return ", ".join(values)

    def shown(self) -> str:
        from claims.i18n import chosen, names

        if chosen() == "en":
            return self.english()
        return names(self.context, list(self.values))


class Choice:
    """One value of a vocabulary in a help text, as the reader names it."""

    def __init__(self, context: str, value: str):
        self.context, self.value = context, value

    def english(self) -> str:
        return self.value

    def shown(self) -> str:
        from claims.i18n import name

        return name(self.context, self.value)


def shown(text: str | None) -> str:
    """A help text (summary, option help, example, section title) in the reader's language."""
    from claims.i18n import cli_

    if not text:
        return text or ""
    fill = _SHOWN.get(text)
    return fill() if fill else cli_(text)


def _fill(template: str, values: dict) -> str:
    from claims.i18n import cli_

    formats = {key: cli_(value) for key, value in FORMATS.items()}
    return cli_(template).format(**formats, **{key: value.shown() for key, value in values.items()})


def about(command: str) -> dict:
    """`help` and `epilog` of a command for typer: what it does, then an example as typed."""
    from claims.i18n import cli_

    summary, example = COMMANDS[command]
    epilog = f"\b\n{EXAMPLE}\n  {example}"
    _SHOWN[epilog] = lambda: f"\b\n{cli_(EXAMPLE)}\n  {cli_(example)}"
    return {"help": summary, "epilog": epilog}


def param(key: str, **values) -> str:
    """The help of an option or argument, in English as click holds it; `shown` gives it in the reader's language.
    `values` are Choices or Choice, filled in when the help is shown."""
    template = PARAMS[key]
    text = template.format(**FORMATS, **{name: value.english() for name, value in values.items()})
    if text != template or values:
        _SHOWN[text] = lambda: _fill(template, values)
    if values:
        _LISTING.add(text)
    return text


def lists_choices(text: str | None) -> bool:
    return text in _LISTING
