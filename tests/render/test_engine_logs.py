"""The autouse guard in tests/conftest.py: a test fails on any WeasyPrint warning, unless marked to expect one."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from docgen.render.engine import html_to_pdf
from tests.conftest import ENGINE_LOGS_EXPECTED, ROOT

# WeasyPrint warns "Ignored `...`" for a property it does not know (weasyprint/css/__init__.py).
WARNING_HTML = (
    '<!DOCTYPE html><html lang="en"><head><title>t</title></head>'
    '<body><p style="no-such-property: 1">a</p></body></html>'
)

GUARDED = f"""
import pytest
from docgen.render.engine import html_to_pdf

HTML = {WARNING_HTML!r}

@pytest.fixture(scope="module")
def rendered_in_setup():
    return html_to_pdf(HTML)

def test_a_render_that_warns():
    html_to_pdf(HTML)

def test_a_shared_render_that_warned_in_setup(rendered_in_setup):
    assert rendered_in_setup.startswith(b"%PDF")

@pytest.mark.{ENGINE_LOGS_EXPECTED}
def test_marked_to_expect_it():
    html_to_pdf(HTML)

def test_a_render_that_does_not_warn():
    html_to_pdf(HTML.replace("no-such-property: 1", "color: black"))
"""


def test_a_weasyprint_warning_fails_the_test_that_rendered(tmp_path: Path) -> None:
    # A real pytest session with this suite's conftest as its plugin, on tests that make WeasyPrint warn.
    (tmp_path / "test_guarded.py").write_text(GUARDED)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider", "-rA", "test_guarded.py"],
        cwd=tmp_path,
        env=os.environ | {"PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")])},
        capture_output=True,
        text=True,
        check=False,
    )
    outcomes = {
        line.split(" ")[1].split("::")[-1]: line.split(" ")[0]
        for line in done.stdout.splitlines()
        if line.startswith(("PASSED ", "ERROR ", "FAILED "))
    }
    assert outcomes == {
        "test_a_render_that_warns": "ERROR",
        "test_a_shared_render_that_warned_in_setup": "ERROR",
        "test_marked_to_expect_it": "PASSED",
        "test_a_render_that_does_not_warn": "PASSED",
    }, done.stdout
    assert "weasyprint: Ignored `no-such-property: 1`" in done.stdout


@pytest.mark.engine_logs_expected
def test_a_test_marked_to_expect_a_warning_sees_it(caplog: pytest.LogCaptureFixture) -> None:
    html_to_pdf(WARNING_HTML)
    ignored = [r.getMessage() for r in caplog.records if r.name == "weasyprint" and r.levelno == logging.WARNING]
    assert [message.split(" at ")[0] for message in ignored] == ["Ignored `no-such-property: 1`"]
