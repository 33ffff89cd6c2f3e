"""Machine-readable symbols drawn as vector SVG data: URIs (crisp at any print or raster resolution)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pdf417gen
from pdf417gen.rendering import barcode_size, modules

#: PDF417 module height in module widths. ISO/IEC 15438 asks for at least 3.
PDF417_ROW_RATIO = 3
#: Quiet zone around the symbol, in module widths (ISO/IEC 15438: at least 2).
PDF417_QUIET_ZONE = 2


def _runs(codes: list[list[int]]) -> Iterator[tuple[int, int, int]]:
    """Dark modules merged into horizontal runs: (row, first column, length)."""
    by_row: dict[int, list[int]] = {}
    for column, row in modules(codes):
        by_row.setdefault(row, []).append(column)
    for row, columns in sorted(by_row.items()):
        start = previous = columns[0]
        for column in columns[1:]:
            if column != previous + 1:
                yield row, start, previous - start + 1
                start = column
            previous = column
        yield row, start, previous - start + 1


def _best_fit(payload: str, aspect: float, security_level: int) -> list[list[int]]:
    """The encoding whose modules come out largest in a box `aspect` times wider than tall."""

    def module_size(codes: list[list[int]]) -> float:
        width: int
        height: int
        width, height = barcode_size(codes)
        return min(aspect / (width + 2 * PDF417_QUIET_ZONE), 1 / (height * PDF417_ROW_RATIO + 2 * PDF417_QUIET_ZONE))

    candidates = [
        pdf417gen.encode(payload, columns=columns, security_level=security_level) for columns in range(2, 21)
    ]
    return max(candidates, key=module_size)


def pdf417_svg(payload: str, aspect: float = 4.0, security_level: int = 3) -> str:
    """A PDF417 symbol as SVG, one unit per module, quiet zone included.

    The column count is chosen so the symbol fills a box `aspect` times wider than tall with
    the largest modules, which is what decides whether a scanner reads it.
    """
    codes = _best_fit(payload, aspect, security_level)
    width, height = barcode_size(codes)
    quiet = PDF417_QUIET_ZONE
    rects = "".join(
        f'<rect x="{start + quiet}" y="{row * PDF417_ROW_RATIO + quiet}" width="{length}"'
        f' height="{PDF417_ROW_RATIO}"/>'
        for row, start, length in _runs(codes)
    )
    total_w, total_h = width + 2 * quiet, height * PDF417_ROW_RATIO + 2 * quiet
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_w} {total_h}"'
        f' width="{total_w}" height="{total_h}" shape-rendering="crispEdges">'
        f'<rect width="{total_w}" height="{total_h}" fill="#fff"/><g fill="#000">{rects}</g></svg>'
    )


def svg_data_uri(svg: str) -> str:
    """Embed an SVG in HTML without a file (the URL fetcher serves data: URIs)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
