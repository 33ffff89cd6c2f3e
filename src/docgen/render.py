"""Rendering engine: one Jinja environment, a fetcher confined to assets/ and fonts/, deterministic PDFs."""

from __future__ import annotations

import hashlib
import mimetypes
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2

from docgen.config import SETTINGS, Settings, isolate_fontconfig
from docgen.errors import RenderError, ResourceError
from docgen.log import LOGGER
from docgen.money import format_dollars, format_money

# Before WeasyPrint loads fontconfig (at import): only the bundled fonts exist for it.
# One cache folder per checkout, so two checkouts never rewrite each other's config.
_FONT_CACHE = hashlib.sha256(str(SETTINGS.fonts_dir).encode()).hexdigest()[:12]
isolate_fontconfig(SETTINGS.fonts_dir, Path(tempfile.gettempdir()) / f"docgen-fontconfig-{_FONT_CACHE}")

import weasyprint  # noqa: E402  (must follow the fontconfig isolation above)
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

@dataclass(frozen=True)
class DocumentMetadata:
    """What goes into the PDF's info dictionary: never an SSN, a birth date or a name."""

    title: str
    author: str
    subject: str
    #: Creation and modification date, taken from the input so output stays deterministic.
    created: datetime


class ConfinedFetcher(URLFetcher):
    """Serves files under the allowed folders and data: URIs; refuses everything else.

    Templates autoescape input, so only our own templates can name a resource; a refusal
    therefore means a template bug and stops the render instead of degrading silently.
    """

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)
        self._roots = tuple(root.resolve() for root in roots)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and not parts.netloc:
            path = Path(url2pathname(parts.path)).resolve()
            if any(path.is_relative_to(root) for root in self._roots) and path.is_file():
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
                )
        self.refused.append(url)
        raise ResourceError(f"refused to fetch {url!r}: only assets/ and fonts/ are served")


def usdate(value: date) -> str:
    """07/01/2016, the portal's date format."""
    return value.strftime("%m/%d/%Y")


def ustimestamp(value: datetime) -> str:
    """04/15/2016 2:07 pm, the portal's "Electronic Submission" format (seed 000 step 17)."""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{usdate(value.date())} {hour}:{value.minute:02d} {suffix}"


def w3cdate(value: datetime) -> str:
    """W3C date (day only: the portal sends local times without a zone) for <meta name=dcterms.*>."""
    return value.strftime("%Y-%m-%d")


def money(value: Decimal) -> str:
    return format_money(value)


def dollars(value: Decimal) -> str:
    """$1,548: the tax-savings illustration's whole dollars."""
    return format_dollars(value)


@cache
def environment(templates_dir: Path = SETTINGS.templates_dir) -> jinja2.Environment:
    """The one Jinja environment: autoescaped, strict about undefined names, formatting only."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(money=money, dollars=dollars, usdate=usdate, ustimestamp=ustimestamp, w3cdate=w3cdate)
    return env


def render_html(template: str, view: object, metadata: DocumentMetadata) -> str:
    """Fill a kind's template with its view; the HTML is complete and standalone."""
    try:
        return environment().get_template(template).render(
            view=view, meta=metadata, base_url=SETTINGS.home.as_uri() + "/"
        )
    except jinja2.TemplateError as exc:
        raise RenderError(f"template {template}: {exc}") from exc


def html_to_pdf(html: str, settings: Settings = SETTINGS) -> bytes:
    """Lay out and write the PDF; the same HTML always gives the same bytes."""
    fetcher = ConfinedFetcher((settings.assets_dir, settings.fonts_dir))
    started = time.perf_counter()
    try:
        document = weasyprint.HTML(
            string=html, base_url=settings.home.as_uri() + "/", url_fetcher=fetcher
        )
        pdf = document.write_pdf()
    except FatalURLFetchingError as exc:
        raise ResourceError(f"refused to fetch {', '.join(fetcher.refused)}") from exc
    except (ValueError, OSError, AssertionError) as exc:
        raise RenderError(f"WeasyPrint failed: {type(exc).__name__}: {exc}") from exc
    if not isinstance(pdf, bytes):
        raise RenderError("WeasyPrint returned no PDF")
    LOGGER.debug("PDF written: %d bytes in %.0f ms", len(pdf), (time.perf_counter() - started) * 1000)
    return pdf


