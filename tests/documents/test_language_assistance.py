"""The notice of language assistance (issue 23, 45 CFR 92.11): which languages, what each says,
where it prints, and how a screen reader and a text extractor find each tagline's language."""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

import pikepdf
import pypdf
import pytest

from docgen.batch.piece import PieceTask, render_piece
from docgen.config import get_settings
from docgen.documents.pipeline import document_html, prepare, render_document
from docgen.errors import ConfigError, InputError, RenderError
from docgen.glyphs import undrawable
from docgen.language_assistance import (
    ENGLISH,
    language_assistance_data,
    load_language_assistance,
)
from docgen.render.engine import html_to_pdf
from docgen.render.tagging import ClosingParagraph, closing_paragraphs
from tests.conftest import EXAMPLES, pdf_text

#: USPS codes of the states, DC and the five inhabited territories OCR's table covers.
JURISDICTIONS = frozenset(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH "
    "OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP".split()
)
PHONE = "800-877-1122"  # jane-example.json's administrator.phone
# Bidi controls a text extractor adds or keeps (UAX #9): marks, embeddings, overrides and isolates;
# and the (non-)joiners, which draw nothing.
_BIDI_CONTROLS = re.compile("[\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _jane(state: str = "MT", **group: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "jane-example.json").read_text())
    data["participant"]["address"]["state"] = state
    data["group"].update(group)
    return data


def _expected(data: dict[str, Any]) -> list[str]:
    tables = language_assistance_data()
    chosen = data["group"].get("language_assistance")
    state = tables.states.get(data["participant"]["address"]["state"])
    rest = chosen if chosen is not None else (state.languages if state else tables.national)
    return [ENGLISH, *rest]


def _squeezed(text: str) -> str:
    """Text as an extractor's and the data's spellings compare: NFC, no white space, no bidi controls."""
    return "".join(unicodedata.normalize("NFC", _BIDI_CONTROLS.sub("", text)).split())


def _tagline_text(tag: str) -> str:
    return language_assistance_data().taglines[tag].text.replace("{phone}", PHONE)


def test_every_state_dc_and_territory_has_fifteen_languages_from_a_named_source() -> None:
    tables = language_assistance_data()
    assert set(tables.states) >= JURISDICTIONS
    for code, state in tables.states.items():
        assert len(state.languages) == len(set(state.languages)) >= 15, code
        assert ENGLISH not in state.languages, code
    assert len(tables.national) == len(set(tables.national)) >= 15
    source = json.loads((get_settings().home / "locales/notice/states.json").read_text())["source"]
    assert "Census Bureau" in source["publisher"] and (get_settings().home / source["file"]).is_file()


def test_every_tagline_is_drawn_by_the_bundled_fonts_and_asks_for_the_phone_once() -> None:
    for tag, tagline in language_assistance_data().taglines.items():
        assert tagline.text.count("{phone}") == 1, tag
        assert undrawable(tagline.text.replace("{phone}", PHONE)) == [], tag
        assert (tagline.dir == "rtl") == (tagline.script in {"Arab", "Hebr", "Syrc"}), tag
        assert "review" in tagline.reviewed.lower() and tagline.compared_with, tag


def test_every_tagline_renders_legibly_in_its_language() -> None:
    # All of taglines.json on one notice: no font warning (.notdef), each paragraph tagged in its
    # language, each left-to-right one found whole by pdftotext (assert_no_logs fails the test on
    # any WeasyPrint warning).
    every = [tag for tag in language_assistance_data().taglines if tag != ENGLISH]
    pdf = _render("confirmation", _jane("CA", language_assistance=every))
    assert [lang for lang, _page, _mcids in _struct_languages(pdf)] == [ENGLISH, *every]
    text = _squeezed(pdftotext(pdf))
    for tag in [ENGLISH, *every]:
        if language_assistance_data().taglines[tag].dir == "ltr":
            assert _squeezed(_tagline_text(tag)) in text, tag


@cache
def _rendered(kind: str, data: str) -> bytes:
    return render_document(kind, data)


def _render(kind: str, data: dict[str, Any]) -> bytes:
    return _rendered(kind, json.dumps(data))


def _is_element(value: Any) -> bool:
    return isinstance(value, pikepdf.Object) and value._type_code == pikepdf.ObjectType.dictionary and "/S" in value


def _struct_languages(pdf: bytes) -> list[tuple[str, int, list[int]]]:
    """(Lang, page index, MCIDs) of each structure element with its own /Lang, in tree order."""
    found: list[tuple[str, int, list[int]]] = []
    with pikepdf.open(BytesIO(pdf)) as document:
        pages = {page.objgen: index for index, page in enumerate(document.pages)}

        def kids(element: Any) -> list[Any]:
            k = element.get("/K")
            return list(k) if isinstance(k, pikepdf.Array) else [k]

        def mcids(element: Any) -> Iterator[int]:
            for kid in kids(element):
                if isinstance(kid, int):
                    yield kid
                elif _is_element(kid):
                    yield from mcids(kid)

        def walk(element: Any) -> None:
            for kid in kids(element):
                if _is_element(kid):
                    if "/Lang" in kid:
                        found.append((str(kid.Lang), pages[kid.Pg.objgen], list(mcids(kid))))
                    walk(kid)

        walk(document.Root.StructTreeRoot)
    return found


def _marked_texts(pdf: bytes, page_index: int) -> dict[int, str]:
    """The text drawn in each marked-content sequence of a page, by MCID (pypdf decodes the fonts)."""
    page = pypdf.PdfReader(BytesIO(pdf)).pages[page_index]
    open_marks: list[int | None] = []
    texts: dict[int, str] = defaultdict(str)

    def operator(op: bytes, args: list[Any], *_: Any) -> None:
        if op == b"BDC":
            properties = args[1]
            open_marks.append(properties.get("/MCID") if hasattr(properties, "get") else None)
        elif op == b"BMC":
            open_marks.append(None)
        elif op == b"EMC" and open_marks:
            open_marks.pop()

    def text(shown: str, *_: Any) -> None:
        if open_marks and open_marks[-1] is not None:
            texts[open_marks[-1]] += shown

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return texts


def test_each_tagline_is_a_paragraph_in_its_language_in_the_html_and_the_tagged_pdf() -> None:
    data = _jane("CA")
    expected = _expected(data)
    html = document_html(prepare("confirmation", json.dumps(data)))
    for tag in expected:
        direction = ' dir="rtl"' if language_assistance_data().taglines[tag].dir == "rtl" else ""
        assert f'<p lang="{tag}"{direction}>' in html, tag
    pdf = _render("confirmation", data)
    tagged = _struct_languages(pdf)
    assert [lang for lang, _page, _mcids in tagged] == expected
    for (tag, page, mcids), text in zip(tagged, (_tagline_text(tag) for tag in expected), strict=True):
        drawn = _marked_texts(pdf, page)
        if language_assistance_data().taglines[tag].script == "Latn":
            # The paragraph tagged with this language holds this tagline's words, nothing else.
            assert _squeezed("".join(drawn[mcid] for mcid in mcids)) == _squeezed(text), tag


def test_pdftotext_finds_each_tagline_and_the_phone_reads_left_to_right_in_every_one() -> None:
    # Each left-to-right tagline's marked content carries its text as /ActualText (render.tagging):
    # shaped scripts (Khmer, Thai, the Indic ones) come back whole and in logical order, not as
    # their glyphs' one-text-per-glyph mapping gives them.
    for state in ("CA", "NY", "MN", "TX", "WA", "MI"):  # MI: Arabic and Syriac
        data = _jane(state)
        notice = _squeezed(pdftotext(_render("confirmation", data)).split("FREE LANGUAGE ASSISTANCE")[1])
        right_to_left = ""
        for tag in _expected(data):
            if language_assistance_data().taglines[tag].dir == "ltr":
                assert _squeezed(_tagline_text(tag)) in notice, (state, tag)
            else:
                right_to_left += _squeezed(_tagline_text(tag))
        # Right to left, pdftotext reorders the drawn line its own way (rtl.md: ligatures split in
        # reverse): every letter of those taglines is there, as often as they have it, and no more.
        letters = {letter for letter in right_to_left if not letter.isascii()}
        assert Counter(c for c in notice if c in letters) == Counter(c for c in right_to_left if c in letters), state
    # The phone number and the relay number keep their left-to-right order in every tagline,
    # right-to-left ones included (isolated, UAX #9): in the picture, as the goldens show, and in
    # the text extracted without the actual text.
    data = _jane("CA")
    visual = pdftotext(_render_without_actual_text(data))
    assert visual.count(PHONE) == len(_expected(data)) + 1  # and once in the contact block


def pdftotext(pdf: bytes) -> str:
    """The text poppler's pdftotext reads (it honours /ActualText; pdfplumber does not)."""
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _render_without_actual_text(data: dict[str, Any]) -> bytes:
    html = document_html(prepare("confirmation", json.dumps(data)))
    return html_to_pdf(html, tagged=False)


def test_the_languages_follow_the_members_state_then_the_national_list() -> None:
    for state in ("MT", "CA", "NY", "PR"):
        html = document_html(prepare("confirmation", json.dumps(_jane(state))))
        printed = re.findall(r'<p lang="([^"]+)"', html)
        assert printed == _expected(_jane(state)) == [ENGLISH, *language_assistance_data().states[state].languages]
    # "AA" (Armed Forces Americas) is a USPS code with no OCR list: the national list.
    html = document_html(prepare("confirmation", json.dumps(_jane("AA"))))
    assert re.findall(r'<p lang="([^"]+)"', html) == [ENGLISH, *language_assistance_data().national]


def test_the_groups_own_list_replaces_the_states() -> None:
    chosen = ["vi", "ES", "zh-hant"]  # tags are case-insensitive (RFC 5646 2.1.1); printed as the data spells them
    html = document_html(prepare("confirmation", json.dumps(_jane("CA", language_assistance=chosen))))
    assert re.findall(r'<p lang="([^"]+)"', html) == [ENGLISH, "vi", "es", "zh-Hant"]


def test_unknown_or_repeated_languages_and_a_missing_phone_are_input_problems_in_one_answer() -> None:
    data = _jane("CA", language_assistance=["es", "xx-Zzzz", "ES", "not a tag"])
    data["administrator"]["phone"] = ""
    with pytest.raises(InputError) as caught:
        prepare("confirmation", json.dumps(data))
    found = {(problem.path, problem.rule) for problem in caught.value.problems}
    assert found == {
        ("administrator.phone", "language-assistance"),
        ("group.language_assistance[3]", "language-tag"),
    }, "a schema problem skips the rule that reads the list; the phone's is still reported"
    data["group"]["language_assistance"] = ["es", "xx-Zzzz", "ES"]
    with pytest.raises(InputError) as caught:
        prepare("confirmation", json.dumps(data))
    messages = {problem.path: problem.message for problem in caught.value.problems}
    assert set(messages) == {"administrator.phone", "group.language_assistance[1]", "group.language_assistance[2]"}
    assert (
        "no tagline" in messages["group.language_assistance[1]"]
        or "not a language" in messages["group.language_assistance[1]"]
    )
    assert "already" in messages["group.language_assistance[2]"]


@pytest.mark.parametrize("kind", ["summary", "confirmation", "health-fsa-claim", "dependent-care-claim"])
def test_the_notice_closes_the_statements_and_both_claim_forms_whole(kind: str) -> None:
    data = _jane("CA")
    pages = pdf_text(_render(kind, data))
    notice_pages = [number for number, page in enumerate(pages) if "FREE LANGUAGE ASSISTANCE" in page]
    assert notice_pages == [len(pages) - 1], "once, on the last page"
    last = _squeezed(pages[-1])
    assert all(_squeezed(_tagline_text(tag)) in last for tag in _expected(data) if tag in {"en", "es", "vi"})


def test_a_short_notice_shares_the_last_page_and_a_states_full_list_starts_its_own() -> None:
    # A group's own list of two languages is a few lines: it closes the statement's last page
    # (a page more is a sheet more in every envelope). A state's list starts a page of its own
    # (base.css: laying it out beside the statement first was wasted, it never fit there).
    short = pdf_text(_render("confirmation", _jane("MT", language_assistance=["es", "vi"])))
    assert "FREE LANGUAGE ASSISTANCE" in short[-1] and "QUESTIONS?" in short[-1]
    full = pdf_text(_render("confirmation", _jane("MT")))
    assert len(full) == len(short) + 1 and "QUESTIONS?" in full[-2]
    body = [line for line in full[-1].splitlines() if line.strip()]
    assert body[1].strip() == "FREE LANGUAGE ASSISTANCE", "first under the running header"


def test_every_mailed_piece_carries_the_notice() -> None:
    piece = render_piece(PieceTask("00000000abcd", 1, "confirmation", json.dumps(_jane("CA")), None))
    assert piece.pdf, piece.problems
    text = "\n".join(pdf_text(piece.pdf))
    assert text.count("FREE LANGUAGE ASSISTANCE") == 1 and text.count(PHONE) >= len(_expected(_jane("CA")))
    assert [lang for lang, _page, _mcids in _struct_languages(piece.pdf)] == _expected(_jane("CA"))


def test_a_paragraph_in_its_own_language_must_close_the_document() -> None:
    assert closing_paragraphs('<p>a</p><p lang="es">b &amp;\n <b>c</b></p><p lang="ar" dir="rtl">d</p>') == (
        ClosingParagraph("es", "b & c"),
        ClosingParagraph("ar", "d", right_to_left=True),
    )
    assert closing_paragraphs("<p>a</p><pre>b</pre>") == ()
    with pytest.raises(RenderError):
        closing_paragraphs('<p lang="es">b</p><p>a</p>')


def test_a_fault_in_the_data_files_names_the_file(tmp_path: Path) -> None:
    source = get_settings().home / "locales" / "notice"
    for name in ("taglines.json", "states.json"):
        (tmp_path / name).write_text((source / name).read_text())
    taglines = json.loads((tmp_path / "taglines.json").read_text())
    taglines["taglines"]["es"]["text"] = "Llame al número."  # no {phone}
    (tmp_path / "taglines.json").write_text(json.dumps(taglines))
    with pytest.raises(ConfigError, match=r"taglines\.json: taglines\.es\.text"):
        load_language_assistance(tmp_path)
    del taglines["taglines"]["es"]
    (tmp_path / "taglines.json").write_text(json.dumps(taglines))
    with pytest.raises(ConfigError, match=r"states\.json: .*no tagline for es"):
        load_language_assistance(tmp_path)
