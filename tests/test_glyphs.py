"""Printable text: what no bundled font draws is refused by path and code point, never printed as boxes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from docgen.documents.pipeline import render_document
from docgen.enrollment.rules import parse_checked_enrollment
from docgen.errors import InputError
from docgen.glyphs import css_words, drawable, text_width_pt, undrawable, wrapped_lines
from docgen.tax.input import parse_illustration
from tests.conftest import MARY, pdf_text


def test_the_bundled_faces_draw_latin_greek_and_cyrillic() -> None:
    assert undrawable("Núñez-O'Brien Ørsted Łódź Ωmega Юрий") == []
    assert {ord("A"), ord("é"), ord("Ж")} <= drawable()


def test_a_name_in_a_script_the_fonts_lack_is_refused_with_code_points(jane: dict[str, Any]) -> None:
    jane["participant"]["first_name"] = "李 小龍"
    jane["dependents"][1]["last_name"] = "محمد"
    with pytest.raises(InputError) as caught:
        parse_checked_enrollment(json.dumps(jane))
    assert [str(p) for p in caught.value.problems] == [
        "participant.first_name: has characters the documents' fonts cannot print: U+674E, U+5C0F, U+9F8D"
        " [printable-characters]",
        "dependents[1].last_name: has characters the documents' fonts cannot print: U+0645, U+062D, U+062F"
        " [printable-characters]",
    ]
    assert "李" not in str(caught.value) and "محمد" not in str(caught.value)


def test_control_characters_and_emoji_are_refused(jane: dict[str, Any]) -> None:
    jane["participant"]["address"]["city"] = "KALISPELL\x1b[2J😀" + "".join(chr(0x4E00 + i) for i in range(6))
    with pytest.raises(InputError) as caught:
        parse_checked_enrollment(json.dumps(jane))
    (problem,) = caught.value.problems
    assert problem.path == "participant.address.city"
    assert problem.message.endswith("U+001B, U+1F600, U+4E00, U+4E01, U+4E02 and 3 more")


def test_an_illustrations_text_is_checked_too() -> None:
    mary = json.loads(MARY.read_text())
    mary["person"]["first_name"] = "Mary 🙂"
    with pytest.raises(InputError) as caught:
        parse_illustration(json.dumps(mary))
    assert [(p.path, p.rule) for p in caught.value.problems] == [("person.first_name", "printable-characters")]


def test_a_cyrillic_name_prints_without_a_font_warning(jane: dict[str, Any]) -> None:
    # The autouse assert_no_logs fixture fails the test on any .notdef warning.
    jane["participant"]["first_name"] = "Юрий"
    assert "Юрий" in " ".join(pdf_text(render_document("confirmation", json.dumps(jane))))


def test_a_no_break_space_holds_its_words_on_one_line() -> None:
    # CSS does not break at U+00A0 or U+202F; str.split() would (found in review).
    width = text_width_pt("Benefit Plan", 9.0) + 1
    assert wrapped_lines("Benefit\u00a0Plan Benefit\u00a0Plan", width, 9.0) == 2
    assert wrapped_lines("Benefit\u00a0Plan", width / 2, 9.0, breaks_words=False) > 2
    assert css_words("a\u00a0b c\u202fd\te") == ["a\u00a0b", "c\u202fd", "e"]
