"""Real services on loopback in temporary folders, for the benchmark and the tests: a PostgreSQL
cluster from Debian's packages and nginx in front of `docgen serve` instances (no pytest here)."""

from __future__ import annotations

import ctypes
import glob
import itertools
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from docgen.config import PostgresUrl

#: The test role's password: in every URL the tests give docgen, so they can look for it where it must not be.
PASSWORD = "Pw-24-s3cret-hunter2"


#: Ports for the servers tests and benchmarks start: below Linux's ephemeral range (32768-60999,
#: /proc/sys/net/ipv4/ip_local_port_range), where the kernel picks the source port of every
#: outgoing connection and every bind to port 0. A port found free there could be taken by any
#: connection before the server binds it; here only another server started the same way competes.
_SERVER_PORTS = range(20000, 32768)
_handed_out: set[int] = set()


def free_port() -> int:
    """A loopback port no process listens on now, never handed out twice by this process; random
    in `_SERVER_PORTS`, so two test runs on one machine rarely try the same one."""
    generator = random.SystemRandom()
    while True:
        port = generator.choice(_SERVER_PORTS)
        if port in _handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
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
    # initdb and the server refuse to run as root (PostgreSQL docs, "Creating a Database Cluster").
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


# <linux/prctl.h>: the signal a process gets when the thread that started it ends.
_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True)


def dies_with_us(signum: signal.Signals) -> Callable[[], None]:
    """A preexec_fn: the child gets `signum` when this process dies, even by SIGKILL (a CI time-out,
    a second Ctrl-C), so no server outlives the run (Linux prctl(2), PR_SET_PDEATHSIG). Start the
    child from the main thread: the signal follows the thread that forked it."""
    parent = os.getpid()

    def arm() -> None:
        # Set after the child took its user (a change of credentials clears it), before exec.
        _LIBC.prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)

    return arm


# The postmaster's shutdown modes (PostgreSQL docs, "Shutting Down the Server").
_SHUTDOWN = {"smart": signal.SIGTERM, "fast": signal.SIGINT, "immediate": signal.SIGQUIT}


class Postgres:
    """A throwaway cluster: socket and data in a folder the postgres user owns, TCP on 127.0.0.1 only.

    The server runs in the foreground as this process's child, and stops if this process dies.
    """

    def __init__(self) -> None:
        self.bindir = postgres_bindir()
        # /tmp, not $TMPDIR: the postgres user must be able to reach the folder.
        self.folder = Path(tempfile.mkdtemp(prefix="docgen-pg-", dir="/tmp"))
        self.process: subprocess.Popen[bytes] | None = None
        try:
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
        except BaseException:
            self.close()
            raise

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = ["-c", "listen_addresses=127.0.0.1", "-p", str(self.port), "-k", str(self.folder)]
        options += ["-c", "fsync=off", "-c", "max_connections=200"]
        # As the postgres user when root (the server refuses root), like runuser, but as our own
        # child: runuser would stand between, and a death signal would reach only it.
        user = {"user": "postgres", "group": "postgres", "extra_groups": []} if os.geteuid() == 0 else {}
        with (self.folder / "log").open("ab") as log:
            self.process = subprocess.Popen(
                [str(self.bindir / "postgres"), "-D", str(self.data), *options],
                stdout=log, stderr=subprocess.STDOUT, cwd=self.folder,
                preexec_fn=dies_with_us(signal.SIGQUIT), **user,  # type: ignore[arg-type]
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                self.admin().close()
                return
            except psycopg.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop("immediate")
                    raise RuntimeError(f"PostgreSQL did not start:\n{(self.folder / 'log').read_text()}") from None
                time.sleep(0.05)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, mode: str = "fast") -> None:
        """Shut the server down (fast: clients disconnected; immediate: no checkpoint) and wait."""
        if self.running:
            assert self.process is not None
            self.process.send_signal(_SHUTDOWN[mode])
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @contextmanager
    def frozen(self) -> Iterator[None]:
        """Every process of the cluster stopped (SIGSTOP), as a frozen VM or a storage stall leaves a
        server: connections stay open and the kernel still acknowledges packets, but nothing answers.
        Always continued (SIGCONT) on the way out."""
        assert self.process is not None and self.running
        postmaster = self.process.pid
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
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def nginx_config(folder: Path, port: int, upstreams: list[str], body_limit: int = 1024 * 1024) -> str:
    """The configuration of docs/deploy.md, on loopback, with its files in `folder`."""
    servers = "\n".join(f"        server {address} max_fails=10 fail_timeout=2s;" for address in upstreams)
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
            # Never a temporary file: nginx starts as root here and its workers run as nobody, who
            # cannot write under a pytest folder (0700); a slow client of a large PDF would fail.
            proxy_max_temp_file_size 0;
            proxy_next_upstream error timeout http_503 non_idempotent;
            proxy_next_upstream_tries 2;
            proxy_next_upstream_timeout 70s;
        }}
        error_page 502 = @unavailable;
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
            # SIGTERM: nginx's fast shutdown, its workers with it (nginx docs, "Controlling nginx").
            self.process = subprocess.Popen(
                [nginx, "-c", str(config), "-p", str(folder), "-g", "daemon off;"],
                stdout=subprocess.DEVNULL, stderr=stderr, preexec_fn=dies_with_us(signal.SIGTERM),
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
        self.stop()
        raise RuntimeError(f"nginx did not start in 10 s:\n{(folder / 'nginx.stderr').read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
