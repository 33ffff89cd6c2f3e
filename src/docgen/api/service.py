"""What a running server holds: settings, the store, the render pool, metrics, the served kinds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ParamSpec, TypeVar

from starlette.requests import Request

from docgen.api.auth import bearer_token, check_key
from docgen.api.metrics import Metrics
from docgen.api.openapi import openapi
from docgen.api.pool import RenderPool
from docgen.config import ServerSettings
from docgen.documents import KINDS
from docgen.documents.pipeline import Kind
from docgen.errors import SchemaMismatch, StoreUnavailable
from docgen.log import LOGGER
from docgen.store import ApiKey, Store, subject_hmac

P = ParamSpec("P")
T = TypeVar("T")

#: Seconds a request waits for a store call beyond the store's own deadline, by which the store
#: has failed the call itself and freed its thread (store/postgres.py); this bound holds even if not.
STORE_GRACE = 0.5
#: Store calls waiting for a database thread or running, beyond which a request is refused at once
#: (503): a memory guard, as every call ends by its deadline; a healthy database never queues this many.
STORE_CALLS = 256


@dataclass
class Service:
    settings: ServerSettings
    store: Store
    pool: RenderPool
    metrics: Metrics
    #: The audit hash's key: DOCGEN_AUDIT_KEY, else the database's, read when it first answers.
    audit_secret: bytes | None
    #: The kinds served: every kind docgen renders.
    kinds: dict[str, Kind]
    openapi_document: dict[str, Any]
    #: Why the database is refused although it answers (its schema version), until `docgen db upgrade`.
    schema_problem: str | None = field(init=False, default=None)
    # Store calls run on these threads, so the event loop never waits on the database: one for
    # SQLite (its one connection serialises them), one per pooled connection for PostgreSQL.
    _db_threads: ThreadPoolExecutor = field(init=False)
    _calls: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self._db_threads = ThreadPoolExecutor(self.store.engine.concurrency, thread_name_prefix="docgen-db")

    @classmethod
    def create(cls, settings: ServerSettings) -> Service:
        """The service, starting unready if PostgreSQL cannot be reached: it is checked and used once it answers.

        A database that answers at another schema version, or cannot be opened, stops the start.
        """
        store = Store(settings.db, settings.store_timeout, check=False)
        try:
            secret = settings.audit_key
            try:
                store.engine.probe()
                store.check()
                secret = secret if secret is not None else store.audit_secret()
            except StoreUnavailable as exc:
                # Started anyway (the database may be booting, or away for a while): /readyz says
                # 503 until it answers, and a service manager's start limit is never reached.
                LOGGER.warning("starting unready: %s", exc)
            pool = RenderPool(settings.workers, settings.queue, settings.render_timeout)
        except BaseException:
            store.close()
            raise
        kinds = dict(KINDS)
        return cls(settings, store, pool, Metrics(pool), secret, kinds, openapi(kinds))

    def _opened(self) -> None:
        """On a database thread, before each call until it succeeds once: the schema checked, the audit key read."""
        if self.store.checked and self.audit_secret is not None:
            return
        try:
            self.store.check()
        except SchemaMismatch as exc:
            if self.schema_problem is None:
                LOGGER.error("unready: %s", exc)
            self.schema_problem = str(exc)
            # Unready rather than stopped: `docgen db upgrade` makes it ready, with no restart.
            raise StoreUnavailable(str(exc)) from exc
        self.schema_problem = None
        if self.audit_secret is None:
            self.audit_secret = self.store.audit_secret()

    def _call(self, call: Callable[[], T]) -> T:
        self._opened()
        return call()

    async def in_store(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a Store method on a database thread; StoreUnavailable unless it ends within the store's time limit.

        The limit counts the wait for a thread too; a call still waiting when it passes is dropped.
        """
        if self._calls >= STORE_CALLS:
            raise StoreUnavailable(f"{STORE_CALLS} calls to the key and audit database are already waiting")
        limit = self.store.engine.timeout + STORE_GRACE
        self._calls += 1
        try:
            running = asyncio.get_running_loop().run_in_executor(
                self._db_threads, self._call, partial(call, *args, **kwargs)
            )
            return await asyncio.wait_for(running, limit)
        except TimeoutError:
            raise StoreUnavailable(f"the key and audit database did not answer within {limit:g} s") from None
        finally:
            self._calls -= 1

    async def authenticate(self, request: Request) -> ApiKey:
        """The request's active API key, or Unauthenticated (401)."""
        return check_key(await self.in_store(self.store.authenticate, bearer_token(request)))

    def subject_hash(self, subject: str | None) -> str | None:
        if subject is None:
            return None
        # Read before the request's key lookup returned (`_opened`), so always there by now.
        assert self.audit_secret is not None
        return subject_hmac(self.audit_secret, subject)

    def close(self) -> None:
        self._db_threads.shutdown(wait=True)
        self.store.close()


def service_of(request: Request) -> Service:
    service = request.app.state.service
    assert isinstance(service, Service)
    return service
