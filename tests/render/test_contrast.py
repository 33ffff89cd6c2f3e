"""WCAG 2.1 AA for what is printed (issue 21): text contrast and text size, read from the rendered pages.

Every character pdfplumber reads from a member-facing PDF carries the colour it is filled with; its
background is read from the page rendered by PDFium: of the four corners of the character's box
(which the glyph's own ink does not reach), the one least like the ink. That gives every (text colour,
background) pair really printed, whatever selector the stylesheets reach it by, which a reading of
the CSS alone would guess at (borders, for one, are filled frames a rectangle test mistakes for
backgrounds).
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdfium2
import pytest

from docgen.render import engine
from tests.render.test_reading_order import KINDS

#: WCAG 2.1 SC 1.4.3 (Contrast, Minimum): 4.5:1, or 3:1 for large text (at least 18 pt, or 14 pt bold).
NORMAL, LARGE = 4.5, 3.0
#: Issue 21: text on pages at least 8 pt; the wallet card keeps its 6-7 pt minimums.
MINIMUM_SIZE = {"statement": 8.0, "claim": 8.0, "illustration": 8.0, "card": 6.0}
WHITE = (1.0, 1.0, 1.0)
#: Pixels per point of the rendering the backgrounds are read from.
SCALE = 3


def _rgb(colour: object) -> tuple[float, float, float]:
    """A pdfplumber fill colour (gray, RGB or CMYK components in 0..1) as RGB."""
    components = tuple(float(value) for value in colour) if isinstance(colour, (tuple, list)) else ()
    if len(components) == 1:
        return (components[0],) * 3
    if len(components) == 3:
        return components  # type: ignore[return-value]
    if len(components) == 4:
        c, m, y, k = components
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return (0.0, 0.0, 0.0)  # no colour set: PDF's initial fill colour is black


def luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2.1 relative luminance."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def printed_pairs(path: Path) -> list[tuple[str, float, bool, tuple[float, float, float], tuple[float, float, float]]]:
    """(text, size, bold, text colour, background) for every character on every page."""
    pairs = []
    rendering = pypdfium2.PdfDocument(path)
    try:
        with pdfplumber.open(path) as document:
            for index, page in enumerate(document.pages):
                image = rendering[index].render(scale=SCALE).to_pil().convert("RGB")
                for char in page.chars:
                    if not char["text"].strip():
                        continue
                    corners = [
                        image.getpixel((int(x * SCALE), int(y * SCALE)))
                        for x in (char["x0"] + 0.4, char["x1"] - 0.4)
                        for y in (char["top"] + 0.4, char["bottom"] - 0.4)
                    ]
                    colour = _rgb(char["non_stroking_color"])
                    # Of the corners, the one least like the ink: a corner a neighbouring glyph's
                    # anti-aliased edge reaches (small, tightly set card labels) is ink-coloured.
                    backgrounds = [(red / 255, green / 255, blue / 255) for red, green, blue in corners]
                    background = max(backgrounds, key=lambda corner: contrast(corner, colour))
                    bold = "Bold" in char["fontname"]
                    pairs.append((char["text"], float(char["size"]), bold, colour, background))
    finally:
        rendering.close()
    return pairs


def contrast_problems(path: Path) -> list[str]:
    problems = set()
    for text, size, bold, colour, background in printed_pairs(path):
        needed = LARGE if size >= 18 or (bold and size >= 14) else NORMAL
        ratio = contrast(colour, background)
        if ratio < needed:
            problems.add(f"{text!r} {size:.1f}pt {colour} on {background}: {ratio:.2f}:1 < {needed}:1")
    return sorted(problems)


@pytest.mark.parametrize("name", list(KINDS))
def test_every_printed_character_has_aa_contrast_on_its_background(rendered: dict[str, Path], name: str) -> None:
    assert contrast_problems(rendered[name]) == []


@pytest.mark.parametrize("name", list(KINDS))
def test_text_on_pages_is_at_least_8_points(rendered: dict[str, Path], name: str) -> None:
    sizes = [size for _text, size, *_rest in printed_pairs(rendered[name])]
    assert min(sizes) >= MINIMUM_SIZE[KINDS[name]] - 0.01, (name, min(sizes))


def test_the_formula_matches_wcag_and_a_lowered_contrast_is_caught() -> None:
    assert contrast((0, 0, 0), WHITE) == pytest.approx(21.0)
    grey = (0x55 / 255, 0x5D / 255, 0x66 / 255)  # the pages' secondary text, #555d66
    assert contrast(grey, WHITE) == pytest.approx(6.6, abs=0.1)
    assert contrast((0x99 / 255,) * 3, WHITE) < NORMAL  # #999999 on white: 2.85:1, refused


def test_a_page_with_pale_text_is_caught(tmp_path: Path) -> None:
    # The check reads real pages: grey #999999 on white, and white on a pale band, both refused;
    # black on the same band passes.
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body style="font-family: Docgen Sans">'
        '<p style="color: #999999">pale</p><p style="background: #c8d2dc; color: #ffffff">white</p>'
        '<p style="background: #c8d2dc; color: #000000">black</p></body></html>'
    )
    path = tmp_path / "pale.pdf"
    path.write_bytes(engine.html_to_pdf(html))
    refused = {problem[1] for problem in contrast_problems(path)}
    assert refused == set("palewhite") - {" "}
