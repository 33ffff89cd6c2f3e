"""API keys over real HTTP: 401 without a valid key, 403 without the scope, revocation at once."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from docgen.store import Scope, Store
from docgen.store.database import open_engine
from tests.api.conftest import JSON, Server
from tests.api.test_routes import assert_error
from tests.conftest import JANE


@pytest.fixture
def server(engine_server: Server) -> Server:
    """Every test here on both engines: SQLite and PostgreSQL."""
    return engine_server


def test_no_key_is_401_with_a_challenge(server: Server) -> None:
    with server.client() as anonymous:
        answer = anonymous.post("/v1/documents/summary", content=JANE.read_bytes(), headers=JSON)
    assert_error(answer, 401, "unauthenticated")
    assert answer.headers["www-authenticate"].startswith("Bearer")


def test_an_unknown_key_is_401(server: Server) -> None:
    real = server.key(Scope.DOCUMENTS_RENDER)
    tampered = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    for key in ("nonsense", "dgk_0000000000000000_" + "x" * 43, tampered, "x" * 5000):
        with server.client(key) as client:
            assert_error(
                client.post("/v1/validate/summary", content=JANE.read_bytes(), headers=JSON), 401, "unauthenticated"
            )


def test_other_schemes_are_401(server: Server) -> None:
    key = server.key(Scope.DOCUMENTS_RENDER)
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Basic {key}"}) as client:
        assert_error(client.get("/metrics"), 401, "unauthenticated")


def test_a_metrics_key_cannot_render(server: Server) -> None:
    with server.client(server.key(Scope.METRICS_READ)) as client:
        error = assert_error(
            client.post("/v1/documents/summary", content=JANE.read_bytes(), headers=JSON), 403, "forbidden"
        )
    assert "documents:render" in error["message"]


def test_a_render_key_cannot_read_metrics(client: httpx.Client) -> None:
    assert_error(client.get("/metrics"), 403, "forbidden")


def test_a_revoked_key_stops_working_at_once(server: Server) -> None:
    key = server.key(Scope.DOCUMENTS_RENDER, name="short-lived")
    with server.client(key) as client:
        assert client.post("/v1/validate/summary", content=JANE.read_bytes(), headers=JSON).status_code == 200
        store = Store(server.db)
        store.revoke_key("short-lived")
        store.close()
        assert_error(
            client.post("/v1/validate/summary", content=JANE.read_bytes(), headers=JSON), 401, "unauthenticated"
        )


def test_the_database_holds_no_key(server: Server) -> None:
    key = server.key(Scope.DOCUMENTS_RENDER)
    # dgk_<key id>_<secret>; the secret is URL-safe base64 and may itself hold "_" (a split on
    # the last one left two characters, found by chance in the database's bytes).
    secret = key.split("_", 2)[2].encode()
    assert len(secret) >= 40
    if isinstance(server.db, Path):
        stored = b"".join(path.read_bytes() for path in server.db.parent.glob("docgen.db*"))
    else:  # every row of every table, as the server sends them to a dump
        engine = open_engine(server.db)
        with engine.transaction(write=False) as db:
            tables = [row[0] for row in db.rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            stored = repr([db.rows(f"SELECT * FROM {table}") for table in tables]).encode()  # noqa: S608
        engine.close()
        assert b"documents:render" in stored  # the key's row is there: what follows looks in the right place
    assert key.encode() not in stored and secret not in stored
