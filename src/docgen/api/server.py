"""`docgen serve`: uvicorn on one process, logging set so no key, token or SSN reaches a line."""

from __future__ import annotations

import logging
from typing import Any

import uvicorn

from docgen.api.app import create_app
from docgen.config import ServerSettings


class _DropUnhandledTraceback(logging.Filter):
    """uvicorn logs an unhandled exception with its message, which may quote input; docgen's
    500 handler has already logged it by class, place and request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Exception in ASGI application")


def log_config() -> dict[str, Any]:
    """uvicorn's logging, plus the `docgen` logger at INFO on stderr."""
    config: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"no_tracebacks": {"()": _DropUnhandledTraceback}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(name)s %(levelname)s: %(message)s"},
        },
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "docgen": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO", "filters": ["no_tracebacks"]},
            # Access lines hold method, path, query and status: no header, so no key.
            "uvicorn.access": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }
    return config


def serve(settings: ServerSettings) -> None:
    """Run until SIGINT or SIGTERM; in-flight requests finish, then the workers stop."""
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=log_config(),
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=int(settings.render_timeout) + 5,
    )
    uvicorn.Server(config).run()
