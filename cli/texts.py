"""What `claims --help` says: every command's summary and example, every option's and argument's help.

Kept in one place so that it can be translated as a whole; the reference is docs/cli.md. Formats are spelled
the same way everywhere: dates `YYYY-MM-DD`, amounts as AMOUNT says, timestamps as TIMESTAMP says.
"""

DATE = "YYYY-MM-DD"
AMOUNT = "a positive amount, at most two decimals, e.g. 60000 or 1234.50"
TIMESTAMP = "an ISO timestamp with its UTC offset, e.g. 2026-05-01T09:00:00+08:00"

APP = ("Claims workflow for life insurance: report → apply → investigate → notify → payout, with appeal and consult. "
       "Global options go before or after the command; the reference is docs/cli.md.")

GROUPS = {
    "user": "Users and their roles (admin).",
    "policy": "Policies: reference data (admin).",
    "settings": "Product settings in force (admin).",
    "db": "The database itself: schema upgrades, copies between back ends, a server's set-up (admin).",
    "audit": "Auditors: prove the audit log holds together, anchor it, export it.",
}

# command path: (what it does, an example as typed)
COMMANDS = {
    "init": ("Create a claims database; the invoking user becomes its admin.",
             "claims --db claims.db init --training --as admin"),
    "user add": ("Register a new user with a role (and an authority limit for a handler or senior). An existing name is "
                 "a conflict (exit 5): `user role` changes a role.",
                 "claims user add wang --role handler --limit 50000"),
    "user role": ("Change a registered user's role or limit (recorded with the previous ones).",
                  "claims user role wang --role senior"),
    "user list": ("Users, their roles and authority limits.", "claims user list"),
    "policy import": ("Import policies from a JSON file (a list of policies, format in docs/cli.md); idempotent by policy "
                      "number. A bad file is refused whole, naming the record and field.",
                      "claims policy import examples/policies.json"),
    "policy show": ("Show a policy as imported.", "claims policy show P-2022-0002"),
    "settings show": ("Show the product settings in force and their version.", "claims settings show"),
    "settings load": ("Put settings from a TOML file in force (recorded; old events keep their version).",
                      "claims settings load settings.toml"),
    "db upgrade": ("Bring an older database's schema up to this program's version (recorded in the admin chain; all or "
                   "nothing).", "claims --db claims.db db upgrade"),
    "db setup": ("On a PostgreSQL server, as its administrator: the schema, the claims group roles, the grants and "
                 "triggers that make the server enforce the roles, and each registered user's role (docs/postgres.md).",
                 "claims --db postgresql://postgres@127.0.0.1:5432/claims db setup"),
    "db copy": ("Copy a whole claims database to another place or back end, verified (same events, hashes, anchor root) "
                "before it commits; a failed copy leaves the target empty.",
                "claims db copy claims.db postgresql://postgres@127.0.0.1:5432/claims"),
    "report": ("报案 Report an insured event: opens a claim and prints its id. A report after the reporting window needs "
               "--late-reason.",
               "claims report P-2022-0002 --type critical_illness --event-date 2026-04-25 --channel agent"),
    "apply": ("申请 Record the claim application by an eligible applicant (materials come with `attach`).",
              "claims apply CLM-000001 --applicant 陈某 --id-type resident_id --id-number 630102197502110013"),
    "attach": ("Record receipt of a material (理赔材料); attaching it again records a replacement copy.",
               "claims attach CLM-000001 diagnosis_certificate --file scan.pdf"),
    "request": ("Ask the claimant for a further material (a repeat of the Art. 22 notice is flagged).",
                "claims request CLM-000001 itemized_bill --reason \"the invoice total needs its items\""),
    "investigate": ("调查 Start the investigation (materials must be complete).", "claims investigate CLM-000001"),
    "decide": ("Record the decision; the claim stays investigating until `notify`. Every outcome needs --reason; approve "
               "and partial need --amount (the benefit approved); decline needs --ground.",
               "claims decide CLM-000001 approve --amount 60000 --reason \"pathology confirms the diagnosis\""),
    "notify": ("通知 Tell the claimant the decision: the claim becomes approved or declined.", "claims notify CLM-000001"),
    "pay": ("领款 Pay the benefit: the amount must be what is still unpaid of the approved amount, or of the payee's "
            "share of it when the claim has several payees (--to).",
            "claims pay CLM-000001 --amount 60000"),
    "exclude": ("Record that a named death beneficiary has no right (Insurance Law Arts. 42, 43; SPC Interpretation III "
                "Arts. 9, 15); the material proving it must have been received. The shares are recomputed (SPC "
                "Interpretation III Art. 12).",
                "claims exclude CLM-000001 王大 --because predeceased"),
    "mark-complex": ("Mark the case complex: the decision is then due 30 days after the application (Insurance Law "
                     "Art. 23), not the settings' working days.",
                     "claims mark-complex CLM-000001 --reason \"the hospital records are abroad\""),
    "assign": ("Hand a claim to a handler or senior (their queue: `claims list --mine`); recorded in the claim's audit "
               "trail.", "claims assign CLM-000001 --to wang"),
    "appeal": ("申诉 The claimant disputes a refusal or partial payment.",
               "claims appeal CLM-000001 --reason \"the drugs were prescribed as necessary\""),
    "close": ("Close a paid or declined claim.", "claims close CLM-000001"),
    "withdraw": ("The claimant withdraws the claim.", "claims withdraw CLM-000001 --reason \"the claimant withdrew\""),
    "consult": ("咨询 Record a consultation (any state).", "claims consult CLM-000001 --note \"asked about the materials\""),
    "status": ("Where the claim stands: state, flags, materials, deadlines, decision, what you may do next.",
               "claims status CLM-000001"),
    "docs": ("The materials checklist: what the claim needs, what has arrived.", "claims docs CLM-000001"),
    "list": ("The work queue, most urgent first (overdue first, then by the next deadline); closed and withdrawn claims "
             "only when --state asks.",
             "claims list --mine --overdue --limit 20"),
    "history": ("The claim's audit trail, one event after another (`history @admin`: the admin chain).",
                "claims history CLM-000001"),
    "diagram": ("The state machine as the code defines it (mermaid or dot).", "claims diagram --format dot | dot -Tsvg > machine.svg"),
    "replay": ("Rebuild a claim from its audit events alone, re-judging every step against the rules in force then "
               "(exit 7 when it differs from the stored claim).", "claims replay CLM-000001 --as-of 2026-05-31"),
    "batch": ("Run many commands from a JSON Lines file in one process, each its own transaction; stops at the first "
              "failure unless --keep-going. A line: {\"args\": [\"attach\", \"CLM-000001\", \"claim_form\"], \"as\": \"li\"}.",
              "claims batch day.jsonl --keep-going"),
    "audit verify": ("Hash chains, replay of every step, and the stored claims all agree (exit 7 otherwise).",
                     "claims audit verify --anchor anchor.json"),
    "audit anchor": ("A digest of the whole log (each chain's last seq and hash, and a root hash) to keep outside the "
                     "database.", "claims audit anchor --out anchor.json"),
    "audit export": ("Stream the audit log with its hashes, for re-verification with your own tools: drop \"hash\", "
                     "serialise the rest as canonical JSON (sorted keys, no whitespace, UTF-8) and SHA-256 it; each "
                     "prev_hash is the hash of the seq before in the same claim_id.",
                     "claims audit export --format csv --claim CLM-000001 > chain.csv"),
}

ORDER = list(dict.fromkeys(name for path in COMMANDS for name in (path.split()[0], path)))  # the order help lists commands in

EXAMPLE = "Example:"

CLAIM = "the claim id, e.g. CLM-000001"
REASON = "why, in a sentence (recorded in the audit log)"

# "command option-or-ARGUMENT": help
PARAMS = {
    "init --training": "a training database: any registered user may be named with --as, and CLAIMS_NOW (an ISO date or "
                       "timestamp) sets the clock",
    "init --settings": "a TOML file of product settings (default: the documented ones)",
    "user add NAME": "the user's name (outside a training database: their login name)",
    "user add --role": "what the user may do",
    "user add --limit": f"authority limit of a handler or senior: {AMOUNT} (default: the settings' limit for handlers, "
                        "none for seniors)",
    "user role USER": "a registered user's name",
    "user role --role": "the new role",
    "user role --limit": f"the new authority limit: {AMOUNT}",
    "policy import FILE": "a JSON file: a list of policies (docs/cli.md, Policy file)",
    "policy show POLICY": "the policy number, e.g. P-2022-0002",
    "settings load FILE": "a TOML file of product settings",
    "db setup --admin": "a database login to make the first claims admin (it then runs `claims init`)",
    "db copy SOURCE": "the claims database to copy: a file path, sqlite:///path or a PostgreSQL URL",
    "db copy TARGET": "where to: a new file, or an empty PostgreSQL database",
    "report POLICY": "the policy number, e.g. P-2022-0002",
    "report --type": "the claim type",
    "report --event-date": f"the date of the insured event: {DATE}",
    "report --cause": "what caused the event",
    "report --channel": "how the report came in",
    "report --late-reason": "why the report comes after the reporting window (required then)",
    "report --description": "what happened, in the reporter's words",
    "apply CLAIM": CLAIM,
    "apply --applicant": "the applicant's name, as on their ID",
    "apply --id-type": "the applicant's ID document (a household register counts only with --id-photo)",
    "apply --id-number": "the number on that ID (a resident_id: 18 characters with a valid check digit)",
    "apply --id-expires": f"the ID's expiry date: {DATE} (none: valid long-term)",
    "apply --id-photo": "the ID carries a photo (needed for a household register)",
    "apply --relation": "the applicant's relation to the claim (default: read off the policy)",
    "apply --signed-by": "who signed the application form (must be the applicant; an agent never signs)",
    "apply --for": "whom a guardian or representative acts for (default: the insured, or the only death beneficiary)",
    "attach CLAIM": CLAIM,
    "attach DOC_TYPE": "the material received, one of: {document_types}",
    "attach --file": "the scanned material; its SHA-256 is recorded",
    "request CLAIM": CLAIM,
    "request DOC_TYPE": "the material asked for (a document type, as for attach)",
    "request --reason": REASON,
    "investigate CLAIM": CLAIM,
    "decide CLAIM": CLAIM,
    "decide OUTCOME": "approve (needs --amount), partial (needs --amount) or decline (needs --ground)",
    "decide --reason": f"{REASON}; every outcome needs one",
    "decide --amount": f"the benefit approved, for approve and partial: {AMOUNT}",
    "decide --ground": "the ground of a decline (required for decline)",
    "notify CLAIM": CLAIM,
    "pay CLAIM": CLAIM,
    "pay --amount": f"the amount paid now: {AMOUNT}",
    "pay --advance": "an advance payment during investigation, before any decision (Art. 25)",
    "pay --to": "the payee, by name, when the claim has more than one (`claims status` lists them)",
    "exclude CLAIM": CLAIM,
    "exclude NAME": "the named death beneficiary who has no right, as named on the policy",
    "exclude --because": "why: predeceased, same_event, waived, forfeited or relation_ended",
    "mark-complex CLAIM": CLAIM,
    "mark-complex --reason": REASON,
    "assign CLAIM": CLAIM,
    "assign --to": "the registered handler or senior who is to hold the claim",
    "appeal CLAIM": CLAIM,
    "appeal --reason": REASON,
    "close CLAIM": CLAIM,
    "withdraw CLAIM": CLAIM,
    "withdraw --reason": REASON,
    "consult CLAIM": CLAIM,
    "consult --note": "what was asked or said",
    "status CLAIM": CLAIM,
    "docs CLAIM": CLAIM,
    "list --state": "only claims in this state; repeat for several (closed and withdrawn claims are left out otherwise)",
    "list --overdue": "only claims with a deadline passed",
    "list --type": "only claims of this type",
    "list --mine": "handlers and seniors: the claims assigned to you; agents: those you reported or applied for",
    "list --assignee": "only the claims this handler or senior holds",
    "list --policy": "only the claims on this policy number",
    "list --applicant": "part of an applicant's or the insured's name",
    "list --limit": "at most this many rows (a whole number, 1 or more)",
    "list --offset": "skip this many rows first (a whole number, 0 or more), for the next page",
    "history CLAIM": f"{CLAIM}, or @admin for the admin chain",
    "diagram --format": "mermaid (a flowchart for Markdown) or dot (Graphviz)",
    "replay CLAIM": CLAIM,
    "replay --as-of": f"the claim as it stood then: {TIMESTAMP}, or a date {DATE} (its end)",
    "batch FILE": "a JSON Lines file of commands, or - for standard input",
    "batch --keep-going": "run every line, whatever fails (the exit code is still the first failure's)",
    "audit verify --claim": "only this claim (and the admin chain)",
    "audit verify --anchor": "an anchor file (from `audit anchor`): prove everything it covered is unchanged",
    "audit verify --jobs": "processes sharing the work, a whole number (default: one per processor, at most 3, from "
                           "50,000 events; one below)",
    "audit anchor --out": "write the anchor to this file (default: standard output)",
    "audit export --format": "jsonl (one canonical JSON event per line) or csv",
    "audit export --claim": "only this claim's chain (@admin: the admin chain)",
    "audit export --excel": "CSV for Excel: a UTF-8 byte-order mark first and CRLF line ends, so that Excel on Chinese "
                            "Windows reads the names as UTF-8 rather than GBK (only with --format csv)",
}

COMPLETION = {  # typer's own completion options, with the shell they may name
    "install_completion": ("--install-completion [bash|zsh|fish]", "install completion of commands, claim ids, document types "
                           "and users for this shell (default: the shell you are in)"),
    "show_completion": ("--show-completion [bash|zsh|fish]", "print the completion script for that shell, to install it "
                        "yourself (default: the shell you are in)"),
}

SECTIONS = {"arguments": "Arguments", "options": "Options", "global": "Global options (before or after the command)"}

GLOBAL = {
    "--db": "the database: a file path (SQLite), sqlite:///path or postgresql://user@host:port/db; env CLAIMS_DB; "
            "default claims.db in the current folder",
    "--as": "the acting user, a registered name; outside a training database only yourself; env CLAIMS_USER",
    "--json": "print exactly one JSON document on stdout (an error: one on stderr); keys in docs/cli.md",
    "--lang": "language of what a person reads: zh or en; env CLAIMS_LANG, else LC_ALL or LANG (zh*: zh); default en",
    "--no-pager": "never page a long screen (by default one longer than the terminal goes through $PAGER, else less, "
                  "when the output is a terminal)",
    "--version": "print the version and exit",
}


def about(command: str) -> dict:
    """`help` and `epilog` of a command for typer: what it does, then an example as typed."""
    summary, example = COMMANDS[command]
    return {"help": summary, "epilog": f"\b\n{EXAMPLE}\n  {example}"}


def param(key: str, **values) -> str:
    return PARAMS[key].format(**values) if values else PARAMS[key]
