"""Documents in Spanish (issue 22): a Spanish-speaking member's documents hold Spanish words, es-US
dates and "Página 1 de N", and no English interface text (every word of the English messages that
Spanish does not share, the input's own words aside)."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from babel.messages.pofile import read_po

from docgen.batch.piece import PieceTask, render_piece
from docgen.config import get_settings
from docgen.documents.pipeline import prepare, render
from docgen.language import language_for

HOME = get_settings().home
FAMILY = HOME / "examples" / "familia-es.json"
ILLUSTRATION = HOME / "examples" / "lucia-es.json"
SPANISH = language_for("es-US")

#: What each document is made from; "piece" is a batch piece: the confirmation's mailing layout.
DOCUMENTS = {
    "summary": FAMILY,
    "confirmation": FAMILY,
    "health-fsa-claim": FAMILY,
    "dependent-care-claim": FAMILY,
    "id-card": FAMILY,
    "id-card-sheet": FAMILY,
    "tax-savings": ILLUSTRATION,
    "piece": FAMILY,
}

#: Names of the laws the forms cite (enrollment/data/fsa-limits.json): a law's name is its own.
CITED_LAWS = "One Big Beautiful Bill Act, American Rescue Plan Act, Pub. L."

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_NOT_TEXT = re.compile(r"<[^>]+>|%\([a-z_]+\)[sd]|\{[a-z_]+\}|%%")


def words(text: str) -> set[str]:
    return {word.casefold() for word in _WORD.findall(_NOT_TEXT.sub(" ", text))}


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            # The language tag is data, not text; a key is never printed.
            if key != "language":
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def english_only_words() -> set[str]:
    """The words of every English message that no Spanish translation uses."""
    with (HOME / "locales" / "es" / "LC_MESSAGES" / "docgen.po").open("rb") as po:
        catalog = read_po(po)
    english: set[str] = set()
    spanish: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            english |= words(str(text))
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            spanish |= words(str(text))
    return english - spanish


@pytest.fixture(scope="module")
def spanish_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("spanish")
    paths = {}
    for name, source in DOCUMENTS.items():
        data = source.read_bytes()
        if name == "id-card-sheet":
            pdf = render(prepare("id-card", data, {"sheet": True})).content
        elif name == "piece":
            result = render_piece(PieceTask("0123456789ab", 1, "confirmation", data, tracking=None))
            assert not result.problems
            pdf = result.pdf
        else:
            pdf = render(prepare(name, data)).content
        paths[name] = folder / f"{name}.pdf"
        paths[name].write_bytes(pdf)
    return paths


def text_of(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_english_interface_text(spanish_pdfs: dict[str, Path], name: str) -> None:
    source = json.loads(DOCUMENTS[name].read_text())
    input_words = set().union(*(words(text) for text in _strings(source)))
    text = text_of(spanish_pdfs[name])
    # The notice of language assistance closes the statements and forms: English and the state's
    # languages on purpose (issue 23), under a Spanish heading; the rest of the document is Spanish.
    notice = SPANISH.gettext("Free language assistance").upper()
    if name in {"summary", "confirmation", "health-fsa-claim", "dependent-care-claim", "piece"}:
        assert text.count(notice) == 1
    printed = words(text.split(notice)[0])
    assert printed & english_only_words() - input_words - words(CITED_LAWS) == set()


def test_the_check_finds_english_left_in_a_page() -> None:
    english = english_only_words()
    assert {"participant", "enrollment", "submitted", "page"} <= english
    assert words("Página 1 de 2 · Submitted") & english == {"submitted"}


@pytest.mark.parametrize("name", [name for name in DOCUMENTS if not name.startswith("id-card")])
def test_pages_are_numbered_in_spanish(spanish_pdfs: dict[str, Path], name: str) -> None:
    text = text_of(spanish_pdfs[name])
    # A mailed piece of an odd page count has a blank back (batch/marks.py): no text, no number.
    pages = sum(1 for page in text.split("\f") if page.strip())
    page = SPANISH.gettext("Page %(page)s of %(pages)s")
    assert page != "Page %(page)s of %(pages)s"
    for number in range(1, pages + 1):
        assert page % {"page": number, "pages": pages} in text


def test_statements_speak_spanish_with_es_us_dates_and_amounts(spanish_pdfs: dict[str, Path]) -> None:
    text = " ".join(text_of(spanish_pdfs["confirmation"]).split())
    for heading in ("Personal Information", "Dependents", "Health Benefits", "Flexible Reimbursement Accounts"):
        assert SPANISH.gettext(heading).upper() in text.upper(), heading
    # Submitted 2025-05-14T16:32:05; plan year 2025-07-01 to 2026-06-30: day first (CLDR es-US).
    assert "14/05/2025 4:32 p.m." in text
    assert "01/07/2025 – 30/06/2026" in text
    assert "150.00" in text  # the dependent-care election per pay, period decimal mark (es-US)
    assert SPANISH.pgettext("relationship", "Spouse") in text


def test_the_claim_form_names_the_deadline_day_in_spanish(spanish_pdfs: dict[str, Path]) -> None:
    text = " ".join(text_of(spanish_pdfs["health-fsa-claim"]).split())
    # The plan year ends 2026-06-30; 90 days of run-out: Monday 2026-09-28.
    assert "28/09/2026" in text
    assert "lunes" in text


@pytest.mark.parametrize("name", [name for name in DOCUMENTS if name != "piece"])
def test_the_pdf_says_its_language(spanish_pdfs: dict[str, Path], name: str) -> None:
    with pikepdf.open(spanish_pdfs[name]) as pdf:
        assert str(pdf.Root.Lang) == "es-US"
