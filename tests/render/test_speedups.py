"""expat's tree is tinyhtml5's tree, or docgen.html_tree declines to give one (issue 9)."""

from __future__ import annotations

from xml.etree.ElementTree import Element

import pytest
import tinyhtml5
import weasyprint
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from docgen.documents.pipeline import document_html, prepare
from docgen.golden import GoldenCase, cases
from docgen.render import speedups
from docgen.render.speedups import xml_tree

CASES = list(cases())


def difference(html5: Element, xml: Element, path: str = "html") -> str | None:
    """Where two trees first differ (tag, attributes, text, tail, children), or None."""
    for what, left, right in (
        ("tag", html5.tag, xml.tag),
        ("attributes", dict(html5.attrib), dict(xml.attrib)),
        ("text", html5.text or "", xml.text or ""),
        ("tail", html5.tail or "", xml.tail or ""),
        ("children", [child.tag for child in html5], [child.tag for child in xml]),
    ):
        if left != right:
            return f"{path}: {what} {left!r} != {right!r}"
    for index, (left_child, right_child) in enumerate(zip(html5, xml, strict=True)):
        found = difference(left_child, right_child, f"{path}/{left_child.tag}[{index}]")
        if found:
            return found
    return None


def html5_tree(html: str) -> Element:
    root: Element = tinyhtml5.parse(html, namespace_html_elements=False)
    return root


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_every_golden_case_parses_to_the_html5_tree(case: GoldenCase) -> None:
    html = document_html(prepare(case.kind, case.example.read_bytes(), case.options))
    tree = xml_tree(html)
    if "<svg" in html:  # inline SVG takes its namespace in HTML5 only: left to tinyhtml5
        assert tree is None
        return
    assert tree is not None, "expat declined a template's output"
    assert difference(html5_tree(html), tree) is None


def test_the_statement_is_parsed_by_expat() -> None:
    """The fast path is really taken for the kinds without inline SVG."""
    html = document_html(prepare("confirmation", CASES[0].example.read_bytes()))
    assert xml_tree(html) is not None


PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>{head}</head><body>{body}</body></html>'
)


@pytest.mark.parametrize(
    ("head", "body"),
    [
        ("", "<p>a<!-- note -->b</p>"),  # expat drops comments
        ("", '<p title="two\nlines">a</p>'),  # XML turns the line break into a space
        ("<style>p::after { content: '&amp;' }</style>", "<p>a</p>"),  # raw text in HTML
        ("<style>p > b { color: red } p < i {}</style>", "<p>a</p>"),
        ("", "<svg><rect/></svg>"),  # the SVG namespace
        ("", "<p>&notareference;</p>"),  # HTML5 prints it as text
        ("", "<p>a\x0bb</p>"),  # not an XML character
        ("", "<p>one<p>two"),  # implied end tags
        ("", "<p title='two\nlines'>a</p>"),  # single quotes too
        ("", "<listing>\nx</listing>"),  # HTML5 drops the leading newline
        ("", "<noembed>&amp;</noembed>"),  # raw text in HTML
        ("", "<p>a<section>b</section></p>"),  # HTML5 closes the <p>
        ("", "<table><thead><tr><th>a</th></tr></thead><tr><td>b</td></tr></table>"),  # implied <tbody>
        ("", "<table><tbody><td>a</td></tbody></table>"),  # implied <tr>
        ("", '<p><span class="box"/>a</p>'),  # HTML5 ignores the slash of a non-void element
        ("", "<p>&#128;</p>"),  # HTML5 remaps it to the euro sign
        ("", '<p title="a&NewLine;b">x</p>'),  # a reference that expands to a line break
        ("", '<p title = "a\nb">x</p>'),  # spaces around =
        ("", "<?x?><p>a</p>"),  # a processing instruction: a comment in HTML5
        ("", "<p>a\ud800</p>"),  # a lone surrogate: expat cannot encode it
        ("", "<textarea>\nx</textarea>"),  # HTML5 drops the leading newline
        ("", "<textarea><b>x</b></textarea>"),  # markup is text in a textarea
    ],
)
def test_what_expat_would_read_differently_is_left_to_tinyhtml5(head: str, body: str) -> None:
    assert xml_tree(PAGE.format(head=head, body=body)) is None


def test_a_textarea_of_plain_text_is_read_by_expat() -> None:
    # The claim forms' prefilled fields (issue 21): escaped text, no leading line break.
    tree = xml_tree(PAGE.format(head="", body='<textarea name="e">Office visit &amp; copay</textarea>'))
    assert tree is not None and tree.find(".//textarea").text == "Office visit & copay"


def test_only_a_complete_page_qualifies() -> None:
    assert xml_tree("<!DOCTYPE html><html><body><p>a</p></body></html>") is None  # no <head>
    assert xml_tree(PAGE.format(head="", body="<p>a</p>") + "\n") is None  # HTML5 keeps the newline


def test_references_and_void_elements_are_read_as_html_reads_them() -> None:
    html = PAGE.format(
        head='<link rel="stylesheet" href="a.css">',
        body=(
            "<table><colgroup><col class='k'></colgroup><tbody>"
            "<tr><td>a&middot;b&ndash;c&nbsp;&amp;&lt;<br>d</td></tr></tbody></table>"
        ),
    )
    tree = xml_tree(html)
    assert tree is not None
    assert difference(html5_tree(html), tree) is None


@settings(max_examples=300, deadline=None)
@given(text=st.text(), attribute=st.text())
def test_any_escaped_input_gives_the_html5_tree_or_none(text: str, attribute: str) -> None:
    """What input can put in a template (escaped text and attribute values) never splits the trees."""
    html = PAGE.format(head="", body=f'<div class="{escape(attribute)}"><span>{escape(text)}</span></div>')
    tree = xml_tree(html)
    if tree is not None:
        assert difference(html5_tree(html), tree) is None


def test_pinned_to_the_weasyprint_release_it_copies_from() -> None:
    # FastHTML repeats weasyprint.HTML.__init__ and overrides a private method: an upgrade must
    # re-read that code, re-run bench/steps.py and these tests, then move MEASURED_WITH.
    assert weasyprint.__version__ == speedups.MEASURED_WITH
