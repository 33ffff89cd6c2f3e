"""The SQLite store: keys kept only as hashes, constant-time lookups, revocation, audit rows, schema."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from docgen.errors import InputError, StoreError
from docgen.store import SCHEMA_VERSION, AuditEntry, Scope, Store, subject_hmac

RENDER = frozenset({Scope.DOCUMENTS_RENDER})


def test_a_new_key_is_stored_only_as_its_hash(tmp_path: Path) -> None:
    store = Store(tmp_path / "docgen.db")
    key = store.create_key("portal", RENDER)
    store.close()
    assert key.startswith("dgk_") and len(key) > 50
    with sqlite3.connect(tmp_path / "docgen.db") as db:
        rows = db.execute("SELECT * FROM api_keys").fetchall()
    assert len(rows) == 1
    assert hashlib.sha256(key.encode()).digest() in rows[0]
    assert not any(isinstance(value, str) and key.split("_", 2)[2][:20] in value for value in rows[0])
    assert all(key.encode() not in path.read_bytes() for path in tmp_path.iterdir())


def test_authenticate_finds_the_key_and_its_scopes(tmp_path: Path) -> None:
    store = Store(tmp_path / "docgen.db")
    key = store.create_key("portal", frozenset(Scope))
    found = store.authenticate(key)
    assert found is not None and found.name == "portal" and found.scopes == frozenset(Scope)
    assert store.authenticate(key[:-1] + ("x" if key[-1] != "x" else "y")) is None
    assert store.authenticate("dgk_" + "0" * 16 + "_" + key.split("_", 2)[2]) is None
    assert store.authenticate("") is None and store.authenticate("dgk__") is None


def test_a_revoked_key_no_longer_authenticates(tmp_path: Path) -> None:
    store = Store(tmp_path / "docgen.db")
    key = store.create_key("portal", RENDER)
    store.revoke_key("portal")
    store.revoke_key("portal")  # again: no change, no error
    assert store.authenticate(key) is None
    [listed] = store.list_keys()
    assert not listed.active and listed.revoked_at is not None


def test_names_are_unique_and_revoking_needs_a_real_name(tmp_path: Path) -> None:
    store = Store(tmp_path / "docgen.db")
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


def test_audit_rows_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path / "docgen.db")
    entry = AuditEntry(
        "2026-01-01T00:00:00.000+00:00",
        "abc",
        "portal",
        "render",
        "summary",
        subject_hmac(b"k" * 32, "779901618322"),
        "00" * 32,
        1234,
        12.5,
        200,
    )
    store.record(entry)
    assert store.audit_log() == [entry]


def test_the_audit_key_is_made_once_and_keys_the_hash(tmp_path: Path) -> None:
    store = Store(tmp_path / "docgen.db")
    secret = store.audit_secret()
    assert len(secret) == 32 and Store(tmp_path / "docgen.db").audit_secret() == secret
    assert subject_hmac(secret, "779901618322") != subject_hmac(b"other" * 8, "779901618322")
    assert "779901618322" not in subject_hmac(secret, "779901618322")


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "docgen.db") as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer than this docgen"):
        Store(tmp_path / "docgen.db")


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "docgen.db").write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="docgen.db"):
        Store(tmp_path / "docgen.db")


def test_a_failed_unit_of_work_leaves_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "docgen.db")
    store.create_key("portal", RENDER)
    with pytest.raises(InputError):
        store.create_key("portal", RENDER)
    # The refused create rolled back: the database is usable and unchanged.
    store.create_key("second", RENDER)
    assert [key.name for key in store.list_keys()] == ["portal", "second"]
