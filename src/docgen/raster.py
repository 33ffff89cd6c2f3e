"""PDF pages to PNG images at a fixed resolution (pypdfium2), for goldens, previews and cards."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from PIL import Image

POINTS_PER_INCH = 72


def page_images(pdf: bytes, dpi: int = 96) -> list[Image.Image]:
    """Each page as an RGB image; no anti-aliasing differences between calls (same engine)."""
    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / POINTS_PER_INCH)
            images.append(bitmap.to_pil().convert("RGB"))
            page.close()
        return images
    finally:
        document.close()


def png_bytes(image: Image.Image) -> bytes:
    """Deterministic PNG encoding (no timestamps or text chunks)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
