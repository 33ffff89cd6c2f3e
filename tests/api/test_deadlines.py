"""Slow clients over raw sockets: a head or a body that does not arrive in time gets 408 and the connection closes."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from docgen.store import Scope
from tests.api.conftest import JSON, Server, start_server
from tests.api.test_audit import audit_row
from tests.conftest import JANE

#: The server's --client-timeout, and how much later than it an answer may come on a busy machine.
TIMEOUT = 1.0
MARGIN = 2.0


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("slow"), "--client-timeout", str(TIMEOUT), workers=1)
    yield running
    running.stop()


def connect(server: Server) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)))


def read_until_closed(sock: socket.socket, started: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and the seconds from `started` to the close."""
    sock.settimeout(TIMEOUT + MARGIN)
    data = b""
    while chunk := sock.recv(65536):  # socket.timeout here: the server never closed
        data += chunk
    return data, time.monotonic() - started


def head(server: Server, length: int) -> bytes:
    key = server.key(Scope.DOCUMENTS_RENDER)
    return (
        "POST /v1/validate/summary HTTP/1.1\r\nHost: docgen\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {key}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def test_a_connection_that_sends_nothing_is_closed(slow: Server) -> None:
    with connect(slow) as sock:
        data, elapsed = read_until_closed(sock, time.monotonic())
    assert data.startswith(b"HTTP/1.1 408 ")
    assert TIMEOUT - 0.1 <= elapsed <= TIMEOUT + MARGIN


def test_half_the_headers_then_a_stall_is_408_and_closed(slow: Server) -> None:
    with connect(slow) as sock:
        started = time.monotonic()
        sock.sendall(b"POST /v1/validate/summary HTTP/1.1\r\nHost: docgen\r\nContent-Ty")
        data, elapsed = read_until_closed(sock, started)
    assert data == b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    assert TIMEOUT - 0.1 <= elapsed <= TIMEOUT + MARGIN
    assert "no complete request head in 1 s (408)" in slow.log_text()


def test_headers_trickled_byte_by_byte_do_not_push_the_deadline_back(slow: Server) -> None:
    trickle = b"GET /healthz HTTP/1.1\r\nHost: docgen\r\nX-Slow: " + b"a" * 200
    with connect(slow) as sock:
        started = time.monotonic()
        sock.settimeout(0.05)
        closed = False
        for byte in trickle:  # 50 ms a byte: 10 s in all, were nothing to stop it
            try:
                sock.sendall(bytes([byte]))
                closed = sock.recv(65536) == b""
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                closed = True
            if closed:
                break
        elapsed = time.monotonic() - started
    assert closed and elapsed <= TIMEOUT + MARGIN


def test_a_body_that_stops_is_408_json_and_closed(slow: Server) -> None:
    with connect(slow) as sock:
        started = time.monotonic()
        sock.sendall(head(slow, 1000) + b'{"participant": ')
        data, elapsed = read_until_closed(sock, started)
    assert TIMEOUT - 0.1 <= elapsed <= TIMEOUT + MARGIN
    status, _, rest = data.partition(b"\r\n")
    headers, _, body = rest.partition(b"\r\n\r\n")
    assert status == b"HTTP/1.1 408 Request Timeout"
    assert b"connection: close" in headers.lower().split(b"\r\n")
    error = json.loads(body)["error"]
    assert error["code"] == "client-timeout" and error["message"] == "the request body did not arrive within 1 s"
    assert audit_row(slow, error["request_id"])["status"] == 408


def test_a_body_trickled_byte_by_byte_is_cut_off_at_the_deadline(slow: Server) -> None:
    body = JANE.read_bytes()
    with connect(slow) as sock:
        started = time.monotonic()
        sock.sendall(head(slow, len(body)))
        sock.settimeout(0.05)
        data = b""
        for byte in body:
            try:
                sock.sendall(bytes([byte]))
                data += sock.recv(65536)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
            if b"\r\n\r\n" in data:
                break
        elapsed = time.monotonic() - started
    assert data.startswith(b"HTTP/1.1 408 ") and elapsed <= TIMEOUT + MARGIN


def test_prompt_clients_and_idle_keep_alive_are_unaffected(slow: Server) -> None:
    with slow.client(slow.key(Scope.DOCUMENTS_RENDER)) as client:
        assert client.post("/v1/validate/summary", content=JANE.read_bytes(), headers=JSON).status_code == 200
        # Idle between requests past the client timeout, within uvicorn's keep-alive (5 s):
        # the head deadline runs only while a request is arriving.
        time.sleep(TIMEOUT * 1.5)
        assert client.post("/v1/validate/summary", content=JANE.read_bytes(), headers=JSON).status_code == 200
        assert client.get("/healthz").status_code == 200
    with httpx.Client(base_url=slow.url) as anonymous:
        assert anonymous.get("/healthz").json() == {"status": "ok"}
