"""Slow clients: a request's head, then its body, must each arrive within the client timeout."""

from __future__ import annotations

import asyncio
from typing import ClassVar

import h11
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from docgen.errors import ClientTimeout
from docgen.log import LOGGER

# Written raw: h11 cannot frame a response to a request it has not parsed. RFC 9110 §15.5.9:
# 408 when the request did not arrive in time, with `close` as the server will not wait longer.
_HEAD_TIMEOUT = b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"


class _HeadDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request head is incomplete after `timeout` s.

    uvicorn has no such limit (its issue #157): its keep-alive timer runs only between requests
    and any byte resets it, so a client sending half the headers holds the connection for ever,
    and no ASGI middleware runs before the head is parsed. The timer starts with the connection
    or with the first byte of a request and is not reset by later bytes; only h11's public
    connection state (`their_state`) is read, the rest is uvicorn's documented `http` setting.
    """

    timeout: ClassVar[float]
    head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_timer()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:
            self._start_timer()  # part of a head is buffered
        else:
            self._stop_timer()  # the head is parsed: the body's deadline is BodyDeadline's

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        super().connection_lost(exc)

    def _start_timer(self) -> None:
        if self.head_timer is None:
            self.head_timer = self.loop.call_later(self.timeout, self._head_timed_out)

    def _stop_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _head_timed_out(self) -> None:
        self.head_timer = None
        # A pipelined head may have been parsed since, outside data_received.
        if self.conn.their_state is not h11.IDLE or self.transport.is_closing():
            return
        LOGGER.info("closed a connection: no complete request head in %g s (408)", self.timeout)
        self.transport.write(_HEAD_TIMEOUT)
        self.transport.close()


def head_deadline_protocol(timeout: float) -> type[H11Protocol]:
    """The protocol class for uvicorn's `http` setting, with this head timeout in seconds."""

    class HeadDeadlineProtocol(_HeadDeadlineProtocol):
        pass

    HeadDeadlineProtocol.timeout = timeout
    return HeadDeadlineProtocol


class BodyDeadline:
    """ASGI middleware: ClientTimeout (408) when the body has not arrived `timeout` s after the head.

    The deadline covers receiving only: once the last body chunk is in, rendering has its own
    limit, and a later receive (waiting for a disconnect) is passed through untimed.
    """

    def __init__(self, app: ASGIApp, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.timeout
        complete = False

        async def receive_in_time() -> Message:
            nonlocal complete
            if complete:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise ClientTimeout(f"the request body did not arrive within {self.timeout:g} s") from None
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await self.app(scope, receive_in_time, send)
