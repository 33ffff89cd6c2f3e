"""Store on both engines: keys kept only as hashes, constant-time lookups, revocation, audit rows."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from docgen.config import Database
from docgen.errors import InputError, StoreError
from docgen.store import Scope, Store, subject_hmac
from tests.store.conftest import RENDER, audit_entry, table


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


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "docgen.db").write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="docgen.db"):
        Store(tmp_path / "docgen.db")
