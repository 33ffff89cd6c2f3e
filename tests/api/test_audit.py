"""Audit rows and logs over real HTTP: who rendered what, and never a name, SSN, birth date or key."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx
import pytest

from bench.services import PASSWORD, Postgres
from docgen.config import PostgresUrl
from docgen.store import Scope, Store, subject_hmac
from docgen.store.database import AUDIT_COLUMNS, open_engine
from tests.api.conftest import JSON, Server, as_json
from tests.conftest import JANE

PERSONAL = ("JANE", "STEPHEN", "JENNIFER", "889-88-9988", "889889988", "998-77-1234", "1954-03-30", "1952-07-03")


@pytest.fixture
def server(engine_server: Server) -> Server:
    """Every test here on both engines: SQLite and PostgreSQL."""
    return engine_server


def audit_row(server: Server, request_id: str) -> dict[str, Any]:
    engine = open_engine(server.db)
    with engine.transaction(write=False) as db:
        rows = db.rows(f"SELECT {AUDIT_COLUMNS} FROM audit_log WHERE request_id = ?", (request_id,))  # noqa: S608
    engine.close()
    assert rows, request_id
    return dict(zip([column.strip() for column in AUDIT_COLUMNS.split(",")], rows[0], strict=True))


def test_a_render_is_audited(server: Server, client: httpx.Client) -> None:
    answer = client.post("/v1/documents/confirmation", content=JANE.read_bytes(), headers=JSON)
    assert answer.status_code == 200
    row = audit_row(server, answer.headers["x-request-id"])
    store = Store(server.db)
    secret = store.audit_secret()
    store.close()
    assert row["key_name"] == "documents:render" and row["action"] == "render" and row["kind"] == "confirmation"
    assert row["subject_hmac"] == subject_hmac(secret, "779901618322") != "779901618322"
    assert row["output_sha256"] == hashlib.sha256(answer.content).hexdigest() == answer.headers["etag"].strip('"')
    assert row["bytes"] == len(answer.content) and row["status"] == 200 and row["duration_ms"] > 0
    assert not any(value in json.dumps(row) for value in PERSONAL + ("779901618322",))


def test_refusals_of_a_known_key_are_audited_with_their_status(server: Server, jane: dict[str, Any]) -> None:
    jane["participant"]["date_of_birth"] = "1954-02-30"
    with server.client(server.key(Scope.DOCUMENTS_RENDER)) as client:
        invalid = client.post("/v1/validate/summary", content=as_json(jane), headers=JSON)
    with server.client(server.key(Scope.METRICS_READ)) as client:
        forbidden = client.post("/v1/documents/summary", content=JANE.read_bytes(), headers=JSON)
    rows = [audit_row(server, answer.headers["x-request-id"]) for answer in (invalid, forbidden)]
    assert [(r["status"], r["action"], r["key_name"]) for r in rows] == [
        (422, "validate", "documents:render"),
        (403, "render", "metrics:read"),
    ]
    assert rows[0]["subject_hmac"] is None and rows[0]["output_sha256"] is None


def test_no_key_token_or_personal_data_reaches_the_log(server: Server, jane: dict[str, Any]) -> None:
    key = server.key(Scope.DOCUMENTS_RENDER)
    jane["dependents"][0]["ssn"] = "889-88-99887"
    with server.client(key) as client:
        client.post("/v1/documents/confirmation", content=JANE.read_bytes(), headers=JSON)
        client.post("/v1/documents/confirmation", content=as_json(jane), headers=JSON)
    with server.client("dgk_feedfacefeedface_not-a-real-token-ZZZ") as client:
        assert client.post("/v1/documents/summary", content=JANE.read_bytes(), headers=JSON).status_code == 401
    log = server.log_text()
    assert "POST /v1/documents/confirmation" in log  # the log is being written
    for secret in (*server.keys.values(), "feedfacefeedface", "not-a-real-token", "889-88-99887", *PERSONAL):
        assert secret not in log


def test_a_key_sent_in_the_query_is_redacted_in_the_log(server: Server) -> None:
    key = server.key(Scope.DOCUMENTS_RENDER)
    secrets = {"api_key": key, "ApiKey": "s3cret-a", "token": "s3cret-b", "access_token": "s3cret-c", "KEY": "s3cret-d"}
    with server.client(key) as client:
        # Unknown options, so 422: the access line is written all the same.
        client.post("/v1/validate/summary", params={**secrets, "member": "01"}, content=JANE.read_bytes(), headers=JSON)
        client.post("/v1/validate/summary?api%5Fkey=s3cret-e&side=front", content=JANE.read_bytes(), headers=JSON)
        client.get(f"/v1/documents/{key}")  # a key in the path, 405
    log = server.log_text()
    assert (
        "api_key=[redacted]&ApiKey=[redacted]&token=[redacted]&access_token=[redacted]&KEY=[redacted]&member=01" in log
    )
    assert "/v1/validate/summary?api%5Fkey=[redacted]&side=front" in log
    assert '"GET /v1/documents/dgk_[redacted] HTTP/1.1" 405' in log
    # A key is dgk_<id>_<secret>, and the url-safe secret may itself hold "_": split from the left.
    for secret in (key, key.split("_", 2)[2], "s3cret"):
        assert secret not in log


def test_a_database_that_refuses_a_statement_is_500_store_failed(postgres_server: Server, postgres: Postgres) -> None:
    # Not an outage (503, retry) but a database that answers with an error: the key table's
    # privilege taken away by its administrator.
    assert isinstance(postgres_server.db, PostgresUrl)
    key = postgres_server.key(Scope.DOCUMENTS_RENDER)
    with postgres.admin(postgres_server.db.url.rsplit("/", 1)[1]) as admin:
        admin.execute("REVOKE SELECT ON api_keys FROM docgen")
        try:
            with postgres_server.client(key) as client:
                answer = client.post("/v1/validate/summary", content=JANE.read_bytes(), headers=JSON)
        finally:
            admin.execute("GRANT SELECT ON api_keys TO docgen")
    assert answer.status_code == 500 and answer.json()["error"]["code"] == "store-failed"
    assert "retry-after" not in answer.headers and PASSWORD not in answer.text
    with postgres_server.client(key) as client:
        assert client.post("/v1/validate/summary", content=JANE.read_bytes(), headers=JSON).status_code == 200


def test_a_document_whose_audit_row_is_refused_is_not_sent(postgres_server: Server, postgres: Postgres) -> None:
    # The row is refused by the database (a constraint its administrator added), not unreachable:
    # the document must not leave without its row all the same.
    assert isinstance(postgres_server.db, PostgresUrl)
    key = postgres_server.key(Scope.DOCUMENTS_RENDER)
    with postgres.admin(postgres_server.db.url.rsplit("/", 1)[1]) as admin:
        admin.execute("ALTER TABLE audit_log ADD CONSTRAINT refuse_all CHECK (false) NOT VALID")
        try:
            with postgres_server.client(key) as client:
                answer = client.post("/v1/documents/confirmation", content=JANE.read_bytes(), headers=JSON)
        finally:
            admin.execute("ALTER TABLE audit_log DROP CONSTRAINT refuse_all")
    assert answer.status_code == 500 and b"%PDF" not in answer.content, answer.text
    assert answer.json()["error"]["code"] == "store-failed"
