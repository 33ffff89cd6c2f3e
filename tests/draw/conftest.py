"""assert_pixels: render tiny pages through docgen's engine and stylesheets and compare to character grids."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import pytest
from PIL import Image

from docgen.config import get_settings
from docgen.render.engine import html_to_pdf
from docgen.render.raster import page_images

#: Grid characters and the colours they stand for (sRGB): base.css's and illustration.css's palette.
PALETTE: dict[str, tuple[int, int, int]] = {
    "_": (255, 255, 255),
    "K": (0, 0, 0),
    "R": (255, 0, 0),
    "B": (0x1F, 0x3A, 0x5F),  # brand
    "b": (0xE6, 0xEC, 0xF3),  # band
    "g": (0x9A, 0xA7, 0xB6),  # rule
    "z": (0xF5, 0xF7, 0xFA),  # zebra
    "G": (0x2E, 0x7D, 0x4F),  # gain (illustration.css)
    "e": (0xE3, 0xF1, 0xE8),  # gain band (illustration.css)
}

#: A pixel the grid leaves unchecked: the one row or column an edge falls inside when a length in
#: pt or mm is not a whole number of pixels (0.5pt is 2/3 px at 96 dpi), which the rasterizer blends.
UNCHECKED = "."

#: Stands for UNCHECKED in the expected image saved on a failure.
_UNCHECKED_SHOWN = (255, 0, 255)


#: Extra CSS for tests whose cells hold blocks standing for text: an empty cell still has a line
#: of the cell's font (its strut, CSS 2.1 section 10.8.1) that would add the font's ascent to the
#: row; at font size 0 the row is the cell's padding and the blocks.
NO_TEXT = "td, th { font-size: 0 !important }"


def ink(width: int, height: int = 2) -> str:
    """A black inline block standing for a run of text (an amount, a name) whose glyphs a pixel test avoids."""
    return f'<span style="display: inline-block; width: {width}px; height: {height}px; background: black"></span>'


def block(height: int, colour: str = "black") -> str:
    """A block standing for lines of text: `height` px tall, as wide as its container."""
    return f'<div style="height: {height}px; background: {colour}"></div>'


class AssertPixels(Protocol):
    def __call__(
        self,
        grids: str | Sequence[str],
        body: str,
        *,
        stylesheets: Sequence[str] = (),
        body_class: str = "",
        css: str = "",
        size: tuple[int, int] | None = None,
        at: tuple[int, int] = (0, 0),
    ) -> None: ...


def _rows(grid: str) -> list[str]:
    rows = [row.strip() for row in grid.strip().splitlines()]
    if any(len(row) != len(rows[0]) for row in rows):
        raise ValueError(f"grid rows differ in length: {rows}")
    return rows


def _shown(rows: list[str]) -> Image.Image:
    image = Image.new("RGB", (len(rows[0]), len(rows)))
    for y, row in enumerate(rows):
        for x, char in enumerate(row):
            image.putpixel((x, y), _UNCHECKED_SHOWN if char == UNCHECKED else PALETTE[char])
    return image


def _as_grid(image: Image.Image) -> str:
    """The image in grid characters, '?' for a colour outside the palette (for the failure message)."""
    chars = {colour: char for char, colour in PALETTE.items()}
    return "\n".join(
        "".join(chars.get(image.getpixel((x, y)), "?") for x in range(image.width))  # type: ignore[arg-type]
        for y in range(image.height)
    )


def _matches(rows: list[str], actual: Image.Image) -> bool:
    if actual.size != (len(rows[0]), len(rows)):
        return False
    return all(
        char == UNCHECKED or actual.getpixel((x, y)) == PALETTE[char]
        for y, row in enumerate(rows)
        for x, char in enumerate(row)
    )


@pytest.fixture
def assert_pixels(request: pytest.FixtureRequest) -> AssertPixels:
    """Render `body` with docgen's engine and stylesheets and compare each page with its grid, exactly.

    The page links base.css and then `stylesheets` (names in assets/css/, in the templates' order),
    so the test draws docgen's own rules and class names; `css` comes last, for what only the test
    needs (page margins, text made transparent). One grid per page, 1 CSS px = 1 pixel (96 dpi).
    A page is the size of its grid with no margins, unless `size` gives it another size in px:
    then the grid is compared with the part of the page whose top-left pixel is `at`.
    """

    def check(
        grids: str | Sequence[str],
        body: str,
        *,
        stylesheets: Sequence[str] = (),
        body_class: str = "",
        css: str = "",
        size: tuple[int, int] | None = None,
        at: tuple[int, int] = (0, 0),
    ) -> None:
        expected = [_rows(grid) for grid in ([grids] if isinstance(grids, str) else grids)]
        width, height = size or (len(expected[0][0]), len(expected[0]))
        links = "".join(f'<link rel="stylesheet" href="assets/css/{name}">' for name in ("base.css", *stylesheets))
        html = (
            # lang: every PDF is tagged PDF/UA-1 (issue 21), and WeasyPrint logs an error without it.
            f'<!DOCTYPE html><html lang="en"><head><base href="{get_settings().home.as_uri()}/">{links}'
            f"<style>@page {{ size: {width}px {height}px; margin: 0 }}\n{css}</style>"
            f'</head><body class="{body_class}">{body}</body></html>'
        )
        pages = page_images(html_to_pdf(html), dpi=96)
        left, top = at
        failures = []
        for number, (rows, page) in enumerate(zip(expected, pages, strict=False), start=1):
            box = (left, top, left + len(rows[0]), top + len(rows))
            if box[2] > page.width or box[3] > page.height:
                raise ValueError(f"the grid at {at} runs off page {number} ({page.width} x {page.height} px)")
            actual = page.crop(box)
            if not _matches(rows, actual):
                folder = Path(__file__).parent / "failures"
                folder.mkdir(exist_ok=True)
                stem = folder / f"{request.node.name}-page{number}"
                actual.save(f"{stem}-actual.png")
                _shown(rows).save(f"{stem}-expected.png")
                failures.append(f"page {number} differs ({stem}-*.png); it drew:\n{_as_grid(actual)}")
        if len(pages) != len(expected):
            failures.append(f"{len(pages)} pages drawn, {len(expected)} expected")
        if failures:
            raise AssertionError("\n".join(failures))

    return check
