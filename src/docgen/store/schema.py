"""The schema, versioned: each engine's steps from one version to the next, the version check, the upgrade."""

from __future__ import annotations

from docgen.errors import SchemaMismatch
from docgen.store.engine import Dialect, Engine, Session

#: The version this docgen reads and writes. A database at another version is refused at start;
#: `docgen db upgrade` brings an older one here.
SCHEMA_VERSION = 2

# Keys keep a public id (to find the row) and the SHA-256 of the full key (to check it); the key
# itself is shown once by `docgen keys create` and never stored. Audit rows name no person: the
# participant ID only as a keyed hash (HMAC-SHA256). Times are ISO 8601 text on both engines, so
# `docgen db copy` moves them unchanged.
_V1_SQLITE = (
    """CREATE TABLE IF NOT EXISTS api_keys (
        name TEXT PRIMARY KEY, key_id TEXT NOT NULL UNIQUE, key_sha256 BLOB NOT NULL,
        scopes TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)""",
    """CREATE TABLE IF NOT EXISTS audit_log (
        id INTEGER PRIMARY KEY, at TEXT NOT NULL, request_id TEXT NOT NULL, key_name TEXT NOT NULL,
        action TEXT NOT NULL, kind TEXT NOT NULL, subject_hmac TEXT, output_sha256 TEXT, bytes INTEGER,
        duration_ms REAL NOT NULL, status INTEGER NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL)",
)
_V1_POSTGRESQL = (
    """CREATE TABLE api_keys (
        name TEXT PRIMARY KEY, key_id TEXT NOT NULL UNIQUE, key_sha256 BYTEA NOT NULL,
        scopes TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)""",
    """CREATE TABLE audit_log (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at TEXT NOT NULL, request_id TEXT NOT NULL,
        key_name TEXT NOT NULL, action TEXT NOT NULL, kind TEXT NOT NULL, subject_hmac TEXT,
        output_sha256 TEXT, bytes BIGINT, duration_ms DOUBLE PRECISION NOT NULL, status INTEGER NOT NULL)""",
    "CREATE TABLE secrets (name TEXT PRIMARY KEY, value BYTEA NOT NULL)",
)
# Version 2 (issue 24): many instances on one database. Each audit row names the instance that
# wrote it; the version moves from SQLite's user_version pragma into a table both engines have.
_V2 = (
    "ALTER TABLE audit_log ADD COLUMN instance TEXT",
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
)

#: STEPS[dialect][n] takes a database from version n to n + 1.
STEPS: dict[Dialect, tuple[tuple[str, ...], ...]] = {
    Dialect.SQLITE: (_V1_SQLITE, _V2),
    Dialect.POSTGRESQL: (_V1_POSTGRESQL, _V2),
}
assert all(len(steps) == SCHEMA_VERSION for steps in STEPS.values())

# Any constant: concurrent upgrades of one PostgreSQL database wait on each other.
_UPGRADE_LOCK = 240_024


def version_in(engine: Engine, db: Session) -> int:
    """The database's schema version; 0 for an empty database."""
    if engine.dialect is Dialect.SQLITE:
        if db.rows("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"):
            return _recorded(engine, db)
        # Version 1 kept its number in the file header only.
        return int(db.rows("PRAGMA user_version")[0][0])
    if db.rows("SELECT to_regclass('schema_version')")[0][0] is not None:
        return _recorded(engine, db)
    # Version 1's tables without the version table: the first version's layout.
    return 0 if db.rows("SELECT to_regclass('api_keys')")[0][0] is None else 1


def _recorded(engine: Engine, db: Session) -> int:
    found = db.rows("SELECT max(version) FROM schema_version")[0][0]
    if found is None:
        # Its row deleted by hand: no version to trust, and none to upgrade from.
        raise SchemaMismatch(f"{engine.where}: the schema_version table is empty; restore it [schema-version]")
    return int(found)


def version(engine: Engine) -> int:
    with engine.transaction(write=False) as db:
        return version_in(engine, db)


def check(engine: Engine, found: int) -> None:
    """SchemaMismatch unless the database is at SCHEMA_VERSION."""
    if found > SCHEMA_VERSION:
        raise SchemaMismatch(
            f"{engine.where}: schema version {found} is newer than this docgen's ({SCHEMA_VERSION}):"
            " run a docgen at least as new as the one that upgraded it [schema-version]"
        )
    if found < SCHEMA_VERSION:
        state = "is empty" if found == 0 else f"has schema version {found}"
        raise SchemaMismatch(
            f"{engine.where}: the database {state}; this docgen uses version {SCHEMA_VERSION}:"
            f" run `docgen db upgrade --db DATABASE` first [schema-version]"
        )


def upgrade(engine: Engine) -> tuple[int, int]:
    """Bring the database to SCHEMA_VERSION in one transaction; (version before, version after)."""
    with engine.transaction() as db:
        if engine.dialect is Dialect.POSTGRESQL:
            db.rows("SELECT pg_advisory_xact_lock(?)", (_UPGRADE_LOCK,))
        found = version_in(engine, db)
        if found > SCHEMA_VERSION:
            check(engine, found)
        for steps in STEPS[engine.dialect][found:]:
            for statement in steps:
                db.run(statement)
        if found < SCHEMA_VERSION:
            db.run("DELETE FROM schema_version")
            db.run("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
            if engine.dialect is Dialect.SQLITE:
                # Kept too, so a docgen from before version 2 refuses this file as newer than its own.
                db.run(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return found, SCHEMA_VERSION
