"""docgen's cut-down user-agent stylesheet must change nothing on the page (issue 9)."""

from __future__ import annotations

import re
from importlib import resources

import pytest
import tinycss2
import weasyprint
import weasyprint.css

from docgen.config import get_settings
from docgen.documents.pipeline import document_html, prepare
from docgen.golden import GoldenCase, cases
from docgen.render import engine
from docgen.render.engine import PDF_VARIANT, USER_AGENT_STYLESHEET, ConfinedFetcher

CASES = list(cases())


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_pdf_is_byte_identical_to_weasyprint_with_its_own_user_agent_stylesheet(case: GoldenCase) -> None:
    html = document_html(prepare(case.kind, case.example.read_bytes(), case.options))
    stock = weasyprint.HTML(
        string=html,
        base_url=get_settings().home.as_uri() + "/",
        url_fetcher=ConfinedFetcher((get_settings().assets_dir, get_settings().fonts_dir)),
    ).write_pdf(pdf_variant=PDF_VARIANT)
    # Both as WeasyPrint writes them, before render.tagging completes the tree (its own tests).
    assert engine._layout(html, get_settings()).write_pdf(pdf_variant=PDF_VARIANT) == stock


def _type_selectors(css: str) -> set[str]:
    """Element names a stylesheet's selectors mention (a rough, sufficient tokenization)."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True)
    names: set[str] = set()
    for rule in rules:
        if rule.type == "qualified-rule":
            names.update(re.findall(r"(?<![.#:\[-])\b([a-z][a-z0-9]*)\b", tinycss2.serialize(rule.prelude)))
    return names


def test_every_element_the_templates_use_has_its_user_agent_rules() -> None:
    """A new element in a template needs its WeasyPrint UA rules copied into user-agent.css."""
    used: set[str] = set()
    for template in get_settings().templates_dir.rglob("*.html"):
        used.update(re.findall(r"<([a-z][a-z0-9]*)", template.read_text()))
    stock = _type_selectors((resources.files(weasyprint.css) / "html5_ua.css").read_text("utf-8"))
    ours = _type_selectors((get_settings().home / USER_AGENT_STYLESHEET).read_text())
    missing = (used & stock) - ours
    assert not missing, f"user-agent.css has no rules for {sorted(missing)}"


def _margin_boxes(css: str) -> set[str]:
    return set(re.findall(r"@((?:top|bottom|left|right)(?:-[a-z]+)*)\s*\{", css))


def test_every_margin_box_the_stylesheets_fill_has_its_user_agent_rule() -> None:
    """user-agent.css keeps only the page-margin boxes docgen's stylesheets use (see its header)."""
    ours = _margin_boxes((get_settings().home / USER_AGENT_STYLESHEET).read_text())
    used: set[str] = set()
    for sheet in (get_settings().assets_dir / "css").glob("*.css"):
        if sheet.name != "user-agent.css":
            used |= _margin_boxes(sheet.read_text())
    assert used, "no stylesheet fills a page-margin box: the pattern no longer matches them"
    assert used <= ours, f"user-agent.css has no rules for {sorted(used - ours)}"
