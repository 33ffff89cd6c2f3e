"""The one pipeline every entry point takes: JSON -> typed input (every problem at once) -> view -> HTML -> PDF/PNG."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from docgen.documents import get_kind, input_shape, kinds_for
from docgen.documents.kind import (
    PDF_MEDIA_TYPE,
    DocumentKind,
    InputShape,
    Output,
    PageMarkedView,
    Variant,
    View,
)
from docgen.enrollment.model import Enrollment, parse_enrollment
from docgen.enrollment.rules import parse_checked_enrollment
from docgen.errors import InputError, Problem
from docgen.parsing import ROOT_PATH, Rule, decode_json, json_path, problems_from
from docgen.render.engine import html_to_pdf, marked_html, marked_pdf
from docgen.render.templating import render_html
from docgen.tax.input import parse_illustration


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


def documents_of(data: bytes) -> Iterator[tuple[DocumentKind, Variant | Problem]]:
    """Every document an input makes: each kind of its shape with each of its variants, or the
    reason the kind does not apply (a declined account's claim form). What `make run` writes and
    the goldens hold; InputError when the input is not valid or of no known shape."""
    shape = input_shape(decode_json(data))
    if shape is None:
        raise InputError([Problem(ROOT_PATH, "input-shape", "is neither an enrollment nor an illustration input")])
    parsed = parse_input(shape, data)
    for kind in kinds_for(shape):
        reason = skip_reason(kind, data)
        if reason is not None:
            yield kind, reason
            continue
        for variant in variants_for(kind, parsed):
            yield kind, variant
