"""A member's language (issue 22): the tag read from the input, and the CLDR formats of each language."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from docgen.documents.pipeline import prepare
from docgen.errors import InputError
from docgen.language import LanguageNotSupported, input_word, language_for, normalized_tag

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize(
    ("tag", "written"),
    [("en", "en-US"), ("EN-us", "en-US"), ("en-GB", "en-US"), ("es", "es-US"), ("es-MX", "es-US"), ("es-419", "es-US")],
)
def test_a_tag_of_a_supported_language_is_written_in_its_us_locale(tag: str, written: str) -> None:
    assert normalized_tag(tag) == written


@pytest.mark.parametrize("tag", ["fr", "fr-CA", "zh-Hant-TW", "es_MX", "spanish!", "", "e"])
def test_any_other_tag_is_refused_naming_the_supported_list(tag: str) -> None:
    with pytest.raises(LanguageNotSupported, match=r"supported: en \(en-US\), es \(es-US\)"):
        normalized_tag(tag)


def test_the_input_problem_names_the_path_and_the_list_with_the_inputs_other_problems() -> None:
    enrollment = json.loads((EXAMPLES / "jane-example.json").read_text())
    enrollment["participant"]["language"] = "fr-CA"
    enrollment["participant"]["gender"] = "X"
    with pytest.raises(InputError) as caught:
        prepare("summary", enrollment)
    problems = {problem.path: problem for problem in caught.value.problems}
    assert set(problems) == {"participant.language", "participant.gender"}
    assert problems["participant.language"].rule == "language"
    assert "supported: en (en-US), es (es-US)" in problems["participant.language"].message

    illustration = json.loads((EXAMPLES / "mary.json").read_text())
    illustration["person"]["language"] = "de"
    with pytest.raises(InputError) as caught:
        prepare("tax-savings", illustration)
    assert [problem.path for problem in caught.value.problems] == ["person.language"]


def test_the_language_reaches_the_document() -> None:
    enrollment = json.loads((EXAMPLES / "familia-es.json").read_text())
    assert enrollment["participant"]["language"] == "es-MX"
    assert prepare("confirmation", enrollment).view.metadata.language == "es-US"
    del enrollment["participant"]["language"]
    assert prepare("confirmation", enrollment).view.metadata.language == "en-US"


def test_english_keeps_the_portals_formats() -> None:
    english = language_for(None)
    assert english.short_date(date(2016, 7, 1)) == "07/01/2016"
    assert english.timestamp(datetime(2016, 4, 15, 14, 7, 52)) == "04/15/2016 2:07 pm"
    assert english.weekday(date(2017, 10, 2)) == "Monday"
    assert english.money(Decimal("1300")) == "1,300.00"
    assert english.usd(Decimal("5000")) == "$5,000.00"
    assert english.dollars(Decimal("1547.50")) == "$1,548"
    assert english.dollars(Decimal("-12")) == "-$12"
    assert english.card_amount(Decimal("25.00")) == "$25"
    assert english.card_amount(Decimal("25.50")) == "$25.50"


def test_spanish_formats_come_from_cldr_es_us() -> None:
    spanish = language_for("es-US")
    # CLDR es-US: day first; period decimal mark and comma grouping, as in Mexico and the US.
    assert spanish.short_date(date(2016, 7, 1)) == "01/07/2016"
    assert spanish.timestamp(datetime(2016, 4, 15, 14, 7, 52)) == "15/04/2016 2:07 p.m."
    assert spanish.weekday(date(2017, 10, 2)) == "lunes"
    assert spanish.money(Decimal("1300")) == "1,300.00"
    assert spanish.usd(Decimal("5000")) == "$5,000.00"
    assert spanish.dollars(Decimal("1547.50")) == "$1,548"


def test_known_words_of_the_portals_free_text_are_translated_others_kept() -> None:
    spanish, english = language_for("es-US"), language_for(None)
    assert input_word(english, "relationship", "Spouse") == "Spouse"
    assert input_word(english, "marital status", "married") == "married"  # English prints the input as given
    assert input_word(spanish, "relationship", "Spouse") == spanish.pgettext("relationship", "Spouse")
    # The input's capitals are kept: the portal sends MARRIED and FULL FAMILY.
    married = input_word(spanish, "marital status", "MARRIED")
    assert married == spanish.pgettext("marital status", "Married").upper()
    assert input_word(spanish, "enrollment level", "full  family") == spanish.pgettext(
        "enrollment level", "Full Family"
    )
    assert input_word(spanish, "relationship", "Godchild") == "Godchild"
    # A child's word takes the dependent's gender in Spanish; without one, the neutral form.
    daughter, son = input_word(spanish, "relationship", "Child", "F"), input_word(spanish, "relationship", "CHILD", "M")
    assert daughter == spanish.pgettext("relationship, female", "Child") != son.capitalize()
    assert son == spanish.pgettext("relationship, male", "Child").upper()
    assert input_word(spanish, "relationship", "Child", "U") == spanish.pgettext("relationship", "Child")
    assert input_word(spanish, "relationship", "Spouse", "F") == spanish.pgettext("relationship", "Spouse")
    assert input_word(english, "relationship", "Child", "F") == "Child"
