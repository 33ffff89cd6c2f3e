"""The render path's two speed-ups that reach below WeasyPrint's public API, kept alone here.

Measured with bench/steps.py on WeasyPrint 70.0 (CPU ms per statement, least of ten rounds):
docgen's user-agent stylesheet in place of html5_ua.css 285 -> 251, the expat parse 251 -> 243;
together ~15% of a statement. `FastHTML` overrides WeasyPrint's private `_ua_stylesheets` and
repeats what `weasyprint.HTML.__init__` does after parsing, with its private `_find_base_url`;
tests/render/test_speedups.py pins the WeasyPrint version this was written against and holds
both trees and every golden PDF byte-identical, so an upgrade re-measures and re-checks here.

The expat parse: docgen's final HTML as the element tree WeasyPrint lays out, where that is safe.

WeasyPrint parses HTML with tinyhtml5, a pure-Python HTML5 parser: ~15 ms of a ~300 ms
statement (issue 9). Our templates' output is nearly XML already, and expat (C, in the standard
library) parses it in well under a millisecond. `xml_tree` returns the tree only when it is
the tree tinyhtml5 would build, and None otherwise, so the caller falls back to tinyhtml5:

- the HTML-isms the templates use are rewritten first: void elements (`<col ...>`) are
  self-closed and named character references (`&middot;`) become their characters;
- the templates write every table's row groups (`<tbody>`), which HTML5 would otherwise insert;
- HTML that expat would read differently is left to tinyhtml5: comments, processing
  instructions and CDATA, self-closed non-void elements, numeric references other than
  Jinja's `&#34;`/`&#39;`, a page not starting with `<!DOCTYPE html>` (quirks mode, BOM),
  tab or line breaks inside attribute values (XML turns them into spaces), `&` or `<` inside
  a `<style>` (raw text in HTML, markup in XML), inline SVG or MathML (HTML5 gives them their
  namespace), elements HTML5 reads in its own way (`<pre>`, `<noembed>`, ...), structure
  HTML5 repairs (rows outside a row group, a block inside `<p>`), a page without `<head>` and
  `<body>` or with text after `</html>`, and anything expat rejects (control characters).
  Stranger repairs (a `<form>` or `<span>` directly in a `<table>`, a second `<body>` tag) are
  not detected: the templates never write them, and the golden tests would show it.

Input cannot produce markup (templates autoescape), so these checks are about our templates;
tests/render/test_speedups.py holds every golden case's two trees equal.
"""

from __future__ import annotations

import re
from html.entities import html5 as _HTML5_REFERENCES
from typing import Any
from xml.etree.ElementTree import Element, ParseError, XMLParser

import cssselect2
import weasyprint
from weasyprint import _find_base_url
from weasyprint.urls import URLFetcher

_VOID_ELEMENT = re.compile(r"<(area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)\b([^>]*?)\s*/?>")
_NAMED_REFERENCE = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_XML_REFERENCES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_READ_DIFFERENTLY = re.compile(
    # a comment; inline SVG or MathML; a tab or line break inside a tag's attribute value;
    # elements whose content HTML5 reads in its own way (leading newline dropped, raw text);
    # structure HTML5 repairs: rows outside a row group, cells outside a row, a block inside <p>
    r"<!--|<\?|<!\[|<svg\b|<math\b|<[A-Za-z][^>]*?=\s*\"[^\"]*[\t\n\r]|<[A-Za-z][^>]*?=\s*'[^']*[\t\n\r]"
    # a self-closed element that is not void (HTML5 ignores the slash), a numeric reference
    # other than Jinja's &#34; and &#39; (HTML5 remaps &#128;-&#159;)
    r"|<(?!(?:area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)\b)[A-Za-z][^>]*/>|&#(?!3[49];)"
    r"|<(?:pre|listing|plaintext|noembed|noframes|xmp|iframe|noscript|template|script)\b"
    # a <textarea> (RCDATA) reads alike unless its content starts with a line break (HTML5 drops
    # it) or holds markup (text to HTML5); the claim forms' prefilled fields are plain escaped text
    r"|<textarea\b[^>]*>(?:[\r\n]|[^<]*<(?!/textarea>))"
    r"|(?:<table\b[^>]*>|</colgroup>|</thead>|</tbody>|</tfoot>)\s*<tr\b|<(?:tbody|thead|tfoot)\b[^>]*>\s*<t[dh]\b"
    r"|<p\b[^>]*>(?:(?!</p>)[^<]|<(?!/?(?:div|section|header|footer|h[1-6]|table|ul|ol|p)\b))*<(?:div|section|header|footer|h[1-6]|table|ul|ol|p)\b",
    re.DOTALL,
)
_STYLE_CONTENT = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL)


def _character(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _XML_REFERENCES:
        return match.group(0)
    text = _HTML5_REFERENCES.get(name + ";")
    if text is None or any(character in text for character in "<&\"'\t\n\r"):
        raise ValueError(name)
    return text


def as_xml(html: str) -> str | None:
    """The HTML rewritten as XML, or None when expat would read it differently from HTML5."""
    if not (html.startswith("<!DOCTYPE html>") and html.endswith("</html>")) or _READ_DIFFERENTLY.search(html):
        return None
    if any("<" in css or "&" in css for css in _STYLE_CONTENT.findall(html)):
        return None
    try:
        return _NAMED_REFERENCE.sub(_character, _VOID_ELEMENT.sub(r"<\1\2/>", html))
    except ValueError:  # an unknown reference: HTML5 would print it as text
        return None


def xml_tree(html: str) -> Element | None:
    """The root element expat builds from the HTML, or None when tinyhtml5 must parse it."""
    xml = as_xml(html)
    if xml is None:
        return None
    parser = XMLParser()
    try:
        parser.feed(xml)
        root = parser.close()
    except (ParseError, UnicodeError):
        return None
    # HTML5 would add a missing <head> or <body>: only a complete page qualifies.
    return root if root.tag == "html" and [child.tag for child in root] == ["head", "body"] else None


#: The WeasyPrint release FastHTML copies from and was measured on.
MEASURED_WITH = "70.0"


class FastHTML(weasyprint.HTML):
    """WeasyPrint's HTML document with docgen's user-agent stylesheet.

    The HTML is parsed by expat where that gives tinyhtml5's tree (xml_tree above).
    WeasyPrint matches its user-agent stylesheet against every element; its universal
    pseudo-element rules alone gave each element several extra computed styles. The cut-down
    sheet gives byte-identical PDFs (tests/render/test_user_agent_stylesheet.py) for less CPU
    (bench/steps.py measures how much).
    """

    def __init__(self, user_agent_stylesheet: Any, *, string: str, base_url: str, url_fetcher: URLFetcher) -> None:
        tree = xml_tree(string)
        if tree is None:
            super().__init__(string=string, base_url=base_url, url_fetcher=url_fetcher)
        else:
            # What weasyprint.HTML.__init__ does after tinyhtml5 has parsed (WeasyPrint is
            # pinned; the goldens and tests/render/test_speedups.py hold the PDFs byte-identical).
            self.base_url = _find_base_url(tree, base_url)
            self.url_fetcher = url_fetcher
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(tree, content_language=None)
            self.etree_element = self.wrapper_element.etree_element
        self._user_agent_stylesheet = user_agent_stylesheet

    def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
        return [self._user_agent_stylesheet]
