"""The one Jinja environment: a kind's template and its view to standalone HTML."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache

import jinja2
from markupsafe import Markup

from docgen.config import get_settings
from docgen.errors import RenderError
from docgen.language import ENGLISH_TAG, language_for
from docgen.render.marked_words import with_marked_words_in_their_face
from docgen.render.metadata import DocumentMetadata


def w3cdate(value: datetime) -> str:
    """W3C date (day only: the portal sends local times without a zone) for <meta name=dcterms.*>."""
    return value.strftime("%Y-%m-%d")


#: The longest run of characters without a space that fits the narrowest value column of a
#: key/value table (27% of 7.3 in at 9 pt: ~134 pt) even in the widest glyphs (W, a CJK ideograph:
#: ~9 pt each).
_FITS_UNBROKEN = 12


def breakable(value: object) -> bool:
    """Jinja test: a value holding a word too long to be sure it fits its column, which may then
    break inside the word (CSS `td.breakable`). Only such cells get `overflow-wrap: anywhere`:
    WeasyPrint gives every text run of a cell that has it a Pango attribute list, which cost 5.5%
    of a statement's instructions on all its key/value cells (bench/instructions.py)."""
    return any(len(word) > _FITS_UNBROKEN for word in str(value).split())


@cache
def environment(language_tag: str = ENGLISH_TAG) -> jinja2.Environment:
    """The Jinja environment of one language: autoescaped, strict about undefined names, formatting
    only; `_()` and `{% trans %}` read the language's catalog, the filters format for its locale."""
    language = language_for(language_tag)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(get_settings().templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    # The msgid of a {% trans %} block is its text with line breaks and indentation made one space
    # (locales/babel.cfg extracts it the same way).
    env.policies["ext.i18n.trimmed"] = True
    # newstyle: placeholders are filled and escaped by gettext itself, so a translation that drops
    # one fails loudly (the catalog test checks none does).
    env.install_gettext_translations(language.translations, newstyle=True)  # type: ignore[attr-defined]
    # Our own CSS from our own catalog, escaped for a CSS string by Language: not HTML-escaped.
    env.globals["page_number_content"] = Markup(language.page_number_content())
    env.filters.update(
        money=language.money,
        dollars=language.dollars,
        usd=language.usd,
        date=language.short_date,
        timestamp=language.timestamp,
        w3cdate=w3cdate,
    )
    env.tests["breakable"] = breakable
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
    """Fill a kind's template with its view, in the document's language; the HTML is complete and standalone."""
    try:
        html = (
            environment(metadata.language)
            .get_template(template)
            .render(view=view, meta=metadata, base_url=get_settings().home.as_uri() + "/")
        )
    except jinja2.TemplateError as exc:
        raise RenderError(f"template {template}: {exc}") from exc
    return with_marked_words_in_their_face(compact_html(html))


def with_stylesheet(html: str, css: str) -> str:
    """The HTML with `css` added as the last stylesheet of its head (our own CSS, never input)."""
    if "</head>" not in html:
        raise RenderError("the template has no </head> to add a stylesheet to")
    return html.replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1)
