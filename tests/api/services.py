"""Real services for the tests and the benchmark, on loopback in temporary folders: a PostgreSQL
cluster from Debian's packages and nginx in front of `docgen serve` instances (no pytest here)."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from docgen.config import PostgresUrl

#: The test role's password: in every URL the tests give docgen, so they can look for it where it must not be.
PASSWORD = "Pw-24-s3cret-hunter2"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # Fields after the parenthesised command name: state, ppid, ...
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def postgres_bindir() -> Path:
    """Debian's server binaries (initdb, pg_ctl): /usr/lib/postgresql/<major>/bin, newest first."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]), reverse=True)
    if not found:
        raise RuntimeError("PostgreSQL's server is not installed (make sysdeps-test installs it)")
    return Path(found[0]).parent


def _as_postgres(*command: str) -> list[str]:
    # initdb and pg_ctl refuse to run as root (PostgreSQL docs, "Creating a Database Cluster").
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


class Postgres:
    """A throwaway cluster: socket and data in a folder the postgres user owns, TCP on 127.0.0.1 only."""

    def __init__(self) -> None:
        self.bindir = postgres_bindir()
        self.folder = Path(tempfile.mkdtemp(prefix="docgen-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self.data = self.folder / "data"
        self.port = free_port()
        self._names = itertools.count(1)
        pwfile = self.folder / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if os.geteuid() == 0:
            shutil.chown(pwfile, "postgres", "postgres")
        # Local socket: trust (the tests' admin connection); TCP: a password, as in production.
        subprocess.run(
            _as_postgres(
                str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--no-sync",
                "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}",
            ),
            check=True, capture_output=True,
        )  # fmt: skip
        self.start()
        with self.admin() as db:
            db.execute(f"CREATE ROLE docgen LOGIN PASSWORD '{PASSWORD}'")

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off -c max_connections=200"
        subprocess.run(
            _as_postgres(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"),
                         "-o", options, "-w", "start"),
            check=True, capture_output=True,
        )  # fmt: skip

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            _as_postgres(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"),
            check=True, capture_output=True,
        )  # fmt: skip

    @contextmanager
    def frozen(self) -> Iterator[None]:
        """Every process of the cluster stopped (SIGSTOP), as a frozen VM or a storage stall leaves a
        server: connections stay open and the kernel still acknowledges packets, but nothing answers.
        Always continued (SIGCONT) on the way out."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        stopped = [postmaster]
        try:
            os.kill(postmaster, signal.SIGSTOP)  # first: it starts no new backend meanwhile
            for pid in children(postmaster):
                os.kill(pid, signal.SIGSTOP)
                stopped.append(pid)
            yield
        finally:
            for pid in stopped:
                try:
                    os.kill(pid, signal.SIGCONT)
                except ProcessLookupError:
                    continue  # a backend that was ended meanwhile

    def admin(self, dbname: str = "postgres") -> psycopg.Connection[tuple[Any, ...]]:
        return psycopg.connect(host=str(self.folder), port=self.port, user="postgres", dbname=dbname, autocommit=True)

    def database(self) -> PostgresUrl:
        """A new, empty database the docgen role owns, as docgen is given it: a URL with a password."""
        name = f"docgen_{next(self._names)}"
        with self.admin() as db:
            db.execute(f"CREATE DATABASE {name} OWNER docgen")
        return PostgresUrl(f"postgresql://docgen:{PASSWORD}@127.0.0.1:{self.port}/{name}")

    def close(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)


def nginx_config(folder: Path, port: int, upstreams: list[str], body_limit: int = 1024 * 1024) -> str:
    """The configuration of docs/deploy.md, on loopback, with its files in `folder`."""
    servers = "\n".join(f"        server {address} max_fails=3 fail_timeout=2s;" for address in upstreams)
    return f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    upstream docgen {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size {body_limit};
        client_body_buffer_size {body_limit};
        client_header_timeout 30s;
        client_body_timeout 30s;
        location / {{
            proxy_pass http://docgen;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_connect_timeout 2s;
            proxy_send_timeout 30s;
            proxy_read_timeout 75s;
            proxy_next_upstream error timeout http_503 non_idempotent;
            proxy_next_upstream_tries 2;
        }}
        error_page 502 504 = @unavailable;
        location @unavailable {{
            default_type application/json;
            add_header Retry-After 1 always;
            return 503 '{{"error": {{"code": "unavailable", "message": "no docgen instance can answer now"}}}}';
        }}
    }}
}}
"""


class Nginx:
    """nginx in the foreground with a config written to `folder`."""

    def __init__(self, folder: Path, upstreams: list[str]) -> None:
        self.folder = folder
        (folder / "tmp").mkdir(parents=True, exist_ok=True)
        os.chmod(folder / "tmp", 0o777)  # nginx's workers run as nobody when it starts as root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = folder / "nginx.conf"
        config.write_text(nginx_config(folder, self.port, upstreams))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        with (folder / "nginx.stderr").open("wb") as stderr:
            self.process = subprocess.Popen(
                [nginx, "-c", str(config), "-p", str(folder), "-g", "daemon off;"],
                stdout=subprocess.DEVNULL, stderr=stderr,
            )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError((folder / "nginx.stderr").read_text()) from None
                time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
