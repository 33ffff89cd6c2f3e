"""Document kinds: the one list of what docgen renders, and the parse-check-build-render pipeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from docgen.documents.statements import build_confirmation, build_summary
from docgen.errors import UnknownKindError
from docgen.model import Enrollment, parse_enrollment
from docgen.render import DocumentMetadata, html_to_pdf, render_html
from docgen.rules import validate_enrollment


class InputShape(Enum):
    """Which JSON shape a kind takes."""

    ENROLLMENT = "enrollment"


class View(Protocol):
    @property
    def metadata(self) -> DocumentMetadata: ...


@dataclass(frozen=True)
class DocumentKind:
    name: str
    description: str
    template: str
    shape: InputShape
    build: Callable[[Enrollment], View]


KINDS: dict[str, DocumentKind] = {
    kind.name: kind
    for kind in (
        DocumentKind(
            "summary",
            "Enrollment Summary, reviewed before the member submits (seed 000 step 17)",
            "summary.html",
            InputShape.ENROLLMENT,
            build_summary,
        ),
        DocumentKind(
            "confirmation",
            "Enrollment Confirmation Statement, after submission (seed 000 step 18)",
            "confirmation.html",
            InputShape.ENROLLMENT,
            build_confirmation,
        ),
    )
}


def get_kind(name: str) -> DocumentKind:
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKindError(
            f"unknown document kind {name!r}; known kinds: {', '.join(KINDS)}"
        ) from None


def input_shape(data: dict[str, Any]) -> InputShape | None:
    """Guess an input's shape from its top-level keys (for rendering a folder of examples)."""
    if {"participant", "elections"} <= data.keys():
        return InputShape.ENROLLMENT
    return None


def kinds_for(shape: InputShape) -> list[DocumentKind]:
    return [kind for kind in KINDS.values() if kind.shape is shape]


def build_view(kind: DocumentKind, data: bytes | str | dict[str, Any]) -> View:
    """Parse, check every rule, and build the kind's view; raises InputError with all problems."""
    enrollment = validate_enrollment(parse_enrollment(data))
    return kind.build(enrollment)


def document_html(kind_name: str, data: bytes | str | dict[str, Any]) -> str:
    """The final HTML of a document, exactly what the PDF is laid out from."""
    kind = get_kind(kind_name)
    view = build_view(kind, data)
    return render_html(kind.template, view, view.metadata)


def render_document(kind_name: str, data: bytes | str | dict[str, Any]) -> bytes:
    """The PDF of a document from its JSON input."""
    kind = get_kind(kind_name)
    view = build_view(kind, data)
    return html_to_pdf(render_html(kind.template, view, view.metadata))
