"""Keys and audit: one schema, versioned; SQLite embedded, PostgreSQL for many instances.

records.py   keys, scopes, audit rows, the hashes standing in for secrets
engine.py    what the store asks of an engine (transactions, a dialect)
sqlite.py    the embedded engine (one file)
postgres.py  the shared engine (psycopg 3 pool, every wait bounded)
schema.py    versions, each engine's upgrade steps, the check at start
database.py  Store: keys, revocations, the audit key and rows
copy.py      `docgen db copy`: one database's rows into another, checked by counts
"""

from docgen.store.database import Store
from docgen.store.records import KEY_PREFIX, ApiKey, AuditEntry, Scope, now, subject_hmac
from docgen.store.schema import SCHEMA_VERSION

__all__ = ["KEY_PREFIX", "SCHEMA_VERSION", "ApiKey", "AuditEntry", "Scope", "Store", "now", "subject_hmac"]
