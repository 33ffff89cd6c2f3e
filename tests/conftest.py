"""Shared fixtures: the example inputs, PDF text helpers, and a no-warnings guard on every test."""

from __future__ import annotations

import copy
import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from bench.services import Postgres
from docgen.config import PostgresUrl
from docgen.documents.pipeline import start_rendering
from docgen.documents.shapes import ENROLLMENT, ILLUSTRATION, AnyShape, shape_of
from docgen.store.database import open_engine
from docgen.store.schema import upgrade

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED_EXAMPLES = ROOT.parent / "shared" / "examples"
JANE = EXAMPLES / "jane-example.json"
MARY = EXAMPLES / "mary.json"


def examples_of(shape: AnyShape) -> list[Path]:
    """The inputs in examples/ of one shape (enrollment files, illustration files)."""
    return [path for path in sorted(EXAMPLES.glob("*.json")) if shape_of(json.loads(path.read_bytes())) is shape]


ENROLLMENT_EXAMPLES = examples_of(ENROLLMENT)
ILLUSTRATION_EXAMPLES = examples_of(ILLUSTRATION)

#: Marks a test that expects WeasyPrint (or docgen) to log a warning and asserts it itself.
ENGINE_LOGS_EXPECTED = "engine_logs_expected"


def pytest_configure(config: pytest.Config) -> None:
    # The test session is an entry point like the CLI: renders see the bundled fonts only.
    start_rendering()
    config.addinivalue_line(
        "markers", f"{ENGINE_LOGS_EXPECTED}: the test expects a WeasyPrint or docgen warning and checks it itself"
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    # An empty run must never look green (pytest's exit status 5 is nonzero, and this
    # makes the reason explicit when a path or marker filter selected nothing).
    if not session.items and not session.config.option.collectonly:
        raise pytest.UsageError("no tests were collected: refusing to report success")


@pytest.fixture(autouse=True)
def assert_no_logs(request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail any test during which WeasyPrint or docgen logged a warning or an error (weasyprint's own habit).

    WeasyPrint reports what it cannot lay out or tag (an unknown property, a missing image, a
    structure element it cannot place) through its `weasyprint` logger, not Python warnings, so
    filterwarnings=error never sees them. WeasyPrint's records of the setup phase count too: a
    render in a module- or session-scoped fixture logs there. Renders in other processes (the API's workers,
    batch executors, `docgen` subprocesses) log in those processes and are not seen here.
    """
    caplog.set_level(logging.WARNING)
    yield
    if request.node.get_closest_marker(ENGINE_LOGS_EXPECTED):
        return
    # Setup-phase docgen records are left out: the batch's session fixtures run jobs whose invalid
    # records docgen reports as errors by design (tests/batch/conftest.py, take_rejections).
    call = caplog.get_records("call")
    noisy = [
        record
        for record in [*caplog.get_records("setup"), *caplog.get_records("call")]
        if record.levelno >= logging.WARNING
        and record.name.split(".")[0] in (("weasyprint", "docgen") if record in call else ("weasyprint",))
    ]
    assert not noisy, [f"{r.name}: {r.getMessage()}" for r in noisy]


def load_jane() -> dict[str, Any]:
    return copy.deepcopy(_JANE_DATA)


_JANE_DATA: dict[str, Any] = json.loads(JANE.read_bytes())


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """One PostgreSQL cluster for the session, started when a test first asks (each test takes a
    database of its own from it): the store's tests on that engine and the API's instances."""
    cluster = Postgres()
    yield cluster
    cluster.close()


def upgraded_database(postgres: Postgres) -> PostgresUrl:
    """A new database of the session's cluster at the current schema, as `docgen db upgrade` leaves it."""
    url = postgres.database()
    engine = open_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.close()
    return url


@pytest.fixture
def jane() -> dict[str, Any]:
    """A fresh, mutable copy of the canonical portal input."""
    return load_jane()


def break_in_every_layer(enrollment: dict[str, Any]) -> list[tuple[str, str]]:
    """Issue 16's input: a schema error and cross-field rule errors at once; returns what must be reported.

    A negative per-pay contribution, dental and vision elected without medical, and a dental
    dependent who does not exist: every one must be reported in the same answer, in this order.
    """
    enrollment["elections"]["medical_spending_account"]["per_pay_employee"] = "-50.00"
    enrollment["elections"]["medical"] = {"elected": False}
    enrollment["elections"]["dental"]["covered_dependents"] = ["01", "07"]
    return [
        ("elections.medical_spending_account.per_pay_employee", "money-non-negative"),
        ("elections.dental.elected", "dental-requires-medical"),
        ("elections.dental.covered_dependents[1]", "dependent-exists"),
        ("elections.vision.elected", "vision-requires-medical"),
    ]


def pdf_text(pdf: bytes) -> list[str]:
    """Extracted text of each page."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [page.extract_text() or "" for page in document.pages]


def pdf_words(pdf: bytes) -> list[list[dict[str, Any]]]:
    """Words with their boxes, per page."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [page.extract_words() for page in document.pages]


#: Scripts whose glyphs are shaped and reordered (Hebrew, Arabic and its presentation forms, Indic,
#: Thai, Lao, Myanmar, Khmer): a word's box there comes from glyph advances in logical order, and
#: marks and right-to-left punctuation sit inside a neighbour's box by design; extractors reorder
#: their lines each their own way. Their lines are checked as pictures (goldens) and in
#: tests/documents/test_language_assistance.py.
SHAPED = re.compile("[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\ufb1d-\ufdff\ufe70-\ufeff]")


def assert_nothing_clipped_or_overlapping(pdf: bytes, margin: float = 18) -> None:
    """Every word inside its page with `margin` points of paper around it, and no two words
    on a line overlapping: what a reader would see as clipped or overprinted text."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        width, height = document.pages[0].width, document.pages[0].height
    for number, words in enumerate(pdf_words(pdf), start=1):
        for word in words:
            assert margin <= word["x0"] and word["x1"] <= width - margin, (number, word["text"])
            assert margin <= word["top"] and word["bottom"] <= height - margin, (number, word["text"])
        boxes = sorted(words, key=lambda w: (w["top"], w["x0"]))
        for i, first in enumerate(boxes):
            for second in boxes[i + 1 :]:
                if second["top"] >= first["bottom"] - 0.5:
                    break
                if SHAPED.search(first["text"]) or SHAPED.search(second["text"]):
                    continue
                overlap_x = min(first["x1"], second["x1"]) - max(first["x0"], second["x0"])
                assert overlap_x <= 0.5, (number, first["text"], second["text"])
