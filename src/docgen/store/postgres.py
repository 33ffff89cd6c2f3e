"""The shared engine: PostgreSQL through a psycopg 3 connection pool, every call bounded in time.

Each call (waiting for a pooled connection, checking it, its statements, the commit) ends by its
deadline, `timeout` seconds after it began, whatever the server does:
- the server cancels a slow statement or lock wait itself a little before (statement_timeout,
  lock_timeout): a clean error that fails that call alone;
- a server that no longer answers at all (a frozen VM, a storage stall, SIGSTOP) still has its
  kernel acknowledge every packet, so no TCP time-out fires and statement_timeout never runs:
  the watchdog shuts the call's socket down at its deadline, the call fails, its thread is free
  and the pool replaces the connection;
- data left unacknowledged (the host gone) ends the connection after `timeout` too
  (tcp_user_timeout), and libpq's keepalives find an idle pooled connection's dead peer.
After a call failed for want of an answer, calls fail at once for BREAK seconds instead of each
waiting on their own, then try again: the service resumes by itself when PostgreSQL is back.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg_pool import ConnectionPool

from docgen.config import REDACTED, PostgresUrl
from docgen.errors import ConfigError, StoreError, StoreUnavailable
from docgen.store.engine import Dialect, Params

Connection = psycopg.Connection[tuple[Any, ...]]

#: Seconds to open a connection (libpq's connect_timeout; it counts whole seconds, at least 2).
#: Connections are opened by the pool's own threads: a call waits for one only until its deadline.
CONNECT_TIMEOUT = 2
#: The server's own limits (statement_timeout, lock_timeout) as a share of a call's deadline:
#: it cancels first, with an error naming the cause, before the watchdog cuts the connection.
SERVER_SHARE = 0.8
#: libpq's keepalives ("Parameter Key Words"): an idle pooled connection whose host vanished is
#: found within KEEPALIVE_IDLE + KEEPALIVE_INTERVAL x KEEPALIVE_COUNT seconds (Linux tcp(7)).
KEEPALIVE_IDLE = 10
KEEPALIVE_INTERVAL = 5
KEEPALIVE_COUNT = 3
#: Seconds a call waits for a pooled connection, at most (and never past its deadline): a healthy
#: pool hands one over in milliseconds, so a longer wait means the server cannot be reached, and
#: a request need not wait its whole deadline to learn it.
POOL_WAIT = 1.0
#: Seconds the pool retries a lost connection in the background before leaving it to the next call.
RECONNECT = 1.0
#: Seconds calls fail at once after the server could not be reached.
BREAK = 0.5
#: Connections each instance keeps at most (and threads it calls the store from).
POOL_SIZE = 8


class _Session:
    def __init__(self, conn: Connection) -> None:
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


class _Watchdog:
    """Shuts down the socket of a connection still in use past its call's deadline."""

    def __init__(self) -> None:
        self._due: dict[Connection, float] = {}
        self._changed = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="docgen-db-watchdog", daemon=True)
        self._thread.start()

    def watch(self, conn: Connection, deadline: float) -> None:
        with self._changed:
            self._due[conn] = deadline
            self._changed.notify()

    def release(self, conn: Connection) -> None:
        """Stop watching `conn`; it is never cut after this returns (a cut holds the same lock)."""
        with self._changed:
            self._due.pop(conn, None)

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify()
        self._thread.join()

    def _run(self) -> None:
        with self._changed:
            while not self._closed:
                now = time.monotonic()
                for conn, deadline in list(self._due.items()):
                    if deadline <= now:
                        del self._due[conn]
                        _cut(conn)
                wait = min(self._due.values(), default=now + 3600) - now
                self._changed.wait(max(wait, 0.0))


def _cut(conn: Connection) -> None:
    """End the connection under a call that waits on a silent server: shutdown(2) on its socket
    (POSIX: a blocked receive returns at once), so libpq reports the connection lost and the
    call fails; the pool then discards it. The socket itself is closed by its owner, libpq."""
    try:
        with socket.socket(fileno=os.dup(conn.fileno())) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except (OSError, psycopg.OperationalError):
        return  # the connection was already lost: its call is failing anyway


class PostgresEngine:
    """A pool of up to POOL_SIZE connections, opened in the background (the server may be away
    at first: the pool keeps trying); each call ends within `timeout` s."""

    dialect = Dialect.POSTGRESQL
    concurrency = POOL_SIZE

    def __init__(self, url: PostgresUrl, timeout: float) -> None:
        self.where = str(url)
        self.timeout = timeout
        password = urlsplit(url.url).password
        # The password as typed in the URL and decoded: neither may reach a message.
        self._secrets = [s for s in {password, unquote(password or "")} if s]
        try:
            psycopg.conninfo.conninfo_to_dict(url.url)
        except psycopg.ProgrammingError:
            raise ConfigError(f"DOCGEN_DB={self.where!r}: not a PostgreSQL connection URL") from None
        self._down_until = 0.0
        server_ms = max(1, round(timeout * SERVER_SHARE * 1000))
        self._kwargs: dict[str, Any] = {
            "connect_timeout": CONNECT_TIMEOUT,
            "options": f"-c statement_timeout={server_ms} -c lock_timeout={server_ms}",
            "tcp_user_timeout": max(1, round(timeout * 1000)),
            "keepalives": 1,
            "keepalives_idle": KEEPALIVE_IDLE,
            "keepalives_interval": KEEPALIVE_INTERVAL,
            "keepalives_count": KEEPALIVE_COUNT,
            "application_name": "docgen",
        }
        self._url = url
        self._watchdog = _Watchdog()
        # The deadline of the call running on each thread, for the pool's check (which runs on
        # the calling thread before the pool hands the connection over).
        self._call = threading.local()
        self._pool: ConnectionPool[Connection] = ConnectionPool(
            url.url,
            kwargs=self._kwargs,
            min_size=1,
            max_size=POOL_SIZE,
            open=False,
            # A connection the server closed (a restart) is found and replaced before use.
            check=self._check,
            timeout=min(timeout, POOL_WAIT),
            reconnect_timeout=RECONNECT,
            name="docgen",
        )
        self._pool.open(wait=False)

    def probe(self) -> None:
        """One connection now, outside the pool: a wrong password or database is reported as the
        server says it, where the pool would only report a connection it could not get in time."""
        try:
            psycopg.connect(self._url.url, **self._kwargs).close()
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(f"{self.where}: {self.shown(exc)}") from exc

    def shown(self, exc: BaseException) -> str:
        """The error's text on one line, without the password."""
        text = " ".join(str(exc).split())
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def _check(self, conn: Connection) -> None:
        self._watchdog.watch(conn, self._call.deadline)
        try:
            ConnectionPool.check_connection(conn)
        except BaseException:
            self._watchdog.release(conn)  # the pool discards it
            raise

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[_Session]:
        """One transaction on a pooled connection, committed at the end, rolled back on any error,
        all within the call's deadline."""
        started = time.monotonic()
        if started < self._down_until:
            raise StoreUnavailable(f"{self.where}: the database did not answer less than {BREAK} s ago")
        deadline = self._call.deadline = started + self.timeout
        try:
            conn = self._pool.getconn(min(self.timeout, POOL_WAIT))
            try:
                self._watchdog.watch(conn, deadline)
                with conn:  # a pooled connection's context: commit or roll back, not close
                    yield _Session(conn)
            finally:
                self._watchdog.release(conn)
                self._pool.putconn(conn)
        except psycopg.OperationalError as exc:
            # Unreachable, a lost or cut connection, a pool wait or a statement over its time limit.
            if exc.sqlstate is None:
                # No SQLSTATE: the server did not answer at all (a statement or lock time-out
                # does carry one, and the next call may well succeed).
                self._down_until = time.monotonic() + BREAK
            raise StoreUnavailable(f"{self.where}: {self.shown(exc)}") from exc
        except psycopg.Error as exc:
            raise StoreError(f"{self.where}: {self.shown(exc)}") from exc

    def close(self) -> None:
        self._pool.close()
        self._watchdog.close()
