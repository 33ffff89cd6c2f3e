"""The routes: render and validate each kind, health, readiness, metrics, the OpenAPI document."""

from __future__ import annotations

import hashlib

import pydantic_core
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from docgen.api.auth import require_scope
from docgen.api.errors import error_response
from docgen.api.kinds import parse_options
from docgen.api.middleware import AuditDraft
from docgen.api.service import Service, service_of
from docgen.api.worker import Action, Failed, Rejected, Rendered, RenderTask, Reply, Validated
from docgen.documents.pipeline import Kind
from docgen.errors import (
    BodyTooLarge,
    InputError,
    MalformedRequest,
    RenderError,
    RenderTimeout,
    StoreError,
    UnknownKindError,
    UnsupportedMediaType,
    WorkerLost,
)
from docgen.store import Scope


async def read_json(request: Request, limit: int) -> bytes:
    """The body, checked for type (415), size (413) and JSON syntax (400), still as bytes."""
    media_type, _, params = request.headers.get("content-type", "").partition(";")
    charset = params.strip().lower().removeprefix("charset=").strip('"') if "charset" in params.lower() else "utf-8"
    if media_type.strip().lower() != "application/json" or charset != "utf-8":
        raise UnsupportedMediaType("the body must be UTF-8 JSON sent as Content-Type: application/json")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"the body is larger than the {limit}-byte limit")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"the body is larger than the {limit}-byte limit")
        chunks.append(chunk)
    body = b"".join(chunks)
    try:
        # The parser pydantic validates with: whatever it accepts here, the model reads alike.
        pydantic_core.from_json(body)
    except ValueError as exc:
        raise MalformedRequest(f"the body is not well-formed JSON: {exc}") from None
    return body


async def _admit(request: Request, service: Service, action: Action) -> tuple[Kind, AuditDraft]:
    key = await service.authenticate(request)
    kind = service.kinds.get(request.path_params["kind"])
    if kind is None:
        raise UnknownKindError(f"no document kind by that name; the kinds are {', '.join(service.kinds)}")
    draft = AuditDraft(key.name, action.value, kind.name)
    request.state.audit = draft
    require_scope(key, Scope.DOCUMENTS_RENDER)
    return kind, draft


async def _run(request: Request, action: Action) -> tuple[Reply, AuditDraft]:
    service = service_of(request)
    kind, draft = await _admit(request, service, action)
    body = await read_json(request, service.settings.body_limit)
    options = parse_options(kind, request.query_params)
    metrics = service.metrics
    try:
        reply = await service.pool.run(RenderTask(action, kind.name, body, options))
    except (RenderTimeout, WorkerLost) as exc:
        reason = "timeout" if isinstance(exc, RenderTimeout) else "worker-lost"
        metrics.render_errors.labels(kind.name, reason).inc()
        raise
    metrics.render_seconds.labels(action.value, kind.name).observe(reply.seconds)
    if isinstance(reply, Rejected):
        raise InputError(list(reply.problems))
    if isinstance(reply, Failed):
        metrics.render_errors.labels(kind.name, "render-failed").inc()
        raise RenderError(f"rendering failed ({reply.error})")
    draft.subject_hmac = service.subject_hash(reply.subject)
    return reply, draft


async def render(request: Request) -> Response:
    """POST /v1/documents/{kind}: the document, byte for byte what `docgen render` writes."""
    reply, draft = await _run(request, Action.RENDER)
    assert isinstance(reply, Rendered)
    output = reply.output
    digest = hashlib.sha256(output.content).hexdigest()
    draft.output_sha256, draft.bytes = digest, len(output.content)
    headers = {
        "ETag": f'"{digest}"',
        "Content-Disposition": f'attachment; filename="{output.file_name}"',
        "Cache-Control": "no-store",
    }
    return Response(output.content, 200, headers, media_type=output.media_type)


async def validate(request: Request) -> Response:
    """POST /v1/validate/{kind}: 200 with no errors, or 422 with every problem; renders nothing."""
    reply, _ = await _run(request, Action.VALIDATE)
    assert isinstance(reply, Validated)
    return JSONResponse({"errors": []})


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    service = service_of(request)
    pool = service.pool
    if pool.ready < 1:
        return error_response(request, 503, "not-ready", "no render worker is ready yet")
    try:
        await service.in_store(service.store.ping)
    except StoreError:
        # Unready, not failed: a balancer sends requests elsewhere, and this instance comes back
        # by itself when the database does. The message names no database (it may be a URL).
        if service.schema_problem is not None:
            message = "the key and audit database is not at this docgen's schema version: run docgen db upgrade"
            return error_response(request, 503, "schema-version", message)
        return error_response(request, 503, "store-unavailable", "the key and audit database cannot be reached")
    return JSONResponse({"status": "ready", "workers": pool.size, "workers_ready": pool.ready})


async def metrics(request: Request) -> Response:
    service = service_of(request)
    require_scope(await service.authenticate(request), Scope.METRICS_READ)
    return Response(service.metrics.exposition(), media_type=CONTENT_TYPE_PLAIN_0_0_4)


async def openapi_json(request: Request) -> Response:
    return JSONResponse(service_of(request).openapi_document)


ROUTES = [
    Route("/v1/documents/{kind}", render, methods=["POST"]),
    Route("/v1/validate/{kind}", validate, methods=["POST"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
    Route("/openapi.json", openapi_json, methods=["GET"]),
]
