"""The README and docs/ as a newcomer meets them: command blocks that run as written (issue 25:
`docgen keys --db PATH list` did not), links that lead somewhere, a README read in five minutes.

Every ```sh block of README.md and docs/*.md runs in a fresh folder holding the checkout's
examples/ and .venv, with .venv/bin on the PATH, under bash -e; synopses are ```text blocks and
are not run. The block of the two `make` commands is CI's own entry point, so it is the one left out.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.services import free_port
from tests.conftest import ROOT

README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
#: Issue 20: "a README a newcomer reads in five minutes (at most 200 lines)"; the rest is in docs/.
README_MAX_LINES = 200
#: A Markdown link or image to a file of the checkout: [text](target) or ![alt](target).
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def sh_blocks(page: Path) -> list[tuple[int, str]]:
    text = page.read_text()
    return [(text.count("\n", 0, match.start()) + 1, match.group(1)) for match in BLOCK.finditer(text)]


def is_make_block(block: str) -> bool:
    return re.search(r"^make ", block, re.MULTILINE) is not None


def runnable() -> list[tuple[str, str]]:
    """(where, block) of every block that runs, where as `docs/api.md:7`."""
    return [
        (f"{page.relative_to(ROOT)}:{line}", block)
        for page in PAGES
        for line, block in sh_blocks(page)
        if not is_make_block(block)
    ]


def test_only_the_make_block_is_left_out() -> None:
    left_out = [(page, block) for page in PAGES for _, block in sh_blocks(page) if is_make_block(block)]
    assert len(left_out) == 1 and left_out[0][0] == README and left_out[0][1].startswith("make run")
    assert len(runnable()) >= 4


def test_the_docs_command_blocks_run_too() -> None:
    pages = {where.partition(":")[0] for where, _ in runnable()}
    assert {"README.md", "docs/api.md", "docs/batch.md", "docs/documents.md"} <= pages


def test_the_readme_is_a_five_minute_read() -> None:
    assert len(README.read_text().splitlines()) <= README_MAX_LINES


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = BLOCK.sub("", re.sub(r"^```.*?^```", "", page.read_text(), flags=re.MULTILINE | re.DOTALL))
    return {anchor(match.group(1)) for match in re.finditer(r"^#+ (.+)$", text, re.MULTILINE)}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_links_lead_to_files_and_headings_that_exist(page: Path) -> None:
    broken = []
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:", target):  # https:, mailto:: not the checkout's
            continue
        path, _, fragment = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists() or (fragment and fragment not in anchors(linked)):
            broken.append(target)
    assert broken == []


@pytest.mark.slow
@pytest.mark.parametrize(("where", "block"), runnable(), ids=[where for where, _ in runnable()])
def test_command_block_runs_as_written(tmp_path: Path, where: str, block: str) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    (tmp_path / "out").mkdir()
    env = {**os.environ, "PATH": f"{Path(sys.prefix) / 'bin'}:{os.environ['PATH']}", "DOCGEN_PORT": str(free_port())}
    # A server a block starts in the background is stopped with the block's shell.
    script = "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true; wait' EXIT\n" + block
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"{where}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr
    for produced in re.findall(r"-o ([\w./-]+\.(?:pdf|png))", block):
        assert (tmp_path / produced).read_bytes()[:4] in (b"%PDF", b"\x89PNG"), produced
