"""`docgen serve`: uvicorn on one process, logging set so no key, token or SSN reaches a line."""

from __future__ import annotations

import logging
import logging.config
import re
from typing import Any
from urllib.parse import unquote_plus

import uvicorn

from docgen.api.app import create_app
from docgen.api.deadlines import head_deadline_protocol
from docgen.config import REDACTED, ServerSettings
from docgen.log import shown

# A query parameter named as a credential (api_key, apikey, key, token, access_token, ...):
# docgen reads keys only from the Authorization header, but a client may still put one in the
# URL, and uvicorn's access line holds the URL with its query.
_CREDENTIAL_NAME = re.compile(r"key|token|secret|passw|credential|auth|signature", re.IGNORECASE)
_QUERY_PARAMETER = re.compile(r"(?<=[?&;])([^=&;#\s\"]+)=([^&;#\s\"]*)")
# A docgen API key anywhere in a line (a path, a mistyped parameter): dgk_<id>_<secret>.
_API_KEY = re.compile(r"\bdgk_[0-9A-Za-z_-]+")
# The password of a URL's user information (RFC 3986 §3.2.1), as a database URL may carry: up to
# the last "@" before the path, since a password typed unencoded may hold "@" itself.
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^/\s]*@", re.IGNORECASE)


def _redact_parameter(match: re.Match[str]) -> str:
    name = match.group(1)
    return f"{name}={REDACTED}" if _CREDENTIAL_NAME.search(unquote_plus(name)) else match.group()


def redact(line: str) -> str:
    """The line with URL passwords, credential-named query values and docgen keys replaced, controls escaped."""
    line = _URL_PASSWORD.sub(rf"\1{REDACTED}@", line)
    return shown(_API_KEY.sub(f"dgk_{REDACTED}", _QUERY_PARAMETER.sub(_redact_parameter, line)))


class _Redact(logging.Filter):
    """On the handler, so it sees every line the server writes: uvicorn's and docgen's."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        return True


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
        "filters": {"no_tracebacks": {"()": _DropUnhandledTraceback}, "redact": {"()": _Redact}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(name)s %(levelname)s: %(message)s"},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stderr",
                "filters": ["redact"],
            },
        },
        "loggers": {
            "docgen": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO", "filters": ["no_tracebacks"]},
            # The PostgreSQL pool's own warnings (a connection lost, a reconnection failed).
            "psycopg": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            # Access lines hold method, path, query and status: no header; the query is redacted.
            "uvicorn.access": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }
    return config


def serve(settings: ServerSettings) -> None:
    """Run until SIGINT or SIGTERM; in-flight requests finish, then the workers stop."""
    # Before the app opens its database: a start while PostgreSQL is away is logged (and redacted) alike.
    logging.config.dictConfig(log_config())
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=log_config(),
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=int(settings.render_timeout) + 5,
        http=head_deadline_protocol(settings.client_timeout),
    )
    uvicorn.Server(config).run()
