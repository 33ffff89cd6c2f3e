"""Machine-readable symbols: PDF417 and QR as PNG data: URIs, whole pixels a module (SymbolImage says
why); `dark_runs` for the inserter marks drawn into the PDF, `svg_data_uri` for the mail barcode's SVG."""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import qrcode
from pdf417gen.compaction import compact
from pdf417gen.encoding import encode_rows, get_padding, validate_barcode_size
from pdf417gen.error_correction import compute_error_correction_code_words
from pdf417gen.rendering import barcode_size, modules
from pdf417gen.util import chunks
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

from docgen.errors import RenderError

#: PDF417 module height in module widths. ISO/IEC 15438 asks for at least 3.
PDF417_ROW_RATIO = 3
#: Quiet zone around the symbol, in module widths (ISO/IEC 15438: at least 2).
PDF417_QUIET_ZONE = 2


def dark_runs(dark: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int, int]]:
    """Dark modules, given as (column, row), merged into horizontal runs: (row, first column,
    length), so a symbol is drawn as a few rectangles, not one per module."""
    by_row: dict[int, list[int]] = {}
    for column, row in sorted(dark, key=lambda cell: (cell[1], cell[0])):
        by_row.setdefault(row, []).append(column)
    for row, columns in sorted(by_row.items()):
        start = previous = columns[0]
        for column in columns[1:]:
            if column != previous + 1:
                yield row, start, previous - start + 1
                start = column
            previous = column
        yield row, start, previous - start + 1


#: The column counts tried for a PDF417 symbol; more columns make fewer, wider rows.
PDF417_COLUMNS = range(2, 21)


#: PDF417's ECI designator codeword (ISO/IEC 15438 §5.5.3) and the AIM ECI assignment of UTF-8.
ECI_CODEWORD = 927
ECI_UTF8 = 26


def _data_words(payload: str) -> list[int]:
    """`payload` as UTF-8 under ECI 000026: the ECI codewords, then pdf417gen's compaction.

    Without the ECI a scanner reads the bytes in PDF417's default character set, and Núñez comes
    out as NÃºÃ±ez (issue 17). pdf417gen writes no ECI, so its public steps are put together here
    with the two ECI codewords first: compaction, padding, length descriptor, error correction.
    """
    return [ECI_CODEWORD, ECI_UTF8, *compact(payload.encode("utf-8"))]


def _length_descriptor(data_count: int, columns: int, security_level: int) -> int | None:
    """The symbol's length descriptor at `columns`, or None when it cannot hold the data."""
    ec_count = 2 ** (security_level + 1)
    length = data_count + len(get_padding(data_count, ec_count, columns)) + 1
    try:
        validate_barcode_size(length, math.ceil((length + ec_count) / columns))
    except ValueError:
        # Over 928 codewords or 90 rows (ISO/IEC 15438): this column count cannot hold it.
        return None
    return length


#: Image pixels a module is wide and high. A document asks for no smoothing (image-rendering:
#: pixelated, so /Interpolate false); a viewer that smooths an enlarged image anyway then blurs
#: only an eighth of a module at each edge.
PIXELS_PER_MODULE = 8


@dataclass(frozen=True)
class SymbolImage:
    """A symbol as a greyscale PNG, PIXELS_PER_MODULE pixels a module, quiet zone included.

    A raster image, not SVG paths: WeasyPrint parses and draws a path of hundreds of module runs
    in Python each time it is drawn, and an image is embedded as it is (a claim form costs 1.17x
    fewer instructions, docs/performance.md). The same symbol always gives the same bytes.
    """

    png: bytes
    width_px: int
    height_px: int

    def data_uri(self) -> str:
        """The PNG as a data: URI, for an `<img>` or a margin box's `content`."""
        return data_uri("image/png", self.png)

    def resolution_dpi(self, width_in: float) -> float:
        """The CSS `image-resolution` that prints the image `width_in` inches wide."""
        return self.width_px / width_in


def symbol_image(dark: Sequence[Sequence[bool]]) -> SymbolImage:
    """Rows of modules (True = dark) as a SymbolImage."""
    height, width = len(dark), len(dark[0])
    modules_image = Image.frombytes("L", (width, height), bytes(0 if cell else 255 for row in dark for cell in row))
    size = (width * PIXELS_PER_MODULE, height * PIXELS_PER_MODULE)
    buffer = io.BytesIO()
    modules_image.resize(size, Image.Resampling.NEAREST).save(buffer, format="PNG")
    return SymbolImage(buffer.getvalue(), *size)


#: The narrowest PDF417 module docgen prints, in mm: the minimum X-dimension of the AAMVA DL/ID
#: Card Design Standard (0.170 mm, 6.7 mil) for the PDF417 on a wallet card.
MIN_MODULE_MM = 0.170


def _best_columns(data_count: int, aspect: float, security_level: int) -> tuple[int, int, float] | None:
    """The column count whose modules come out largest in a box `aspect` times wider than tall,
    its length descriptor and that module's width (box height = 1): from the symbol's shape
    alone, nothing encoded (a card's rule checks every cardholder; encoding all 19 column
    counts for each had cost a family's card more than its render)."""
    ec_count = 2 ** (security_level + 1)
    best: tuple[int, int, float] | None = None
    for columns in PDF417_COLUMNS:
        length = _length_descriptor(data_count, columns, security_level)
        if length is None:
            continue
        rows = math.ceil((length + ec_count) / columns)
        # A row is start, left indicator, the data columns, right indicator, stop: 17 modules
        # each, the stop pattern one more (pdf417gen.rendering.barcode_size).
        width = (columns + 4) * 17 + 1
        size = min(aspect / (width + 2 * PDF417_QUIET_ZONE), 1 / (rows * PDF417_ROW_RATIO + 2 * PDF417_QUIET_ZONE))
        if best is None or size > best[2]:
            best = (columns, length, size)
    return best


def pdf417_module_mm(payload: str, box_mm: tuple[float, float], security_level: int = 3) -> float:
    """The module width of the best-fitting symbol in a box of `box_mm`; 0 when none encodes."""
    best = _best_columns(len(_data_words(payload)), box_mm[0] / box_mm[1], security_level)
    return best[2] * box_mm[1] if best else 0.0


def _best_fit(payload: str, aspect: float, security_level: int) -> list[list[int]]:
    """The symbol's codewords at the column count that gives the largest modules."""
    data_words = _data_words(payload)
    best = _best_columns(len(data_words), aspect, security_level)
    if best is None:
        # Callers check the module size first (the card's rule); reaching here is a bug of ours.
        raise RenderError("the barcode payload does not fit a PDF417 symbol")
    columns, length, _ = best
    ec_count = 2 ** (security_level + 1)
    words = [length, *data_words, *get_padding(len(data_words), ec_count, columns)]
    words += compute_error_correction_code_words(words, security_level)
    return list(encode_rows(list(chunks(words, columns)), columns, security_level))


def pdf417_image(payload: str, aspect: float = 4.0, security_level: int = 3) -> SymbolImage:
    """A PDF417 symbol, quiet zone included, each row PDF417_ROW_RATIO modules high.

    The column count is chosen so the symbol fills a box `aspect` times wider than tall with
    the largest modules, which is what decides whether a scanner reads it.
    """
    codes = _best_fit(payload, aspect, security_level)
    width, height = barcode_size(codes)
    quiet = PDF417_QUIET_ZONE
    rows = [[False] * (width + 2 * quiet) for _ in range(height)]
    for column, row in modules(codes):
        rows[row][column + quiet] = True
    margin = [[False] * (width + 2 * quiet)] * quiet
    return symbol_image([*margin, *(row for row in rows for _ in range(PDF417_ROW_RATIO)), *margin])


def svg_data_uri(svg: str) -> str:
    """Embed an SVG in HTML without a file (the URL fetcher serves data: URIs)."""
    return data_uri("image/svg+xml", svg.encode("utf-8"))


#: ISO/IEC 18004 asks for a quiet zone of at least four modules around the symbol.
QR_QUIET_ZONE = 4


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR symbol's modules (True = dark), quiet zone included, in the smallest version that fits.

    Error correction M (15% of the symbol recoverable) survives a fax, a stamp or a pen stroke
    across the code without making it much denser than L.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QR_QUIET_ZONE)
    code.add_data(text.encode("utf-8"))
    code.make(fit=True)
    return [[bool(module) for module in row] for row in code.get_matrix()]


def qr_image(text: str) -> SymbolImage:
    """A QR code of `text` as a SymbolImage (qr_matrix's version and quiet zone)."""
    return symbol_image(qr_matrix(text))


def data_uri(mime_type: str, body: bytes) -> str:
    """A base64 data: URI (RFC 2397), the only way templates embed generated images."""
    return f"data:{mime_type};base64,{base64.b64encode(body).decode('ascii')}"
