"""The store on both engines, the same tests each: keys kept only as hashes, constant-time lookups,
revocation, audit rows, the schema's version and upgrade, the copy from SQLite to PostgreSQL."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from docgen.cli import main
from docgen.config import Database, PostgresUrl
from docgen.errors import InputError, SchemaMismatch, StoreError, StoreUnavailable
from docgen.store import SCHEMA_VERSION, AuditEntry, Scope, Store, subject_hmac
from docgen.store.database import open_engine
from docgen.store.engine import Dialect
from docgen.store.schema import STEPS, upgrade, version
from tests.api.services import PASSWORD, Postgres, free_port

RENDER = frozenset({Scope.DOCUMENTS_RENDER})
ENGINES = ["sqlite", "postgresql"]


def empty_database(engine: str, tmp_path: Path, postgres: Postgres) -> Database:
    return tmp_path / "docgen.db" if engine == "sqlite" else postgres.database()


@pytest.fixture(params=ENGINES)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    """A database at the current schema on each engine (a fresh one per test)."""
    if request.param == "sqlite":
        Store(tmp_path / "docgen.db").close()  # an empty file is created at the current version
        return tmp_path / "docgen.db"
    url: PostgresUrl = request.getfixturevalue("postgres").database()
    engine = open_engine(url)
    upgrade(engine)
    engine.close()
    return url


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


def test_a_new_key_is_stored_only_as_its_hash(store: Store, database: Database) -> None:
    key = store.create_key("portal", RENDER)
    assert key.startswith("dgk_") and len(key) > 50
    rows = table(database, "api_keys")
    assert len(rows) == 1
    assert hashlib.sha256(key.encode()).digest() in [bytes(v) for v in rows[0] if isinstance(v, bytes | memoryview)]
    assert not any(isinstance(value, str) and key.split("_", 2)[2][:20] in value for value in rows[0])
    if isinstance(database, Path):
        assert all(key.encode() not in path.read_bytes() for path in database.parent.iterdir())


def test_authenticate_finds_the_key_and_its_scopes(store: Store) -> None:
    key = store.create_key("portal", frozenset(Scope))
    found = store.authenticate(key)
    assert found is not None and found.name == "portal" and found.scopes == frozenset(Scope)
    assert store.authenticate(key[:-1] + ("x" if key[-1] != "x" else "y")) is None
    assert store.authenticate("dgk_" + "0" * 16 + "_" + key.split("_", 2)[2]) is None
    assert store.authenticate("") is None and store.authenticate("dgk__") is None


def test_a_revoked_key_no_longer_authenticates(store: Store) -> None:
    key = store.create_key("portal", RENDER)
    store.revoke_key("portal")
    store.revoke_key("portal")  # again: no change, no error
    assert store.authenticate(key) is None
    [listed] = store.list_keys()
    assert not listed.active and listed.revoked_at is not None


def test_a_key_revoked_through_another_connection_is_refused_at_once(store: Store, database: Database) -> None:
    # Two instances are two Store objects on one database: no cache keeps a revoked key alive.
    key = store.create_key("portal", RENDER)
    assert store.authenticate(key) is not None
    other = Store(database)
    other.revoke_key("portal")
    other.close()
    assert store.authenticate(key) is None


def test_names_are_unique_and_revoking_needs_a_real_name(store: Store) -> None:
    store.create_key("portal", RENDER)
    # A wrong name or scope is the caller's mistake (a usage error, exit 2), not a store failure.
    with pytest.raises(InputError) as taken:
        store.create_key("portal", RENDER)
    with pytest.raises(InputError) as unknown:
        store.revoke_key("nobody")
    with pytest.raises(InputError) as scopeless:
        store.create_key("empty", frozenset())
    assert [str(p) for error in (taken, unknown, scopeless) for p in error.value.problems] == [
        "name: a key named 'portal' exists (revoked names are kept for the audit log) [key-name-unique]",
        "name: no key is named 'nobody' [key-name-known]",
        "scope: a key needs at least one scope [key-scope]",
    ]
    assert [key.name for key in store.list_keys()] == ["portal"]


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


def test_audit_rows_round_trip_with_their_instance(store: Store) -> None:
    store.record(audit_entry("first", "host-a:8000"))
    store.record(audit_entry("second", "host-b:8000"))
    assert store.audit_log() == [audit_entry("second", "host-b:8000"), audit_entry("first", "host-a:8000")]


def test_the_audit_key_is_made_once_and_shared(store: Store, database: Database) -> None:
    secret = store.audit_secret()
    other = Store(database)
    assert len(secret) == 32 and other.audit_secret() == secret  # a second instance hashes alike
    other.close()
    assert subject_hmac(secret, "779901618322") != subject_hmac(b"other" * 8, "779901618322")
    assert "779901618322" not in subject_hmac(secret, "779901618322")


def test_a_failed_unit_of_work_leaves_nothing(store: Store) -> None:
    store.create_key("portal", RENDER)
    with pytest.raises(InputError):
        store.create_key("portal", RENDER)
    # The refused create rolled back: the database is usable and unchanged.
    store.create_key("second", RENDER)
    assert [key.name for key in store.list_keys()] == ["portal", "second"]


# --- the schema's version ---------------------------------------------------------------


def test_a_newer_schema_is_refused(database: Database) -> None:
    run_sql(database, f"UPDATE schema_version SET version = {SCHEMA_VERSION + 1}")  # noqa: S608
    with pytest.raises(SchemaMismatch, match=r"newer than this docgen.*\[schema-version\]"):
        Store(database)


def version_1(engine: str, tmp_path: Path, postgres: Postgres) -> Database:
    """A database as docgen 0.x left it: schema version 1, a key, an audit row."""
    target = empty_database(engine, tmp_path, postgres)
    dialect = Dialect(engine)
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


@pytest.mark.parametrize("engine", ENGINES)
def test_an_older_schema_is_refused_until_upgraded(
    engine: str, tmp_path: Path, postgres: Postgres, capsys: pytest.CaptureFixture[str]
) -> None:
    old = version_1(engine, tmp_path, postgres)
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


@pytest.mark.parametrize("engine", ENGINES)
def test_db_upgrade_on_an_empty_then_a_current_database(
    engine: str, tmp_path: Path, postgres: Postgres, capsys: pytest.CaptureFixture[str]
) -> None:
    target = empty_database(engine, tmp_path, postgres)
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


# --- the password, and an unreachable server ----------------------------------------------


def test_the_password_is_in_no_output_or_error(postgres: Postgres, capsys: pytest.CaptureFixture[str]) -> None:
    url = postgres.database()
    assert main(["db", "upgrade", "--db", url.url]) == 0
    assert main(["keys", "create", "portal", "--scope", "documents:render", "--db", url.url]) == 0
    assert main(["keys", "list", "--db", url.url]) == 0
    wrong = url.url.replace(PASSWORD, PASSWORD + "-wrong")
    assert main(["keys", "list", "--db", wrong]) == 1
    out, err = capsys.readouterr()
    assert "portal" in out and "password authentication failed" in err
    assert PASSWORD not in out + err and "[redacted]" in out + err
    assert repr(url) == str(url).join(("PostgresUrl('", "')")) and PASSWORD not in repr(url)


def test_an_unreachable_server_is_store_unavailable_quickly(postgres: Postgres) -> None:
    url = PostgresUrl(f"postgresql://docgen:{PASSWORD}@127.0.0.1:{free_port()}/docgen")
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as raised:
        Store(url)
    assert time.monotonic() - started < 5
    assert isinstance(raised.value, StoreError) and PASSWORD not in str(raised.value)


# --- docgen db copy -------------------------------------------------------------------------


def test_db_copy_moves_keys_audit_key_and_rows(
    tmp_path: Path, postgres: Postgres, capsys: pytest.CaptureFixture[str]
) -> None:
    source = Store(tmp_path / "docgen.db")
    key = source.create_key("portal", RENDER)
    source.create_key("old", RENDER)
    source.revoke_key("old")
    secret = source.audit_secret()
    for number in range(7):
        source.record(audit_entry(f"r{number}", None))
    source.close()
    url = postgres.database()
    assert main(["db", "upgrade", "--db", url.url]) == 0
    assert main(["db", "copy", "--from", str(tmp_path / "docgen.db"), "--to", url.url]) == 0
    out = capsys.readouterr().out
    assert out.endswith("2 keys, 1 secrets, 7 audit rows (counts checked)\n") and PASSWORD not in out
    target = Store(url)
    found = target.authenticate(key)
    assert found is not None and found.name == "portal"
    assert [k.active for k in target.list_keys()] == [False, True]
    assert target.audit_secret() == secret
    assert [row.request_id for row in target.audit_log()] == [f"r{n}" for n in reversed(range(7))]
    target.close()
    # Again into the same database: refused, nothing doubled.
    assert main(["db", "copy", "--from", str(tmp_path / "docgen.db"), "--to", url.url]) == 2
    assert "already holds 2 api_keys, 1 secrets, 7 audit_log [copy-target-empty]" in capsys.readouterr().err
    assert main(["db", "copy", "--from", str(tmp_path / "nothing.db"), "--to", url.url]) == 2
    assert not (tmp_path / "nothing.db").exists()


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "docgen.db").write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="docgen.db"):
        Store(tmp_path / "docgen.db")


def test_a_frozen_server_fails_each_call_by_its_deadline_then_serves_again(postgres: Postgres) -> None:
    # SIGSTOP: the server's kernel still acknowledges every packet, so no TCP time-out fires and
    # the server's own statement_timeout never runs; only the store's deadline ends the call.
    url = postgres.database()
    run_sql_upgraded = open_engine(url)
    upgrade(run_sql_upgraded)
    run_sql_upgraded.close()
    store = Store(url, timeout=1.0)
    key = store.create_key("portal", RENDER)
    try:
        with postgres.frozen():
            for _ in range(3):  # the first waits out its deadline; the next fail at once
                started = time.monotonic()
                with pytest.raises(StoreUnavailable):
                    store.authenticate(key)
                assert time.monotonic() - started < 1.5
                time.sleep(0.6)  # past the pause after a failure: each call reaches the server again
        thawed = time.monotonic()
        while True:
            try:
                assert store.authenticate(key) is not None
                break
            except StoreUnavailable:
                assert time.monotonic() - thawed < 5, "not back within 5 s of SIGCONT"
                time.sleep(0.1)
    finally:
        store.close()
