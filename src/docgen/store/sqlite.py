"""The embedded engine: one SQLite file, one connection, WAL journal."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docgen.errors import StoreError
from docgen.store.engine import Dialect, Params


class _Session:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def rows(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        return self._db.execute(sql, params).fetchall()

    def run(self, sql: str, params: Params = ()) -> None:
        self._db.execute(sql, params)

    def run_many(self, sql: str, params: Iterable[Params]) -> None:
        self._db.executemany(sql, params)


class SqliteEngine:
    """The file is created on first open; calls are serialised by the caller (concurrency 1)."""

    dialect = Dialect.SQLITE
    concurrency = 1

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.where = str(path)
        self.timeout = timeout
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit mode: transactions are opened explicitly, one per unit of work.
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            # A lock held by another process (`docgen keys`, a backup) is waited for until the deadline.
            self._db.execute(f"PRAGMA busy_timeout = {max(1, round(timeout * 1000))}")
            self._db.execute("PRAGMA journal_mode = WAL")
            # WAL + NORMAL: a commit survives a process crash without an fsync per request.
            self._db.execute("PRAGMA synchronous = NORMAL")
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"{path}: cannot open the database: {exc}") from exc

    def probe(self) -> None:
        """Nothing to reach: the file was opened with the engine."""

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[_Session]:
        """BEGIN ... COMMIT, or ROLLBACK on any error; sqlite errors become StoreError.

        A writing unit takes the write lock at once (IMMEDIATE), so it never fails halfway on
        a lock; a reading one does not, so requests' key lookups never wait on each other.
        """
        try:
            self._db.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")
            try:
                yield _Session(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    def close(self) -> None:
        self._db.close()
