"""A mail piece made print-ready: blank backs for duplex, and an inserter control mark on every page."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import zxingcpp
from PIL import Image
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import DecodedStreamObject, NameObject

from docgen.errors import RenderError
from docgen.render.barcodes import dark_runs
from docgen.units import POINTS_PER_INCH

#: The mark is an ECC 200 Data Matrix in the page's bottom-left corner, clear of the running
#: footer (which starts 0.6 in from the left edge) and of both fold lines.
MARK_LEFT_IN = 0.2
MARK_BOTTOM_IN = 0.2
#: Module (cell) size: 1/60 in, 5 dots at 300 dpi and 10 at 600 dpi.
MARK_MODULE_IN = 1 / 60
#: Every mark is the same 20 x 20 module symbol (1/3 in): zint's Data Matrix size 6, which the
#: payload below always fits (at most 22 data codewords), so the inserter's camera window is fixed.
MARK_MODULES = 20
_ZINT_DATAMATRIX_20X20 = 6
#: Payload: job id, piece number, page i of n, L on the piece's last page (N otherwise).
MARK_PATTERN = re.compile(r"(?P<job>[0-9a-f]{12}) (?P<piece>\d{6}) (?P<page>\d{2})/(?P<pages>\d{2}) (?P<last>[LN])")
MAX_PIECE_PAGES = 99


@dataclass(frozen=True)
class Mark:
    """What an inserter reads from one page: which job and piece, which page of how many."""

    job_id: str
    piece: int
    page: int
    pages: int

    @property
    def last(self) -> bool:
        return self.page == self.pages

    @property
    def payload(self) -> str:
        return f"{self.job_id} {self.piece:06d} {self.page:02d}/{self.pages:02d} {'L' if self.last else 'N'}"


def parse_mark(text: str) -> Mark:
    """The inverse of Mark.payload (for tests and for anyone checking a print file)."""
    match = MARK_PATTERN.fullmatch(text)
    if match is None:
        raise ValueError(f"not a docgen inserter mark: {text!r}")
    mark = Mark(match["job"], int(match["piece"]), int(match["page"]), int(match["pages"]))
    if mark.last != (match["last"] == "L"):
        raise ValueError(f"last-page flag disagrees with page {mark.page} of {mark.pages}")
    return mark


def _modules(payload: str) -> list[list[bool]]:
    """Dark (True) modules of the Data Matrix, top row first (zxing-cpp's writer)."""
    symbol = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.DataMatrix, version=_ZINT_DATAMATRIX_20X20)
    image = Image.fromarray(symbol.to_image(scale=1, add_quiet_zones=False))
    if image.size != (MARK_MODULES, MARK_MODULES):
        raise RenderError(f"inserter mark {payload!r} came out {image.width} x {image.height} modules")
    pixels = image.tobytes()
    return [[pixels[row * image.width + col] < 128 for col in range(image.width)] for row in range(image.height)]


def mark_operators(mark: Mark) -> bytes:
    """PDF drawing operators for the mark in default user space (points, origin bottom-left)."""
    rows = _modules(mark.payload)
    module = MARK_MODULE_IN * POINTS_PER_INCH
    left, bottom = MARK_LEFT_IN * POINTS_PER_INCH, MARK_BOTTOM_IN * POINTS_PER_INCH
    # A white square under the symbol and its one-module quiet zone (ISO/IEC 16022), then the
    # dark modules merged into horizontal runs.
    size = len(rows) + 2
    # The mark is for the inserter, not the reader: an artifact of the tagged piece (PDF 1.7
    # 14.8.2.2; PDF/UA-1 7.1 wants every mark on a page either tagged content or an artifact).
    ground = f"{left - module:.3f} {bottom - module:.3f} {size * module:.3f} {size * module:.3f}"
    ops = ["/Artifact BMC", f"q 1 g {ground} re f 0 g"]
    dark = ((column, index) for index, row in enumerate(rows) for column, is_dark in enumerate(row) if is_dark)
    for index, start, length in dark_runs(dark):
        y = bottom + (len(rows) - 1 - index) * module
        ops.append(f"{left + start * module:.3f} {y:.3f} {length * module:.3f} {module:.3f} re")
    ops += ["f Q", "EMC"]
    return "\n".join(ops).encode("ascii")


def _stamp(page: PageObject, mark: Mark) -> None:
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    overlay = PageObject.create_blank_page(width=width, height=height)
    stream = DecodedStreamObject()
    stream.set_data(mark_operators(mark))
    overlay[NameObject("/Contents")] = stream
    # merge_page wraps the page's own drawing in q/Q, so the mark is drawn in default user space.
    page.merge_page(overlay)
    page.compress_content_streams(level=6)


@dataclass(frozen=True)
class FinishedPiece:
    pdf: bytes
    pages: int


def finish_piece(pdf: bytes, job_id: str, piece: int) -> FinishedPiece:
    """Pad to an even page count (each piece starts on a front side) and mark every page."""
    try:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    except PyPdfError as exc:
        raise RenderError(f"piece {piece}: unreadable PDF from the renderer: {exc}") from exc
    first = writer.pages[0]
    if len(writer.pages) % 2:
        # Duplex: a blank back so the next piece starts on a front side.
        writer.add_blank_page(float(first.mediabox.width), float(first.mediabox.height))
    pages = len(writer.pages)
    if pages > MAX_PIECE_PAGES:
        raise RenderError(f"piece {piece} has {pages} pages; inserter marks count at most {MAX_PIECE_PAGES}")
    for number, page in enumerate(writer.pages, start=1):
        _stamp(page, Mark(job_id, piece, number, pages))
    buffer = io.BytesIO()
    writer.write(buffer)
    return FinishedPiece(buffer.getvalue(), pages)
