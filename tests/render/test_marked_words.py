"""Syriac words with combining marks of U+0300-036F are set in the Syriac face (render.marked_words)."""

from __future__ import annotations

from docgen.fontfaces import SCRIPT_FACES, font_family
from docgen.render.marked_words import with_marked_words_in_their_face

SYRIAC_FIRST = font_family(next(face for face in SCRIPT_FACES if face.script == "Syriac"))
STYLE = f"style='font-family: {SYRIAC_FIRST}'"


def test_only_the_syriac_words_holding_a_mark_are_set_in_the_syriac_face() -> None:
    html = "<p>ܓ̰ܘܢ ܣܪܓܘܢ Zoë Spın̈al ܡܐܢ̈ܐ.</p>"
    assert with_marked_words_in_their_face(html) == (
        f"<p><span {STYLE}>ܓ̰ܘܢ</span> ܣܪܓܘܢ Zoë Spın̈al <span {STYLE}>ܡܐܢ̈ܐ</span>.</p>"
    )
    assert SYRIAC_FIRST.startswith('"Docgen Syriac", "Docgen Sans", ') and SYRIAC_FIRST.count("Syriac") == 1


def test_tags_attributes_titles_svg_and_form_fields_are_left_alone() -> None:
    # A <textarea>'s content is its value: a span there would print as text (docs/fonts.md).
    untouched = (
        '<img alt="ܓ̰ܘܢ"><title>ܓ̰ܘܢ</title><svg><text>ܓ̰ܘܢ</text></svg><!-- ܓ̰ܘܢ -->'
        '<textarea class="field" name="expense-1-person">ܓ̰ܘܢ (self)</textarea>'
    )
    assert with_marked_words_in_their_face(untouched) == untouched
    assert with_marked_words_in_their_face(f"{untouched}<p>ܓ̰ܘܢ</p>") == f"{untouched}<p><span {STYLE}>ܓ̰ܘܢ</span></p>"


def test_a_word_joined_with_zero_width_joiners_stays_one_span() -> None:
    word = "ܓ̰\u200dܘܢ"
    assert with_marked_words_in_their_face(f"<p>{word}</p>") == f"<p><span {STYLE}>{word}</span></p>"
