"""Barcode images for documents: QR codes as SVG, embedded through data: URIs (the fetcher's only non-file scheme)."""

from __future__ import annotations

import base64

import qrcode
from qrcode.constants import ERROR_CORRECT_M

#: ISO/IEC 18004 asks for a quiet zone of at least four modules around the symbol.
QUIET_ZONE = 4


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR symbol's modules (True = dark), quiet zone included, in the smallest version that fits.

    Error correction M (15% of the symbol recoverable) survives a fax, a stamp or a pen stroke
    across the code without making it much denser than L.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(text.encode("utf-8"))
    code.make(fit=True)
    return [[bool(module) for module in row] for row in code.get_matrix()]


def qr_svg(text: str, size: str) -> str:
    """A QR code as a standalone SVG `size` wide and high (a CSS length, e.g. "0.8in").

    One path of whole-module rectangles on a white square: crisp at any resolution, and the
    same text always gives the same bytes.
    """
    matrix = qr_matrix(text)
    modules = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < modules:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < modules and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h{start - x}z")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}"'
        f' viewBox="0 0 {modules} {modules}" shape-rendering="crispEdges">'
        f'<rect width="{modules}" height="{modules}" fill="#fff"/>'
        f'<path d="{"".join(runs)}" fill="#000"/></svg>'
    )


def data_uri(mime_type: str, body: bytes) -> str:
    """A base64 data: URI (RFC 2397), the only way templates embed generated images."""
    return f"data:{mime_type};base64,{base64.b64encode(body).decode('ascii')}"


def qr_data_uri(text: str, size: str) -> str:
    """A QR code of `text` as an SVG data: URI."""
    return data_uri("image/svg+xml", qr_svg(text, size).encode("utf-8"))
