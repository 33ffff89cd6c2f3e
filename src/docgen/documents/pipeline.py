"""The one pipeline every entry point takes: JSON -> typed input (every problem at once) -> view -> HTML -> PDF/PNG.

The CLI, the API, the batch, `make run` and the goldens call these functions and nothing below
them: each parses its input once (`prepare`, `prepare_mailed`, `documents_of`) and renders what
that built (`render`, `document_html`, `render_mailed`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import BaseModel, ValidationError

from docgen.documents import get_kind, kinds_for
from docgen.documents.kind import (
    AddressCheck,
    Kind,
    Options,
    Output,
    PageMarkedView,
    Prepared,
    Variant,
    View,
)
from docgen.documents.mailing import Addresses, MailingView
from docgen.documents.shapes import SHAPES, AnyShape, JsonInput, ParsedInput, get_shape, shape_of
from docgen.errors import InputError, Problem
from docgen.parsing import ROOT_PATH, decode_json
from docgen.render.engine import html_to_pdf, marked_html, marked_pdf, use_bundled_fonts
from docgen.render.templating import render_html

__all__ = [
    "SHAPES",
    "AddressCheck",
    "Addresses",
    "Kind",
    "MailingView",
    "Options",
    "Output",
    "Prepared",
    "Variant",
    "document_html",
    "documents_of",
    "example_files",
    "get_shape",
    "input_schema",
    "mailed_html",
    "prepare",
    "prepare_mailed",
    "render",
    "render_document",
    "render_mailed",
    "start_rendering",
    "warm_up",
]


def start_rendering() -> None:
    """Make this process render with the bundled fonts only; each entry point calls it once."""
    use_bundled_fonts()


def warm_up() -> None:
    """Load Pango and the bundled fonts, so a server's first request is not the slow one."""
    html_to_pdf('<!DOCTYPE html><html lang="en"><head><title>ready</title></head><body><p>ready</p></body></html>')


def example_files(folder: Path) -> list[Path]:
    """The inputs in a folder of examples, in the order `make run` renders them and the goldens hold them."""
    return sorted(path for path in folder.glob("*.json") if path.is_file())


def input_schema(shape_name: str) -> dict[str, object]:
    """The JSON Schema of an input shape (`docgen schema`, /openapi.json)."""
    return get_shape(shape_name).model.model_json_schema()


def _decoded(kind: Kind, data: JsonInput) -> JsonInput:
    """The input decoded once; an input of the other shape is one clear problem, not a screenful of schema ones."""
    decoded = decode_json(data) if isinstance(data, bytes | str) else data
    shape = shape_of(decoded)
    if shape is not None and shape is not kind.shape:
        raise InputError(
            [
                Problem(
                    ROOT_PATH,
                    "input-shape",
                    f"this is an {shape.name} input; {kind.name} takes an {kind.shape.name} input",
                )
            ]
        )
    # Only an object is passed on decoded: a JSON string must not be read as JSON text again.
    return decoded if isinstance(decoded, dict) else data


def _parsed(kind: Kind, data: JsonInput, mailed: AddressCheck | None = None) -> ParsedInput:
    decoded = _decoded(kind, data)
    try:
        return kind.parse(decoded, mailed)
    except InputError as exc:
        # A declined account comes first: it is the reason the form cannot exist at all.
        refusal = _refusal(kind, decoded)
        raise InputError([refusal, *exc.problems]) if refusal else exc from None


def _refusal(kind: Kind, decoded: JsonInput) -> Problem | None:
    """The kind's precondition on an input that broke a rule, judged on its schema alone."""
    if not isinstance(decoded, dict):
        return None
    try:
        return kind.skip_reason(kind.shape.model.model_validate(decoded))
    except ValidationError:
        return None


def prepare(kind_name: str, data: JsonInput, options: Options | BaseModel | None = None) -> Prepared:
    """Parse the input and the options once (options may come parsed, as the API's query
    parameters do), check every rule, build the view: the document ready to render. InputError
    lists every problem of the input and the options."""
    kind = get_kind(kind_name)
    chosen = options if isinstance(options, BaseModel) else kind.parse_options(options)
    return kind.prepare(_parsed(kind, data), chosen)


def prepare_mailed(kind_name: str, data: JsonInput, fits: AddressCheck) -> Prepared:
    """`prepare` for a mail piece: its address blocks are checked with the input (`fits`), and
    the document has a mailing layout (`render_mailed`)."""
    kind = get_kind(kind_name)
    return kind.prepare(_parsed(kind, data, fits), kind.parse_options(None))


def _html(prepared: Prepared, view: View) -> str:
    return render_html(prepared.template, view, view.metadata)


def document_html(prepared: Prepared) -> str:
    """The final HTML of a document, exactly what the PDF is laid out from."""
    view = prepared.view
    html = _html(prepared, view)
    if isinstance(view, PageMarkedView):
        return marked_html(html, view.page_marks, view.page_guess)
    return html


def _pdf(prepared: Prepared, view: View) -> bytes:
    html = _html(prepared, view)
    if isinstance(view, PageMarkedView):
        return marked_pdf(html, view.page_marks, view.page_guess, view.page_mark_alt)
    return html_to_pdf(html)


def render(prepared: Prepared) -> Output:
    """The document in its requested format (PDF unless its options ask otherwise), named."""
    return prepared.finish(_pdf(prepared, prepared.view))


def mailed_html(prepared: Prepared, blocks: Callable[[Addresses], MailingView]) -> str:
    """The HTML of the document's mailing layout: the address `blocks` made from its addresses
    and placed behind the envelope's windows."""
    if prepared.mailing is None or prepared.addresses is None:
        raise InputError([Problem("kind", "batch-kind-mailable", f"{prepared.kind_name} has no mailing layout")])
    return _html(prepared, prepared.mailing(blocks(prepared.addresses)))


def render_mailed(prepared: Prepared, blocks: Callable[[Addresses], MailingView]) -> bytes:
    """The PDF of the document's mailing layout, tagged like every other document: the spooled piece
    (whose hash the manifest keeps) is the accessible copy of what was mailed (issue 21)."""
    return html_to_pdf(mailed_html(prepared, blocks))


def render_document(kind_name: str, data: JsonInput, options: Options | None = None) -> bytes:
    """The bytes of a document from its JSON input: `prepare` then `render`."""
    return render(prepare(kind_name, data, options)).content


def _shape_of_input(decoded: object) -> AnyShape:
    shape = shape_of(decoded)
    if shape is None:
        raise InputError([Problem(ROOT_PATH, "input-shape", "is neither an enrollment nor an illustration input")])
    return shape


def documents_of(data: bytes) -> Iterator[tuple[Kind, Variant, Prepared | Problem | InputError]]:
    """Every document an input makes, its input parsed once: each kind of its shape with each of its
    variants, prepared; or the reason the kind does not apply (a declined account's claim form: a
    Problem); or why it cannot be made (an InputError). What `make run` writes and the goldens hold;
    InputError when the input itself is not valid or of no known shape."""
    decoded = decode_json(data)
    shape = _shape_of_input(decoded)
    parsed = shape.parse(decoded if isinstance(decoded, dict) else data, ())
    for kind in kinds_for(shape):
        reason = kind.skip_reason(parsed)
        if reason is not None:
            yield kind, Variant(kind.name), reason
            continue
        problems = kind.check(parsed)
        for variant in kind.variants(parsed):
            yield kind, variant, _variant(kind, parsed, variant, problems)


def _variant(kind: Kind, parsed: ParsedInput, variant: Variant, problems: list[Problem]) -> Prepared | InputError:
    if problems:
        return InputError(problems)
    try:
        return kind.prepare(parsed, kind.parse_options(variant.options))
    except InputError as exc:
        return exc
