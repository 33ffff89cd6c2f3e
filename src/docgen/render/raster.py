"""PDF pages to PNG images at a fixed resolution (pypdfium2), for goldens, previews and cards."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from PIL import Image

from docgen.errors import RenderError
from docgen.units import POINTS_PER_INCH


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


#: ISO/IEC 7810 ID-1 at 300 dpi: 85.60 mm x 53.98 mm is 1011.02 x 637.56 px. Rasterizers round
#: the page up (1012 x 638); the card image is cropped to exactly 1011 x 638.
CARD_DPI = 300
CARD_PIXELS = (1011, 638)


def card_png(pdf: bytes, page_index: int) -> bytes:
    """One card side as a 1011 x 638 px PNG; outside the rounded corners is transparent."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[page_index]
        bitmap = page.render(scale=CARD_DPI / POINTS_PER_INCH, fill_color=(255, 255, 255, 0))
        image = bitmap.to_pil().convert("RGBA")
        page.close()
    finally:
        document.close()
    width, height = CARD_PIXELS
    if image.width < width or image.height < height:
        raise RenderError(f"card page rendered at {image.size}, smaller than {CARD_PIXELS}")
    return png_bytes(image.crop((0, 0, width, height)))


def png_bytes(image: Image.Image) -> bytes:
    """Deterministic PNG encoding (no timestamps or text chunks)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
