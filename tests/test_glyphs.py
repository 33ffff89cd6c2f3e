"""Printable text: what no bundled font draws is refused by path and code point, never printed as boxes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from docgen.documents.pipeline import render_document
from docgen.enrollment.rules import parse_checked_enrollment
from docgen.errors import InputError
from docgen.fontfaces import SCRIPT_FACES, declared
from docgen.glyphs import FONT_BOLD, css_words, drawable, text_width_pt, undrawable, wrapped_lines
from docgen.tax.input import parse_illustration
from tests.conftest import MARY, pdf_text


def test_the_bundled_faces_draw_latin_greek_and_cyrillic() -> None:
    assert undrawable("Núñez-O'Brien Ørsted Łódź Ωmega Юрий") == []
    assert {ord("A"), ord("é"), ord("Ж")} <= drawable()


def test_names_in_the_bundled_scripts_are_accepted(jane: dict[str, Any]) -> None:
    # Issue 23: the script faces (docgen.fontfaces) draw what Liberation Sans cannot.
    jane["participant"]["first_name"] = "李 小龍"
    jane["dependents"][0]["first_name"] = "محمد"
    jane["dependents"][1]["first_name"] = "Юрий"
    jane["dependents"][1]["last_name"] = "Հակոբյան देवी ትግርኛ ภาษาไทย 김민준 さくら"
    parse_checked_enrollment(json.dumps(jane))


def test_a_character_no_bundled_font_holds_is_refused_with_code_points(jane: dict[str, Any]) -> None:
    # An emoji, and a script no face is declared for (Cherokee), beside a name that prints.
    jane["participant"]["first_name"] = "李 小龍 \U0001f409"
    jane["dependents"][1]["last_name"] = "محمد \u13a0\u13a1"
    with pytest.raises(InputError) as caught:
        parse_checked_enrollment(json.dumps(jane))
    assert [str(p) for p in caught.value.problems] == [
        "participant.first_name: has characters the documents' fonts cannot print: U+1F409 [printable-characters]",
        "dependents[1].last_name: has characters the documents' fonts cannot print: U+13A0, U+13A1"
        " [printable-characters]",
    ]
    assert "\U0001f409" not in str(caught.value) and "محمد" not in str(caught.value)


def test_control_characters_and_emoji_are_refused(jane: dict[str, Any]) -> None:
    jane["participant"]["address"]["city"] = "KALISPELL\x1b[2J😀" + "".join(chr(0x1F600 + i) for i in range(6))
    with pytest.raises(InputError) as caught:
        parse_checked_enrollment(json.dumps(jane))
    (problem,) = caught.value.problems
    assert problem.path == "participant.address.city"
    assert problem.message.endswith("U+001B, U+1F600, U+1F601, U+1F602, U+1F603 and 2 more")


def test_a_script_face_draws_only_within_its_declared_range() -> None:
    # Noto Sans Arabic also holds Latin digits and punctuation; they print from Liberation Sans,
    # and a code point outside every declared range is refused even if some file has it.
    assert {ord("٣"), ord("ک")} <= drawable()
    arabic = next(face for face in SCRIPT_FACES if face.script == "Arabic")
    assert ord("0") not in declared(arabic)
    assert undrawable("\u2e3a") == ["U+2E3A"]  # two-em dash: in no face's blocks


def test_widths_come_from_the_face_that_draws_each_character() -> None:
    # Noto Sans CJK: every ideograph is 1 em; Latin keeps Liberation Sans's widths exactly.
    assert text_width_pt("李小龍", 10.0) == pytest.approx(30.0)
    assert text_width_pt("Jane 李", 10.0) == pytest.approx(text_width_pt("Jane ", 10.0) + 10.0)
    # Bold Arabic is measured in Noto Sans Arabic Bold, wider than its Regular.
    assert text_width_pt("محمد", 10.0, FONT_BOLD) > text_width_pt("محمد", 10.0) > 10.0


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
