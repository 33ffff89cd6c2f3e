"""/metrics over real HTTP: Prometheus text with requests, latency per kind, errors and queue depth."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from docgen.store import Scope
from tests.api.conftest import JSON, Server
from tests.conftest import JANE


def scrape(server: Server) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    with server.client(server.key(Scope.METRICS_READ)) as client:
        answer = client.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    samples: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def test_metrics_count_requests_and_time_them_per_kind(server: Server, client: httpx.Client) -> None:
    before = scrape(server)
    assert client.post("/v1/validate/summary", content=JANE.read_bytes(), headers=JSON).status_code == 200
    assert client.post("/v1/validate/summary", content=b"{", headers=JSON).status_code == 400
    after = scrape(server)

    def count(name: str, **labels: str) -> float:
        key = tuple(sorted(labels.items()))
        return after.get(name, {}).get(key, 0.0) - before.get(name, {}).get(key, 0.0)

    route = "/v1/validate/{kind}"
    assert count("docgen_http_requests_total", route=route, method="POST", status="200") == 1
    assert count("docgen_http_requests_total", route=route, method="POST", status="400") == 1
    assert count("docgen_request_duration_seconds_count", action="validate", kind="summary") == 2
    assert count("docgen_render_seconds_count", action="validate", kind="summary") == 1
    assert after["docgen_queue_depth"][()] == 0
    assert after["docgen_workers_ready"][()] == 2
    assert after["docgen_queue_capacity"][()] == 6
