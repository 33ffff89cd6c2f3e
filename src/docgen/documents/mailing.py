"""The address page of a mailed document: display-ready blocks placed behind the envelope's windows,
and the delivery address in the form USPS Publication 28 (Postal Addressing Standards) gives it.

This is formatting, not address standardization: docgen does not know the USPS ZIP+4 and City
State files, so it neither corrects nor validates an address. A mailroom that wants standardized,
deliverable addresses (and automation rates) runs the list through CASS-certified software first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from docgen.enrollment.model import Enrollment
from docgen.glyphs import undrawable


@dataclass(frozen=True)
class Placement:
    """A block's box on the first page as CSS lengths, relative to that page's page area."""

    left: str
    top: str
    width: str
    height: str


@dataclass(frozen=True)
class Addresses:
    """What the two address blocks are made of, as the input gives it (paths in ADDRESS_READS)."""

    first_name: str
    middle_name: str
    last_name: str
    line1: str
    line2: str
    city: str
    state: str
    zip: str
    sender_name: str
    sender_address: tuple[str, ...]


#: The input paths of Addresses, in the enrollment shape.
ADDRESS_READS = (
    "participant.first_name",
    "participant.middle_name",
    "participant.last_name",
    "participant.address",
    "administrator.name",
    "administrator.address",
)


def enrollment_addresses(enrollment: Enrollment) -> Addresses:
    """The participant as recipient, the plan administrator as sender."""
    person, address, admin = enrollment.participant, enrollment.participant.address, enrollment.administrator
    return Addresses(
        first_name=person.first_name,
        middle_name=person.middle_name,
        last_name=person.last_name,
        line1=address.line1,
        line2=address.line2,
        city=address.city,
        state=address.state,
        zip=address.zip,
        sender_name=admin.name,
        sender_address=tuple(admin.address),
    )


@dataclass(frozen=True)
class MailingView:
    """What a kind's mailing variant prints on its first page (built by docgen.batch.envelope)."""

    return_box: Placement
    return_lines: tuple[str, ...]
    recipient_box: Placement
    recipient_lines: tuple[str, ...]
    #: The Intelligent Mail barcode as an SVG data: URI, or None when no Mailer ID was given.
    imb_uri: str | None
    #: Height of the address panel below the first page's top margin, as a CSS length: the
    #: statement's body starts at the fold.
    panel_height: str


#: Publication 28 Appendix C2, secondary unit designators that take a secondary number.
_RANGED_UNITS = {
    "APARTMENT": "APT",
    "BUILDING": "BLDG",
    "DEPARTMENT": "DEPT",
    "FLOOR": "FL",
    "HANGAR": "HNGR",
    "KEY": "KEY",
    "LOT": "LOT",
    "PIER": "PIER",
    "ROOM": "RM",
    "SLIP": "SLIP",
    "SPACE": "SPC",
    "STOP": "STOP",
    "SUITE": "STE",
    "TRAILER": "TRLR",
    "UNIT": "UNIT",
}
#: Publication 28 Appendix C2, designators that stand alone.
_UNRANGED_UNITS = {
    "BASEMENT": "BSMT",
    "FRONT": "FRNT",
    "LOBBY": "LBBY",
    "LOWER": "LOWR",
    "OFFICE": "OFC",
    "PENTHOUSE": "PH",
    "REAR": "REAR",
    "SIDE": "SIDE",
    "UPPER": "UPPR",
}
#: Publication 28 Appendix C1, the standard abbreviations of the commonest street suffixes only:
#: a small table for the usual cases, not the appendix (which the ZIP+4 file, section 234.1, rules).
_SUFFIXES = {
    "ALLEY": "ALY",
    "AVENUE": "AVE",
    "BOULEVARD": "BLVD",
    "CIRCLE": "CIR",
    "COURT": "CT",
    "DRIVE": "DR",
    "EXPRESSWAY": "EXPY",
    "FREEWAY": "FWY",
    "HIGHWAY": "HWY",
    "LANE": "LN",
    "PARKWAY": "PKWY",
    "PLACE": "PL",
    "PLAZA": "PLZ",
    "ROAD": "RD",
    "SQUARE": "SQ",
    "STREET": "ST",
    "TERRACE": "TER",
    "TRAIL": "TRL",
}
#: Publication 28 section 233: the abbreviated directionals, which may follow the suffix.
_DIRECTIONALS = frozenset({"N", "S", "E", "W", "NE", "NW", "SE", "SW"})
#: A secondary number: digits or letters, possibly hyphenated ("12B", "3-B"), with a digit or a
#: single letter ("STE A"), so that "SUITE LANE" is a street, not a suite.
_UNIT_NUMBER = re.compile(r"#?(?=[A-Z0-9-]*[0-9]|[A-Z](?![A-Z0-9-]))[A-Z0-9]+(?:-[A-Z0-9]+)*")
_UNIT = re.compile(
    rf"(?:(?:{'|'.join(_RANGED_UNITS.values())}) {_UNIT_NUMBER.pattern}|{'|'.join(_UNRANGED_UNITS.values())}"
    rf"|# ?[A-Z0-9]+(?:-[A-Z0-9]+)*)"
)
_APOSTROPHES = frozenset("'\u2018\u2019\u201b")


def _word_char(char: str) -> bool:
    # A combining accent (category M) belongs to the letter before it.
    return char.isalnum() or unicodedata.category(char).startswith("M")


def _drop_punctuation(text: str, *, address: bool) -> str:
    """Publication 28 section 222: "With the exception of the hyphen in the ZIP+4 Code, punctuation
    may be omitted in the delivery address block"; what carries meaning stays (see below)."""
    text = unicodedata.normalize("NFC", text)
    # Every dash is a hyphen; section 354 takes out the spaces around hyphens and slashes.
    text = "".join("-" if unicodedata.category(char) == "Pd" else char for char in text)
    text = re.sub(r"\s*([-/])\s*", r"\1", text)
    kept = []
    for index, char in enumerate(text):
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        inside = _word_char(before) and _word_char(after)
        if char in _APOSTROPHES:
            kept.append("")  # O'NEILL -> ONEILL, as mailing lists print it
        elif char == ".":
            # Section 232 / Appendix D2: a period in a number ("39.2 RD") is significant.
            kept.append("." if address and before.isdigit() and after.isdigit() else "")
        elif char == "-":
            # Appendix D1 and section 232: a hyphen in a number (the primary range "112-10",
            # "APT 3-B") is significant; one in a street or city name "may be replaced with a
            # space". A hyphenated personal name keeps its hyphen: Publication 28 is silent on names.
            digit = before.isdigit() or after.isdigit()
            kept.append("-" if inside and (digit or not address) else " ")
        elif char == "/" and address:
            kept.append("/" if inside else " ")  # section 232: fractional addresses ("1/2"), C/O
        elif char in "#&" and address:
            kept.append(char)  # section 213: "#" is a secondary unit designator; "&" stands for a word
        elif unicodedata.category(char).startswith("P"):
            kept.append(" ")  # "SMITH,JOHN" must not become one word
        else:
            kept.append(char)
    return "".join(kept)


def _capital(char: str) -> str:
    upper = char.upper()
    return char if undrawable(upper) else upper


def _upper(text: str) -> str:
    """Capitals (section 212: "Uppercase letters are preferred on all lines of the address block"),
    by Unicode's full case mapping (Núñez -> NÚÑEZ, ß -> SS); a letter whose capital the bundled
    fonts cannot draw stays as entered, so the line still passes the printable-characters check.
    Publication 28 gives no rule for accents, so they stay."""
    capitals = "".join(_capital(char) for char in text)
    composed = unicodedata.normalize("NFC", capitals)
    return composed if not undrawable(composed) else capitals


def _abbreviate(words: list[str]) -> list[str]:
    """Appendix C2 unit designators and, before them, the Appendix C1 suffix of a street address."""
    words = list(words)
    if len(words) == 1 and words[0] in _UNRANGED_UNITS:
        return [_UNRANGED_UNITS[words[0]]]
    # A ranged designator followed by its number, at the end or before another unit (right to
    # left, so that the unit after it is already abbreviated).
    for index in range(len(words) - 2, -1, -1):
        following = words[index + 2] if index + 2 < len(words) else None
        if (
            words[index] in _RANGED_UNITS
            and _UNIT_NUMBER.fullmatch(words[index + 1])
            and (following is None or following in _RANGED_UNITS.values() or following.startswith("#"))
        ):
            words[index] = _RANGED_UNITS[words[index]]
    # Section 213: "#" is a designator of its own; beside APT or STE it repeats it.
    for index in range(len(words) - 1, 0, -1):
        if words[index] == "#" and words[index - 1] in _RANGED_UNITS.values():
            del words[index]
        elif words[index].startswith("#") and words[index - 1] in _RANGED_UNITS.values():
            words[index] = words[index][1:]
    # The street address's suffix: its last word before any unit and postdirectional, when a
    # primary number and a street name come before it (section 234.2: of two suffix words, as in
    # PARK AVENUE, only the second is abbreviated; a lone "AVENUE" after the number is the name).
    end = len(words)
    while True:
        if end >= 2 and _UNIT.fullmatch(" ".join(words[end - 2 : end])):
            end -= 2
        elif end >= 1 and _UNIT.fullmatch(words[end - 1]):
            end -= 1
        else:
            break
    if end >= 4 and words[end - 1] in _DIRECTIONALS:
        end -= 1
    if end >= 3 and words[0][:1].isdigit() and words[end - 1] in _SUFFIXES:
        words[end - 1] = _SUFFIXES[words[end - 1]]
    return words


def mail_name(*parts: str) -> str:
    """The recipient line: the name parts, in capitals without punctuation (empty parts left out).
    The statement's body keeps the name as entered."""
    return " ".join(_upper(_drop_punctuation(" ".join(parts), address=False)).split())


def delivery_line(line: str) -> str:
    """A delivery address line in capitals without punctuation, designators and common suffixes
    abbreviated (Publication 28 sections 212, 213, 222, 234)."""
    return " ".join(_abbreviate(_upper(_drop_punctuation(line, address=True)).split()))


def is_secondary_unit(line: str) -> bool:
    """Whether a (formatted) line holds only secondary units: section 213 puts them at the end of
    the delivery address line."""
    return bool(line) and re.fullmatch(rf"{_UNIT.pattern}(?: {_UNIT.pattern})*", line) is not None


def last_line(city: str, state: str, zip_code: str) -> str:
    """CITY ST ZIP+4. Section 224 asks for at least one space between the three (two preferred before
    the ZIP): one, as HTML collapses spaces anyway. The model checked the state and the ZIP's form."""
    return " ".join([*_upper(_drop_punctuation(city, address=True)).split(), state.upper(), zip_code])
