"""The PDF's info dictionary: what a view declares about its document, free of WeasyPrint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DocumentMetadata:
    """What goes into the PDF's info dictionary: never an SSN, a birth date or a name."""

    title: str
    author: str
    subject: str
    #: Creation and modification date, taken from the input so output stays deterministic.
    created: datetime
    #: The written language tag (docgen.language): <html lang>, hence the PDF's /Lang (issue 22).
    language: str = "en-US"
