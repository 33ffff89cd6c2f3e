"""Document kinds: the one list of what docgen renders, and the parse-check-build-render pipeline."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from docgen.documents.statements import build_confirmation, build_summary
from docgen.documents.tax_savings import build_tax_savings
from docgen.errors import InputError, Problem, UnknownKindError
from docgen.illustration import parse_illustration
from docgen.model import ROOT_PATH, Enrollment, parse_enrollment
from docgen.render import DocumentMetadata, html_to_pdf, render_html
from docgen.rules import validate_enrollment


class InputShape(Enum):
    """Which JSON shape a kind takes."""

    ENROLLMENT = "enrollment"
    ILLUSTRATION = "illustration"


def _enrollment(data: bytes | str | dict[str, Any]) -> Enrollment:
    return validate_enrollment(parse_enrollment(data))


#: Each shape's parser: schema problems and the shape's own rules become one InputError.
#: (An illustration's rules are checked by its calculator, taxes.illustrate, as it builds.)
PARSERS: dict[InputShape, Callable[[bytes | str | dict[str, Any]], Any]] = {
    InputShape.ENROLLMENT: _enrollment,
    InputShape.ILLUSTRATION: parse_illustration,
}


class View(Protocol):
    @property
    def metadata(self) -> DocumentMetadata: ...


@dataclass(frozen=True)
class DocumentKind:
    name: str
    description: str
    template: str
    shape: InputShape
    #: Takes the parsed input of `shape` (Enrollment, TaxSavingsInput).
    build: Callable[[Any], View]


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
            "tax-savings",
            'Tax-savings illustration, "Flex puts tax dollars back into your pocket" (seed 003)',
            "tax-savings.html",
            InputShape.ILLUSTRATION,
            build_tax_savings,
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
    # An illustration may carry an enrollment's participant, so it is recognised first.
    if {"pay", "expenses"} <= data.keys():
        return InputShape.ILLUSTRATION
    if {"participant", "elections"} <= data.keys():
        return InputShape.ENROLLMENT
    return None


def kinds_for(shape: InputShape) -> list[DocumentKind]:
    return [kind for kind in KINDS.values() if kind.shape is shape]


def _check_shape(kind: DocumentKind, data: bytes | str | dict[str, Any]) -> None:
    """An input of another shape gets one clear problem instead of a screenful of schema ones."""
    try:
        decoded = json.loads(data) if isinstance(data, bytes | str) else data
    except ValueError:
        return  # the parser reports the JSON syntax error with its position
    shape = input_shape(decoded) if isinstance(decoded, dict) else None
    if shape is not None and shape is not kind.shape:
        raise InputError([Problem(
            ROOT_PATH, "input-shape",
            f"this is an {shape.value} input; {kind.name} takes an {kind.shape.value} input",
        )])


def build_view(kind: DocumentKind, data: bytes | str | dict[str, Any]) -> View:
    """Parse, check every rule, and build the kind's view; raises InputError with all problems."""
    _check_shape(kind, data)
    return kind.build(PARSERS[kind.shape](data))


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
