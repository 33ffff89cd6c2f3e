"""The message catalogs (issue 22): every message translated, placeholders and markup kept, the
template up to date with the sources, legal passages flagged for the administrator's review."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from docgen.config import get_settings
from docgen.language import SOURCE_LANGUAGE, SUPPORTED

LOCALES = get_settings().home / "locales"
TEMPLATE = LOCALES / "docgen.pot"
TRANSLATED = sorted(code for code in SUPPORTED if code != SOURCE_LANGUAGE)

#: Messages whose translation is rightly the English text: codes, letters and words Spanish shares.
SAME_AS_ENGLISH = {
    "es": {
        "F",  # femenino
        "M",  # masculino
        "N",  # no
        "Plan",
        "Dental",
        "FICA / Medicare*",  # the tax's name on every US pay stub
    },
}

#: Placeholders: %(name)s and %(number)d, {name}, and the %% escape.
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}|%%")
_TAG = re.compile(r"</?[a-z]+>")


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as po:
        return read_po(po)


def _forms(message: Message) -> tuple[str, ...]:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    return tuple(str(part) for part in ids)


def _strings(message: Message) -> tuple[str, ...]:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return tuple(str(part) for part in strings)


def catalog_problems(template: Catalog, catalog: Catalog, same_as_english: set[str]) -> list[str]:
    """Every way `catalog` fails `template`: a message missing or fuzzy, an empty form, a
    placeholder or tag dropped or added, text that could break an HTML attribute, English left."""
    problems = []
    for wanted in template:
        if not wanted.id:
            continue
        message = catalog.get(wanted.id, context=wanted.context)
        label = f"{wanted.context + ' | ' if wanted.context else ''}{_forms(wanted)[0]!r}"
        if message is None or message.fuzzy:
            problems.append(f"{label}: no translation")
            continue
        english = _forms(wanted)
        for number, text in enumerate(_strings(message)):
            source = english[min(number, len(english) - 1)]
            if not text.strip():
                problems.append(f"{label}: form {number} is empty")
                continue
            if Counter(_PLACEHOLDER.findall(text)) != Counter(_PLACEHOLDER.findall(source)):
                problems.append(f"{label}: placeholders {_PLACEHOLDER.findall(text)} differ from the English")
            if Counter(_TAG.findall(text)) != Counter(_TAG.findall(source)):
                problems.append(f"{label}: markup {_TAG.findall(text)} differs from the English")
            for character in '"<>':
                if text.count(character) > source.count(character):
                    problems.append(f"{label}: adds {character!r}, which would break an HTML attribute")
            if text == source and source not in same_as_english:
                problems.append(f"{label}: the translation is the English text")
    return problems


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated_with_its_placeholders_and_markup(code: str) -> None:
    catalog = read_catalog(LOCALES / code / "LC_MESSAGES" / "docgen.po")
    assert catalog_problems(read_catalog(TEMPLATE), catalog, SAME_AS_ENGLISH[code]) == []


def test_the_check_finds_each_kind_of_fault() -> None:
    template = Catalog()
    for english in ("Page %(page)s of %(pages)s", "{name} (self)", "<strong>Mail</strong> to {who}", "Plan", "Sex"):
        template.add(english)
    template.add("Missing")
    catalog = Catalog(locale="es")
    catalog.add("Page %(page)s of %(pages)s", "Página %(page)s")  # drops a placeholder
    catalog.add("{name} (self)", '{name} "usted"')  # adds a quote
    catalog.add("<strong>Mail</strong> to {who}", "Envíe a {who}")  # drops the markup
    catalog.add("Plan", "Plan")  # allowed: Spanish says Plan
    catalog.add("Sex", "Sex")  # English left
    problems = catalog_problems(template, catalog, {"Plan"})
    assert len(problems) == 5, problems
    faults = ("placeholders", "adds '\"'", "markup", "is the English", "no translation")
    for problem, fault in zip(problems, faults, strict=True):
        assert fault in problem, problems


def test_the_template_holds_every_message_of_the_sources(tmp_path: Path) -> None:
    """`make messages` was run: a message added to a template or a view is in docgen.pot (and so
    the test above asks for its translation)."""
    extracted = tmp_path / "docgen.pot"
    home = get_settings().home
    subprocess.run(
        [
            Path(sys.executable).with_name("pybabel"),
            "--quiet",
            "extract",
            "-F",
            "locales/babel.cfg",
            *("-k", "N_", "-k", "NP_:1c,2", "-k", "pgettext:1c,2"),
            "-c",
            "LEGAL:",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "-o",
            str(extracted),
            ".",
        ],
        cwd=home,
        check=True,
    )
    fresh = {(message.context, _forms(message)) for message in read_catalog(extracted) if message.id}
    kept = {(message.context, _forms(message)) for message in read_catalog(TEMPLATE) if message.id}
    assert fresh - kept == set(), "run `make messages`"
    assert kept - fresh == set(), "run `make messages`"


#: The legal passages (issue 22): the Section 125 acknowledgement, the claim certifications and the
#: plan's limits, each flagged in the catalog for the administrator's review.
LEGAL_STARTS = (
    "By submitting this enrollment you acknowledged",
    "By submitting this enrollment you acknowledge ",
    "I certify that the expenses listed",
    "I certify that the care listed",
    "I certify that I provided the care",
    "Up to <strong>{carryover}</strong>",
    "The most you can receive tax-free",
    "With a disabled spouse",
    "Unlike Health FSA claims",
)


@pytest.mark.parametrize("start", LEGAL_STARTS)
def test_legal_passages_are_flagged_for_the_administrators_review(start: str) -> None:
    # The legal passages are trans blocks: their msgid has the block's variables as %(name)s.
    pattern = start.replace("{carryover}", "%(carryover)s")
    flagged = [message for message in read_catalog(TEMPLATE) if message.id and _forms(message)[0].startswith(pattern)]
    assert flagged, f"no message starts with {pattern!r}"
    for message in flagged:
        assert any("administrator's review" in comment for comment in message.auto_comments), message.id
