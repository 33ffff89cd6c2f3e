"""The routes over real HTTP: documents, validation, every client error's status and body."""

from __future__ import annotations

import hashlib
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from docgen.enrollment.model import Enrollment
from docgen.store import Scope
from tests.api.conftest import DOCGEN, JSON, Server, as_json
from tests.api.test_metrics import scrape
from tests.conftest import JANE, MARY, ROOT, break_in_every_layer, pdf_text

ERROR_KEYS = {"code", "message", "request_id"}


def assert_error(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS
    assert body["error"]["code"] == code
    assert body["error"]["request_id"] == answer.headers["x-request-id"]
    error: dict[str, Any] = body["error"]
    return error


def test_confirmation_is_byte_for_byte_the_cli_render(client: httpx.Client, tmp_path: Path) -> None:
    answer = client.post("/v1/documents/confirmation", content=JANE.read_bytes(), headers=JSON)
    assert answer.status_code == 200
    out = tmp_path / "c.pdf"
    subprocess.run([str(DOCGEN), "render", "confirmation", str(JANE), "-o", str(out)], cwd=ROOT, check=True)
    assert answer.content == out.read_bytes()
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == 'attachment; filename="confirmation.pdf"'
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["etag"] == f'"{hashlib.sha256(answer.content).hexdigest()}"'
    assert "Enrollment Confirmation Statement" in pdf_text(answer.content)[0]


def test_etag_is_the_same_for_the_same_input(client: httpx.Client) -> None:
    first = client.post("/v1/documents/summary", content=JANE.read_bytes(), headers=JSON)
    second = client.post("/v1/documents/summary", content=JANE.read_bytes(), headers=JSON)
    assert first.status_code == second.status_code == 200
    assert first.headers["etag"] == second.headers["etag"] and first.content == second.content
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert first.headers["content-disposition"] == 'attachment; filename="summary.pdf"'


def test_validate_accepts_the_example(client: httpx.Client) -> None:
    answer = client.post("/v1/validate/confirmation", content=JANE.read_bytes(), headers=JSON)
    assert answer.status_code == 200 and answer.json() == {"errors": []}


def test_problems_are_the_clis(client: httpx.Client, jane: dict[str, Any]) -> None:
    jane["elections"]["medical"] = {"elected": False}
    for route in ("/v1/validate/summary", "/v1/documents/summary"):
        answer = client.post(route, content=as_json(jane), headers=JSON)
        assert answer.status_code == 422
        assert answer.json() == {
            "errors": [
                {
                    "path": "elections.dental.elected",
                    "rule": "dental-requires-medical",
                    "message": "dental requires medical to be elected",
                },
                {
                    "path": "elections.vision.elected",
                    "rule": "vision-requires-medical",
                    "message": "vision requires medical to be elected",
                },
            ]
        }


def test_schema_and_rule_problems_come_in_one_422(client: httpx.Client, jane: dict[str, Any]) -> None:
    expected = break_in_every_layer(jane)
    for route in ("/v1/validate/confirmation", "/v1/documents/confirmation"):
        answer = client.post(route, content=as_json(jane), headers=JSON)
        assert answer.status_code == 422
        assert [(p["path"], p["rule"]) for p in answer.json()["errors"]] == expected


def test_schema_problems_carry_paths_and_never_the_value(client: httpx.Client, jane: dict[str, Any]) -> None:
    jane["dependents"][0]["ssn"] = "889-88-99881"
    jane["dependents"][1]["date_of_birth"] = "1994-13-11"
    answer = client.post("/v1/documents/confirmation", content=as_json(jane), headers=JSON)
    assert answer.status_code == 422
    assert [(p["path"], p["rule"]) for p in answer.json()["errors"]] == [
        ("dependents[0].ssn", "ssn"),
        ("dependents[1].date_of_birth", "iso-date"),
    ]
    for personal in ("889-88", "99881", "1994-13-11", "STEPHEN", "JENNIFER"):
        assert personal not in answer.text


def test_confirmation_needs_its_number(client: httpx.Client, jane: dict[str, Any]) -> None:
    del jane["enrollment"]["confirmation_number"]
    answer = client.post("/v1/documents/confirmation", content=as_json(jane), headers=JSON)
    assert answer.status_code == 422
    assert [p["rule"] for p in answer.json()["errors"]] == ["confirmation-number-required"]


def test_malformed_json_is_400(client: httpx.Client) -> None:
    error = assert_error(
        client.post("/v1/documents/summary", content=b'{"participant": ', headers=JSON), 400, "malformed-json"
    )
    assert "line 1" in error["message"] and "participant" not in error["message"]


def test_an_empty_body_is_400(client: httpx.Client) -> None:
    assert_error(client.post("/v1/validate/summary", content=b"", headers=JSON), 400, "malformed-json")


def test_json_that_is_not_an_object_is_422(client: httpx.Client) -> None:
    answer = client.post("/v1/validate/summary", content=b"[]", headers=JSON)
    assert answer.status_code == 422 and answer.json()["errors"][0]["path"] == "$"


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1"]
)
def test_other_content_types_are_415(client: httpx.Client, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    answer = client.post("/v1/documents/summary", content=JANE.read_bytes(), headers=headers)
    assert_error(answer, 415, "unsupported-media-type")


def test_json_with_utf8_charset_is_accepted(client: httpx.Client) -> None:
    answer = client.post(
        "/v1/validate/summary", content=JANE.read_bytes(), headers={"Content-Type": "application/json; charset=UTF-8"}
    )
    assert answer.status_code == 200


def test_a_body_over_the_limit_is_413(client: httpx.Client) -> None:
    body = b"{" + b" " * (1024 * 1024) + b"}"
    assert_error(client.post("/v1/validate/summary", content=body, headers=JSON), 413, "body-too-large")


def test_a_chunked_body_over_the_limit_is_413(client: httpx.Client) -> None:
    def chunks() -> Any:
        yield b"{"
        for _ in range(17):
            yield b" " * 65536
        yield b"}"

    assert_error(client.post("/v1/validate/summary", content=chunks(), headers=JSON), 413, "body-too-large")


def test_an_unknown_kind_is_404(client: httpx.Client) -> None:
    error = assert_error(client.post("/v1/documents/brochure", content=b"{}", headers=JSON), 404, "unknown-kind")
    assert "brochure" not in error["message"] and "confirmation" in error["message"]


def test_an_unknown_path_is_404_and_a_wrong_method_405(client: httpx.Client) -> None:
    assert_error(client.get("/v2/anything"), 404, "not-found")
    answer = client.get("/v1/documents/summary")
    assert_error(answer, 405, "method-not-allowed")
    assert answer.headers["allow"] == "POST"


def test_unknown_query_parameters_are_problems(client: httpx.Client) -> None:
    answer = client.post("/v1/documents/summary?side=back", content=JANE.read_bytes(), headers=JSON)
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"path": "query.side", "rule": "unknown-option", "message": "is not an option of summary"}
    ]


def test_health_and_readiness_need_no_key(server: Server) -> None:
    with server.client() as anonymous:
        assert anonymous.get("/healthz").json() == {"status": "ok"}
        ready = anonymous.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "workers": 2, "workers_ready": 2}


def test_openapi_publishes_the_models_schemas(server: Server) -> None:
    with server.client() as anonymous:
        document = anonymous.get("/openapi.json").json()
    operation = document["paths"]["/v1/documents/confirmation"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/Enrollment"
    published = document["components"]["schemas"]["Enrollment"]
    expected = Enrollment.model_json_schema()
    assert published["properties"].keys() == expected["properties"].keys()
    assert published["required"] == expected["required"] and published["additionalProperties"] is False
    assert set(operation["responses"]) == {"200", "400", "401", "403", "408", "413", "415", "422", "500", "503", "504"}
    assert set(operation["responses"]["200"]["content"]) == {"application/pdf"}
    assert {f"/v1/documents/{kind}" for kind in ("summary", "confirmation")} <= document["paths"].keys()


def test_a_client_hanging_up_mid_body_is_no_server_error(server: Server) -> None:
    key = server.key(Scope.DOCUMENTS_RENDER)
    counted = ("docgen_http_requests_total", (("method", "POST"), ("route", "/v1/validate/{kind}"), ("status", "400")))

    def hung_up() -> float:
        return scrape(server).get(counted[0], {}).get(counted[1], 0.0)

    before = hung_up()
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            b"POST /v1/validate/summary HTTP/1.1\r\nHost: docgen\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {key}\r\nContent-Length: 1000\r\n\r\n".encode()
            + b'{"participant": '
        )
    deadline = time.monotonic() + 10
    while hung_up() == before:
        assert time.monotonic() < deadline, "the hang-up was never answered"
        time.sleep(0.05)
    assert "unexpected" not in server.log_text()


def test_id_card_png_with_query_options_matches_the_cli(client: httpx.Client, tmp_path: Path) -> None:
    answer = client.post(
        "/v1/documents/id-card",
        params={"member": "01", "side": "back", "format": "png"},
        content=JANE.read_bytes(),
        headers=JSON,
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "image/png"
    assert answer.headers["content-disposition"] == 'attachment; filename="id-card-01-back.png"'
    out = tmp_path / "card.png"
    subprocess.run(
        [str(DOCGEN), "render", "id-card", str(JANE), "-o", str(out), "--member", "01", "--side", "back"],
        cwd=ROOT,
        check=True,
    )
    assert answer.content == out.read_bytes()


def test_id_card_defaults_to_the_subscribers_pdf(client: httpx.Client) -> None:
    answer = client.post("/v1/documents/id-card", content=JANE.read_bytes(), headers=JSON)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == 'attachment; filename="id-card-00.pdf"'


def test_id_card_for_someone_without_medical_is_422(client: httpx.Client) -> None:
    answer = client.post("/v1/documents/id-card", params={"member": "07"}, content=JANE.read_bytes(), headers=JSON)
    assert answer.status_code == 422
    assert [(e["path"], e["rule"]) for e in answer.json()["errors"]] == [("member", "member-covered-by-medical")]


def test_tax_savings_takes_the_illustration_shape(client: httpx.Client) -> None:
    answer = client.post("/v1/documents/tax-savings", content=MARY.read_bytes(), headers=JSON)
    assert answer.status_code == 200
    assert "$1,548" in "".join(pdf_text(answer.content))
    wrong = client.post("/v1/documents/tax-savings", content=JANE.read_bytes(), headers=JSON)
    assert wrong.status_code == 422
    assert [e["rule"] for e in wrong.json()["errors"]] == ["input-shape"]
