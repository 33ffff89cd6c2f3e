"""Document kinds: the one list of what docgen renders, and the parse-check-build-render pipeline."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ValidationError

from docgen.documents import idcard
from docgen.documents.fsa_claims import (
    build_dependent_care_claim,
    build_health_fsa_claim,
    dependent_care_unavailable,
    health_fsa_unavailable,
)
from docgen.documents.mailing import MailingView
from docgen.documents.statements import build_confirmation, build_summary, with_mailing
from docgen.documents.tax_savings import build_tax_savings
from docgen.enrollment.model import Enrollment, parse_enrollment
from docgen.enrollment.rules import parse_checked_enrollment
from docgen.errors import InputError, Problem, UnknownKindError
from docgen.parsing import ROOT_PATH, Rule, decode_json, json_path, problems_from
from docgen.render.engine import html_to_pdf, marked_html, marked_pdf
from docgen.render.metadata import DocumentMetadata
from docgen.render.templating import render_html
from docgen.tax.input import parse_illustration

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


def _card_stem(options: idcard.CardOptions) -> str:
    """id-card-01 for a PDF, id-card-01-back for one side as PNG; id-card-sheet for the family's
    print sheets, id-card-01-sheet for one person's."""
    if options.sheet:
        return f"id-card-{options.member}-sheet" if options.member else "id-card-sheet"
    side = f"-{options.side.value}" if options.format is idcard.CardFormat.PNG else ""
    return f"id-card-{options.member or idcard.SUBSCRIBER_CODE}{side}"


def _card_variants(enrollment: Enrollment) -> list[Variant]:
    variants = []
    for holder in idcard.cardholders(enrollment):
        choices: list[dict[str, Any]] = [{"member": holder.code}]
        choices += [{"member": holder.code, "format": "png", "side": side.value} for side in idcard.CardSide]
        variants += [Variant(_card_stem(idcard.CardOptions.model_validate(c)), c) for c in choices]
    if variants:
        variants.append(Variant("id-card-sheet", {"sheet": True}))
    return variants


def _finish_card(pdf: bytes, options: idcard.CardOptions) -> Output:
    if options.format is idcard.CardFormat.PNG:
        from docgen.render.raster import card_png  # noqa: PLC0415  (pypdfium2 loads only for images)

        return Output(card_png(pdf, 0 if options.side is idcard.CardSide.FRONT else 1), PNG_MEDIA_TYPE, "png")
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
            media_types=(PDF_MEDIA_TYPE, PNG_MEDIA_TYPE),
            file_stem=_card_stem,
            rules=(Rule(("group.id_card", "group.name", "group.group_id", "administrator", "participant", "dependents", "elections.medical"), idcard.check_cards),),
            precondition=idcard.card_unavailable,
        ),
        DocumentKind(
            "tax-savings",
            'Tax-savings illustration, "Flex puts tax dollars back into your pocket" (seed 003)',
            "tax-savings.html",
            InputShape.ILLUSTRATION,
            build_tax_savings,
        ),
        DocumentKind(
            "health-fsa-claim",
            "Health FSA Reimbursement Request, prefilled (seed 003)",
            "health-fsa-claim.html",
            InputShape.ENROLLMENT,
            build_health_fsa_claim,
            precondition=health_fsa_unavailable,
        ),
        DocumentKind(
            "dependent-care-claim",
            "Dependent Care FSA Reimbursement Request, prefilled (seed 003)",
            "dependent-care-claim.html",
            InputShape.ENROLLMENT,
            build_dependent_care_claim,
            precondition=dependent_care_unavailable,
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
    if not isinstance(data, dict):
        return None
    # An illustration may carry an enrollment's participant, so it is recognised first.
    if {"pay", "expenses"} <= data.keys():
        return InputShape.ILLUSTRATION
    if {"participant", "elections"} <= data.keys():
        return InputShape.ENROLLMENT
    return None


def kinds_for(shape: InputShape) -> list[DocumentKind]:
    return [kind for kind in KINDS.values() if kind.shape is shape]


def parse_input(
    shape: InputShape, data: bytes | str | dict[str, Any], rules: Sequence[Rule[Enrollment]] = ()
) -> Any:
    """Parse and check an input of a shape, with a kind's own `rules`; InputError has every problem.

    An illustration's rules are checked by its calculator, taxes.illustrate, as it builds.
    """
    if shape is InputShape.ENROLLMENT:
        return parse_checked_enrollment(data, rules)
    return parse_illustration(data)


def variants_for(kind: DocumentKind, parsed: Any) -> list[Variant]:
    return kind.variants(parsed) if kind.variants else [Variant(kind.name)]


def parse_options(kind: DocumentKind, options: Mapping[str, Any] | None) -> BaseModel | None:
    """Validate the caller's options for a kind; problems name the option."""
    if kind.options is None:
        if options:
            raise InputError([
                Problem(json_path((name,)), "unknown-option", f"is not an option of {kind.name}") for name in options
            ])
        return None
    try:
        return kind.options.model_validate(dict(options or {}))
    except ValidationError as exc:
        raise InputError(problems_from(exc)) from None


def check_shape(kind: DocumentKind, decoded: object) -> None:
    """An input of another shape gets one clear problem instead of a screenful of schema ones."""
    shape = input_shape(decoded)
    if shape is not None and shape is not kind.shape:
        raise InputError([Problem(
            ROOT_PATH, "input-shape",
            f"this is an {shape.value} input; {kind.name} takes an {kind.shape.value} input",
        )])


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


def _view(kind: DocumentKind, data: bytes | str | dict[str, Any], options: BaseModel | None) -> View:
    # Decoded once: the shape check, the precondition and the parser all read the same objects.
    decoded = decode_json(data) if isinstance(data, bytes | str) else data
    check_shape(kind, decoded)
    # Only an object is passed on decoded: a JSON string must not be read as JSON text again.
    source = decoded if isinstance(decoded, dict) else data
    refusal = skip_reason(kind, source)
    try:
        parsed = parse_input(kind.shape, source, kind.rules)
    except InputError as exc:
        # The refusal comes first: it is the reason the form cannot exist at all.
        raise InputError([refusal, *exc.problems]) if refusal else exc from None
    if refusal:
        raise InputError([refusal])
    return kind.build(parsed) if options is None else kind.build(parsed, options)


def build_view(
    kind: DocumentKind, data: bytes | str | dict[str, Any], options: Mapping[str, Any] | None = None
) -> View:
    """Parse, check every rule, and build the kind's view; raises InputError with all problems."""
    return _view(kind, data, parse_options(kind, options))


def document_html(
    kind_name: str, data: bytes | str | dict[str, Any], options: Mapping[str, Any] | None = None
) -> str:
    """The final HTML of a document, exactly what the PDF is laid out from."""
    kind = get_kind(kind_name)
    view = build_view(kind, data, options)
    html = render_html(kind.template, view, view.metadata)
    if isinstance(view, PageMarkedView):
        return marked_html(html, view.page_marks, view.page_guess)
    return html


def render_output(
    kind_name: str, data: bytes | str | dict[str, Any], options: Mapping[str, Any] | None = None
) -> Output:
    """The document in its requested format (PDF unless the kind's options ask otherwise)."""
    kind = get_kind(kind_name)
    parsed_options = parse_options(kind, options)
    view = _view(kind, data, parsed_options)
    html = render_html(kind.template, view, view.metadata)
    if isinstance(view, PageMarkedView):
        pdf = marked_pdf(html, view.page_marks, view.page_guess)
    else:
        pdf = html_to_pdf(html)
    if kind.finish is None:
        return Output(pdf, PDF_MEDIA_TYPE, "pdf")
    return kind.finish(pdf, parsed_options)


def render_document(
    kind_name: str, data: bytes | str | dict[str, Any], options: Mapping[str, Any] | None = None
) -> bytes:
    """The bytes of a document from its JSON input (see render_output for the media type)."""
    return render_output(kind_name, data, options).content
