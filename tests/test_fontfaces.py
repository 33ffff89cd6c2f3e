"""The script faces (issue 23): the generated stylesheet, the font-family lists, the budget and the licence."""

from __future__ import annotations

import re
from pathlib import Path

from docgen import fontfaces
from docgen.fontfaces import SCRIPT_FACES, declared, font_family, stylesheet, svg_font_family
from tests.conftest import ROOT

#: Issue 23: at most 40 MB of fonts added to Liberation Sans.
FONT_BUDGET_BYTES = 40_000_000


def test_the_committed_stylesheet_is_a_fresh_generation() -> None:
    # `make fonts` writes it; a font added or replaced without regenerating fails here.
    assert (ROOT / fontfaces.STYLESHEET).read_text(encoding="utf-8") == stylesheet()


def test_every_font_family_lists_the_script_families_after_docgen_sans() -> None:
    found = []
    for css in sorted((ROOT / "assets" / "css").glob("*.css")):
        # @font-face descriptors name one family each; every property value must be the whole list.
        text = re.sub(r"@font-face\s*\{[^}]*\}", "", css.read_text(encoding="utf-8"))
        found += [(css.name, value.strip()) for value in re.findall(r"font-family:([^;}]+)", text)]
    assert found and {value for _, value in found} == {font_family()}, found
    for template in sorted((ROOT / "templates").rglob("*.html")):
        for value in re.findall(r'font-family="([^"]*)"', template.read_text(encoding="utf-8")):
            assert value == svg_font_family(), template.name
    assert font_family().startswith('"Docgen Sans", "Docgen Arabic"') and font_family().endswith('"Docgen CJK"')


def test_no_two_families_claim_a_code_point() -> None:
    # Pango picks the first family whose range holds a character: overlapping ranges would make
    # the order, not the script, choose the face (and glyphs.text_width_pt assumes one face each).
    seen: set[int] = set()
    for face in SCRIPT_FACES:
        assert declared(face), face.script
        assert not declared(face) & seen, face.script
        seen |= declared(face)


def test_a_face_declared_for_combining_marks_draws_some_that_no_other_face_was_given() -> None:
    # render.marked_words tells a script's words apart by its letters, and sets those holding one
    # of its marks in its face: each such face needs both.
    for face in fontfaces.MARKED_FACES:
        letters, marks = fontfaces.letters_and_marks(face)
        assert letters and marks and {0x0308, 0x0330} <= marks, face.script
    assert [face.script for face in fontfaces.MARKED_FACES] == ["Syriac"]


def _noto_files() -> list[Path]:
    return sorted((ROOT / "fonts").glob("Noto*"))


def test_the_added_fonts_fit_the_budget_and_each_is_declared_and_licensed() -> None:
    files = _noto_files()
    assert sum(path.stat().st_size for path in files) <= FONT_BUDGET_BYTES
    licence = (ROOT / "fonts" / "LICENSE-Noto.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    declared_files = {name for face in SCRIPT_FACES for name in face.files}
    assert {path.name for path in files} == declared_files
    for path in files:
        assert f"  {path.name}\n" in licence, path.name


def test_the_notice_cjk_face_is_a_fresh_cut_holding_every_cjk_character_of_the_taglines() -> None:
    # Issue 23: the taglines' Chinese, Japanese and Korean come from a face of their own characters
    # (a subset of the full one costs ~150 kB and a third of a render); `make fonts` cuts it again
    # after taglines.json changes. A character it lacks would still print, from the full face.
    assert (ROOT / "fonts" / fontfaces.NOTICE_CJK.regular).read_bytes() == fontfaces.notice_cjk_font()
    assert fontfaces.notice_cjk_characters() <= declared(fontfaces.NOTICE_CJK)
    assert not declared(fontfaces.NOTICE_CJK) & declared(fontfaces.FULL_CJK)
