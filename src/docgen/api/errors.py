"""Errors become responses here, in one table of answers that also gives /openapi.json its error
responses; no body names personal data."""

from __future__ import annotations

import traceback
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from docgen.errors import (
    BodyTooLarge,
    ClientTimeout,
    Forbidden,
    InputError,
    MalformedRequest,
    PoolFull,
    RenderError,
    RenderTimeout,
    ResourceError,
    StoreError,
    StoreUnavailable,
    Unauthenticated,
    UnknownKindError,
    UnsupportedMediaType,
    WorkerLost,
)
from docgen.log import LOGGER

REQUEST_ID_HEADER = "X-Request-ID"

Handler = Callable[[Request, Exception], Awaitable[Response]]


def request_id(request: Request) -> str:
    """The id the request middleware gave this request (echoed in X-Request-ID)."""
    value = request.scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else "-"


def error_response(
    request: Request, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """`{"error": {"code", "message", "request_id"}}` with the request id also as a header."""
    ident = request_id(request)
    body = {"error": {"code": code, "message": message, "request_id": ident}}
    return JSONResponse(body, status, headers={**(headers or {}), REQUEST_ID_HEADER: ident})


def _simple(status: int, code: str, headers: Mapping[str, str] | None = None, message: str | None = None) -> Handler:
    """A handler answering `status` with `message`, or the exception's own (docgen puts no data in one)."""

    async def handle(request: Request, exc: Exception) -> Response:
        return error_response(request, status, code, message or str(exc), headers)

    return handle


async def _problems(request: Request, exc: Exception) -> Response:
    """422 with every problem, exactly as the CLI prints them (same paths and rule ids)."""
    assert isinstance(exc, InputError)
    return JSONResponse({"errors": [p.as_dict() for p in exc.problems]}, 422)


async def _pool_full(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PoolFull)
    return error_response(request, 503, "overloaded", str(exc), {"Retry-After": str(exc.retry_after)})


#: Seconds a client is told to wait when the database is away: the store tries it again after
#: half a second (store/postgres.py, BREAK), and the pool reconnects within about one.
STORE_RETRY_AFTER = 1


def store_unavailable(request: Request, exc: StoreUnavailable) -> JSONResponse:
    """503 with Retry-After: the request needs the database, which cannot be reached now."""
    # The message may name the database (a path, a URL without its password): logged, not sent.
    LOGGER.warning("request %s: %s", request_id(request), exc)
    return error_response(
        request,
        503,
        "store-unavailable",
        "the key and audit database cannot be reached; try again",
        {"Retry-After": str(STORE_RETRY_AFTER)},
    )


async def _store_unavailable(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StoreUnavailable)
    return store_unavailable(request, exc)


def store_failed(request: Request, exc: StoreError) -> JSONResponse:
    """500: the database answered, with an error (a privilege taken away, a constraint, a full disk)."""
    # As for 503: the message names the database and quotes its error, so it is logged, not sent.
    LOGGER.error("request %s: %s: %s", request_id(request), type(exc).__name__, exc)
    message = f"the key and audit database refused the request's statement; request id {request_id(request)}"
    return error_response(request, 500, "store-failed", message)


async def _store_failed(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StoreError)
    return store_failed(request, exc)


async def _failed(request: Request, exc: Exception) -> Response:
    LOGGER.error("request %s: %s: %s", request_id(request), type(exc).__name__, exc)
    return error_response(request, 500, _CODES.get(type(exc), "internal"), f"{exc}; request id {request_id(request)}")


async def _http(request: Request, exc: Exception) -> Response:
    """Starlette's own: 404 for an unknown path, 405 for a method a route lacks."""
    assert isinstance(exc, HTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    code = phrase.lower().replace(" ", "-")
    return error_response(request, exc.status_code, code, phrase, exc.headers)


async def internal_error(request: Request, exc: Exception) -> Response:
    """Anything unforeseen: 500 with the request id, logged by class and place, never by message."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    LOGGER.error("request %s: unexpected %s at %s", request_id(request), type(exc).__name__, where)
    return error_response(request, 500, "internal", f"internal error; request id {request_id(request)}")


@dataclass(frozen=True)
class Answer:
    """How the API answers one exception family, and what /openapi.json says about it."""

    #: None: the exception carries its own status (Starlette's 404 and 405).
    status: int | None
    handler: Handler
    description: str
    #: Response headers beyond X-Request-ID, with their JSON types, as OpenAPI declares them.
    headers: Mapping[str, str] = field(default_factory=dict)
    #: The body: "Error" ({"error": {code, message, request_id}}) or "Problems" ({"errors": [...]}).
    schema: str = "Error"
    #: The routes that can answer so: "documents" (render and validate), "metrics"; none for an
    #: answer no documented operation gives (an unknown path, a client that hung up).
    routes: frozenset[str] = frozenset({"documents"})


_BOTH = frozenset({"documents", "metrics"})
_UNDOCUMENTED: frozenset[str] = frozenset()
_CODES: dict[type[Exception], str] = {
    WorkerLost: "worker-lost",
    RenderError: "render-failed",
    ResourceError: "render-failed",
}

#: The one table: exception class -> answer. Starlette checks each class's MRO against it, and
#: /openapi.json's error responses are generated from it (api/openapi.py).
ANSWERS: dict[type[BaseException], Answer] = {
    InputError: Answer(
        422,
        _problems,
        "The input breaks the schema or a rule: every problem, as `docgen validate` prints them",
        schema="Problems",
    ),
    MalformedRequest: Answer(400, _simple(400, "malformed-json"), "The body is not well-formed JSON"),
    Unauthenticated: Answer(
        401,
        _simple(401, "unauthenticated", {"WWW-Authenticate": 'Bearer realm="docgen"'}),
        "No API key, or an unknown or revoked one",
        {"WWW-Authenticate": "string"},
        routes=_BOTH,
    ),
    Forbidden: Answer(
        403, _simple(403, "forbidden"), "The key lacks the route's scope (documents:render, metrics:read)", routes=_BOTH
    ),
    UnknownKindError: Answer(404, _simple(404, "unknown-kind"), "No document kind by that name", routes=_UNDOCUMENTED),
    # RFC 9110 §15.5.9: the server will not wait longer for this request, so it closes the connection.
    ClientTimeout: Answer(
        408,
        _simple(408, "client-timeout", {"Connection": "close"}),
        "The body did not arrive within the client timeout; the connection is closed",
        {"Connection": "string"},
    ),
    BodyTooLarge: Answer(413, _simple(413, "body-too-large"), "The body is larger than the configured limit"),
    UnsupportedMediaType: Answer(
        415, _simple(415, "unsupported-media-type"), "The body is not sent as application/json"
    ),
    PoolFull: Answer(503, _pool_full, "Every render worker is busy and the queue is full", {"Retry-After": "integer"}),
    RenderTimeout: Answer(
        504, _simple(504, "render-timeout"), "The render ran over its time limit (its worker was replaced)"
    ),
    WorkerLost: Answer(500, _failed, "A render worker died during the request (it was replaced)"),
    RenderError: Answer(500, _failed, "Rendering failed on a valid input"),
    ResourceError: Answer(500, _failed, "A template asked for a file outside assets/ and fonts/"),
    StoreUnavailable: Answer(
        503,
        _store_unavailable,
        "The key and audit database cannot be reached now (PostgreSQL away or slow): try again after Retry-After",
        {"Retry-After": "integer"},
        routes=_BOTH,
    ),
    StoreError: Answer(500, _store_failed, "The key and audit database cannot be read or written", routes=_BOTH),
    HTTPException: Answer(None, _http, "An unknown path (404) or a method the route lacks (405)", routes=_UNDOCUMENTED),
    # The client hung up before its body was complete: nobody reads this answer, but it is
    # the client's doing, so neither a 500 nor an error in the log.
    ClientDisconnect: Answer(
        400,
        _simple(400, "incomplete-body", message="the client closed the connection during the body"),
        "The client closed the connection during the body",
        routes=_UNDOCUMENTED,
    ),
    Exception: Answer(500, internal_error, "Another fault of the server", routes=_BOTH),
}

#: What Starlette is given: the handler of each answer.
EXCEPTION_HANDLERS: dict[Any, Handler] = {family: answer.handler for family, answer in ANSWERS.items()}
