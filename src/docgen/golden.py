"""Golden files: reviewed renders of every example x kind, and the comparison tests run against them.

Layout: golden/<example stem>/<kind>.pdf and <kind>-page<N>.png (96 dpi). Only
`docgen golden --update` writes here; review the PNGs as pictures before committing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path

import pdfplumber
from PIL import Image, ImageChops

from docgen.config import get_settings
from docgen.documents.pipeline import Options, documents_of, example_files, render_document
from docgen.errors import Problem
from docgen.files import write_atomic
from docgen.render.raster import page_images, png_bytes

GOLDEN_DPI = 96
#: A pixel "differs" when any channel moves by more than this (anti-aliasing noise is smaller).
CHANNEL_TOLERANCE = 48
#: Share of differing pixels a page may have and still match (0.05%: a few glyph edges).
MAX_DIFFERING_SHARE = 0.0005


@dataclass(frozen=True)
class GoldenCase:
    """One example input rendered as one kind (one variant of it: e.g. one member's card)."""

    example: Path
    kind: str
    variant: str
    options: Options = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return get_settings().golden_dir / self.example.stem

    @property
    def pdf_path(self) -> Path:
        return self.folder / f"{self.variant}.pdf"

    def page_path(self, number: int) -> Path:
        return self.folder / f"{self.variant}-page{number}.png"

    def page_paths(self) -> list[Path]:
        return sorted(self.folder.glob(f"{self.variant}-page*.png"))

    @property
    def id(self) -> str:
        return f"{self.example.stem}/{self.variant}"

    def render(self) -> bytes:
        return render_document(self.kind, self.example.read_bytes(), self.options)


def cases(examples_dir: Path | None = None) -> Iterator[GoldenCase]:
    """Every PDF that `make run` writes: each example with each kind (and variant) that applies
    (its shape, its elections)."""
    for example in example_files(examples_dir or get_settings().examples_dir):
        for kind, variant, outcome in documents_of(example.read_bytes()):
            # A kind that does not apply (a declined account's claim form): make run skips it too.
            if not isinstance(outcome, Problem) and variant.options.get("format", "pdf") == "pdf":
                yield GoldenCase(example, kind.name, variant.name, variant.options)


def words(pdf: bytes) -> list[tuple[int, str, float, float]]:
    """(page, text, x0, top) of every word, positions to 0.01 pt."""
    found = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            for word in page.extract_words():
                found.append((number, word["text"], round(word["x0"], 2), round(word["top"], 2)))
    return found


def pixel_difference(actual: Image.Image, expected: Image.Image) -> tuple[float, Image.Image]:
    """Share of pixels differing beyond the tolerance, and an image marking them in red."""
    if actual.size != expected.size:
        return 1.0, actual
    delta = ImageChops.difference(actual, expected).convert("L")
    mask = delta.point(lambda value: 255 if value > CHANNEL_TOLERANCE else 0)
    share = mask.histogram()[255] / (mask.width * mask.height)
    marked = Image.blend(expected, actual, 0.5)
    marked.paste((255, 0, 0), mask=mask)
    return share, marked


def update(case: GoldenCase) -> list[Path]:
    """Re-render one case into golden/ (PDF and one PNG per page); returns the files written."""
    pdf = case.render()
    for stale in case.page_paths():
        stale.unlink()
    write_atomic(case.pdf_path, pdf)
    written = [case.pdf_path]
    for number, image in enumerate(page_images(pdf, GOLDEN_DPI), start=1):
        write_atomic(case.page_path(number), png_bytes(image))
        written.append(case.page_path(number))
    return written


def compare(case: GoldenCase, diff_dir: Path) -> list[str]:
    """Mismatches between a fresh render and the golden; diff images go to `diff_dir`."""
    if not case.pdf_path.exists():
        return [f"{case.id}: no golden; run `docgen golden --update` and review the pages"]
    pdf = case.render()
    mismatches = []
    actual_words, expected_words = words(pdf), words(case.pdf_path.read_bytes())
    if actual_words != expected_words:
        actual, expected = next(pair for pair in zip_longest(actual_words, expected_words) if pair[0] != pair[1])
        mismatches.append(f"{case.id}: words or positions differ, first {actual} vs golden {expected}")
    pages = page_images(pdf, GOLDEN_DPI)
    expected_pages = case.page_paths()
    if len(pages) != len(expected_pages):
        mismatches.append(f"{case.id}: {len(pages)} pages, golden has {len(expected_pages)}")
    for number, image in enumerate(pages, start=1):
        golden_png = case.page_path(number)
        if not golden_png.exists():
            continue
        share, marked = pixel_difference(image, Image.open(golden_png).convert("RGB"))
        if share > MAX_DIFFERING_SHARE:
            diff_path = diff_dir / case.example.stem / f"{case.variant}-page{number}-diff.png"
            write_atomic(diff_path, png_bytes(marked))
            write_atomic(diff_path.with_name(f"{case.variant}-page{number}-actual.png"), png_bytes(image))
            mismatches.append(f"{case.id} page {number}: {share:.3%} of pixels differ; see {diff_path}")
    return mismatches
