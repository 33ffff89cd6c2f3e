"""A member's language: the words (gettext catalogs) and the formats (CLDR, through Babel) of a document.

Issue 22: a member whose input names Spanish (`participant.language`, `person.language`) gets every
document in Spanish. The words come from locales/<language>/LC_MESSAGES/docgen.po, compiled when a
process first needs them (no build step, nothing generated in git); dates, amounts and numbers
follow the language's CLDR data. English is the catalogs' source language: it needs no catalog.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import Annotated

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from docgen.config import get_settings
from docgen.money import to_cents, to_dollars

#: The languages docgen writes, by BCP 47 primary subtag, and the locale each is written in: the
#: plan is a US plan, so a member writing es-MX or es-419 reads US Spanish (es-US) documents.
SUPPORTED = {"en": "en-US", "es": "es-US"}
SOURCE_LANGUAGE = "en"
ENGLISH_TAG = SUPPORTED[SOURCE_LANGUAGE]
#: The gettext domain: locales/<language>/LC_MESSAGES/docgen.po.
DOMAIN = "docgen"

# BCP 47 (RFC 5646) well-formedness, loosely: a primary subtag and hyphen-joined subtags.
_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined; it is translated where it is printed."""
    return message


def NP_(context: str, message: str) -> str:
    """N_ with a context: the same English word said of another thing ("Domestic Partner")."""
    return message


# The portal's free-text codes docgen knows the words of: printed in the member's language when
# known, as given otherwise (they are the administrator's vocabulary, not docgen's).
_INPUT_WORDS = {
    "relationship": (
        NP_("relationship", "Spouse"),
        NP_("relationship", "Child"),
        NP_("relationship", "Stepchild"),
        NP_("relationship", "Foster Child"),
        NP_("relationship", "Domestic Partner"),
        NP_("relationship", "Dependent"),
    ),
    # A child's word has a gender in Spanish (Hija, Hijo): said by the dependent's sex when known.
    "relationship, female": (
        NP_("relationship, female", "Child"),
        NP_("relationship, female", "Stepchild"),
        NP_("relationship, female", "Foster Child"),
    ),
    "relationship, male": (
        NP_("relationship, male", "Child"),
        NP_("relationship, male", "Stepchild"),
        NP_("relationship, male", "Foster Child"),
    ),
    "marital status": (
        NP_("marital status", "Married"),
        NP_("marital status", "Single"),
        NP_("marital status", "Divorced"),
        NP_("marital status", "Widowed"),
        NP_("marital status", "Separated"),
        NP_("marital status", "Domestic Partner"),
    ),
    "enrollment level": (
        NP_("enrollment level", "Employee Only"),
        NP_("enrollment level", "Participant Only"),
        NP_("enrollment level", "Employee + Spouse"),
        NP_("enrollment level", "Employee + Child"),
        NP_("enrollment level", "Employee + Children"),
        NP_("enrollment level", "Full Family"),
        NP_("enrollment level", "Family"),
    ),
}
_INPUT_WORD_KEYS = {context: {word.casefold(): word for word in words} for context, words in _INPUT_WORDS.items()}


class LanguageNotSupported(ValueError):
    """A language tag that is not well formed, or names a language docgen does not write."""


def supported_list() -> str:
    return ", ".join(f"{code} ({tag})" for code, tag in SUPPORTED.items())


def normalized_tag(tag: str) -> str:
    """The tag docgen writes for a member's BCP 47 tag: "es-MX" -> "es-US", "EN" -> "en-US"."""
    if not _TAG.fullmatch(tag):
        raise LanguageNotSupported(f"must be a BCP 47 language tag such as es-US; supported: {supported_list()}")
    primary = tag.split("-", 1)[0].lower()
    if primary not in SUPPORTED:
        raise LanguageNotSupported(f"is not a supported language; supported: {supported_list()}")
    return SUPPORTED[primary]


def _input_tag(tag: str) -> str:
    try:
        return normalized_tag(tag)
    except LanguageNotSupported as exc:
        raise PydanticCustomError("language", str(exc)) from None


#: `participant.language`, `person.language`: a BCP 47 tag, read as the tag docgen writes ("es-MX" -> "es-US").
LanguageTag = Annotated[
    str,
    Field(max_length=35, description="BCP 47 tag; en or es (e.g. es-MX), written as en-US or es-US"),
    AfterValidator(_input_tag),
]


def _catalog(locales_dir: Path, language: str) -> NullTranslations:
    """The language's .po catalog compiled in memory; English (the source) translates to itself."""
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    with (locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    # Fuzzy entries are drafts: like msgfmt, leave them out, so the English shows (and the catalog test fails).
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


# Zero-padded numeric fields: the portal's 07/01/2016, in the order of the locale's CLDR short date.
_PADDED_FIELDS = (("y", "yyyy"), ("M", "MM"), ("d", "dd"))


def _numeric_date_pattern(locale: Locale) -> str:
    pattern: str = locale.date_formats["short"].pattern
    for letter, padded in _PADDED_FIELDS:
        pattern = re.sub(f"{letter}+", padded, pattern)
    return pattern


@dataclass(frozen=True)
class Language:
    """The words and formats of one language: what views and templates word and format a document with."""

    #: The written tag, "en-US" or "es-US": <html lang>, hence the PDF's /Lang.
    tag: str
    locale: Locale
    translations: NullTranslations
    date_pattern: str

    @property
    def code(self) -> str:
        """The primary subtag: "en" or "es"."""
        return str(self.locale.language)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translations.ngettext(singular, plural, count)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.pgettext(context, message)

    def page_number_content(self) -> str:
        """The CSS `content` of "Page 1 of 2" in this language: `"Página " counter(page) " de " counter(pages)`.

        A margin box's own content, as before the documents spoke Spanish: a running element
        laid out on every page cost 2% more instructions per statement (bench/instructions.py)."""
        words = self.gettext("Page %(page)s of %(pages)s")
        parts = []
        for piece in re.split(r"(%\((?:page|pages)\)s)", words):
            if piece in ("%(page)s", "%(pages)s"):
                parts.append(f"counter({piece[2:-2]})")
            elif piece:
                # A CSS string: backslash, quote and the HTML end of a <style> escaped.
                escaped = piece.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
                parts.append(f'"{escaped}"')
        return " ".join(parts)

    def short_date(self, value: date) -> str:
        """07/01/2016 in English, 01/07/2016 in Spanish: CLDR's short date order, zero-padded."""
        return format_date(value, self.date_pattern, locale=self.locale)

    def weekday(self, value: date) -> str:
        """The day's name, "Monday", "lunes" (CLDR; strftime would say it in the C locale)."""
        return format_date(value, "EEEE", locale=self.locale)

    def timestamp(self, value: datetime) -> str:
        """04/15/2016 2:07 pm (seed 000 step 17's "Electronic Submission"), 15/04/2016 2:07 p.m."""
        # CLDR's short time, lower-cased as the seed prints it; its narrow no-break space is a space.
        time = format_time(value, "short", locale=self.locale).lower().replace("\u202f", " ")
        return f"{self.short_date(value.date())} {time}"

    def number(self, value: int | Decimal) -> str:
        return format_decimal(value, locale=self.locale)

    def money(self, amount: Decimal) -> str:
        """Statement format, cents and group separators, no sign: 1,300.00."""
        return format_decimal(to_cents(amount), "#,##0.00", locale=self.locale)

    def usd(self, amount: Decimal) -> str:
        """An amount in a sentence: $5,000.00."""
        return format_currency(to_cents(amount), "USD", locale=self.locale)

    def dollars(self, amount: Decimal) -> str:
        """The illustration's whole dollars: $1,548."""
        return format_currency(to_dollars(amount), "USD", "¤#,##0", locale=self.locale, currency_digits=False)

    def card_amount(self, amount: Decimal) -> str:
        """ID-card format: $25 for whole dollars, $25.50 otherwise."""
        cents = to_cents(amount)
        return self.dollars(cents) if cents == cents.to_integral_value() else self.usd(cents)


#: The gendered contexts of a word, by the input's sex code (model.Gender's values).
_GENDERED = {"F": "female", "M": "male"}


def input_word(language: Language, context: str, text: str, sex: str | None = None) -> str:
    """A word of the portal's free text (a relationship, a marital status, an enrollment level) in
    the member's language when the catalog knows it, in the input's case; otherwise as given.
    With the person's `sex` ("F", "M"), a word the language genders is said in that gender."""
    key = " ".join(text.split()).casefold()
    if language.code == SOURCE_LANGUAGE or key not in _INPUT_WORD_KEYS[context]:
        return text
    gendered = f"{context}, {_GENDERED[sex]}" if sex in _GENDERED else None
    if gendered and key in _INPUT_WORD_KEYS.get(gendered, {}):
        context = gendered
    known = _INPUT_WORD_KEYS[context][key]
    word = language.pgettext(context, known)
    return word.upper() if text.isupper() else word


@cache
def language_for(tag: str | None = None) -> Language:
    """The Language of a normalized tag (`normalized_tag`), English when the input names none."""
    written = normalized_tag(tag) if tag else ENGLISH_TAG
    locale = Locale.parse(written, sep="-")
    return Language(
        tag=written,
        locale=locale,
        translations=_catalog(get_settings().home / "locales", str(locale.language)),
        date_pattern=_numeric_date_pattern(locale),
    )
