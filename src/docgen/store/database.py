"""Store: the API's keys (as hashes only) and audit log on either engine; one transaction per unit of work."""

from __future__ import annotations

import hmac
import secrets

from docgen.config import Database, PostgresUrl
from docgen.errors import InputError, Problem
from docgen.store import schema
from docgen.store.engine import Dialect, Engine
from docgen.store.postgres import PostgresEngine
from docgen.store.records import KEY_PREFIX, ApiKey, AuditEntry, Scope, digest, now, scopes_of, scopes_text
from docgen.store.sqlite import SqliteEngine

_AUDIT_KEY_NAME = "audit-hmac"
# Compared against when a key id is unknown, so every lookup costs one constant-time compare.
_NO_KEY_DIGEST = digest("")
AUDIT_COLUMNS = (
    "at, request_id, key_name, action, kind, subject_hmac, output_sha256, bytes, duration_ms, status, instance"
)


#: Seconds a store call may take unless told otherwise: `docgen serve` derives its own from the
#: render timeout (ServerSettings.store_timeout, at most this).
CALL_TIMEOUT = 5.0
#: Seconds for the administrator's commands (`db upgrade`, `db copy`), which may count or copy
#: a long audit log in one statement.
ADMIN_TIMEOUT = 600.0


def open_engine(target: Database, timeout: float = CALL_TIMEOUT) -> Engine:
    """SQLite for a path (the embedded default), PostgreSQL for a postgresql:// URL; each call within `timeout` s."""
    return PostgresEngine(target, timeout) if isinstance(target, PostgresUrl) else SqliteEngine(target, timeout)


class Store:
    """Keys and audit rows. Refuses a database at another schema version (SchemaMismatch); an
    empty SQLite file is the one exception, created at the current version as on first start.

    `check=False` opens it without reaching the database (`docgen serve` starts while PostgreSQL
    is away): `check()` then reaches it and checks its schema, and should before each use until it succeeds.
    """

    def __init__(self, target: Database, timeout: float = CALL_TIMEOUT, *, check: bool = True) -> None:
        self.engine = open_engine(target, timeout)
        #: Whether the schema was found at this docgen's version.
        self.checked = False
        if check:
            try:
                self.engine.probe()
                self.check()
            except BaseException:
                self.engine.close()
                raise

    def check(self) -> None:
        """SchemaMismatch unless the database is at this docgen's schema version; StoreUnavailable if unreachable."""
        if self.checked:
            return
        found = schema.version(self.engine)
        if found == 0 and self.engine.dialect is Dialect.SQLITE:
            schema.upgrade(self.engine)
        else:
            schema.check(self.engine, found)
        self.checked = True

    @property
    def where(self) -> str:
        """The database as it may be shown: its path, or its URL without the password."""
        return self.engine.where

    def close(self) -> None:
        self.engine.close()

    def ping(self) -> None:
        """StoreUnavailable (or StoreError) unless the database answers now."""
        with self.engine.transaction(write=False) as db:
            db.rows("SELECT 1")

    # --- keys -------------------------------------------------------------------------

    def create_key(self, name: str, scopes: frozenset[Scope]) -> str:
        """Store a new key under `name` and return it: the only time it exists in clear."""
        if not scopes:
            raise InputError([Problem("scope", "key-scope", "a key needs at least one scope")])
        key_id = secrets.token_hex(8)
        key = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        with self.engine.transaction() as db:
            if db.rows("SELECT 1 FROM api_keys WHERE name = ?", (name,)):
                raise InputError(
                    [
                        Problem(
                            "name",
                            "key-name-unique",
                            f"a key named {name!r} exists (revoked names are kept for the audit log)",
                        )
                    ]
                )
            db.run(
                "INSERT INTO api_keys (name, key_id, key_sha256, scopes, created_at) VALUES (?, ?, ?, ?, ?)",
                (name, key_id, digest(key), scopes_text(scopes), now()),
            )
        return key

    def list_keys(self) -> list[ApiKey]:
        with self.engine.transaction(write=False) as db:
            rows = db.rows("SELECT name, scopes, created_at, revoked_at FROM api_keys ORDER BY name")
        return [ApiKey(name, scopes_of(scopes), created, revoked) for name, scopes, created, revoked in rows]

    def revoke_key(self, name: str) -> None:
        with self.engine.transaction() as db:
            rows = db.rows("SELECT revoked_at FROM api_keys WHERE name = ?", (name,))
            if not rows:
                raise InputError([Problem("name", "key-name-known", f"no key is named {name!r}")])
            if rows[0][0] is None:
                db.run("UPDATE api_keys SET revoked_at = ? WHERE name = ?", (now(), name))

    def authenticate(self, key: str) -> ApiKey | None:
        """The active key matching `key`, compared in constant time; None when there is none.

        Read from the database on every call, never cached: a key revoked through any instance
        or `docgen keys revoke` is refused by every instance from its next request.
        """
        parts = key.split("_", 2)  # the secret part may itself contain "_"
        key_id = parts[1] if len(parts) == 3 and parts[0] == KEY_PREFIX else ""
        with self.engine.transaction(write=False) as db:
            rows = db.rows(
                "SELECT name, key_sha256, scopes, created_at, revoked_at FROM api_keys WHERE key_id = ?", (key_id,)
            )
        row = rows[0] if rows else None
        stored = bytes(row[1]) if row else _NO_KEY_DIGEST
        matches = hmac.compare_digest(stored, digest(key))
        if row is None or not matches or row[4] is not None:
            return None
        return ApiKey(row[0], scopes_of(row[2]), row[3], row[4])

    # --- audit ------------------------------------------------------------------------

    def audit_secret(self) -> bytes:
        """The audit HMAC key kept in the database, made on first use; instances starting at once
        agree on it (the first insert wins, the others read it)."""
        with self.engine.transaction() as db:
            db.run(
                "INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                (_AUDIT_KEY_NAME, secrets.token_bytes(32)),
            )
            return bytes(db.rows("SELECT value FROM secrets WHERE name = ?", (_AUDIT_KEY_NAME,))[0][0])

    def record(self, entry: AuditEntry) -> None:
        with self.engine.transaction() as db:
            db.run(
                f"INSERT INTO audit_log ({AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608  (constant columns)
                _audit_values(entry),
            )

    def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        """The latest audit rows, newest first."""
        with self.engine.transaction(write=False) as db:
            rows = db.rows(f"SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))  # noqa: S608
        return [AuditEntry(*row) for row in rows]


def _audit_values(entry: AuditEntry) -> tuple[object, ...]:
    return (
        entry.at,
        entry.request_id,
        entry.key_name,
        entry.action,
        entry.kind,
        entry.subject_hmac,
        entry.output_sha256,
        entry.bytes,
        entry.duration_ms,
        entry.status,
        entry.instance,
    )
