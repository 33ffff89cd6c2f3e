"""What the store asks of a database engine: transactions of parameterised statements, one dialect each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from enum import Enum
from typing import Any, Protocol

#: A statement's parameters; statements are written with `?` placeholders (SQLite's), and the
#: PostgreSQL engine rewrites them to psycopg's `%s`.
Params = Sequence[object]


class Dialect(str, Enum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


class Session(Protocol):
    """One open transaction."""

    def rows(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]: ...

    def run(self, sql: str, params: Params = ()) -> None: ...

    def run_many(self, sql: str, params: Iterable[Params]) -> None: ...


class Engine(Protocol):
    """A database the store runs on; its errors leave it as StoreError (or StoreUnavailable)."""

    dialect: Dialect
    #: The database as it may be shown: a path, or a URL with its password replaced.
    where: str
    #: Store calls that may run at once (SQLite: one connection, so one).
    concurrency: int
    #: Seconds one call (one transaction) may take before it fails.
    timeout: float

    def probe(self) -> None:
        """Reach the database now (StoreUnavailable, naming the server's reason, if it cannot)."""

    def transaction(self, write: bool = True) -> AbstractContextManager[Session]: ...

    def close(self) -> None: ...
