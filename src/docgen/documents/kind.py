"""What a document kind is: its input shape, options, view, variants and output (the types every kind module uses).

Each document module declares its own `DocumentKind[input, options, view]`, typed end to end; the
pipeline sees every kind through the one `Kind` protocol, whose methods take the input of any shape
and check it is theirs, so no caller handles an untyped value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict, ValidationError

from docgen.documents.mailing import Addresses, MailingView
from docgen.documents.shapes import AnyShape, JsonInput, ParsedInput, Shape
from docgen.errors import InputError, Problem
from docgen.parsing import Rule, json_path, problems_from, run_rules
from docgen.render.metadata import DocumentMetadata

PDF_MEDIA_TYPE = "application/pdf"
PNG_MEDIA_TYPE = "image/png"


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

    def page_mark_alt(self, page: int, pages: int) -> str:
        """The text alternative of page `page`'s mark, an image in its margins (tagged as a Figure)."""
        ...


class NoOptions(BaseModel):  # type: ignore[explicit-any]  # pydantic: a model is built from **Any
    """The options of a kind that has none: any option given is a problem."""

    model_config = ConfigDict(frozen=True, extra="forbid")


#: An option's value as a caller gives it (a CLI flag, a query parameter, a variant's choice).
OptionValue = str | bool
Options = Mapping[str, OptionValue]

InputT = TypeVar("InputT", bound=ParsedInput)
OptionsT = TypeVar("OptionsT", bound=BaseModel)
ViewT = TypeVar("ViewT", bound=View)


@dataclass(frozen=True)
class Output:
    """A rendered file: its bytes, media type and file name."""

    content: bytes
    media_type: str
    file_name: str

    @property
    def extension(self) -> str:
        return self.file_name.rpartition(".")[2]


@dataclass(frozen=True)
class Variant:
    """One file `make run` writes for an input: its name (no extension) and the options it is made with."""

    name: str
    options: Options = field(default_factory=dict)


def without_options(build: Callable[[InputT], ViewT]) -> Callable[[InputT, NoOptions], ViewT]:
    """A view builder of a kind without options, in the shape every kind's builder has."""

    def built(data: InputT, _options: NoOptions) -> ViewT:
        return build(data)

    return built


def _applies(_data: object) -> Problem | None:
    return None


@dataclass(frozen=True)
class Mail(Generic[InputT, ViewT]):
    """How a kind is mailed in a window envelope: its address blocks and its address page."""

    #: The input paths the address blocks are made of: their check runs when these parsed.
    reads: tuple[str, ...]
    addresses: Callable[[InputT], Addresses]
    #: The view with the address blocks on its first page.
    with_blocks: Callable[[ViewT, MailingView], ViewT]


#: Why address blocks would not fit their envelope's windows (the batch's check, docgen.batch.envelope).
AddressCheck = Callable[[Addresses], list[Problem]]


@dataclass(frozen=True)
class Prepared:
    """A document ready to render: its input parsed and checked once, its view built once."""

    kind_name: str
    template: str
    view: View
    #: The participant ID the document is about, for the audit log's keyed hash (None: none given).
    subject: str | None
    file_stem: str
    #: Turns the PDF into the requested output (the card's PNG), named `file_stem`.
    finish: Callable[[bytes], Output]
    #: The address blocks and the view laid out for a window envelope; None when the kind is not mailed.
    addresses: Addresses | None
    mailing: Callable[[MailingView], View] | None


class Kind(Protocol):
    """A document kind as the pipeline, the CLI and the API see it, whatever its types."""

    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def shape(self) -> AnyShape: ...
    @property
    def options(self) -> type[BaseModel]: ...
    @property
    def media_types(self) -> tuple[str, ...]: ...
    @property
    def mailable(self) -> bool: ...

    def parse_options(self, options: Options | None) -> BaseModel: ...
    def check(self, data: ParsedInput) -> list[Problem]: ...
    def skip_reason(self, data: ParsedInput) -> Problem | None: ...
    def variants(self, data: ParsedInput) -> list[Variant]: ...
    def prepare(self, data: ParsedInput, options: BaseModel) -> Prepared: ...
    def parse(self, data: JsonInput, mailed: AddressCheck | None = None) -> ParsedInput: ...


@dataclass(frozen=True)
class DocumentKind(Generic[InputT, OptionsT, ViewT]):
    """One document: what it is made from, how its view is built and what its output is."""

    name: str
    description: str
    template: str
    shape: Shape[InputT]
    #: Builds the view from a checked input and the caller's options.
    build: Callable[[InputT, OptionsT], ViewT]
    #: The caller's choices (CLI flags, API query parameters), validated like input.
    options: type[OptionsT]
    #: The kind's own limits, checked with the shape's rules.
    rules: tuple[Rule[InputT], ...] = ()
    #: Why the kind cannot be made for an input (a declined account), or None when it can.
    precondition: Callable[[InputT], Problem | None] = _applies
    #: The files `make run` writes per input; None: one PDF named after the kind.
    variant_list: Callable[[InputT], list[Variant]] | None = None
    #: Turns the PDF into the requested output (e.g. a PNG); None: the PDF itself.
    finish: Callable[[bytes, OptionsT], tuple[bytes, str]] | None = None
    #: What `finish` may answer with (the API's response types).
    media_types: tuple[str, ...] = (PDF_MEDIA_TYPE,)
    #: The output's file name without extension, from the options; None: the kind's name.
    file_stem: Callable[[OptionsT], str] | None = None
    #: How the kind is mailed in a window envelope; None: not mailable.
    mail: Mail[InputT, ViewT] | None = None

    @property
    def mailable(self) -> bool:
        """Whether the batch can print it for a window envelope."""
        return self.mail is not None

    def _own(self, data: ParsedInput) -> InputT:
        if not isinstance(data, self.shape.model):
            raise TypeError(f"{self.name} takes a {self.shape.name} input, not {type(data).__name__}")
        return data

    def parse_options(self, options: Options | None) -> OptionsT:
        """Validate the caller's options; each problem names the option."""
        given = dict(options or {})
        unknown = [name for name in given if name not in self.options.model_fields]
        if unknown:
            raise InputError(
                [Problem(json_path((name,)), "unknown-option", f"is not an option of {self.name}") for name in unknown]
            )
        try:
            return self.options.model_validate(given)
        except ValidationError as exc:
            raise InputError(problems_from(exc)) from None

    def parse(self, data: JsonInput, mailed: AddressCheck | None = None) -> InputT:
        """The input parsed and checked with the shape's rules and this kind's; with `mailed`, the
        address blocks are checked too (every problem in one InputError)."""
        rules: tuple[Rule[InputT], ...] = self.rules
        if mailed is not None:
            mail = self.mail
            if mail is None:
                raise InputError([Problem("kind", "batch-kind-mailable", f"{self.name} has no mailing layout")])
            rules = (*rules, Rule(mail.reads, lambda data: mailed(mail.addresses(data))))
        return self.shape.parse(data, rules)

    def check(self, data: ParsedInput) -> list[Problem]:
        """This kind's own rules on an input parsed for its shape."""
        return run_rules(self.rules, self._own(data), ())

    def skip_reason(self, data: ParsedInput) -> Problem | None:
        return self.precondition(self._own(data))

    def variants(self, data: ParsedInput) -> list[Variant]:
        own = self._own(data)
        return self.variant_list(own) if self.variant_list else [Variant(self.name)]

    def prepare(self, data: ParsedInput, options: BaseModel) -> Prepared:
        """Build the view of a checked input; InputError when it cannot be made (a declined account)."""
        own = self._own(data)
        if not isinstance(options, self.options):
            raise TypeError(f"{self.name} takes {self.options.__name__}, not {type(options).__name__}")
        chosen: OptionsT = options
        refusal = self.precondition(own)
        if refusal is not None:
            raise InputError([refusal])
        view = self.build(own, chosen)
        stem = self.file_stem(chosen) if self.file_stem else self.name
        mail = self.mail
        return Prepared(
            kind_name=self.name,
            template=self.template,
            view=view,
            subject=self.shape.subject(own),
            file_stem=stem,
            finish=lambda pdf: self._finish(pdf, chosen, stem),
            addresses=mail.addresses(own) if mail else None,
            mailing=(lambda blocks: mail.with_blocks(view, blocks)) if mail else None,
        )

    def _finish(self, pdf: bytes, options: OptionsT, stem: str) -> Output:
        if self.finish is None:
            return Output(pdf, PDF_MEDIA_TYPE, f"{stem}.pdf")
        content, media_type = self.finish(pdf, options)
        extension = "png" if media_type == PNG_MEDIA_TYPE else "pdf"
        return Output(content, media_type, f"{stem}.{extension}")
