"""`docgen db copy`: an installation's keys, audit key and audit rows moved into another database, checked by counts."""

from __future__ import annotations

from docgen.errors import InputError, Problem, StoreError
from docgen.store.database import AUDIT_COLUMNS, Store
from docgen.store.engine import Session

#: Each table with the columns copied, in the order they are copied: keys first, so an audit
#: row never names a key the target lacks.
TABLES = {
    "api_keys": "name, key_id, key_sha256, scopes, created_at, revoked_at",
    "secrets": "name, value",
    "audit_log": AUDIT_COLUMNS,
}
#: Audit rows read and written per statement: a long log is never held in memory whole.
BATCH = 5000


def _counts(db: Session) -> dict[str, int]:
    return {table: int(db.rows(f"SELECT count(*) FROM {table}")[0][0]) for table in TABLES}  # noqa: S608


def copy_store(source: Store, target: Store) -> dict[str, int]:
    """Copy every row of `source` into the empty `target` in one transaction; the rows per table.

    The target's own counts must equal the source's before it commits, or nothing is kept.
    Stop the instances writing to the source first: a row added meanwhile fails the check.
    """
    with source.engine.transaction(write=False) as reading:
        expected = _counts(reading)
    with target.engine.transaction() as writing:
        present = _counts(writing)
        if any(present.values()):
            held = ", ".join(f"{count} {table}" for table, count in present.items() if count)
            raise InputError([Problem("--to", "copy-target-empty", f"{target.where} already holds {held}")])
        for table, columns in TABLES.items():
            marks = ", ".join("?" * len(columns.split(",")))
            insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608  (constant names)
            if table != "audit_log":
                with source.engine.transaction(write=False) as reading:
                    rows = reading.rows(f"SELECT {columns} FROM {table}")  # noqa: S608
                writing.run_many(insert, rows)
                continue
            # Audit rows in id order, so the copy lists them in the order they were written.
            last = -1
            while True:
                with source.engine.transaction(write=False) as reading:
                    page = reading.rows(
                        f"SELECT id, {columns} FROM audit_log WHERE id > ? ORDER BY id LIMIT ?",  # noqa: S608
                        (last, BATCH),
                    )
                if not page:
                    break
                writing.run_many(insert, [row[1:] for row in page])
                last = page[-1][0]
        copied = _counts(writing)
        if copied != expected:
            raise StoreError(f"copy incomplete, nothing kept: expected {expected}, the target has {copied}")
    return copied
