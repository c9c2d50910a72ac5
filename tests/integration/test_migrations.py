"""Schema migrations (Alembic) on both back ends: `claims init` creates the schema at HEAD, `claims db upgrade` brings an
older database up, and a command on a database at another revision says so (exit 2, naming `claims db upgrade`).

The old database is real: tests/data/release-0.1-walkthrough.json holds the schema and every row of the database that
release 0.1 (commit 4c34f25) made running its own walk-through — four claims through report, apply, investigate,
decisions, payments, an appeal and refusals, 63 events, with that release's hashes. On SQLite it is restored exactly
(that release's own DDL); on PostgreSQL (which release 0.1 did not know) it is loaded into a database made by migrating
an empty one to revision 0001. Then the CLI upgrades it, and `audit verify` must find it clean.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from backends import SQLITE, discard, new_database

from claims.schema import HEAD
from tests.conftest import Result

DATA = Path(__file__).resolve().parents[1] / "data" / "release-0.1-walkthrough.json"
RELEASE = json.loads(DATA.read_text(encoding="utf-8"))
NOW = "2026-08-01T09:00:00+08:00"  # after the walk-through's last event


def run(database, *args: str, as_: str = "admin", now: str | None = NOW) -> Result:
    from tests.cli.cli_support import run_main

    return run_main(["--db", database.target, "--as", as_, "--json", *args], {"CLAIMS_NOW": now, "CLAIMS_DB": None, "CLAIMS_USER": None})


@pytest.fixture
def release_db(backend, tmp_path):
    """The release-0.1 walk-through database, on this back end."""
    database = new_database(backend, tmp_path)
    with database.raw() as con:
        if backend == SQLITE:
            for statement in RELEASE["schema"]:
                con.execute(statement)
        else:
            _migrate_to(database, "0001")
        for table, content in RELEASE["tables"].items():
            columns = content["columns"]
            marks = ", ".join("?" * len(columns))
            for row in content["rows"]:
                con.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", row)
        if backend != SQLITE:  # rows inserted with their ids leave the serial behind
            con.execute("SELECT setval(pg_get_serial_sequence('audit_event', 'id'), (SELECT max(id) FROM audit_event))")
    yield database
    discard(database)


def _migrate_to(database, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from claims.storage import open_store

    engine = open_store(database.target, create=True).engine()
    try:
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", "claims:migrations")
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def test_head_is_the_newest_migration():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "claims:migrations")
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_a_command_on_the_release_database_says_to_upgrade_and_changes_nothing(release_db):
    before = release_db.rows("SELECT count(*) FROM audit_event")
    for argv, who in ((["status", "CLM-000001"], "li"), (["list"], "li"), (["consult", "CLM-000001", "--note", "n"], "li"),
                      (["audit", "verify"], "qian")):
        result = run(release_db, *argv, as_=who)
        assert result.code == 2 and "claims db upgrade" in result.error["message"], result.err
    assert release_db.rows("SELECT count(*) FROM audit_event") == before


def test_the_release_database_upgrades_and_verifies_clean(release_db):
    upgraded = run(release_db, "db", "upgrade")
    assert upgraded.code == 0, upgraded.err
    assert upgraded.json == {"from": "0001" if release_db.kind != SQLITE else None, "to": HEAD, "upgraded": True}
    verified = run(release_db, "audit", "verify", as_="qian")
    assert verified.code == 0 and verified.json["ok"], verified.out[-800:]
    assert verified.json["claims"] == 4 and verified.json["events"] == 63 + 1  # the walk-through's, and the upgrade's own
    last = run(release_db, "history", "@admin", as_="qian").json[-1]
    assert (last["event"], last["actor"], last["payload"]["to"]) == ("schema_upgrade", "admin", HEAD)
    assert {p["policy"] for p in last["payload"]["policies"]} == {"P-2018-0004", "P-2021-0005", "P-2022-0002", "P-2023-0001",
                                                                  "P-2024-0003"}
    assert run(release_db, "db", "upgrade").json == {"from": HEAD, "to": HEAD, "upgraded": False}


def test_an_upgraded_database_takes_new_work_and_still_verifies(release_db):
    assert run(release_db, "db", "upgrade").code == 0
    claim = run(release_db, "report", "P-2022-0002", "--type", "medical", "--event-date", "2026-07-28", as_="li").json["claim"]
    assert claim == "CLM-000005"
    for doc in ("claim_form", "applicant_id", "bank_account", "admission_discharge_records", "diagnosis_certificate",
                "original_invoices", "itemized_bill"):
        assert run(release_db, "attach", claim, doc, as_="li").code == 0
    assert run(release_db, "apply", claim, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013",
               as_="li").code == 0
    assert run(release_db, "investigate", claim, as_="wang").code == 0
    decided = run(release_db, "decide", claim, "approve", "--amount", "1000", "--reason", "ward fees", as_="wang")
    assert decided.code == 0, decided.err
    assert run(release_db, "replay", "CLM-000001", as_="qian").json["consistent"] is True  # an old claim, judged as it was
    verified = run(release_db, "audit", "verify", as_="qian")
    assert verified.code == 0 and verified.json["ok"], verified.out[-800:]


def test_only_an_admin_upgrades_and_a_refused_upgrade_changes_nothing(release_db):
    refused = run(release_db, "db", "upgrade", as_="li")
    assert refused.code == 6 and "may not run `db`" in refused.error["message"]
    assert run(release_db, "status", "CLM-000001", as_="li").code == 2  # still the old schema


def test_a_failing_upgrade_leaves_the_database_as_it_was(release_db):
    with release_db.raw() as con:  # something in the way of revision 0002: it cannot create its table
        con.execute("CREATE TABLE policy_version (number VARCHAR)")
    before = _tables(release_db)
    failed = run(release_db, "db", "upgrade")
    assert failed.code != 0 and "Traceback" not in failed.err
    assert _tables(release_db) == before
    assert run(release_db, "status", "CLM-000001", as_="li").code == 2


def test_a_database_newer_than_the_program_is_refused(tmp_path, backend):
    database = new_database(backend, tmp_path)
    try:
        assert run(database, "init", "--training").code == 0
        with database.raw() as con:
            con.execute("UPDATE alembic_version SET version_num = '9999'")
        result = run(database, "list", as_="admin")
        assert result.code == 2 and "newer than this program's" in result.error["message"]
    finally:
        discard(database)


def test_init_and_the_migrations_make_the_same_schema(tmp_path, backend):
    """The schema `claims init` creates from claims.tables equals what the migrations build from nothing."""
    made, migrated = new_database(backend, tmp_path, "made.db"), new_database(backend, tmp_path, "migrated.db")
    try:
        assert run(made, "init", "--training").code == 0
        _migrate_to(migrated, "head")
        assert _schema(migrated) == _schema(made)
    finally:
        discard(made)
        discard(migrated)


def test_revision_0001_is_release_0_1s_schema(tmp_path):
    """On SQLite, the migration to 0001 builds exactly what release 0.1 created."""
    from backends import SQLiteDatabase

    release, migrated = SQLiteDatabase(tmp_path / "release.db"), SQLiteDatabase(tmp_path / "migrated.db")
    with release.raw() as con:
        for statement in RELEASE["schema"]:
            con.execute(statement)
    _migrate_to(migrated, "0001")
    assert _schema(migrated, revision_table=False) == _schema(release, revision_table=False)


def _tables(database) -> list:
    return sorted(_schema(database))


def _schema(database, revision_table: bool = True) -> dict:
    """Tables with their columns (name, type, nullable), keys, unique constraints, indexes, foreign keys; and triggers."""
    from sqlalchemy import create_engine, inspect

    url = f"sqlite:///{database.target}" if database.kind == SQLITE else database.target.replace("postgresql://", "postgresql+psycopg://")
    engine = create_engine(url)
    try:
        seen = inspect(engine)
        tables = {}
        for table in seen.get_table_names():
            if table == "alembic_version" and not revision_table:
                continue
            tables[table] = {
                "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in seen.get_columns(table)],
                "key": seen.get_pk_constraint(table)["constrained_columns"],
                "unique": sorted(tuple(u["column_names"]) for u in seen.get_unique_constraints(table)),
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in seen.get_indexes(table)),
                "foreign": sorted((tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                                  for f in seen.get_foreign_keys(table)),
            }
        with engine.connect() as connection:
            sql = ("SELECT name FROM sqlite_master WHERE type = 'trigger'" if database.kind == SQLITE
                   else "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND strpos(tgname, '_no_') > 0")
            tables["@triggers"] = sorted(name for (name,) in connection.exec_driver_sql(sql))
        return tables
    finally:
        engine.dispose()
