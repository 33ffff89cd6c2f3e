"""Each state's languages for the notice of language assistance, ranked from Census data (issue 23).

45 CFR 92.11 asks for the 15 languages most commonly spoken by people with limited English
proficiency (LEP) in the state. OCR's 2016 list ranks the Census Bureau's American Community
Survey (ACS) 2009-2013 language categories by LEP speakers; its table was not available to this
project, so the lists are ranked here from the same data (OCR's FAQ lets a covered entity use
another source with "a reasonable basis", https://www.hhs.gov/civil-rights/for-individuals/
section-1557/1557faqs/top15-languages/index.html):

- locales/notice/census/detailed-languages-2009-2013.csv: the Census table "Detailed Languages
  Spoken at Home and Ability to Speak English for the Population 5 Years and Over for States:
  2009-2013" (October 2015), one row per line of each state's sheet, unchanged;
- locales/notice/census/categories.json: which of its rows count as one language, and the
  tagline each category is printed in (or why none is).

A state's list is its categories by LEP speakers ("Speak English less than 'Very Well'"), highest
first, each mapped to its tagline, until 15 distinct taglines; a category without one is recorded
as skipped, so the next takes its place. The national list ranks the sums over the states and DC.
`make notice-states` rewrites locales/notice/states.json; the territories the ACS does not cover
(GU, VI, AS, MP) keep their lists, which no data supports (SOURCES.md).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from docgen.config import get_settings
from docgen.errors import ConfigError
from docgen.files import write_atomic

#: How many languages a list holds after English (45 CFR 92.11(a): "at least the 15 languages").
LIST_LENGTH = 15
#: The Census table, its category mapping and the file they produce, under the installation's home.
CENSUS_TABLE = Path("locales/notice/census/detailed-languages-2009-2013.csv")
CATEGORIES = Path("locales/notice/census/categories.json")
STATES = Path("locales/notice/states.json")

#: The table's state sheets by USPS code (Publication 28, Appendix B).
STATE_CODES = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA", "Colorado": "CO",
    "Connecticut": "CT", "Delaware": "DE", "District of Columbia": "DC", "Florida": "FL", "Georgia": "GA",
    "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN", "Iowa": "IA", "Kansas": "KS",
    "Kentucky": "KY", "Louisiana": "LA", "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA",
    "Michigan": "MI", "Minnesota": "MN", "Mississippi": "MS", "Missouri": "MO", "Montana": "MT",
    "Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH", "New Jersey": "NJ", "New Mexico": "NM",
    "New York": "NY", "North Carolina": "NC", "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK",
    "Oregon": "OR", "Pennsylvania": "PA", "Puerto Rico": "PR", "Rhode Island": "RI", "South Carolina": "SC",
    "South Dakota": "SD", "Tennessee": "TN", "Texas": "TX", "Utah": "UT", "Vermont": "VT", "Virginia": "VA",
    "Washington": "WA", "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY",
}  # fmt: skip
#: What states.json says of where its lists come from.
SOURCE = {
    "title": (
        "Detailed Languages Spoken at Home and Ability to Speak English for the Population 5 Years and Over "
        "for States: 2009-2013"
    ),
    "publisher": "U.S. Census Bureau, 2009-2013 American Community Survey (release date October 2015)",
    "file": str(CENSUS_TABLE),
    "ranking": (
        "Computed by docgen.notice_states (make notice-states): each state's language categories by the "
        "number who speak English less than 'very well' (limited English proficiency), highest first, each "
        "printed in the tagline census/categories.json gives it, until 15 distinct taglines; a category "
        "without a tagline is recorded under 'ranking' as skipped. The national list ranks the sums over the "
        "50 states and DC."
    ),
    "relation_to_ocr": (
        "OCR's 2016 top-15 table (https://www.hhs.gov/civil-rights/for-individuals/section-1557/1557faqs/"
        "top15-languages/index.html) ranks the same ACS 2009-2013 data; it was not available to compare. "
        "Where OCR names a category this file skips or maps, or its grouping differs, OCR's list prevails: "
        "compare before relying on these lists (SOURCES.md)."
    ),
    "territories": (
        "The ACS does not survey GU, VI, AS and MP: their lists were written without data and are unverified."
    ),
    "verified_against_ocr": False,
}
#: Not a state of the national sum: the national list is the 50 states' and DC's.
_NOT_IN_NATIONAL = {"PR"}

#: A footnote's number after a row's language: "India n.e.c.3", "Chinese (incl. ... languages4)".
_FOOTNOTE = re.compile(r"\d+(?=\)?$)")
#: Rows that are no language: the total, and answers the Census could not code.
_NOT_LANGUAGES = {"Population 5 years and over", "Uncodable"}
#: The table's row levels: "SPANISH ..." a group, ".Korean" a category, "..Ilocano" a detailed language.
_CATEGORY, _DETAILED = ".", ".."


@dataclass(frozen=True)
class Category:
    """One ranked language category of a state: its LEP speakers as the table gives them."""

    name: str
    lep: int


@dataclass(frozen=True)
class CategoryMap:
    """categories.json: the categories counted whole although the table details them, the
    tagline of each category (per state where it differs), and why a category has none."""

    whole: frozenset[str]
    tags: Mapping[str, str]
    tags_by_state: Mapping[str, Mapping[str, str]]
    no_tagline: Mapping[str, str]

    def tag(self, category: str, states: Sequence[str]) -> str | None:
        """The tagline of a category for the members of `states`: their own when they all share
        one (Kru in MN and RI reads Bassa), else the category's."""
        own = {self.tags_by_state.get(category, {}).get(state) for state in states}
        return own.pop() if len(own) == 1 and None not in own else self.tags.get(category)


def _label(row_label: str) -> str:
    """A row's language without its level dots and footnote digits ("Chinese (incl. ...)4")."""
    return _FOOTNOTE.sub("", row_label.lstrip("."))


#: The table's marks for an estimate it does not give: withheld (D), too few observations (B, --),
#: not applicable (X) (the notes under each sheet).
_NO_ESTIMATE = {"(D)", "(B)", "(X)", "--"}


@dataclass(frozen=True)
class CensusRow:
    """One line of a state's sheet: its label as printed (level dots, footnote digits) and its
    estimates, None where the table gives none."""

    language: str
    speakers: int | None
    lep: int | None


def _estimate(text: str, where: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text in _NO_ESTIMATE:
        return None
    raise ConfigError(f"{where}: {text!r} is neither an estimate nor one of {', '.join(sorted(_NO_ESTIMATE))}")


def ranked_categories(rows: Sequence[CensusRow], whole: frozenset[str]) -> list[Category]:
    """One state's language categories by LEP speakers, highest first (ties in the table's order).

    A category the table details (".Other Pacific Island languages" over "..Ilocano") is counted
    by its detailed languages, unless it is one language with variants, counted `whole`
    (".Chinese" over "..Cantonese", "..Mandarin"): the published lists name "Chinese", but also
    "Pennsylvania Dutch" and "Cushite", detailed languages of broader categories (Ohio's list as
    transcribed second-hand, SOURCES.md).
    """
    categories: list[Category] = []
    parent = ""  # the row a detailed language belongs to: a category, or a group ("SPANISH ...")
    for row, following in zip(rows, [*rows[1:], None], strict=True):
        label = row.language
        if label.startswith(_DETAILED):
            counted = not parent.startswith(_CATEGORY) or _label(parent) not in whole
        else:
            parent = label
            detailed = following is not None and following.language.startswith(_DETAILED)
            # a group ("ASIAN AND PACIFIC ISLAND LANGUAGES") or a total is never counted itself
            counted = label.startswith(_CATEGORY) and (not detailed or _label(label) in whole)
        if counted and row.lep is not None and _label(label) not in _NOT_LANGUAGES:
            categories.append(Category(_label(label), row.lep))
    return sorted(categories, key=lambda category: -category.lep)


def read_census_table(path: Path) -> dict[str, list[CensusRow]]:
    """The table's rows by state sheet, in the table's order."""
    states: dict[str, list[CensusRow]] = {}
    try:
        with path.open(encoding="utf-8", newline="") as file:
            for line, row in enumerate(csv.DictReader(file), start=2):
                where = f"{path}:{line}"
                states.setdefault(row["state"], []).append(
                    CensusRow(row["language"], _estimate(row["speakers"], where), _estimate(row["lep"], where))
                )
    except (OSError, KeyError, csv.Error) as exc:
        raise ConfigError(f"{path}: {exc!r}") from exc
    return states


class _CategoriesFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    counted_whole: tuple[str, ...]
    tags: dict[str, str]
    tags_by_state: dict[str, dict[str, str]] = {}
    no_tagline: dict[str, str]


def read_category_map(path: Path) -> CategoryMap:
    """categories.json, every tagline it names checked against taglines.json beside states.json."""
    try:
        data = _CategoriesFile.model_validate_json(path.read_bytes())
        taglines = json.loads((path.parents[1] / "taglines.json").read_text(encoding="utf-8"))["taglines"]
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"{path}: {' '.join(str(exc).split())}") from exc
    named = {*data.tags.values(), *(tag for tags in data.tags_by_state.values() for tag in tags.values())}
    if missing := sorted(named - set(taglines)):
        raise ConfigError(f"{path}: no tagline in taglines.json for {', '.join(missing)}")
    # A category in tags_by_state alone prints in the states it names, and needs its reason elsewhere.
    if both := sorted(data.no_tagline.keys() & data.tags.keys()):
        raise ConfigError(f"{path}: given a tagline and a reason for none: {', '.join(both)}")
    return CategoryMap(
        whole=frozenset(data.counted_whole),
        tags=data.tags,
        tags_by_state=data.tags_by_state,
        no_tagline=data.no_tagline,
    )


@dataclass(frozen=True)
class Ranked:
    """A category down a ranking: the tagline it prints in, or why it was passed over."""

    category: Category
    tag: str | None = None
    skipped: str | None = None

    def as_json(self) -> dict[str, object]:
        outcome = {"tag": self.tag} if self.tag is not None else {"skipped": self.skipped}
        return {"category": self.category.name, "lep": self.category.lep, **outcome}


@dataclass(frozen=True)
class LanguageList:
    """A notice's 15 languages after English, and the ranking they were taken from."""

    languages: tuple[str, ...]
    ranking: tuple[Ranked, ...]

    def as_json(self) -> dict[str, object]:
        return {"languages": list(self.languages), "ranking": [ranked.as_json() for ranked in self.ranking]}


def choose_languages(categories: Iterable[Category], mapping: CategoryMap, states: Sequence[str]) -> LanguageList:
    """The first 15 distinct taglines down the ranking of `states` (none: the nation), and every
    category passed over on the way."""
    where = ", ".join(states) or "national"
    languages: list[str] = []
    ranking: list[Ranked] = []
    for category in categories:
        if len(languages) == LIST_LENGTH:
            break
        tag = mapping.tag(category.name, states)
        if tag is None:
            if category.name not in mapping.no_tagline:
                raise ConfigError(f"{CATEGORIES}: no tagline and no reason for category {category.name!r} ({where})")
            ranking.append(Ranked(category, skipped=mapping.no_tagline[category.name]))
        elif tag in languages:
            ranking.append(Ranked(category, skipped=f"printed in {tag}, already on the list"))
        else:
            ranking.append(Ranked(category, tag=tag))
            languages.append(tag)
    if len(languages) < LIST_LENGTH:
        raise ConfigError(f"{CENSUS_TABLE}: {where} has fewer than {LIST_LENGTH} categories with a tagline")
    return LanguageList(tuple(languages), tuple(ranking))


def summed_categories(tables: Iterable[Sequence[CensusRow]], whole: frozenset[str]) -> list[Category]:
    """Several states' categories added together, highest first (a category withheld in a state
    counts 0 there): how OCR's FAQ on plans serving several states lets them rank their languages."""
    totals: dict[str, int] = {}
    for rows in tables:
        for category in ranked_categories(rows, whole):
            totals[category.name] = totals.get(category.name, 0) + category.lep
    return sorted((Category(name, lep) for name, lep in totals.items()), key=lambda category: -category.lep)


def combined_languages(codes: Sequence[str], home: Path | None = None) -> LanguageList:
    """The 15 languages of a plan serving the states `codes` (USPS codes the Census table has),
    ranked by their LEP speakers added together, with the ranking: for `group.language_assistance`
    (HHS OCR, "Applying the Tagline Requirement to Covered Entities that Operate Health Programs
    or Activities in More than One State")."""
    home = home or get_settings().home
    tables = {STATE_CODES[sheet]: rows for sheet, rows in read_census_table(home / CENSUS_TABLE).items()}
    if unknown := sorted(set(codes) - set(tables)):
        raise ValueError(f"no Census figures for {', '.join(unknown)}")
    mapping = read_category_map(home / CATEGORIES)
    # In code order, whatever order they were given in: equal sums keep the first state's order.
    chosen = sorted(set(codes))
    return choose_languages(summed_categories((tables[code] for code in chosen), mapping.whole), mapping, chosen)


def derive_states(home: Path) -> dict[str, object]:
    """states.json's content from the Census table, with the current file's territories kept."""
    tables = read_census_table(home / CENSUS_TABLE)
    mapping = read_category_map(home / CATEGORIES)
    current = json.loads((home / STATES).read_text(encoding="utf-8"))
    states: dict[str, object] = {}
    for sheet, rows in tables.items():
        code = STATE_CODES[sheet]
        states[code] = {
            "name": sheet,
            **choose_languages(ranked_categories(rows, mapping.whole), mapping, [code]).as_json(),
        }
    for code, entry in current["states"].items():
        if code not in states:
            states[code] = entry  # a territory the ACS does not survey
    in_national = (rows for sheet, rows in tables.items() if STATE_CODES[sheet] not in _NOT_IN_NATIONAL)
    national = choose_languages(summed_categories(in_national, mapping.whole), mapping, [])
    return {
        "source": SOURCE,
        "national": list(national.languages),
        "national_ranking": [ranked.as_json() for ranked in national.ranking],
        "states": dict(sorted(states.items())),
    }


def _json(value: object, indent: str = "") -> str:
    """JSON with a line per list item or key, and a list of words or a ranked category on one
    line: a state's list reads as a line of tags, its ranking as a line per category."""
    inner = indent + "  "
    flat = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if isinstance(value, dict) and (len(flat) > 160 or any(isinstance(item, (dict, list)) for item in value.values())):
        items = (f"{inner}{json.dumps(key)}: {_json(item, inner)}" for key, item in value.items())
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    if isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        return "[\n" + ",\n".join(inner + _json(item, inner) for item in value) + f"\n{indent}]"
    return flat


def write_states(home: Path | None = None) -> Path:
    """Regenerate locales/notice/states.json from the Census table; returns its path."""
    home = home or get_settings().home
    text = _json(derive_states(home)) + "\n"
    write_atomic(home / STATES, text.encode())
    return home / STATES
