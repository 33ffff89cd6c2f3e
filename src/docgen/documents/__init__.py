"""Document kinds: the one list of what docgen renders, and the parse-check-build-render pipeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol, runtime_checkable

from docgen.documents.fsa_claims import (
    build_dependent_care_claim,
    build_health_fsa_claim,
    dependent_care_unavailable,
    health_fsa_unavailable,
)
from docgen.documents.statements import build_confirmation, build_summary
from docgen.errors import InputError, Problem, UnknownKindError
from docgen.model import Enrollment, parse_enrollment
from docgen.render import DocumentMetadata, html_to_pdf, marked_html, marked_pdf, render_html
from docgen.rules import check_enrollment


class InputShape(Enum):
    """Which JSON shape a kind takes."""

    ENROLLMENT = "enrollment"


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
class DocumentKind:
    name: str
    description: str
    template: str
    shape: InputShape
    build: Callable[[Enrollment], View]
    #: Why the kind cannot be made for an input (a declined account), or None when it can.
    precondition: Callable[[Enrollment], Problem | None] | None = None


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
        DocumentKind(
            "health-fsa-claim",
            "Health FSA Reimbursement Request, prefilled (seed 003)",
            "health-fsa-claim.html",
            InputShape.ENROLLMENT,
            build_health_fsa_claim,
            health_fsa_unavailable,
        ),
        DocumentKind(
            "dependent-care-claim",
            "Dependent Care FSA Reimbursement Request, prefilled (seed 003)",
            "dependent-care-claim.html",
            InputShape.ENROLLMENT,
            build_dependent_care_claim,
            dependent_care_unavailable,
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


def skip_reason(kind: DocumentKind, data: bytes | str | dict[str, Any]) -> Problem | None:
    """Why `kind` does not apply to an input (say, a declined account); None when it applies.

    Inputs that do not parse apply to every kind, so rendering them reports their problems.
    """
    if kind.precondition is None:
        return None
    try:
        enrollment = parse_enrollment(data)
    except InputError:
        return None
    return kind.precondition(enrollment)


def build_view(kind: DocumentKind, data: bytes | str | dict[str, Any]) -> View:
    """Parse, check every rule, and build the kind's view; raises InputError with all problems."""
    enrollment = parse_enrollment(data)
    refusal = kind.precondition(enrollment) if kind.precondition else None
    problems = [*([refusal] if refusal else []), *check_enrollment(enrollment)]
    if problems:
        raise InputError(problems)
    return kind.build(enrollment)


def document_html(kind_name: str, data: bytes | str | dict[str, Any]) -> str:
    """The final HTML of a document, exactly what the PDF is laid out from."""
    kind = get_kind(kind_name)
    view = build_view(kind, data)
    html = render_html(kind.template, view, view.metadata)
    if isinstance(view, PageMarkedView):
        return marked_html(html, view.page_marks, view.page_guess)
    return html


def render_document(kind_name: str, data: bytes | str | dict[str, Any]) -> bytes:
    """The PDF of a document from its JSON input."""
    kind = get_kind(kind_name)
    view = build_view(kind, data)
    html = render_html(kind.template, view, view.metadata)
    if isinstance(view, PageMarkedView):
        return marked_pdf(html, view.page_marks, view.page_guess)
    return html_to_pdf(html)
