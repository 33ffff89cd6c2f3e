"""The shared engine: PostgreSQL through a psycopg 3 connection pool, bounded in time everywhere.

Every wait is bounded, so a request that needs the store gets an answer (503 when PostgreSQL is
away) well within the render timeout: connecting (CONNECT_TIMEOUT), waiting for a pooled
connection (POOL_WAIT), each statement (STATEMENT_TIMEOUT_MS, enforced by the server) and the
network under it (tcp_user_timeout, Linux's TCP_USER_TIMEOUT). After a failure to reach the
server, calls fail at once for BREAK seconds instead of each waiting on their own, then try again:
the service resumes by itself when PostgreSQL is back.
A statement or lock time-out fails that call alone.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg_pool import ConnectionPool

from docgen.config import PostgresUrl
from docgen.errors import ConfigError, StoreError, StoreUnavailable
from docgen.store.engine import Dialect, Params

#: Seconds to open a connection (libpq's connect_timeout; it counts whole seconds, at least 2).
CONNECT_TIMEOUT = 2
#: Longest one statement may run, enforced by the server (PostgreSQL's statement_timeout).
STATEMENT_TIMEOUT_MS = 5000
#: Seconds a call waits for a pooled connection before the store counts as unavailable.
POOL_WAIT = 2.0
#: Seconds the pool retries a lost connection in the background before leaving it to the next call.
RECONNECT = 1.0
#: Seconds calls fail at once after the server could not be reached.
BREAK = 0.5
#: Connections each instance keeps at most (and threads it calls the store from).
POOL_SIZE = 8


class _Session:
    def __init__(self, conn: psycopg.Connection[tuple[Any, ...]]) -> None:
        self._conn = conn

    def rows(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        return self._conn.execute(_placeholders(sql), params).fetchall()

    def run(self, sql: str, params: Params = ()) -> None:
        self._conn.execute(_placeholders(sql), params)

    def run_many(self, sql: str, params: Iterable[Params]) -> None:
        with self._conn.cursor() as cursor:
            cursor.executemany(_placeholders(sql), params)


def _placeholders(sql: str) -> str:
    # The store's statements hold no literal "?" or "%": only SQLite's placeholders to rewrite.
    return sql.replace("?", "%s")


class PostgresEngine:
    """A pool of up to POOL_SIZE connections, opened in the background."""

    dialect = Dialect.POSTGRESQL
    concurrency = POOL_SIZE

    def __init__(self, url: PostgresUrl) -> None:
        self.where = str(url)
        password = urlsplit(url.url).password
        # The password as typed in the URL and decoded: neither may reach a message.
        self._secrets = [s for s in {password, unquote(password or "")} if s]
        try:
            psycopg.conninfo.conninfo_to_dict(url.url)
        except psycopg.ProgrammingError:
            raise ConfigError(f"DOCGEN_DB={self.where!r}: not a PostgreSQL connection URL") from None
        self._down_until = 0.0
        self._kwargs: dict[str, Any] = {
            "connect_timeout": CONNECT_TIMEOUT,
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={STATEMENT_TIMEOUT_MS}",
            "tcp_user_timeout": STATEMENT_TIMEOUT_MS,
            "application_name": "docgen",
        }
        # One connection first, alone: a wrong password or database is reported as the server
        # says it, where the pool would only report a connection it could not get in time.
        try:
            psycopg.connect(url.url, **self._kwargs).close()
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(f"{self.where}: {self.shown(exc)}") from exc
        self._pool: ConnectionPool[psycopg.Connection[tuple[Any, ...]]] = ConnectionPool(
            url.url,
            kwargs=self._kwargs,
            min_size=1,
            max_size=POOL_SIZE,
            open=False,
            # A connection the server closed (a restart) is found and replaced before use.
            check=ConnectionPool.check_connection,
            timeout=POOL_WAIT,
            reconnect_timeout=RECONNECT,
            name="docgen",
        )
        self._pool.open(wait=False)

    def shown(self, exc: BaseException) -> str:
        """The error's text on one line, without the password."""
        text = " ".join(str(exc).split())
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return text

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[_Session]:
        """One transaction on a pooled connection: committed at the end, rolled back on any error."""
        if time.monotonic() < self._down_until:
            raise StoreUnavailable(f"{self.where}: the database was unreachable less than {BREAK} s ago")
        try:
            with self._pool.connection() as conn:
                yield _Session(conn)
        except psycopg.OperationalError as exc:
            # Unreachable, a lost connection, a pool wait or a statement over its time limit.
            if exc.sqlstate is None:
                # No SQLSTATE: the server did not answer at all (a statement or lock time-out
                # does carry one, and the next call may well succeed).
                self._down_until = time.monotonic() + BREAK
            raise StoreUnavailable(f"{self.where}: {self.shown(exc)}") from exc
        except psycopg.Error as exc:
            raise StoreError(f"{self.where}: {self.shown(exc)}") from exc

    def close(self) -> None:
        self._pool.close()
