"""The Starlette application: routes, the request middleware, the error table, the pool's lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware

from docgen.api.deadlines import BodyDeadline
from docgen.api.errors import EXCEPTION_HANDLERS
from docgen.api.middleware import RequestContext
from docgen.api.routes import ROUTES
from docgen.api.service import Service
from docgen.config import ServerSettings
from docgen.log import LOGGER


def create_app(settings: ServerSettings) -> Starlette:
    """An app serving every kind; opens (or creates) the database now, starts workers on startup."""
    service = Service.create(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        service.pool.start()
        LOGGER.info(
            "instance %s serving %s with %d render workers, queue %d, database %s",
            settings.instance,
            ", ".join(service.kinds),
            settings.workers,
            settings.queue,
            settings.db,  # a path, or a URL printed without its password (config.PostgresUrl)
        )
        try:
            yield
        finally:
            await service.pool.close()
            service.close()

    app = Starlette(
        routes=ROUTES,
        middleware=[
            Middleware(RequestContext, service=service),
            Middleware(BodyDeadline, timeout=settings.client_timeout),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.service = service
    return app
