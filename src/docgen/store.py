"""SQLite store of the API's keys (as hashes only) and its audit log; one transaction per unit of work."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

from docgen.errors import InputError, Problem, StoreError

SCHEMA_VERSION = 1

# The whole schema, in one place. Keys keep a public id (to find the row) and the SHA-256 of
# the full key (to check it); the key itself is shown once by `docgen keys create` and never
# stored. Audit rows name no person: the participant ID only as a keyed hash (HMAC-SHA256).
SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    name        TEXT PRIMARY KEY,
    key_id      TEXT NOT NULL UNIQUE,
    key_sha256  BLOB NOT NULL,
    scopes      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE TABLE IF NOT EXISTS audit_log (
    id              INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    request_id      TEXT NOT NULL,
    key_name        TEXT NOT NULL,
    action          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    subject_hmac    TEXT,
    output_sha256   TEXT,
    bytes           INTEGER,
    duration_ms     REAL NOT NULL,
    status          INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS secrets (
    name   TEXT PRIMARY KEY,
    value  BLOB NOT NULL
);
"""

KEY_PREFIX = "dgk"
_AUDIT_KEY_NAME = "audit-hmac"


class Scope(str, Enum):
    """What a key may do."""

    DOCUMENTS_RENDER = "documents:render"
    METRICS_READ = "metrics:read"


@dataclass(frozen=True)
class ApiKey:
    """A key as listed: never the key itself nor its hash."""

    name: str
    scopes: frozenset[Scope]
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class AuditEntry:
    """One audited API request: no name, SSN or birth date, the participant only as a keyed hash."""

    at: str
    request_id: str
    key_name: str
    action: str
    kind: str
    subject_hmac: str | None
    output_sha256: str | None
    bytes: int | None
    duration_ms: float
    status: int


def now() -> str:
    """UTC time, ISO 8601 to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _digest(key: str) -> bytes:
    # Keys carry 256 random bits, so a fast hash suffices (no password stretching needed).
    return hashlib.sha256(key.encode("utf-8")).digest()


# Compared against when a key id is unknown, so every lookup costs one constant-time compare.
_NO_KEY_DIGEST = _digest("")


class Store:
    """The server's SQLite file: created with its schema on first open."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit mode: transactions are opened explicitly, one per unit of work.
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA busy_timeout = 5000")
            self._db.execute("PRAGMA journal_mode = WAL")
            # WAL + NORMAL: a commit survives a process crash without an fsync per request.
            self._db.execute("PRAGMA synchronous = NORMAL")
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"{path}: cannot open the database: {exc}") from exc
        with self._transaction() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(f"{path}: schema version {version} is newer than this docgen's ({SCHEMA_VERSION})")
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _transaction(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        """BEGIN ... COMMIT, or ROLLBACK on any error; sqlite errors become StoreError.

        A writing unit takes the write lock at once (IMMEDIATE), so it never fails halfway on
        a lock; a reading one does not, so requests' key lookups never wait on each other.
        """
        try:
            self._db.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    def close(self) -> None:
        self._db.close()

    # --- keys -------------------------------------------------------------------------

    def create_key(self, name: str, scopes: frozenset[Scope]) -> str:
        """Store a new key under `name` and return it: the only time it exists in clear."""
        if not scopes:
            raise InputError([Problem("scope", "key-scope", "a key needs at least one scope")])
        key_id = secrets.token_hex(8)
        key = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        with self._transaction() as db:
            taken = db.execute("SELECT 1 FROM api_keys WHERE name = ?", (name,)).fetchone()
            if taken:
                raise InputError(
                    [
                        Problem(
                            "name",
                            "key-name-unique",
                            f"a key named {name!r} exists (revoked names are kept for the audit log)",
                        )
                    ]
                )
            db.execute(
                "INSERT INTO api_keys (name, key_id, key_sha256, scopes, created_at) VALUES (?, ?, ?, ?, ?)",
                (name, key_id, _digest(key), " ".join(sorted(s.value for s in scopes)), now()),
            )
        return key

    def list_keys(self) -> list[ApiKey]:
        with self._transaction(write=False) as db:
            rows = db.execute("SELECT name, scopes, created_at, revoked_at FROM api_keys ORDER BY name").fetchall()
        return [ApiKey(name, _scopes(scopes), created, revoked) for name, scopes, created, revoked in rows]

    def revoke_key(self, name: str) -> None:
        with self._transaction() as db:
            row = db.execute("SELECT revoked_at FROM api_keys WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise InputError([Problem("name", "key-name-known", f"no key is named {name!r}")])
            if row[0] is None:
                db.execute("UPDATE api_keys SET revoked_at = ? WHERE name = ?", (now(), name))

    def authenticate(self, key: str) -> ApiKey | None:
        """The active key matching `key`, compared in constant time; None when there is none."""
        parts = key.split("_", 2)  # the secret part may itself contain "_"
        key_id = parts[1] if len(parts) == 3 and parts[0] == KEY_PREFIX else ""
        with self._transaction(write=False) as db:
            row = db.execute(
                "SELECT name, key_sha256, scopes, created_at, revoked_at FROM api_keys WHERE key_id = ?",
                (key_id,),
            ).fetchone()
        stored = row[1] if row else _NO_KEY_DIGEST
        matches = hmac.compare_digest(stored, _digest(key))
        if row is None or not matches or row[4] is not None:
            return None
        return ApiKey(row[0], _scopes(row[2]), row[3], row[4])

    # --- audit ------------------------------------------------------------------------

    def audit_secret(self) -> bytes:
        """The audit HMAC key kept in the database, made on first use."""
        with self._transaction() as db:
            row = db.execute("SELECT value FROM secrets WHERE name = ?", (_AUDIT_KEY_NAME,)).fetchone()
            if row is not None:
                return bytes(row[0])
            value = secrets.token_bytes(32)
            db.execute("INSERT INTO secrets (name, value) VALUES (?, ?)", (_AUDIT_KEY_NAME, value))
            return value

    def record(self, entry: AuditEntry) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO audit_log (at, request_id, key_name, action, kind, subject_hmac,"
                " output_sha256, bytes, duration_ms, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
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
                ),
            )

    def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        """The latest audit rows, newest first."""
        with self._transaction(write=False) as db:
            rows = db.execute(
                "SELECT at, request_id, key_name, action, kind, subject_hmac, output_sha256, bytes,"
                " duration_ms, status FROM audit_log ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [AuditEntry(*row) for row in rows]


def subject_hmac(secret: bytes, participant_id: str) -> str:
    """The audit log's stand-in for a participant ID: HMAC-SHA256 under the audit key."""
    return hmac.new(secret, participant_id.encode("utf-8"), hashlib.sha256).hexdigest()


def _scopes(text: str) -> frozenset[Scope]:
    return frozenset(Scope(value) for value in text.split())
