"""How the API serves each document kind: body model per input shape, query options, output types.

Every kind in `docgen.documents.KINDS` is served as soon as its input shape has an entry in
`SHAPES`. A kind that is more than "JSON in, PDF out" (the ID card's `member`, `side`,
`sheet` and `format` query parameters, its PNG output) adds an `Adapter` to `ADAPTERS`:
an options model validated from the query string, the media types it may answer with, and
the functions a render worker runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import QueryParams

from docgen.documents import KINDS, DocumentKind, InputShape, build_view, get_kind, render_document
from docgen.errors import InputError, Problem
from docgen.model import Enrollment, Frozen, parse_enrollment, problems_from

PDF = "application/pdf"
PNG = "image/png"

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


SHAPES: dict[InputShape, ShapeInput] = {
    InputShape.ENROLLMENT: ShapeInput(Enrollment, _enrollment_subject),
}


def render_pdf(kind: str, body: bytes, options: BaseModel) -> Output:
    """The default: the PDF `docgen render KIND` writes, byte for byte."""
    return Output(render_document(kind, body), PDF, f"{kind}.pdf")


def validate_only(kind: str, body: bytes, options: BaseModel) -> None:
    """The default: what `docgen validate KIND` checks (schema and every rule); renders nothing."""
    build_view(get_kind(kind), body)


@dataclass(frozen=True)
class Adapter(Generic[O]):
    """What a kind needs beyond the default JSON-in, PDF-out route. Runs in render workers."""

    options: type[O]
    media_types: tuple[str, ...]
    render: Callable[[str, bytes, O], Output]
    validate: Callable[[str, bytes, O], None]


DEFAULT_ADAPTER: Adapter[NoOptions] = Adapter(NoOptions, (PDF,), render_pdf, validate_only)

#: Kinds with query parameters or other outputs. The ID card registers here (see README).
ADAPTERS: dict[str, Adapter[Any]] = {}


@dataclass(frozen=True)
class Endpoint:
    """One served kind: its document kind, body shape and adapter."""

    kind: DocumentKind
    shape: ShapeInput
    adapter: Adapter[Any] = field(default=DEFAULT_ADAPTER)

    @property
    def name(self) -> str:
        return self.kind.name


def served_kinds(
    kinds: Mapping[str, DocumentKind] = KINDS,
    shapes: Mapping[InputShape, ShapeInput] = SHAPES,
    adapters: Mapping[str, Adapter[Any]] = ADAPTERS,
) -> dict[str, Endpoint]:
    """Every kind whose input shape the API knows (tests check that this is every kind)."""
    return {
        name: Endpoint(kind, shapes[kind.shape], adapters.get(name, DEFAULT_ADAPTER))
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
