"""How the API serves each document kind: body model per input shape, query options, output types.

Every kind in `docgen.documents.KINDS` is served as soon as its input shape has an entry in
`SHAPES`. A kind's options model (the ID card's `member`, `side`, `sheet`, `format`) becomes
its query parameters, validated like the body, and its declared media types the response
types: the same declarations the CLI's flags use, so both render the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import QueryParams

from docgen.documents import KINDS, get_kind
from docgen.documents.kind import (
    PDF_MEDIA_TYPE,
    PNG_MEDIA_TYPE,
    DocumentKind,
    InputShape,
)
from docgen.documents.pipeline import build_view, render_output
from docgen.enrollment.model import Enrollment, Frozen, parse_enrollment
from docgen.errors import InputError, Problem
from docgen.parsing import problems_from
from docgen.tax.input import TaxSavingsInput, parse_illustration

PDF = PDF_MEDIA_TYPE
PNG = PNG_MEDIA_TYPE

O = TypeVar("O", bound=BaseModel)


class NoOptions(Frozen):
    """A kind that takes no query parameters (any given is an error, as unknown JSON keys are)."""


@dataclass(frozen=True)
class Output:
    """A rendered document as the API returns it."""

    content: bytes
    media_type: str
    filename: str


@dataclass(frozen=True)
class ShapeInput:
    """The request body shared by every kind of one input shape."""

    #: The pydantic model the parser validates with; /openapi.json publishes its schema.
    model: type[BaseModel]
    #: The participant ID in a valid body, for the audit log's keyed hash (None: there is none).
    subject: Callable[[bytes], str | None]


def _enrollment_subject(body: bytes) -> str | None:
    return parse_enrollment(body).participant.participant_id


def _illustration_subject(body: bytes) -> str | None:
    participant = parse_illustration(body).participant
    return participant.participant_id if participant is not None else None


SHAPES: dict[InputShape, ShapeInput] = {
    InputShape.ENROLLMENT: ShapeInput(Enrollment, _enrollment_subject),
    InputShape.ILLUSTRATION: ShapeInput(TaxSavingsInput, _illustration_subject),
}


def _chosen(options: BaseModel) -> dict[str, Any] | None:
    return None if isinstance(options, NoOptions) else options.model_dump(mode="json")


def render_kind(kind: str, body: bytes, options: BaseModel) -> Output:
    """What `docgen render KIND` writes for the same options, byte for byte."""
    document_kind = get_kind(kind)
    output = render_output(kind, body, _chosen(options))
    stem = document_kind.file_stem(options) if document_kind.file_stem else kind
    return Output(output.content, output.media_type, f"{stem}.{output.extension}")


def validate_only(kind: str, body: bytes, options: BaseModel) -> None:
    """What `docgen validate KIND` checks (schema and every rule); renders nothing."""
    build_view(get_kind(kind), body, _chosen(options))


@dataclass(frozen=True)
class Adapter(Generic[O]):
    """What a kind needs beyond the default JSON-in, PDF-out route. Runs in render workers."""

    options: type[O]
    media_types: tuple[str, ...]
    render: Callable[[str, bytes, O], Output]
    validate: Callable[[str, bytes, O], None]


def adapter_for(kind: DocumentKind) -> Adapter[Any]:
    """The route of a kind, from what the kind declares (options, media types)."""
    return Adapter(kind.options or NoOptions, kind.media_types, render_kind, validate_only)


@dataclass(frozen=True)
class Endpoint:
    """One served kind: its document kind, body shape and adapter."""

    kind: DocumentKind
    shape: ShapeInput
    adapter: Adapter[Any]

    @property
    def name(self) -> str:
        return self.kind.name


def served_kinds(
    kinds: Mapping[str, DocumentKind] = KINDS,
    shapes: Mapping[InputShape, ShapeInput] = SHAPES,
    adapters: Mapping[str, Adapter[Any]] | None = None,
) -> dict[str, Endpoint]:
    """Every kind whose input shape the API knows (tests check that this is every kind);
    `adapters` replaces a kind's route (tests use it to try a route shape)."""
    return {
        name: Endpoint(kind, shapes[kind.shape], (adapters or {}).get(name) or adapter_for(kind))
        for name, kind in kinds.items()
        if kind.shape in shapes
    }


ENDPOINTS: dict[str, Endpoint] = served_kinds()


def parse_options(model: type[O], query: QueryParams) -> O:
    """Validate a query string into a kind's options model; problems are `query.NAME` paths."""
    problems = [
        Problem(f"query.{name}", "query-repeated", "must be given once")
        for name in dict.fromkeys(query.keys())
        if len(query.getlist(name)) > 1
    ]
    if problems:
        raise InputError(problems)
    try:
        return model.model_validate(dict(query.items()))
    except ValidationError as exc:
        raise InputError(
            [Problem(f"query.{p.path}", p.rule, p.message) for p in problems_from(exc)]
        ) from None
