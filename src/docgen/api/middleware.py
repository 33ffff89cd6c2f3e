"""Per-request context: an id, safe headers, the audit row and the request metrics."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docgen.api.errors import REQUEST_ID_HEADER, store_failed, store_unavailable
from docgen.api.service import Service
from docgen.errors import StoreError, StoreUnavailable
from docgen.log import LOGGER
from docgen.store import AuditEntry, now


@dataclass
class AuditDraft:
    """What a route knows of an audited request; the middleware adds status and duration."""

    key_name: str
    action: str
    kind: str
    subject_hmac: str | None = None
    output_sha256: str | None = None
    bytes: int | None = None


def _route_label(scope: Scope) -> str:
    route: BaseRoute | None = scope.get("route")
    return route.path if isinstance(route, Route) else "unmatched"


class RequestContext:
    """Outermost docgen middleware (inside Starlette's 500 handler)."""

    def __init__(self, app: ASGIApp, service: Service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = secrets.token_hex(8)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500
        refused = False

        async def send_with_context(message: Message) -> None:
            nonlocal status, refused
            if refused:
                return  # the answer the audit row could not be written for: never sent
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = request_id
                # Every answer may concern a person: no cache keeps it, no browser sniffs it.
                headers.setdefault("Cache-Control", "no-store")
                headers["X-Content-Type-Options"] = "nosniff"
                # The audit row is written before the first byte leaves: no unaudited document.
                try:
                    await self._audit(state, request_id, status, started)
                except StoreError as exc:
                    # The database went away (or refused the row) between the key check and the
                    # row: the request is refused (503 with Retry-After, or 500) rather than
                    # answered without its row.
                    request = Request(scope)
                    if isinstance(exc, StoreUnavailable):
                        answer = store_unavailable(request, exc)
                    else:
                        answer = store_failed(request, exc)
                    refused, status = True, answer.status_code
                    answer.headers["Cache-Control"] = "no-store"
                    answer.headers["X-Content-Type-Options"] = "nosniff"
                    await answer(scope, receive, send)
                    return
            await send(message)

        try:
            await self.app(scope, receive, send_with_context)
        except Exception:
            # Unforeseen: Starlette's 500 handler answers it outside this middleware.
            try:
                await self._audit(state, request_id, 500, started)
            except StoreError as exc:
                # Logged, and the unforeseen error, not this one, goes on to the 500 handler.
                LOGGER.error("request %s: its audit row (500) was not written: %s", request_id, exc)
            raise
        finally:
            elapsed = time.perf_counter() - started
            route = _route_label(scope)
            self.service.metrics.requests.labels(route, scope["method"], str(status)).inc()
            draft = state.get("audited")
            if isinstance(draft, AuditDraft):
                self.service.metrics.latency.labels(draft.action, draft.kind).observe(elapsed)

    async def _audit(self, state: dict[str, object], request_id: str, status: int, started: float) -> None:
        draft = state.pop("audit", None)
        if not isinstance(draft, AuditDraft):
            return
        state["audited"] = draft
        entry = AuditEntry(
            at=now(),
            request_id=request_id,
            key_name=draft.key_name,
            action=draft.action,
            kind=draft.kind,
            subject_hmac=draft.subject_hmac,
            output_sha256=draft.output_sha256,
            bytes=draft.bytes,
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
            status=status,
            instance=self.service.settings.instance,
        )
        await self.service.in_store(self.service.store.record, entry)
