"""A real `docgen serve` on loopback in a subprocess (so render workers are real processes), and httpx."""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.services import Postgres, children, dies_with_us, free_port
from docgen.config import Database, PostgresUrl
from docgen.store import Scope, Store
from tests.conftest import load_jane, upgraded_database

DOCGEN = Path(sys.executable).with_name("docgen")
JSON = {"Content-Type": "application/json"}
#: Seconds a server may take to start its workers (forkserver import of WeasyPrint, warm-up).
START_TIMEOUT = 90.0


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@dataclass
class Server:
    """One `docgen serve` subprocess with its own database and log file."""

    process: subprocess.Popen[bytes]
    url: str
    db: Database
    log: Path
    workers: int
    keys: dict[str, str] = field(default_factory=dict)

    def key(self, *scopes: Scope, name: str | None = None) -> str:
        """A key with these scopes, created in the server's database while it runs."""
        label = name or "+".join(sorted(s.value for s in scopes)) or "none"
        if label not in self.keys:
            store = Store(self.db)
            self.keys[label] = store.create_key(label, frozenset(scopes))
            store.close()
        return self.keys[label]

    def client(self, key: str | None = None, timeout: float = 60.0) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def render_client(self) -> httpx.Client:
        return self.client(self.key(Scope.DOCUMENTS_RENDER))

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def worker_pids(self) -> list[int]:
        """Render workers: children of the forkserver the server started."""
        servers = [pid for pid in children(self.process.pid) if "forkserver" in _cmdline(pid)]
        return sorted(pid for server in servers for pid in children(server))

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Until every worker is ready (or fail with the server's log)."""
        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=self.url, timeout=5) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    pytest.fail(f"docgen serve exited {self.process.returncode}:\n{self.log_text()}")
                try:
                    answer = client.get("/readyz")
                    if answer.status_code == 200 and answer.json()["workers_ready"] == self.workers:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
        pytest.fail(f"docgen serve not ready in {timeout} s:\n{self.log_text()}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(
    folder: Path,
    *flags: str,
    workers: int = 2,
    env: dict[str, str] | None = None,
    db: Database | None = None,
    wait: bool = True,
) -> Server:
    """`docgen serve` on a free port, on `db` (default: a SQLite file in `folder`)."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    db = folder / "docgen.db" if db is None else db
    log = folder / "server.log"
    command = [
        str(DOCGEN),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        *flags,
    ]
    # A PostgreSQL URL holds its password: in the environment, as deploy.md's units give it, never
    # on the command line, which every local user can read.
    env = {**(env or {}), "DOCGEN_DB": db.url} if isinstance(db, PostgresUrl) else env
    command += ["--db", str(db)] if isinstance(db, Path) else []
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=folder,
            env={**os.environ, **(env or {})},
            preexec_fn=dies_with_us(signal.SIGTERM),
        )
    server = Server(process, f"http://127.0.0.1:{port}", db, log, workers)
    if wait:
        try:
            server.wait_ready()
        except BaseException:
            server.stop()
            raise
    return server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The shared server: two workers, the default queue (twice the workers), the default limits."""
    running = start_server(tmp_path_factory.mktemp("server"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def postgres_server(postgres: Postgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The shared server's twin on a PostgreSQL database, for the tests that run on both engines."""
    url = upgraded_database(postgres)
    running = start_server(tmp_path_factory.mktemp("server-pg"), db=url)
    yield running
    running.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_server(request: pytest.FixtureRequest) -> Server:
    """The shared server on each engine; a module's tests take it as their `server` to run on both."""
    found = request.getfixturevalue("server" if request.param == "sqlite" else "postgres_server")
    assert isinstance(found, Server)
    return found


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    """A client holding a documents:render key."""
    with server.render_client() as http:
        yield http


def heaviest_enrollment() -> dict[str, Any]:
    """About the costliest valid enrollment: the most dependents, every name at its longest, all covered."""
    data = load_jane()
    template = data["dependents"][1]
    dependents = []
    for number in range(1, 15):
        dependent = copy.deepcopy(template)
        dependent.update(dependent_id=f"{number:02d}", first_name="W" * 35, middle_name="W" * 25, last_name="W" * 60)
        dependents.append(dependent)
    data["dependents"] = dependents
    for coverage in ("medical", "dental", "vision"):
        data["elections"][coverage]["covered_dependents"] = [d["dependent_id"] for d in dependents]
    return data


def as_json(data: Any) -> bytes:
    return json.dumps(data).encode()
