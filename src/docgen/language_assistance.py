"""The notice of language assistance (Section 1557, 45 CFR 92.11; issue 23).

A health plan's significant communications tell the member, in English and in at least the 15
languages most commonly spoken by people with limited English proficiency in the state, that free
language assistance and auxiliary aids are available and how to ask for them. Which languages:
locales/notice/states.json (each state's and DC's top 15, ranked from the Census data of OCR's list
by docgen.notice_states; the territories' lists, unverified; and a national list for a state code
without one), unless the group names its own (`group.language_assistance`). What each
says: locales/notice/taglines.json, the project's own translations, reviewed and replaceable as
data. Both files are read once per process; a fault in them is the installation's (ConfigError).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from docgen.config import get_settings
from docgen.enrollment.model import Enrollment
from docgen.errors import ConfigError, Problem

#: Where the phone number goes in a tagline's text.
PHONE = "{phone}"
#: The tagline every notice opens with (45 CFR 92.11(a): "in English and in at least the 15 languages").
ENGLISH = "en"
#: The rule a `group.language_assistance` problem is reported under.
RULE = "language-assistance"

# Unicode Bidirectional Algorithm (UAX #9) isolates: a phone number inside a right-to-left sentence
# reads "(TTY: 711) 1122-877-800" without them (seen in WeasyPrint and in other projects' notices).
_LEFT_TO_RIGHT_ISOLATE = "\u2066"
_POP_DIRECTIONAL_ISOLATE = "\u2069"
#: A run of ASCII inside a right-to-left tagline: the phone number, "(TTY: 711)".
_LATIN_RUN = re.compile(r"[(+0-9A-Za-z][ -~]*[0-9A-Za-z)]")


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class TaglineEntry(_Entry):
    name: str = Field(min_length=1)
    autonym: str = Field(min_length=1)
    script: str = Field(pattern=r"^[A-Z][a-z]{3}$")
    dir: Literal["ltr", "rtl"]
    text: str = Field(min_length=1)
    #: The published sample its meaning was checked against, and what was checked.
    compared_with: str = Field(min_length=1)
    reviewed: str = Field(min_length=1)

    @field_validator("text")
    @classmethod
    def _one_phone(cls, text: str) -> str:
        if text.count(PHONE) != 1 or text.replace(PHONE, "").count("{") or text.replace(PHONE, "").count("}"):
            raise ValueError(f"must hold {PHONE} exactly once and no other braces")
        return text


class TaglinesFile(_Entry):
    taglines: dict[str, TaglineEntry]


class StateEntry(_Entry):
    name: str = Field(min_length=1)
    languages: tuple[str, ...] = Field(min_length=15)


class StatesFile(_Entry):
    #: Where the lists come from: the Census table and how it is ranked (docgen.notice_states.SOURCE).
    source: dict[str, object]
    national: tuple[str, ...] = Field(min_length=15)
    states: dict[str, StateEntry]


@dataclass(frozen=True)
class LanguageAssistanceData:
    taglines: Mapping[str, TaglineEntry]
    states: Mapping[str, StateEntry]
    national: tuple[str, ...]
    #: Tags by their lower-case spelling: BCP 47 tags are case-insensitive (RFC 5646 section 2.1.1).
    by_folded_tag: Mapping[str, str]


def _load(path: Path, model: type[_Entry]) -> _Entry:
    try:
        return model.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            where = "; ".join(
                f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()[:5]
            )
            raise ConfigError(f"{path}: {where}") from None
        raise ConfigError(f"{path}: {exc}") from None


@cache
def load_language_assistance(folder: Path) -> LanguageAssistanceData:
    """The taglines and state lists in `folder` (taglines.json, states.json), checked against each other."""
    taglines = _load(folder / "taglines.json", TaglinesFile)
    states = _load(folder / "states.json", StatesFile)
    assert isinstance(taglines, TaglinesFile) and isinstance(states, StatesFile)
    known = taglines.taglines
    if ENGLISH not in known:
        raise ConfigError(f"{folder / 'taglines.json'}: has no English tagline ({ENGLISH!r})")
    lists = {"national": states.national, **{code: entry.languages for code, entry in states.states.items()}}
    for where, tags in lists.items():
        missing = [tag for tag in tags if tag not in known]
        if missing or len(set(tags)) != len(tags) or ENGLISH in tags:
            raise ConfigError(
                f"{folder / 'states.json'}: {where} must list distinct non-English languages with a tagline each"
                + (f"; no tagline for {', '.join(missing)}" if missing else "")
            )
    return LanguageAssistanceData(
        taglines=known,
        states=states.states,
        national=states.national,
        by_folded_tag={tag.lower(): tag for tag in known},
    )


def language_assistance_data() -> LanguageAssistanceData:
    """The taglines and state lists of this installation (locales/notice/)."""
    return load_language_assistance(get_settings().home / "locales" / "notice")


def notice_languages(enrollment: Enrollment) -> tuple[str, ...]:
    """The languages of a member's notice after English: the group's own list, else the state's
    top 15, else the national list (a state code states.json does not have: AA, AE, AP)."""
    data = language_assistance_data()
    chosen = enrollment.group.language_assistance
    if chosen is not None:
        return tuple(data.by_folded_tag[tag.lower()] for tag in chosen if tag.lower() != ENGLISH)
    state = data.states.get(enrollment.participant.address.state)
    return state.languages if state is not None else data.national


@dataclass(frozen=True)
class Tagline:
    """One printed tagline: its BCP 47 tag (the HTML `lang`, the PDF's /Lang), direction and text."""

    lang: str
    direction: Literal["ltr", "rtl"]
    text: str


#: A notice of this many taglines or more prints on a page of its own, laid out once per process
#: for all the documents that print it (render.closing_page): a state's list of 15 takes
#: two-thirds of a page and fitted beside no golden's last page; a group's own short list
#: still closes the last page when it fits there.
OWN_PAGE_FROM = 9


def fills_own_page(taglines: tuple[Tagline, ...]) -> bool:
    """Whether the notice prints on a page of its own (OWN_PAGE_FROM)."""
    return len(taglines) >= OWN_PAGE_FROM


#: About how many taglines a page of the notice holds: a state's 16 take one page; all 72 of
#: taglines.json, four (a group may list up to 100 languages).
TAGLINES_PER_PAGE = 22


def notice_pages(taglines: tuple[Tagline, ...]) -> int:
    """The pages of its own the notice takes, an estimate (0: it closes the last page): what the
    claim forms' page guess adds for it."""
    return math.ceil(len(taglines) / TAGLINES_PER_PAGE) if fills_own_page(taglines) else 0


def _printed(entry: TaglineEntry, phone: str) -> str:
    text = entry.text.replace(PHONE, phone)
    if entry.dir == "rtl":
        text = _LATIN_RUN.sub(lambda run: _LEFT_TO_RIGHT_ISOLATE + run.group() + _POP_DIRECTIONAL_ISOLATE, text)
    return text


def language_assistance(enrollment: Enrollment) -> tuple[Tagline, ...]:
    """The notice's taglines for a member, English first, each with the administrator's phone."""
    data = language_assistance_data()
    phone = enrollment.administrator.phone
    return tuple(
        Tagline(tag, data.taglines[tag].dir, _printed(data.taglines[tag], phone))
        for tag in (ENGLISH, *notice_languages(enrollment))
    )


def check_notice_phone(enrollment: Enrollment) -> Iterator[Problem]:
    """The notice tells members the administrator's number to call."""
    if not enrollment.administrator.phone.strip():
        yield Problem(
            "administrator.phone",
            RULE,
            "is required: the notice of language assistance (45 CFR 92.11) tells members this number to call",
        )


def check_notice_languages(enrollment: Enrollment) -> Iterator[Problem]:
    """`group.language_assistance` names languages docgen has a tagline for, each once."""
    chosen = enrollment.group.language_assistance
    if chosen is None:
        return
    known = language_assistance_data().by_folded_tag
    seen: set[str] = set()
    for index, tag in enumerate(chosen):
        path = f"group.language_assistance[{index}]"
        folded = tag.lower()
        if folded not in known:
            yield Problem(path, RULE, "is not a language docgen has a tagline for (see docs/language-assistance.md)")
        elif folded in seen:
            yield Problem(path, RULE, "names a language already listed")
        seen.add(folded)
