"""Errors become responses here, in one exception_handlers table; no body names personal data."""

from __future__ import annotations

import traceback
from collections.abc import Awaitable, Callable, Mapping
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


_CODES: dict[type[Exception], str] = {
    WorkerLost: "worker-lost",
    RenderError: "render-failed",
    ResourceError: "render-failed",
    StoreError: "store-unavailable",
}

#: The one table: exception class -> response. Starlette checks each class's MRO against it.
EXCEPTION_HANDLERS: dict[Any, Handler] = {
    InputError: _problems,
    MalformedRequest: _simple(400, "malformed-json"),
    Unauthenticated: _simple(401, "unauthenticated", {"WWW-Authenticate": 'Bearer realm="docgen"'}),
    Forbidden: _simple(403, "forbidden"),
    UnknownKindError: _simple(404, "unknown-kind"),
    # RFC 9110 §15.5.9: the server will not wait longer for this request, so it closes the connection.
    ClientTimeout: _simple(408, "client-timeout", {"Connection": "close"}),
    BodyTooLarge: _simple(413, "body-too-large"),
    UnsupportedMediaType: _simple(415, "unsupported-media-type"),
    PoolFull: _pool_full,
    RenderTimeout: _simple(504, "render-timeout"),
    WorkerLost: _failed,
    RenderError: _failed,
    ResourceError: _failed,
    StoreError: _failed,
    HTTPException: _http,
    # The client hung up before its body was complete: nobody reads this answer, but it is
    # the client's doing, so neither a 500 nor an error in the log.
    ClientDisconnect: _simple(400, "incomplete-body", message="the client closed the connection during the body"),
    Exception: internal_error,
}
