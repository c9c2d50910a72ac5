"""The schema at its newest revision, as the statements that create it on each back end.

The tables are declared once, as SQLModel classes (``claims.tables``); SQLAlchemy compiles their DDL for the dialect,
and the back end runs it inside the transaction that initialises the database, so a database is created whole or not
at all. The append-only triggers differ per dialect. The revision is kept as Alembic keeps it (table
``alembic_version``): ``claims db upgrade`` runs the migrations in ``claims/migrations`` to bring an older database to
``HEAD``, and every command refuses a database at another revision (exit 2), naming that command.

Importing this module costs nothing; SQLAlchemy is imported only by the functions that compile DDL (init, setup,
upgrade, copy).
"""

from __future__ import annotations

HEAD = "0003"  # the newest revision in claims/migrations/versions (tests/integration/test_migrations.py checks it)
VERSION_TABLE = ("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                 "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))")  # exactly as Alembic creates it
APPEND_ONLY_TABLES = ("audit_event", "policy_version")

SQLITE_TRIGGERS = tuple(
    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
    for table in APPEND_ONLY_TABLES for verb in ("UPDATE", "DELETE"))

POSTGRES_TRIGGERS = (
    """CREATE OR REPLACE FUNCTION claims_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$""",
    *(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} FOR EACH ROW EXECUTE FUNCTION claims_append_only()"
      for table in APPEND_ONLY_TABLES for verb in ("UPDATE", "DELETE")),
    *(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION claims_append_only()"
      for table in APPEND_ONLY_TABLES),
)


def trigger_names(dialect: str) -> tuple[str, ...]:
    verbs = ("update", "delete") if dialect == "sqlite" else ("update", "delete", "truncate")
    return tuple(f"{table}_no_{verb}" for table in APPEND_ONLY_TABLES for verb in verbs)


def table_statements(dialect: str) -> list[str]:
    """CREATE TABLE and CREATE INDEX for every table of ``claims.tables``, compiled for `dialect` ("sqlite", "postgresql")."""
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    from claims.tables import SQLModel

    compiler = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}[dialect]
    statements = []
    for table in SQLModel.metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=compiler)).strip())
        statements += [str(CreateIndex(index).compile(dialect=compiler)).strip() for index in sorted(table.indexes, key=_name)]
    return statements


def head_statements(dialect: str) -> list[str]:
    """Everything that makes an empty database a claims database at HEAD (the roles of a server aside)."""
    triggers = SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRES_TRIGGERS
    return [*table_statements(dialect), *triggers, VERSION_TABLE, f"INSERT INTO alembic_version (version_num) VALUES ('{HEAD}')"]


def _name(index) -> str:
    return index.name or ""


LEGACY_TABLES = frozenset({"meta", "settings_version", "app_user", "policy", "claim", "audit_event"})  # release 0.1, no revision


def migrate(connection) -> str | None:
    """Bring the database on `connection` (SQLAlchemy, inside a transaction) to HEAD; return the revision it was at (None: a
    release-0.1 database, which carries none and is recognised by its tables)."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import inspect

    from claims.errors import IntegrityFailure
    from claims.i18n import _

    config = Config()
    config.set_main_option("script_location", "claims:migrations")
    config.attributes["connection"] = connection
    before = MigrationContext.configure(connection).get_current_revision()
    if before is None:
        tables = set(inspect(connection).get_table_names())
        if not LEGACY_TABLES <= tables:
            raise IntegrityFailure(_("this is not a claims database: it has neither a schema revision nor the tables of release 0.1"))
        command.stamp(config, "0001")
    if before != HEAD:
        command.upgrade(config, "head")
    return before
