"""The launchers of the real services the tests start: nothing outlives the process that started it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.services import nginx_config
from tests.conftest import ROOT

_STARTER = """
import sys, time
from pathlib import Path
from bench.services import Nginx, Postgres
cluster = Postgres()
nginx = Nginx(Path(sys.argv[1]), ["127.0.0.1:9"])
print(cluster.process.pid, nginx.process.pid, cluster.folder, flush=True)
time.sleep(120)
"""


def gone(pid: int) -> bool:
    """Ended: no such process, or one waiting to be reaped (a zombie ran nothing any more)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_postgresql_and_nginx_stop_when_the_process_that_started_them_is_killed(tmp_path: Path) -> None:
    # As when CI's time-out or a second Ctrl-C kills pytest: no cleanup code runs at all.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    with subprocess.Popen(
        [sys.executable, "-c", _STARTER, str(tmp_path / "nginx")], stdout=subprocess.PIPE, cwd=ROOT, env=env
    ) as starter:
        assert starter.stdout is not None
        postmaster, nginx, folder = starter.stdout.readline().decode().split()
        try:
            assert not gone(int(postmaster)) and not gone(int(nginx))
            starter.kill()
            starter.wait()
            deadline = time.monotonic() + 10
            while not (gone(int(postmaster)) and gone(int(nginx))) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert gone(int(postmaster)) and gone(int(nginx))
        finally:
            starter.kill()
            shutil.rmtree(folder, ignore_errors=True)


def test_the_tests_nginx_configuration_is_the_one_deploy_md_gives(tmp_path: Path) -> None:
    # The tests check the layout deploy.md tells users to copy: the two must not drift apart.
    block = (ROOT / "docs" / "deploy.md").read_text().split("# /etc/nginx/conf.d/docgen.conf\n")[1].split("```")[0]
    ours = {line.split("#")[0].strip() for line in nginx_config(tmp_path, 8080, ["127.0.0.1:8001"]).splitlines()}
    checked = 0
    for line in block.splitlines():
        directive = line.split("#")[0].strip()
        if directive.startswith("server 127.0.0.1:"):  # its ports are the test's own
            _, mark, rest = directive.partition(" max_fails")
            directive = f"server 127.0.0.1:8001{mark}{rest}"
        if not directive or directive.startswith(("listen", "ssl_certificate")):
            continue  # loopback and plain HTTP in the tests
        assert directive in ours, directive
        checked += 1
    assert checked > 20
