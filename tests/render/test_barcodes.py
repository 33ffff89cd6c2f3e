"""QR images: deterministic PNG, and decoded back by zxing-cpp after WeasyPrint and pdfium have drawn them."""

from __future__ import annotations

import base64
import io

import pdfplumber
import pytest
import zxingcpp
from PIL import Image

from docgen.render.barcodes import (
    PDF417_QUIET_ZONE,
    PDF417_ROW_RATIO,
    PIXELS_PER_MODULE,
    pdf417_image,
    qr_image,
    qr_matrix,
)
from docgen.render.barcodes import QR_QUIET_ZONE as QUIET_ZONE
from docgen.render.engine import html_to_pdf
from docgen.render.raster import page_images

TEXT = "docgen-claim/1|health-fsa-claim|779901618322|2016-07-01/2017-06-30|1/2"


def test_matrix_has_a_quiet_zone_and_a_finder_pattern() -> None:
    matrix = qr_matrix(TEXT)
    size = len(matrix)
    assert all(len(row) == size for row in matrix)
    assert not any(matrix[0]) and not any(row[0] for row in matrix)
    # The top-left finder pattern starts right after the quiet zone: a 7-module dark row.
    assert matrix[QUIET_ZONE][QUIET_ZONE : QUIET_ZONE + 7] == [True] * 7
    # Version 5 (37 modules) holds the claim-form text at error-correction level M.
    assert size == 37 + 2 * QUIET_ZONE


def test_png_is_deterministic_and_draws_each_module_as_a_square_of_pixels() -> None:
    code = qr_image(TEXT)
    assert code == qr_image(TEXT)
    assert qr_image(TEXT.replace("1/2", "2/2")).png != code.png
    matrix = qr_matrix(TEXT)
    image = Image.open(io.BytesIO(code.png))
    assert image.format == "PNG" and image.mode == "L"
    assert image.size == (code.width_px, code.height_px) == (45 * PIXELS_PER_MODULE,) * 2
    for row, modules in enumerate(matrix):
        for column, dark in enumerate(modules):
            left, top = column * PIXELS_PER_MODULE, row * PIXELS_PER_MODULE
            square = image.crop((left, top, left + PIXELS_PER_MODULE, top + PIXELS_PER_MODULE))
            assert square.getextrema() == ((0, 0) if dark else (255, 255)), (row, column)


def test_data_uri_carries_the_png_and_the_resolution_gives_the_size() -> None:
    code = qr_image(TEXT)
    prefix = "data:image/png;base64,"
    assert code.data_uri().startswith(prefix)
    assert base64.b64decode(code.data_uri().removeprefix(prefix)) == code.png
    assert code.resolution_dpi(0.8) == 45 * PIXELS_PER_MODULE / 0.8


def _page_with_the_code(inches: float) -> str:
    """A 2-inch page holding the code `inches` wide, as a claim form's margin draws it."""
    code = qr_image(TEXT)
    return (
        '<html lang="en"><head><style>@page { size: 2in 2in; margin: 0.25in }</style></head>'
        f'<body><img alt="QR code" src="{code.data_uri()}"'
        f' style="image-resolution: {code.resolution_dpi(inches):g}dpi; image-rendering: pixelated"></body></html>'
    )


@pytest.mark.parametrize(("dpi", "inches"), [(96, 0.8), (150, 0.8), (200, 0.6)])
def test_decodes_from_a_rendered_page(dpi: int, inches: float) -> None:
    pdf = html_to_pdf(_page_with_the_code(inches))
    (image,) = page_images(pdf, dpi=dpi)
    found = zxingcpp.read_barcodes(image)
    assert [(code.format, code.text) for code in found] == [(zxingcpp.BarcodeFormat.QRCode, TEXT)]
    # Drawn at the size asked for, every pixel embedded, and marked not to be smoothed.
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        (drawn,) = document.pages[0].images
        assert drawn["width"] / 72 == pytest.approx(inches)
        assert drawn["srcsize"] == (qr_image(TEXT).width_px,) * 2
        assert drawn["stream"]["Interpolate"] is False


def test_decodes_from_a_black_and_white_fax_resolution_scan() -> None:
    # A faxed form arrives at about 200 dpi, one bit per pixel.
    (image,) = page_images(html_to_pdf(_page_with_the_code(0.8)), dpi=200)
    fax = image.convert("1")
    assert [code.text for code in zxingcpp.read_barcodes(fax)] == [TEXT]


def test_pdf417_image_has_its_quiet_zone_and_rows_three_modules_high() -> None:
    payload = "HIC1\nNAM=EXAMPLE/JANE"
    code = pdf417_image(payload, aspect=78.6 / 11.0)
    assert code == pdf417_image(payload, aspect=78.6 / 11.0)
    image = Image.open(io.BytesIO(code.png))
    assert image.mode == "L" and image.size == (code.width_px, code.height_px)
    quiet = PDF417_QUIET_ZONE * PIXELS_PER_MODULE
    for margin in (
        (0, 0, code.width_px, quiet),
        (0, code.height_px - quiet, code.width_px, code.height_px),
        (0, 0, quiet, code.height_px),
        (code.width_px - quiet, 0, code.width_px, code.height_px),
    ):
        assert image.crop(margin).getextrema() == (255, 255), margin
    # Each row of codewords is a band PDF417_ROW_RATIO modules high, the same pixels all the way
    # down; no two bands are alike (no row drawn twice or split across two bands).
    row_px = PDF417_ROW_RATIO * PIXELS_PER_MODULE
    bands = [image.crop((0, top, code.width_px, top + row_px)) for top in range(quiet, code.height_px - quiet, row_px)]
    for band in bands:
        first_line = band.crop((0, 0, code.width_px, 1)).tobytes()
        assert all(band.crop((0, y, code.width_px, y + 1)).tobytes() == first_line for y in range(row_px))
    assert len({band.tobytes() for band in bands}) == len(bands)  # no two rows alike: none repeated
    (found,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.PDF417)
    assert found.text == payload


@pytest.mark.parametrize(
    "name",
    ["EXAMPLE/JANE", "NÚÑEZ/JOSÉ", "李/小龍", "محمد/علي", "ЮРИЙ/ГАГАРИН"],
    ids=["plain", "accented", "cjk", "arabic", "cyrillic"],
)
def test_pdf417_carries_utf8_under_eci_26_and_decodes_to_the_exact_text(name: str) -> None:
    # Issue 17: raw UTF-8 with no ECI reads as NÃºÃ±ez on a scanner using PDF417's default set.
    payload = f"HIC1\nNAM={name}"
    html = (
        '<html lang="en"><head><style>@page { size: 3.5in 1in; margin: 0.1in }</style></head>'
        '<body><img alt="PDF417" style="width: 3.2in; height: 0.6in; image-rendering: pixelated" '
        f'src="{pdf417_image(payload, aspect=3.2 / 0.6).data_uri()}">'
        "</body></html>"
    )
    (image,) = page_images(html_to_pdf(html), dpi=300)
    (found,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.PDF417)
    assert found.text == payload and found.bytes == payload.encode("utf-8")
    # The symbol says how to read its bytes: ECI 000026 (UTF-8), the AIM identifier's "]L1".
    marked = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.PDF417, text_mode=zxingcpp.TextMode.ECI)
    assert marked[0].text.startswith("]L1\\000026HIC1")
