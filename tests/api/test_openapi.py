"""/openapi.json against the running server: schemathesis finds no 500 and no answer outside the schema."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgen.api.errors import ANSWERS, EXCEPTION_HANDLERS
from docgen.api.openapi import openapi
from docgen.documents import KINDS
from docgen.store import Scope
from tests.api.conftest import JSON, Server, as_json
from tests.conftest import load_jane

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")

# Every check schemathesis has, but one: positive_data_acceptance expects 2xx for any body
# the schema admits, while the enrollment rules (dates in the plan year, dental with
# medical, ...) rightly refuse most of those with 422, which the schema documents.
CHECKS = "all"
EXCLUDED = "positive_data_acceptance"


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_nothing_outside_the_schema(server: Server, tmp_path: Path) -> None:
    key = server.key(Scope.DOCUMENTS_RENDER, Scope.METRICS_READ)
    done = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{server.url}/openapi.json",
            "--header",
            f"Authorization: Bearer {key}",
            "--checks",
            CHECKS,
            "--exclude-checks",
            EXCLUDED,
            "--max-examples",
            "40",
            "--seed",
            "8",
            "--generation-database",
            "none",
            "--no-color",
            "--workers",
            "1",
            "--request-timeout",
            "60",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    selected = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", done.stdout)
    assert selected is not None and len(set(selected.groups())) == 1, done.stdout[-3000:]
    assert int(selected.group(1)) >= 2 * len(server_kinds(server)) + 3  # render, validate; health, ready, metrics


def server_kinds(server: Server) -> list[str]:
    with httpx.Client(base_url=server.url) as anonymous:
        paths = anonymous.get("/openapi.json").json()["paths"]
    return [path.rsplit("/", 1)[1] for path in paths if path.startswith("/v1/documents/")]


# Text a member's record might hold: any printable or control character, any script.
_TEXT = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=60)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=_TEXT, last=_TEXT, city=_TEXT, plan=_TEXT)
def test_any_text_in_a_valid_enrollment_renders_or_is_refused_never_500(
    server: Server, first: str, last: str, city: str, plan: str
) -> None:
    data: dict[str, Any] = load_jane()
    data["participant"].update(first_name=first, last_name=last)
    data["participant"]["address"]["city"] = city
    data["elections"]["medical"]["plan"] = plan
    with server.render_client() as client:
        answer = client.post("/v1/documents/summary", content=as_json(data), headers=JSON)
    assert answer.status_code in (200, 422), answer.text
    if answer.status_code == 200:
        assert answer.content.startswith(b"%PDF-")


def test_the_document_is_valid_openapi_3_1(server: Server) -> None:
    with httpx.Client(base_url=server.url) as anonymous:
        document = anonymous.get("/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["apiKey"] == {"type": "http", "scheme": "bearer"}
    open_routes = {path for path, item in document["paths"].items() if item.get("get", {}).get("security") == []}
    assert open_routes == {"/healthz", "/readyz", "/openapi.json"}
    refs = [value for value in _walk(document) if isinstance(value, str) and value.startswith("#/")]
    for ref in refs:  # every reference resolves
        node: Any = document
        for part in ref[2:].split("/"):
            node = node[part]


def _walk(node: Any) -> Any:
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)
    else:
        yield node


def test_error_responses_are_generated_from_the_handler_table() -> None:
    # Issue 20: one table (api/errors.py ANSWERS) gives both the handlers and /openapi.json's
    # error responses, so a status handled but not published (or the reverse) cannot happen.
    assert EXCEPTION_HANDLERS == {family: answer.handler for family, answer in ANSWERS.items()}
    paths = openapi(KINDS)["paths"]
    for path, method, route in (
        ("/v1/documents/confirmation", "post", "documents"),
        ("/v1/validate/id-card", "post", "documents"),
        ("/metrics", "get", "metrics"),
    ):
        responses = paths[path][method]["responses"]
        published = {status: response for status, response in responses.items() if int(status) >= 400}
        handled = [answer for answer in ANSWERS.values() if route in answer.routes and answer.status is not None]
        assert set(published) == {str(answer.status) for answer in handled}, path
        for answer in handled:
            response = published[str(answer.status)]
            assert answer.description in response["description"], (path, answer.status)
            assert set(answer.headers) <= set(response["headers"]), (path, answer.status)
    assert set(paths["/v1/documents/confirmation"]["post"]["responses"]) >= {"401", "403", "422", "500", "503", "504"}
    assert "Retry-After" in paths["/v1/documents/confirmation"]["post"]["responses"]["503"]["headers"]
