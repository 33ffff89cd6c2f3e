"""Document kinds: the one list of what docgen renders, and the parse-check-build-render pipeline."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from docgen.documents import idcard
from docgen.documents.mailing import MailingView
from docgen.documents.statements import build_confirmation, build_summary, with_mailing
from docgen.errors import InputError, Problem, UnknownKindError
from docgen.model import Enrollment, parse_enrollment, problems_from
from docgen.render import DocumentMetadata, html_to_pdf, render_html
from docgen.rules import validate_enrollment

PDF_MEDIA_TYPE = "application/pdf"


class InputShape(Enum):
    """Which JSON shape a kind takes."""

    ENROLLMENT = "enrollment"


class View(Protocol):
    @property
    def metadata(self) -> DocumentMetadata: ...


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
    #: Builds the view; takes (enrollment) or, for kinds with options, (enrollment, options).
    build: Callable[..., View]
    #: The caller's choices (CLI flags, API query parameters), validated like input.
    options: type[BaseModel] | None = None
    #: The files `make run` writes per input; default: one PDF named after the kind.
    variants: Callable[[Enrollment], list[Variant]] | None = None
    #: Turns the PDF into the requested output (e.g. a PNG); default: the PDF itself.
    finish: Callable[[bytes, Any], Output] | None = None
    #: The view's mailing variant (address page for a window envelope); None: not mailable.
    mailing: Callable[[Any, MailingView], View] | None = None


def _card_variants(enrollment: Enrollment) -> list[Variant]:
    variants = []
    for holder in idcard.cardholders(enrollment):
        name = f"id-card-{holder.code}"
        variants.append(Variant(name, {"member": holder.code}))
        for side in idcard.CardSide:
            variants.append(Variant(f"{name}-{side.value}", {"member": holder.code, "format": "png", "side": side.value}))
    return variants


def _finish_card(pdf: bytes, options: idcard.CardOptions) -> Output:
    if options.format is idcard.CardFormat.PNG:
        from docgen.raster import card_png  # noqa: PLC0415  (pypdfium2 loads only for images)

        return Output(card_png(pdf, 0 if options.side is idcard.CardSide.FRONT else 1), "image/png", "png")
    return Output(pdf, PDF_MEDIA_TYPE, "pdf")


KINDS: dict[str, DocumentKind] = {
    kind.name: kind
    for kind in (
        DocumentKind(
            "summary",
            "Enrollment Summary, reviewed before the member submits (seed 000 step 17)",
            "summary.html",
            InputShape.ENROLLMENT,
            build_summary,
            mailing=with_mailing,
        ),
        DocumentKind(
            "confirmation",
            "Enrollment Confirmation Statement, after submission (seed 000 step 18)",
            "confirmation.html",
            InputShape.ENROLLMENT,
            build_confirmation,
            mailing=with_mailing,
        ),
        DocumentKind(
            "id-card",
            "Member ID card, front and back, per person covered by medical (seed 001)",
            "id-card.html",
            InputShape.ENROLLMENT,
            idcard.build_card,
            options=idcard.CardOptions,
            variants=_card_variants,
            finish=_finish_card,
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


def input_shape(data: object) -> InputShape | None:
    """Guess an input's shape from its top-level keys (for rendering a folder of examples)."""
    if isinstance(data, dict) and {"participant", "elections"} <= data.keys():
        return InputShape.ENROLLMENT
    return None


def kinds_for(shape: InputShape) -> list[DocumentKind]:
    return [kind for kind in KINDS.values() if kind.shape is shape]


def variants_for(kind: DocumentKind, enrollment: Enrollment) -> list[Variant]:
    return kind.variants(enrollment) if kind.variants else [Variant(kind.name)]


def parse_options(kind: DocumentKind, options: Mapping[str, Any] | None) -> BaseModel | None:
    """Validate the caller's options for a kind; problems name the option."""
    if kind.options is None:
        if options:
            raise InputError([
                Problem(name, "unknown-option", f"is not an option of {kind.name}") for name in options
            ])
        return None
    try:
        return kind.options.model_validate(dict(options or {}))
    except ValidationError as exc:
        raise InputError(problems_from(exc)) from None


def build_view(
    kind: DocumentKind, data: bytes | str | dict[str, Any], options: Mapping[str, Any] | None = None
) -> View:
    """Parse, check every rule, and build the kind's view; raises InputError with all problems."""
    parsed_options = parse_options(kind, options)
    enrollment = validate_enrollment(parse_enrollment(data))
    if parsed_options is None:
        return kind.build(enrollment)
    return kind.build(enrollment, parsed_options)


def document_html(
    kind_name: str, data: bytes | str | dict[str, Any], options: Mapping[str, Any] | None = None
) -> str:
    """The final HTML of a document, exactly what the PDF is laid out from."""
    kind = get_kind(kind_name)
    view = build_view(kind, data, options)
    return render_html(kind.template, view, view.metadata)


def render_output(
    kind_name: str, data: bytes | str | dict[str, Any], options: Mapping[str, Any] | None = None
) -> Output:
    """The document in its requested format (PDF unless the kind's options ask otherwise)."""
    kind = get_kind(kind_name)
    parsed_options = parse_options(kind, options)
    view = build_view(kind, data, options)
    pdf = html_to_pdf(render_html(kind.template, view, view.metadata))
    if kind.finish is None:
        return Output(pdf, PDF_MEDIA_TYPE, "pdf")
    return kind.finish(pdf, parsed_options)


def render_document(
    kind_name: str, data: bytes | str | dict[str, Any], options: Mapping[str, Any] | None = None
) -> bytes:
    """The bytes of a document from its JSON input (see render_output for the media type)."""
    return render_output(kind_name, data, options).content
