"""The schema's version on both engines: a newer or older database refused, `docgen db upgrade`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench.services import PASSWORD, Postgres, free_port
from docgen.cli import main
from docgen.config import Database
from docgen.errors import SchemaMismatch, StoreError
from docgen.store import SCHEMA_VERSION, Store
from docgen.store.database import open_engine
from docgen.store.engine import Dialect
from docgen.store.schema import STEPS, version
from tests.store.conftest import run_sql


def test_a_newer_schema_is_refused(database: Database) -> None:
    run_sql(database, f"UPDATE schema_version SET version = {SCHEMA_VERSION + 1}")  # noqa: S608
    with pytest.raises(SchemaMismatch, match=r"newer than this docgen.*\[schema-version\]"):
        Store(database)


@pytest.fixture
def version_1(engine_name: str, empty_database: Database) -> Database:
    """A database as docgen 0.x left it: schema version 1, a key, an audit row."""
    target = empty_database
    dialect = Dialect(engine_name)
    statements = [
        *STEPS[dialect][0],
        "INSERT INTO api_keys VALUES ('old', '0123456789abcdef', 'x', 'documents:render', '2025-01-01', NULL)",
        "INSERT INTO audit_log (at, request_id, key_name, action, kind, duration_ms, status)"
        " VALUES ('2025-01-01', 'r1', 'old', 'render', 'summary', 1.0, 200)",
    ]
    if dialect is Dialect.SQLITE:
        with sqlite3.connect(target) as db:  # type: ignore[arg-type]
            for statement in statements:
                db.execute(statement)
            db.execute("PRAGMA user_version = 1")
    else:
        run_sql(target, *statements)
    return target


def test_an_older_schema_is_refused_until_upgraded(version_1: Database, capsys: pytest.CaptureFixture[str]) -> None:
    old = version_1
    shown = str(old)
    with pytest.raises(SchemaMismatch, match=r"has schema version 1.*docgen db upgrade"):
        Store(old)
    target = str(old) if isinstance(old, Path) else old.url
    assert main(["db", "upgrade", "--db", target]) == 0
    assert capsys.readouterr().out == f"{shown}: schema version 1 -> {SCHEMA_VERSION}\n"
    store = Store(old)
    assert [key.name for key in store.list_keys()] == ["old"]
    [row] = store.audit_log()
    assert row.request_id == "r1" and row.instance is None
    store.close()


def test_db_upgrade_on_an_empty_then_a_current_database(
    empty_database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    target = empty_database
    argument = str(target) if isinstance(target, Path) else target.url
    assert main(["db", "upgrade", "--db", argument]) == 0
    assert main(["db", "upgrade", "--db", argument]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{target}: schema version 0 -> {SCHEMA_VERSION}",
        f"{target}: schema version {SCHEMA_VERSION}, current; nothing to do",
    ]
    engine_ = open_engine(target)
    assert version(engine_) == SCHEMA_VERSION
    engine_.close()
    assert main(["keys", "create", "portal", "--scope", "documents:render", "--db", argument]) == 0


def test_an_empty_postgresql_database_is_refused_with_exit_2(
    postgres: Postgres, capsys: pytest.CaptureFixture[str]
) -> None:
    # Many instances share it: none creates the schema on its own, `docgen db upgrade` does.
    url = postgres.database()
    assert main(["serve", "--db", url.url, "--port", str(free_port())]) == 2
    assert main(["keys", "list", "--db", url.url]) == 2
    err = capsys.readouterr().err
    assert "the database is empty; this docgen uses version 2: run `docgen db upgrade --db DATABASE`" in err
    assert "Traceback" not in err and PASSWORD not in err and "docgen:[redacted]@127.0.0.1" in err


def test_an_emptied_version_table_is_a_schema_mismatch(database: Database) -> None:
    run_sql(database, "DELETE FROM schema_version")
    with pytest.raises(SchemaMismatch, match=r"schema_version table is empty.*\[schema-version\]") as refused:
        Store(database)
    assert isinstance(refused.value, StoreError)  # the store's family; the CLI exits 2 for it
