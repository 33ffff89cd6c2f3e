"""The one Jinja environment: a kind's template and its view to standalone HTML."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import jinja2

from docgen.config import get_settings
from docgen.errors import RenderError
from docgen.money import format_dollars, format_money
from docgen.render.metadata import DocumentMetadata


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


def usd(value: Decimal) -> str:
    """$5,000.00: an amount inside a sentence, where a bare 5,000.00 would read oddly."""
    return f"${format_money(value)}"


@cache
def environment(templates_dir: Path | None = None) -> jinja2.Environment:
    """The one Jinja environment: autoescaped, strict about undefined names, formatting only."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir or get_settings().templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(money=money, dollars=dollars, usd=usd, usdate=usdate, ustimestamp=ustimestamp, w3cdate=w3cdate)
    return env


# Block-level and table elements the templates use (not inline ones, where a space prints).
_BLOCK_TAGS = (
    "html|head|body|meta|link|title|base|style|table|thead|tbody|tfoot|tr|td|th|colgroup|col"
    "|div|section|header|h1|h2|h3|p|ul|li"
)
_SPACE_BETWEEN_BLOCK_TAGS = re.compile(rf"(</?(?:{_BLOCK_TAGS})\b[^>]*>)\s+(?=</?(?:{_BLOCK_TAGS})\b)")


def compact_html(html: str) -> str:
    """The HTML without the whitespace between block-level and table tags.

    The parser makes a text node of each such run and WeasyPrint a box of each node, which
    layout then walks although it prints nothing (issue 9; bench/steps.py measures the gain).
    Pages stay pixel-identical (tests/render/test_engine.py). Input cannot add tags (it is escaped),
    so only the templates' own indentation is removed.
    """
    return _SPACE_BETWEEN_BLOCK_TAGS.sub(r"\1", html)


def render_html(template: str, view: object, metadata: DocumentMetadata) -> str:
    """Fill a kind's template with its view; the HTML is complete and standalone."""
    try:
        html = (
            environment()
            .get_template(template)
            .render(view=view, meta=metadata, base_url=get_settings().home.as_uri() + "/")
        )
    except jinja2.TemplateError as exc:
        raise RenderError(f"template {template}: {exc}") from exc
    return compact_html(html)


def with_stylesheet(html: str, css: str) -> str:
    """The HTML with `css` added as the last stylesheet of its head (our own CSS, never input)."""
    if "</head>" not in html:
        raise RenderError("the template has no </head> to add a stylesheet to")
    return html.replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1)
