"""QR images: deterministic SVG, and decoded back by zxing-cpp after WeasyPrint and pdfium have drawn them."""

from __future__ import annotations

import base64

import pytest
import zxingcpp

from docgen.render.barcodes import QR_QUIET_ZONE as QUIET_ZONE
from docgen.render.barcodes import (
    pdf417_svg,
    qr_data_uri,
    qr_matrix,
    qr_svg,
    svg_data_uri,
)
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


def test_svg_is_deterministic_and_sized() -> None:
    svg = qr_svg(TEXT, "0.8in")
    assert svg == qr_svg(TEXT, "0.8in")
    assert 'width="0.8in" height="0.8in"' in svg and 'viewBox="0 0 45 45"' in svg
    assert qr_svg(TEXT.replace("1/2", "2/2"), "0.8in") != svg


def test_data_uri_carries_the_svg() -> None:
    uri = qr_data_uri(TEXT, "1in")
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    assert base64.b64decode(uri.removeprefix(prefix)).decode() == qr_svg(TEXT, "1in")


@pytest.mark.parametrize(("dpi", "size"), [(96, "0.8in"), (150, "0.8in"), (200, "0.6in")])
def test_decodes_from_a_rendered_page(dpi: int, size: str) -> None:
    html = (
        '<html lang="en"><head><style>@page { size: 2in 2in; margin: 0.25in }</style></head>'
        f'<body><img alt="QR code" src="{qr_data_uri(TEXT, size)}"></body></html>'
    )
    (image,) = page_images(html_to_pdf(html), dpi=dpi)
    found = zxingcpp.read_barcodes(image)
    assert [(code.format, code.text) for code in found] == [(zxingcpp.BarcodeFormat.QRCode, TEXT)]


def test_decodes_from_a_black_and_white_fax_resolution_scan() -> None:
    # A faxed form arrives at about 200 dpi, one bit per pixel.
    html = (
        '<html lang="en"><head><style>@page { size: 2in 2in; margin: 0.25in }</style></head>'
        f'<body><img alt="QR code" src="{qr_data_uri(TEXT, "0.8in")}"></body></html>'
    )
    (image,) = page_images(html_to_pdf(html), dpi=200)
    fax = image.convert("1")
    assert [code.text for code in zxingcpp.read_barcodes(fax)] == [TEXT]


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
        '<body><img alt="PDF417" style="width: 3.2in; height: 0.6in" '
        f'src="{svg_data_uri(pdf417_svg(payload, aspect=3.2 / 0.6))}">'
        "</body></html>"
    )
    (image,) = page_images(html_to_pdf(html), dpi=300)
    (found,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.PDF417)
    assert found.text == payload and found.bytes == payload.encode("utf-8")
    # The symbol says how to read its bytes: ECI 000026 (UTF-8), the AIM identifier's "]L1".
    marked = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.PDF417, text_mode=zxingcpp.TextMode.ECI)
    assert marked[0].text.startswith("]L1\\000026HIC1")
