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
from docgen.errors import StoreUnavailable
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
    audit_secret: bytes
    #: The kinds served: every kind docgen renders.
    kinds: dict[str, Kind]
    openapi_document: dict[str, Any]
    # Store calls run on these threads, so the event loop never waits on the database: one for
    # SQLite (its one connection serialises them), one per pooled connection for PostgreSQL.
    _db_threads: ThreadPoolExecutor = field(init=False)

    _calls: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self._db_threads = ThreadPoolExecutor(self.store.engine.concurrency, thread_name_prefix="docgen-db")

    @classmethod
    def create(cls, settings: ServerSettings) -> Service:
        store = Store(settings.db, settings.store_timeout)
        try:
            secret = settings.audit_key if settings.audit_key is not None else store.audit_secret()
        except BaseException:
            store.close()
            raise
        pool = RenderPool(settings.workers, settings.queue, settings.render_timeout)
        kinds = dict(KINDS)
        return cls(settings, store, pool, Metrics(pool), secret, kinds, openapi(kinds))

    async def in_store(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a Store method on a database thread; StoreUnavailable unless it ends within the store's time limit.

        The limit counts the wait for a thread too; a call still waiting when it passes is dropped.
        """
        if self._calls >= STORE_CALLS:
            raise StoreUnavailable(f"{STORE_CALLS} calls to the key and audit database are already waiting")
        limit = self.store.engine.timeout + STORE_GRACE
        self._calls += 1
        try:
            running = asyncio.get_running_loop().run_in_executor(self._db_threads, partial(call, *args, **kwargs))
            return await asyncio.wait_for(running, limit)
        except TimeoutError:
            raise StoreUnavailable(f"the key and audit database did not answer within {limit:g} s") from None
        finally:
            self._calls -= 1

    async def authenticate(self, request: Request) -> ApiKey:
        """The request's active API key, or Unauthenticated (401)."""
        return check_key(await self.in_store(self.store.authenticate, bearer_token(request)))

    def subject_hash(self, subject: str | None) -> str | None:
        return None if subject is None else subject_hmac(self.audit_secret, subject)

    def close(self) -> None:
        self._db_threads.shutdown(wait=True)
        self.store.close()


def service_of(request: Request) -> Service:
    service = request.app.state.service
    assert isinstance(service, Service)
    return service
