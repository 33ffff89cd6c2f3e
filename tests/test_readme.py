"""The README's command blocks run as written (issue 25: `docgen keys --db PATH list` did not).

Every ```sh block runs in a fresh folder holding the checkout's examples/ and .venv, with
.venv/bin on the PATH, under bash -e; synopses are ```text blocks and are not run. The block
of the two `make` commands is CI's own entry point, so it is the one left out.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = ROOT / "README.md"
BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)


def sh_blocks() -> list[tuple[int, str]]:
    text = README.read_text()
    return [(text.count("\n", 0, match.start()) + 1, match.group(1)) for match in BLOCK.finditer(text)]


def runnable() -> list[tuple[int, str]]:
    return [(line, block) for line, block in sh_blocks() if not re.search(r"^make ", block, re.MULTILINE)]


def test_only_the_make_block_is_left_out() -> None:
    left_out = [block for _, block in sh_blocks() if (_, block) not in runnable()]
    assert len(left_out) == 1 and left_out[0].startswith("make run")
    assert len(runnable()) >= 4


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
@pytest.mark.parametrize(("line", "block"), runnable(), ids=[f"README.md:{line}" for line, _ in runnable()])
def test_command_block_runs_as_written(tmp_path: Path, line: int, block: str) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    (tmp_path / "out").mkdir()
    env = {**os.environ, "PATH": f"{Path(sys.prefix) / 'bin'}:{os.environ['PATH']}", "DOCGEN_PORT": str(free_port())}
    # A server a block starts in the background is stopped with the block's shell.
    script = "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true; wait' EXIT\n" + block
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"README.md:{line}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr
    for produced in re.findall(r"-o ([\w./-]+\.(?:pdf|png))", block):
        assert (tmp_path / produced).read_bytes()[:4] in (b"%PDF", b"\x89PNG"), produced
