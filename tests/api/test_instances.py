"""Two `docgen serve` instances on one PostgreSQL database, nginx in front: keys agree, audit rows
name their instance, a PostgreSQL outage gives 503s and no 500 or hang, and service comes back."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bench.services import PASSWORD, Nginx, Postgres
from docgen.cli import main
from docgen.config import PostgresUrl
from docgen.store import Scope, Store
from docgen.store.database import open_engine
from tests.api.conftest import JSON, START_TIMEOUT, Server, start_server
from tests.conftest import JANE, upgraded_database

# Two servers and nginx take a while to start, and the load tests run for seconds.
pytestmark = pytest.mark.slow


@dataclass
class Fleet:
    url: PostgresUrl
    servers: list[Server]
    nginx: Nginx

    def store(self) -> Store:
        return Store(self.url)


@pytest.fixture(scope="module")
def fleet(postgres: Postgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    url = upgraded_database(postgres)
    folder = tmp_path_factory.mktemp("fleet")
    with ExitStack() as running:  # whatever started is stopped, if a later start fails too
        servers = []
        for name in ("east", "west"):
            # 40 may wait for the one worker: the 60-render test is served, not refused.
            server = start_server(folder / name, "--instance", name, "--queue", "40", db=url, workers=1, wait=False)
            running.callback(server.stop)
            servers.append(server)
        for server in servers:
            server.wait_ready()
        nginx = Nginx(folder / "nginx", [s.url.removeprefix("http://") for s in servers])
        running.callback(nginx.stop)
        yield Fleet(url, servers, nginx)


def cli_key(fleet: Fleet, name: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["keys", "create", name, "--scope", "documents:render", "--db", fleet.url.url]) == 0
    return capsys.readouterr().out.splitlines()[-1]


def validate(url: str, key: str) -> httpx.Response:
    headers = {**JSON, "Authorization": f"Bearer {key}"}
    return httpx.post(f"{url}/v1/validate/summary", content=JANE.read_bytes(), headers=headers, timeout=30)


def test_a_key_made_with_the_cli_works_on_both_instances(fleet: Fleet, capsys: pytest.CaptureFixture[str]) -> None:
    key = cli_key(fleet, "portal", capsys)
    assert [validate(server.url, key).status_code for server in fleet.servers] == [200, 200]


def test_a_key_revoked_with_the_cli_is_refused_by_both_within_a_second(
    fleet: Fleet, capsys: pytest.CaptureFixture[str]
) -> None:
    key = cli_key(fleet, "short-lived", capsys)
    assert [validate(server.url, key).status_code for server in fleet.servers] == [200, 200]
    assert main(["keys", "revoke", "short-lived", "--db", fleet.url.url]) == 0
    revoked = time.monotonic()
    refused: dict[str, float] = {}
    while len(refused) < 2 and time.monotonic() - revoked < 1.0:
        for server in fleet.servers:
            if server.url not in refused and validate(server.url, key).status_code == 401:
                refused[server.url] = time.monotonic() - revoked
    assert len(refused) == 2 and max(refused.values()) < 1.0, refused


def audit_rows(fleet: Fleet, request_ids: list[str]) -> list[tuple[str, int, str]]:
    engine = open_engine(fleet.url)
    marks = ", ".join("?" * len(request_ids))
    with engine.transaction(write=False) as db:
        rows = db.rows(f"SELECT request_id, status, instance FROM audit_log WHERE request_id IN ({marks})", request_ids)  # noqa: S608
    engine.close()
    return [(r[0], r[1], r[2]) for r in rows]


def test_60_concurrent_renders_through_nginx(fleet: Fleet, capsys: pytest.CaptureFixture[str]) -> None:
    key = cli_key(fleet, "load", capsys)
    headers = {**JSON, "Authorization": f"Bearer {key}"}

    def render(_: int) -> httpx.Response:
        url = f"{fleet.nginx.url}/v1/documents/confirmation"
        return httpx.post(url, content=JANE.read_bytes(), headers=headers, timeout=120)

    with ThreadPoolExecutor(60) as threads:
        answers = list(threads.map(render, range(60)))
    statuses = [answer.status_code for answer in answers]
    assert set(statuses) <= {200, 503}, statuses
    assert all(a.headers.get("retry-after", "").isdigit() for a in answers if a.status_code == 503)
    served = [a for a in answers if a.status_code == 200]
    assert len(served) >= 45, statuses  # each instance admits 1 rendering + 40 waiting: few if any refused
    assert all(a.content.startswith(b"%PDF") and a.headers["content-type"] == "application/pdf" for a in served)
    # Exactly one row per document returned: none lost, none doubled by a retry on the other instance.
    engine = open_engine(fleet.url)
    with engine.transaction(write=False) as db:
        rows = db.rows(
            "SELECT request_id, instance, subject_hmac FROM audit_log WHERE key_name = 'load' AND status = 200"
        )
    engine.close()
    assert len(rows) == len(served)
    assert sorted(r[0] for r in rows) == sorted(a.headers["x-request-id"] for a in served)
    assert {r[1] for r in rows} == {"east", "west"}
    # One participant (Jane), answered by both instances, hashed alike: the audit key is shared.
    assert len({r[2] for r in rows}) == 1 and rows[0][2] is not None


def test_postgresql_stopped_mid_load_then_restarted(
    fleet: Fleet, postgres: Postgres, capsys: pytest.CaptureFixture[str]
) -> None:
    key = cli_key(fleet, "outage", capsys)
    done = threading.Event()
    seen: list[tuple[float, int, float, str]] = []  # (sent at, status, seconds, retry-after)

    def client() -> None:
        with httpx.Client(timeout=30) as http:
            while not done.is_set():
                sent = time.monotonic()
                headers = {**JSON, "Authorization": f"Bearer {key}"}
                answer = http.post(f"{fleet.nginx.url}/v1/validate/summary", content=JANE.read_bytes(), headers=headers)
                seen.append((sent, answer.status_code, time.monotonic() - sent, answer.headers.get("retry-after", "")))
                time.sleep(0.05)

    threads = [threading.Thread(target=client) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        postgres.stop()
        time.sleep(1.0)
        # While it is away: each instance is unready, and a request that needs the store is refused.
        for server in fleet.servers:
            assert httpx.get(f"{server.url}/readyz", timeout=10).status_code == 503
            down = validate(server.url, key)
            assert down.status_code == 503 and down.headers["retry-after"].isdigit()
            assert down.json()["error"]["code"] == "store-unavailable"
        time.sleep(1.0)
        postgres.start()
        restarted = time.monotonic()
        while time.monotonic() - restarted < 8 and not any(s[0] > restarted and s[1] == 200 for s in seen):
            time.sleep(0.1)
        time.sleep(0.5)
    finally:
        done.set()
        for thread in threads:
            thread.join(60)
        if not postgres.running:  # a failure above must not leave the session's cluster down
            postgres.start()
    statuses = {s[1] for s in seen}
    assert statuses <= {200, 503}, statuses
    assert all(s[3].isdigit() for s in seen if s[1] == 503)
    assert max(s[2] for s in seen) < 10  # no hang: far under the render timeout
    back = min(s[0] + s[2] for s in seen if s[0] > restarted and s[1] == 200)
    assert back - restarted < 5, [(round(s[0] - restarted, 2), s[1]) for s in seen]
    assert 503 in statuses and 200 in statuses
    for server in fleet.servers:
        ready = httpx.get(f"{server.url}/readyz", timeout=10)
        assert ready.status_code == 200, (ready.text, server.log_text()[-3000:])


def test_the_password_is_in_no_log_or_metrics(fleet: Fleet) -> None:
    store = fleet.store()
    key = store.create_key("prometheus", frozenset({Scope.METRICS_READ}))
    store.close()
    for server in fleet.servers:
        metrics = httpx.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {key}"}, timeout=10)
        assert metrics.status_code == 200 and PASSWORD not in metrics.text
        log = server.log_text()
        assert "docgen:[redacted]@127.0.0.1" in log and PASSWORD not in log
        # Nor on its command line, which every local user can read (/proc/PID/cmdline, ps).
        assert PASSWORD.encode() not in Path(f"/proc/{server.process.pid}/cmdline").read_bytes()
    assert PASSWORD not in "".join(p.read_text() for p in Path(fleet.nginx.folder).glob("*.log"))


def test_a_document_whose_audit_row_cannot_be_written_is_not_sent(
    fleet: Fleet, postgres: Postgres, capsys: pytest.CaptureFixture[str]
) -> None:
    # The key lookup succeeds, then the audit table is locked past the store's lock timeout:
    # the rendered document must not leave without its row, so the answer is 503, not 200.
    key = cli_key(fleet, "locked-out", capsys)
    server = fleet.servers[0]
    with postgres.admin(fleet.url.url.rsplit("/", 1)[1]) as admin, admin.transaction():
        admin.execute("LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        headers = {**JSON, "Authorization": f"Bearer {key}"}
        answer = httpx.post(
            f"{server.url}/v1/documents/confirmation", content=JANE.read_bytes(), headers=headers, timeout=30
        )
        elapsed = time.monotonic() - started
    assert answer.status_code == 503 and answer.headers["content-type"] == "application/json"
    assert answer.json()["error"]["code"] == "store-unavailable" and answer.headers["retry-after"].isdigit()
    assert b"%PDF" not in answer.content and elapsed < 10
    assert audit_rows(fleet, [answer.headers["x-request-id"]]) == []
    assert validate(server.url, key).status_code == 200  # and the next request is served


def test_a_frozen_postgresql_gives_503_within_the_store_limit_then_service_resumes(
    postgres: Postgres, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A render timeout of 4 s gives the store 2 s a call (half of it): a request that needs the
    # frozen database is answered 503 with Retry-After by then, never left waiting.
    url = upgraded_database(postgres)
    server = start_server(tmp_path, "--instance", "frozen", "--render-timeout", "4", db=url, workers=1)
    try:
        key = server.key(Scope.DOCUMENTS_RENDER)
        assert validate(server.url, key).status_code == 200
        with postgres.frozen():
            for _ in range(3):
                started = time.monotonic()
                answer = validate(server.url, key)
                elapsed = time.monotonic() - started
                assert answer.status_code == 503 and answer.headers["retry-after"].isdigit(), answer.text
                assert answer.json()["error"]["code"] == "store-unavailable" and elapsed < 3.5, elapsed
            started = time.monotonic()
            assert httpx.get(f"{server.url}/readyz", timeout=10).status_code == 503
            assert time.monotonic() - started < 3.5
        thawed = time.monotonic()
        while validate(server.url, key).status_code != 200:
            assert time.monotonic() - thawed < 5, server.log_text()[-3000:]
            time.sleep(0.1)
        assert httpx.get(f"{server.url}/readyz", timeout=10).status_code == 200
    finally:
        server.stop()


def readyz(server: Server) -> httpx.Response:
    return httpx.get(f"{server.url}/readyz", timeout=10)


def wait_for_readyz(server: Server, status: int, code: str | None, within: float) -> None:
    """Until /readyz answers `status` (with error `code`), or fail with the server's log."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"docgen serve exited {server.process.returncode}:\n{server.log_text()}")
        try:
            answer = readyz(server)
            if answer.status_code == status and (code is None or answer.json()["error"]["code"] == code):
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"/readyz not {status} {code or ''} within {within} s:\n{server.log_text()[-3000:]}")


def test_an_instance_started_while_postgresql_is_down_serves_once_it_is_up(postgres: Postgres, tmp_path: Path) -> None:
    # A service manager restarting instances during an outage, or a host booting before its
    # database: the instance must start, unready, and become ready by itself.
    url = upgraded_database(postgres)
    key = Store(url).create_key("portal", frozenset({Scope.DOCUMENTS_RENDER}))
    server = None
    try:
        postgres.stop()
        server = start_server(tmp_path, "--instance", "early", db=url, workers=1, wait=False)
        wait_for_readyz(server, 503, "store-unavailable", START_TIMEOUT)
        postgres.start()
        started = time.monotonic()
        wait_for_readyz(server, 200, None, 10)
        assert time.monotonic() - started < 5
        headers = {**JSON, "Authorization": f"Bearer {key}"}
        answer = httpx.post(
            f"{server.url}/v1/documents/confirmation", content=JANE.read_bytes(), headers=headers, timeout=60
        )
        assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
        assert "starting unready" in server.log_text() and PASSWORD not in server.log_text()
    finally:
        if not postgres.running:
            postgres.start()
        if server is not None:
            server.stop()


def test_a_database_that_answers_later_at_an_old_schema_keeps_the_instance_unready_until_upgraded(
    postgres: Postgres, tmp_path: Path
) -> None:
    url = postgres.database()  # empty: never upgraded
    server = None
    try:
        postgres.stop()
        server = start_server(tmp_path, "--instance", "early", db=url, workers=1, wait=False)
        wait_for_readyz(server, 503, "store-unavailable", START_TIMEOUT)
        postgres.start()
        wait_for_readyz(server, 503, "schema-version", 10)
        assert "run `docgen db upgrade --db DATABASE` first [schema-version]" in server.log_text()
        assert main(["db", "upgrade", "--db", url.url]) == 0
        wait_for_readyz(server, 200, None, 5)
    finally:
        if not postgres.running:
            postgres.start()
        if server is not None:
            server.stop()
