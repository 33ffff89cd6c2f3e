"""The WeasyPrint engine: bundled fonts only, a fetcher confined to assets/ and fonts/, deterministic PDFs."""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from docgen.config import Settings, bundled_fonts_only, get_settings, isolate_fontconfig
from docgen.errors import RenderError, ResourceError
from docgen.log import LOGGER
from docgen.render import closing_page
from docgen.render.fields import settle_appearances
from docgen.render.speedups import FastHTML
from docgen.render.tagging import ClosingParagraph, Completion, closing_paragraphs
from docgen.render.templating import with_stylesheet


def _fontconfig_cache(settings: Settings) -> Path:
    # One cache folder per checkout, so two checkouts never rewrite each other's config.
    digest = hashlib.sha256(str(settings.fonts_dir).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"docgen-fontconfig-{digest}"


def use_bundled_fonts(settings: Settings | None = None) -> None:
    """Let fontconfig see the bundled fonts and nothing else; each entry point (the CLI, an API
    or batch worker, a test session) calls it before its first render.

    Fontconfig reads its configuration when WeasyPrint first lays text out, not at import, so
    this may follow `import weasyprint`; a render without it is refused (_layout) rather than
    silently taking a glyph from whatever fonts the machine has.
    """
    settings = settings or get_settings()
    cache_dir = _fontconfig_cache(settings)
    # Written once per process (the batch asks before every piece), and again if a temp-folder
    # cleaner removed it: a worker started later would otherwise read no config at all.
    if not (bundled_fonts_only(cache_dir) and (cache_dir / "fonts.conf").is_file()):
        isolate_fontconfig(settings.fonts_dir, cache_dir)


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
                return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})
        self.refused.append(url)
        raise ResourceError(f"refused to fetch {url!r}: only assets/ and fonts/ are served")


# The templates' own stylesheet links (base.html and each kind's); nothing from input can
# produce this markup, since input is escaped.
_STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="(assets/css/[A-Za-z0-9_-]+\.css)">')


@cache
def _font_config() -> FontConfiguration:
    """One font configuration per process: the bundled @font-face fonts are loaded once."""
    return FontConfiguration()


@cache
def _stylesheet(href: str, home: Path) -> Any:
    """A template stylesheet parsed once per process (issue 9: parsing was ~15% of a render)."""
    fetcher = ConfinedFetcher((home / "assets", home / "fonts"))
    return weasyprint.CSS(url=home.as_uri() + "/" + href, url_fetcher=fetcher, font_config=_font_config())


#: docgen's user-agent stylesheet, in place of WeasyPrint's html5_ua.css (see the file's header).
USER_AGENT_STYLESHEET = "assets/css/user-agent.css"


def _layout(html: str, settings: Settings) -> Any:
    """Lay the HTML out into pages (a weasyprint Document), wrapping the engine's errors.

    The template's stylesheet links are replaced by stylesheets parsed once per process and
    passed in the same order; the output is byte-identical to WeasyPrint reading the links
    (the goldens and the determinism tests hold it to that).
    """
    if not bundled_fonts_only(_fontconfig_cache(settings)):
        raise RenderError(
            "fontconfig may see system fonts: call docgen.render.engine.use_bundled_fonts() before rendering"
        )
    fetcher = ConfinedFetcher((settings.assets_dir, settings.fonts_dir))
    try:
        stylesheets = [_stylesheet(href, settings.home) for href in _STYLESHEET_LINK.findall(html)]
        return FastHTML(
            _stylesheet(USER_AGENT_STYLESHEET, settings.home),
            string=_STYLESHEET_LINK.sub("", html),
            base_url=settings.home.as_uri() + "/",
            url_fetcher=fetcher,
        ).render(stylesheets=stylesheets, font_config=_font_config())
    except FatalURLFetchingError as exc:
        raise ResourceError(f"refused to fetch {', '.join(fetcher.refused)}") from exc
    except (ValueError, OSError, AssertionError) as exc:
        # WeasyPrint checks its own layout invariants with assert: one that fails on a valid
        # document is the engine's fault, reported as such (500), never passed off as the input's.
        raise RenderError(f"WeasyPrint failed: {type(exc).__name__}: {exc}") from exc


#: Every PDF is tagged and declares PDF/UA-1 (issue 21): WeasyPrint writes the structure tree,
#: /MarkInfo, /Lang from <html lang>, DisplayDocTitle and the XMP identification.
PDF_VARIANT = "pdf/ua-1"


def _write(
    document: Any,
    started: float,
    margin_figures: Mapping[int, str] | None = None,
    tagged: bool = True,
    closing: Sequence[ClosingParagraph] = (),
    last: Callable[[Any], None] | None = None,
) -> bytes:
    """The laid-out document as a tagged PDF, completed by render.tagging where WeasyPrint stops and
    its form fields given the page's own appearance (render.fields); `last` is then handed the
    pydyf PDF (render.closing_page grafts or captures a closing page)."""
    completion = Completion(margin_figures, closing) if tagged else None

    def finish(laid_out: Any, pdf: Any) -> None:
        if completion is not None:
            completion(laid_out, pdf)
        settle_appearances(pdf)
        if last is not None:
            last(pdf)

    try:
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT if tagged else None, finisher=finish)
    except (ValueError, OSError, AssertionError) as exc:  # as in _layout: pydyf's and WeasyPrint's asserts
        raise RenderError(f"WeasyPrint failed: {type(exc).__name__}: {exc}") from exc
    if not isinstance(pdf, bytes):
        raise RenderError("WeasyPrint returned no PDF")
    LOGGER.debug("PDF written: %d bytes in %.0f ms", len(pdf), (time.perf_counter() - started) * 1000)
    return pdf


class _RepeatCounter(logging.Filter):
    """Lets the first record of each library message through and counts the repeats."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[tuple[int, str]] = Counter()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.levelno, record.getMessage())
        self.counts[key] += 1
        return self.counts[key] == 1


@contextmanager
def _repeats_counted() -> Iterator[None]:
    """Each WeasyPrint message once per render, then its repeat count (issue 25).

    One input with a glyph the fonts lack made WeasyPrint log 128,401 identical lines; the
    server log grew to 176 MB in half an hour.
    """
    engine_logger = logging.getLogger("weasyprint")
    counter = _RepeatCounter()
    engine_logger.addFilter(counter)
    try:
        yield
    finally:
        engine_logger.removeFilter(counter)
        for (level, message), count in counter.counts.items():
            if count > 1:
                engine_logger.log(
                    level, "(the message above was repeated %d more times in this render: %s)", count - 1, message[:200]
                )


@contextmanager
def _rendering() -> Iterator[None]:
    """What every layout runs inside: library warnings counted (the collector is the entry
    point's: render.collector)."""
    with _repeats_counted():
        yield


@lru_cache(maxsize=256)  # a state's page per phone and language: ~60 kB each
def _closing_page(standalone: str, settings: Settings) -> closing_page.ClosingPage | None:
    """A closing page laid out alone, once per process for the same HTML (render.closing_page);
    None when its section takes more than a page."""
    captured: list[closing_page.ClosingPage | None] = []
    try:
        _write(
            _layout(standalone, settings),
            time.perf_counter(),
            closing=closing_paragraphs(standalone),
            last=lambda pdf: captured.append(closing_page.capture(pdf)),
        )
    except closing_page.NotGraftable as exc:
        # Cached as None like a section longer than a page: laid out in each document, as before.
        LOGGER.warning("a closing page is laid out in each document, not once: %s", exc)
        return None
    return captured[0]


def _with_closing_page(html: str, settings: Settings, tagged: bool) -> tuple[str, closing_page.ClosingPage | None]:
    """The HTML to lay out, and the closing page to graft on its last page (None: none, or untagged)."""
    if not tagged:
        return html, None
    document, standalone = closing_page.split(html)
    last_page = _closing_page(standalone, settings) if standalone is not None else None
    return (document, last_page) if last_page is not None else (html, None)


def html_to_pdf(html: str, settings: Settings | None = None, *, tagged: bool = True) -> bytes:
    """Lay out and write the PDF, tagged PDF/UA-1 unless asked not to; the same HTML always gives the same bytes."""
    started = time.perf_counter()
    settings = settings or get_settings()
    with _rendering():
        document, last_page = _with_closing_page(html, settings, tagged)
        return _write(
            _layout(document, settings),
            started,
            tagged=tagged,
            closing=closing_paragraphs(document),
            last=last_page.graft if last_page is not None else None,
        )


#: CSS that marks each page of a document laid out on the given number of pages.
PageMarks = Callable[[int], str]
#: The text alternative of page i of n's mark (an image in its margins): (i, n) -> text.
MarkAlt = Callable[[int, int], str]


def _marked_layout(html: str, marks: PageMarks, guess: int, settings: Settings) -> tuple[str, Any]:
    """Lay out `html` with the marks for its own page count: (final HTML, its layout).

    A page count is known only after layout, so the document is laid out with the marks for
    `guess` pages; when it takes another number n, it is laid out again with the marks for n.
    Marks live in page-margin boxes, which never move page content, so the second layout
    breaks pages where the first did; a third count would be an engine bug, not a retry case.
    """
    pages = guess
    for _attempt in range(2):
        marked = with_stylesheet(html, marks(pages))
        document = _layout(marked, settings)
        if len(document.pages) == pages:
            return marked, document
        pages = len(document.pages)
    raise RenderError(f"page marks changed the page count (now {pages}); margin marks must not move content")


def marked_html(html: str, marks: PageMarks, guess: int, settings: Settings | None = None) -> str:
    """The final HTML of a document whose pages carry marks (as marked_pdf lays it out)."""
    with _rendering():
        return _marked_layout(html, marks, guess, settings or get_settings())[0]


def marked_pdf(html: str, marks: PageMarks, guess: int, mark_alt: MarkAlt, settings: Settings | None = None) -> bytes:
    """The PDF of a document whose every page carries its own mark, such as "page i of n" in a QR
    code; each mark is tagged as a Figure with its text alternative from `mark_alt`."""
    started = time.perf_counter()
    settings = settings or get_settings()
    with _rendering():
        html, last_page = _with_closing_page(html, settings, tagged=True)
        document = _marked_layout(html, marks, guess, settings)[1]
        pages = len(document.pages)
        figures = {index: mark_alt(index + 1, pages) for index in range(pages)}
        graft = last_page.graft if last_page is not None else None
        return _write(document, started, figures, closing=closing_paragraphs(html), last=graft)
