"""assert_pixels: render tiny pages through docgen's engine and compare to character grids."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from docgen.config import get_settings
from docgen.render.engine import html_to_pdf
from docgen.render.raster import page_images

#: Grid characters and the colours they stand for (sRGB).
PALETTE: dict[str, tuple[int, int, int]] = {
    "_": (255, 255, 255),
    "K": (0, 0, 0),
    "R": (255, 0, 0),
    "B": (0x1F, 0x3A, 0x5F),  # --brand
    "b": (0xE6, 0xEC, 0xF3),  # --band
    "g": (0x9A, 0xA7, 0xB6),  # --rule
}

AssertPixels = Callable[[str, str], None]


def _image_of(grid: str) -> Image.Image:
    rows = [row.strip() for row in grid.strip().splitlines()]
    image = Image.new("RGB", (len(rows[0]), len(rows)))
    for y, row in enumerate(rows):
        for x, char in enumerate(row):
            image.putpixel((x, y), PALETTE[char])
    return image


@pytest.fixture
def assert_pixels(request: pytest.FixtureRequest) -> AssertPixels:
    """Render `body` on a page the size of `grid` (1 CSS px = 1 pixel) and compare exactly."""

    def check(grid: str, body: str) -> None:
        expected = _image_of(grid)
        width, height = expected.size
        html = (
            # lang: every PDF is tagged PDF/UA-1 (issue 21), and WeasyPrint logs an error without it.
            f'<html lang="en"><head><base href="{get_settings().home.as_uri()}/">'
            '<link rel="stylesheet" href="assets/css/base.css">'
            f"<style>@page {{ size: {width}px {height}px; margin: 0 }} body {{ margin: 0 }}</style>"
            f"</head><body>{body}</body></html>"
        )
        (actual,) = page_images(html_to_pdf(html), dpi=96)
        if actual.size != expected.size or actual.tobytes() != expected.tobytes():
            folder = Path(__file__).parent / "failures"
            folder.mkdir(exist_ok=True)
            actual.save(folder / f"{request.node.name}-actual.png")
            expected.save(folder / f"{request.node.name}-expected.png")
            raise AssertionError(f"pixels differ; see {folder}/{request.node.name}-*.png")

    return check
