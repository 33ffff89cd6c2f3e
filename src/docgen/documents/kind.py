"""What a document kind is: its input shape, its view, its options and outputs (the types every kind module uses)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel

from docgen.documents.mailing import MailingView
from docgen.enrollment.model import Enrollment
from docgen.errors import Problem
from docgen.parsing import Rule
from docgen.render.metadata import DocumentMetadata

PDF_MEDIA_TYPE = "application/pdf"
PNG_MEDIA_TYPE = "image/png"


class InputShape(Enum):
    """Which JSON shape a kind takes."""

    ENROLLMENT = "enrollment"
    ILLUSTRATION = "illustration"


class View(Protocol):
    @property
    def metadata(self) -> DocumentMetadata: ...


@runtime_checkable
class PageMarkedView(Protocol):
    """A view whose pages each carry their own mark (a QR code naming page i of n)."""

    @property
    def metadata(self) -> DocumentMetadata: ...

    @property
    def page_guess(self) -> int:
        """The page count to try first (right for the usual input, saving a second layout)."""
        ...

    def page_marks(self, pages: int) -> str:
        """CSS for a document laid out on `pages` pages."""
        ...


@dataclass(frozen=True)
class Output:
    """A rendered file: its bytes, media type and file extension."""

    content: bytes
    media_type: str
    extension: str


@dataclass(frozen=True)
class Variant:
    """One file `docgen examples` writes for an input: its name (no extension) and options."""

    name: str
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DocumentKind:
    name: str
    description: str
    template: str
    shape: InputShape
    #: Builds the view from the parsed input of `shape` (Enrollment, TaxSavingsInput), and the
    #: parsed options for kinds that have them.
    build: Callable[..., View]
    #: The caller's choices (CLI flags, API query parameters), validated like input.
    options: type[BaseModel] | None = None
    #: The files `make run` writes per input; default: one PDF named after the kind.
    variants: Callable[[Any], list[Variant]] | None = None
    #: Turns the PDF into the requested output (e.g. a PNG); default: the PDF itself.
    finish: Callable[[bytes, Any], Output] | None = None
    #: Why the kind cannot be made for an input (a declined account), or None when it can.
    precondition: Callable[[Any], Problem | None] | None = None
    #: What `finish` may answer with (the API's response types).
    media_types: tuple[str, ...] = (PDF_MEDIA_TYPE,)
    #: The output's file name without extension, from the parsed options; default: the kind.
    file_stem: Callable[[Any], str] | None = None
    #: The view's mailing variant (address page for a window envelope); None: not mailable.
    mailing: Callable[[Any, MailingView], View] | None = None
    #: The kind's own limits, checked with the shape's rules (enrollment kinds only).
    rules: tuple[Rule[Enrollment], ...] = ()
