"""The two input shapes docgen takes, enrollment and illustration: their models, parsers and how each is recognised."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from docgen.enrollment.model import Enrollment
from docgen.enrollment.rules import parse_checked_enrollment
from docgen.parsing import Rule
from docgen.tax.input import TaxSavingsInput, parse_illustration

#: An input as the entry points receive it: JSON text, or JSON already decoded to an object.
JsonInput = bytes | str | dict[str, object]
#: An input parsed and checked into its typed model.
ParsedInput = Enrollment | TaxSavingsInput

InputT = TypeVar("InputT", bound=ParsedInput)


@dataclass(frozen=True)
class Shape(Generic[InputT]):
    """One input shape: the model it parses into and the top-level keys that recognise it."""

    name: str
    #: The pydantic model it validates with; `docgen schema` and /openapi.json publish its schema.
    model: type[InputT]
    keys: frozenset[str]
    #: Parse and check with the shape's rules and the given ones: every problem in one InputError.
    parse: Callable[[JsonInput, Sequence[Rule[InputT]]], InputT]
    #: The participant ID an input is about, for the audit log's keyed hash (None: none given).
    subject: Callable[[InputT], str | None]


def _enrollment_subject(enrollment: Enrollment) -> str | None:
    return enrollment.participant.participant_id


def _illustration_subject(illustration: TaxSavingsInput) -> str | None:
    participant = illustration.participant
    return participant.participant_id if participant is not None else None


ENROLLMENT: Shape[Enrollment] = Shape(
    "enrollment", Enrollment, frozenset({"participant", "elections"}), parse_checked_enrollment, _enrollment_subject
)
ILLUSTRATION: Shape[TaxSavingsInput] = Shape(
    "illustration", TaxSavingsInput, frozenset({"pay", "expenses"}), parse_illustration, _illustration_subject
)
AnyShape = Shape[Enrollment] | Shape[TaxSavingsInput]
#: An illustration may carry an enrollment's participant, so it is recognised first.
SHAPES: tuple[AnyShape, ...] = (ILLUSTRATION, ENROLLMENT)


def shape_of(decoded: object) -> AnyShape | None:
    """The shape an input has by its top-level keys, or None (not an object, or neither shape)."""
    if not isinstance(decoded, dict):
        return None
    return next((shape for shape in SHAPES if shape.keys <= decoded.keys()), None)


def get_shape(name: str) -> AnyShape:
    return next(shape for shape in SHAPES if shape.name == name)
