"""The store's tests on both engines: a database at the current schema per engine, SQL helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from docgen.config import Database, PostgresUrl
from docgen.store import AuditEntry, Scope, Store, subject_hmac
from docgen.store.database import open_engine
from docgen.store.schema import upgrade

RENDER = frozenset({Scope.DOCUMENTS_RENDER})
ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def empty_database(engine_name: str, tmp_path: Path, request: pytest.FixtureRequest) -> Database:
    """A new, empty database on each engine; PostgreSQL's cluster is started only for its half."""
    if engine_name == "sqlite":
        return tmp_path / "docgen.db"
    url: PostgresUrl = request.getfixturevalue("postgres").database()
    return url


@pytest.fixture
def database(empty_database: Database) -> Database:
    """A database at the current schema on each engine (a fresh one per test)."""
    engine = open_engine(empty_database)
    upgrade(engine)
    engine.close()
    return empty_database


@pytest.fixture
def store(database: Database) -> Iterator[Store]:
    opened = Store(database)
    yield opened
    opened.close()


def table(database: Database, name: str) -> list[tuple[Any, ...]]:
    engine = open_engine(database)
    try:
        with engine.transaction(write=False) as db:
            return db.rows(f"SELECT * FROM {name}")  # noqa: S608
    finally:
        engine.close()


def run_sql(database: Database, *statements: str) -> None:
    engine = open_engine(database)
    try:
        with engine.transaction() as db:
            for statement in statements:
                db.run(statement)
    finally:
        engine.close()


def audit_entry(request_id: str = "abc", instance: str | None = "host-a:8000") -> AuditEntry:
    return AuditEntry(
        "2026-01-01T00:00:00.000+00:00",
        request_id,
        "portal",
        "render",
        "summary",
        subject_hmac(b"k" * 32, "779901618322"),
        "00" * 32,
        1234,
        12.5,
        200,
        instance,
    )
