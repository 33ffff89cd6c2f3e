"""JSON in, typed input out: decoding, schema problems with JSON paths, and partial parses for rules.

Issue 16: an input with a bad amount and a broken cross-field rule reported only the amount;
the portal then needed one round trip per layer. Pydantic reports every schema problem at
once but gives no model when any field fails, so the fields that did parse are rebuilt here
(`Parsed.value`), and a rule runs when none of the paths it reads (`Rule.reads`) had a problem.
"""

from __future__ import annotations

import difflib
import json
import re
import types
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from docgen.errors import InputError, Problem

ROOT_PATH = "$"
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

#: Problems that leave every parsed value as sent: an unknown key changes no field's value.
_HARMLESS_RULES = frozenset({"unknown-field"})

# --- schema problems --------------------------------------------------------------------

# Pydantic's error types, renamed to the rule ids docgen documents. Custom errors raised
# by model.py's validators already carry docgen rule ids and pass through unchanged.
_RULE_IDS: dict[str, str] = {
    "missing": "required",
    "extra_forbidden": "unknown-field",
    "json_invalid": "json-syntax",
    "json_type": "json-syntax",
    "model_type": "type-object",
    "model_attributes_type": "type-object",
    "dict_type": "type-object",
    "list_type": "type-array",
    "tuple_type": "type-array",
    "string_type": "type-string",
    "bool_type": "type-boolean",
    "bool_parsing": "type-boolean",
    "int_type": "type-integer",
    "int_parsing": "type-integer",
    "int_from_float": "type-integer",
    "greater_than_equal": "range",
    "less_than_equal": "range",
    "string_too_short": "required",
    "string_too_long": "max-length",
    "too_short": "min-items",
    "too_long": "max-items",
    "enum": "allowed-values",
    "literal_error": "allowed-values",
    "date_from_datetime_parsing": "iso-date",
    "date_parsing": "iso-date",
    "datetime_from_date_parsing": "iso-datetime",
    "datetime_parsing": "iso-datetime",
}


_MESSAGES: dict[str, str] = {
    "type-object": "must be an object",
    "type-array": "must be a list",
    "type-string": "must be a string",
    "type-boolean": "must be true or false",
    "type-integer": "must be a whole number",
    "iso-date": "must be a real calendar date, YYYY-MM-DD",
    "iso-datetime": "must be a real local date and time, YYYY-MM-DDTHH:MM:SS",
}


# Issue 16: a key the input made up is echoed in the problem's path, so one shaped like an
# SSN is masked to its last four (as documents print it) and a long one is cut.
_SSN_IN_KEY = re.compile(r"[0-9]{3}[-. ]?[0-9]{2}[-. ]?([0-9]{4})")
_KEY_SHOWN = 40


def _shown_key(key: str) -> str:
    key = _SSN_IN_KEY.sub(lambda match: f"XXX-XX-{match.group(1)}", key)
    return key if len(key) <= _KEY_SHOWN else key[:_KEY_SHOWN] + "..."


def json_path(loc: tuple[int | str, ...]) -> str:
    """('dependents', 1, 'date_of_birth') -> 'dependents[1].date_of_birth'."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{_shown_key(part)}" if path else _shown_key(part)
    return path or ROOT_PATH


def _problem(error: ErrorDetails, model: type[BaseModel] | None) -> Problem:
    kind = error["type"]
    rule = _RULE_IDS.get(kind, kind.replace("_", "-"))
    message = error["msg"]
    if kind == "string_too_short" and error.get("ctx", {}).get("min_length") == 1:
        message = "must not be empty"
    elif kind == "missing":
        message = "is required"
    elif kind == "extra_forbidden":
        message = _unknown_field_message(model, tuple(error["loc"]))
    elif kind != rule and rule in _MESSAGES:
        message = _MESSAGES[rule]
    elif (should := re.match(r"(Input|String|List|Tuple|Value) should ", message)) is not None:
        # pydantic's "String should have at most 35 characters", "List should have ... after validation, not 15"
        message = "must " + message[should.end() :].replace(" after validation", "")
    return Problem(json_path(tuple(error["loc"])), rule, message)


def _unknown_field_message(model: type[BaseModel] | None, loc: tuple[int | str, ...]) -> str:
    """'is not a field ...; did you mean last_name?' when a field of that object is close."""
    fields = _fields_at(model, loc[:-1]) if model else []
    key = str(loc[-1]) if loc else ""
    # The same words in another order first ("birth_date" is date_of_birth, not first_name), then
    # the closest spelling ("lastname", "firstName").
    words = _words(key)
    same_words = [field for field in fields if _words(field) == words]
    close = same_words or difflib.get_close_matches(key.lower(), fields, n=1, cutoff=0.6)
    if close:
        return f"is not a field of this document; did you mean {close[0]}?"
    return "is not a field of this document; check its spelling"


def _words(name: str) -> frozenset[str]:
    """A field name's words, camelCase and joiners aside: `date_of_birth`, `birthDate` -> {birth, date}."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return frozenset(word for word in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if word and word not in {"of", "the"})


def _fields_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The field names of the object at `loc` inside `model` (empty when it is not a model)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return []
        if isinstance(part, str):
            field = current.model_fields.get(part)
            current = _model_inside(field.annotation) if field else None
    return list(current.model_fields) if current else []


def _model_inside(annotation: Any) -> type[BaseModel] | None:
    """The model class in `Model`, `Model | None` or `tuple[Model, ...]`, else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_inside(arg)
        if found is not None:
            return found
    return None


def problems_from(exc: ValidationError, model: type[BaseModel] | None = None) -> list[Problem]:
    """Every schema problem in a pydantic error, without the offending input values."""
    return [_problem(e, model) for e in exc.errors(include_url=False, include_input=False)]


# --- partial parses for rules ----------------------------------------------------------


@dataclass(frozen=True)
class Parsed(Generic[M]):
    """An input validated into its model, or as much of it as parsed, with its schema problems.

    When `problems` is not empty `value` is a partial model: a required field that failed is
    absent (reading it raises AttributeError) and an optional one holds its default, so only
    rules whose reads are clear of every problem may look at them.
    `value` is None when the input is not even a JSON object.
    """

    value: M | None
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Rule(Generic[T]):
    """A cross-field rule and the field paths it reads (`[*]` for every item of a list)."""

    reads: tuple[str, ...]
    check: Callable[[T], Iterable[Problem]]


def decode_json(data: bytes | str) -> object:
    """JSON text as Python objects; syntax errors and absurd nesting become a problem at the root."""
    try:
        return json.loads(data, parse_constant=_reject_constant)
    except RecursionError:
        # The API answers this with 400 before it parses; the CLI and batch read files.
        raise InputError([Problem(ROOT_PATH, "json-depth", "is nested too deeply to be a docgen input")]) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem(ROOT_PATH, "json-syntax", f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")]
        ) from None
    except ValueError as exc:  # not UTF-8 (UnicodeDecodeError), or NaN/Infinity
        raise InputError([Problem(ROOT_PATH, "json-syntax", f"is not valid JSON: {exc}")]) from None


def _reject_constant(name: str) -> object:
    # NaN and Infinity are not JSON (RFC 8259 section 6); Python's json module accepts them.
    raise ValueError(f"{name} is not a JSON number")


def parse_sections(model: type[M], data: bytes | str | dict[str, Any]) -> Parsed[M]:
    """Validate `data` into `model`; on schema problems, keep every field that parsed on its own."""
    decoded = decode_json(data) if isinstance(data, bytes | str) else data
    try:
        return Parsed(model.model_validate(decoded), ())
    except ValidationError as exc:
        return Parsed(_salvage(model, decoded), tuple(problems_from(exc, model)))


def run_rules(rules: Sequence[Rule[T]], value: T | None, problems: Sequence[Problem]) -> list[Problem]:
    """What every rule finds whose reads did not fail to parse, in the rules' order."""
    if value is None:
        return []
    failed = [_segments(p.path) for p in problems if p.rule not in _HARMLESS_RULES]
    return [
        problem
        for rule in rules
        if not any(_overlaps(_segments(read), path) for read in rule.reads for path in failed)
        for problem in rule.check(value)
    ]


def _segments(path: str) -> tuple[str, ...]:
    """'dependents[1].ssn' -> ('dependents', '1', 'ssn'); the root is ()."""
    return () if path == ROOT_PATH else tuple(re.findall(r"[^.\[\]]+", path))


def _overlaps(read: tuple[str, ...], failed: tuple[str, ...]) -> bool:
    """Whether a read path and a failed path share their common prefix (`*` matches any item)."""
    return all(r in ("*", f) for r, f in zip(read, failed, strict=False))


# --- rebuilding what parsed -------------------------------------------------------------


@cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    field = model.model_fields[name]
    # The field alone, with its constraints and validators (FieldInfo is allowed in Annotated).
    return TypeAdapter(Annotated[field.annotation, field])  # type: ignore[arg-type]


def _salvage(model: type[M], data: object) -> M | None:
    """`model` built from the fields of `data` that validate; failed nested models in part."""
    if not isinstance(data, dict):
        return None
    values: dict[str, Any] = {}
    for name in model.model_fields:
        if name not in data:
            continue  # model_construct fills the default; a missing required field stays absent
        raw = data[name]
        try:
            values[name] = _field_adapter(model, name).validate_python(raw)
        except ValidationError:
            salvaged = _salvage_value(model.model_fields[name].annotation, raw)
            if salvaged is not None:
                values[name] = salvaged
    return model.model_construct(**values)


def _salvage_value(annotation: Any, raw: object) -> object:
    """A failed field's partial value: a nested model in part, or a tuple of models in part."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        for option in get_args(annotation):
            if option is not type(None):
                return _salvage_value(option, raw)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _salvage(annotation, raw)
    args = get_args(annotation)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis and isinstance(raw, list):
        item = args[0]
        if isinstance(item, type) and issubclass(item, BaseModel):
            # An item that is not an object stays a None placeholder, so indexes keep matching
            # the paths; its own problem ('dependents[3]') blocks every rule reading that list.
            return tuple(_salvage(item, element) for element in raw)
    return None


def parse_model(model: type[M], data: bytes | str | dict[str, Any]) -> M:
    """Validate JSON text or a decoded object into `model`, or raise InputError with every problem."""
    parsed = parse_sections(model, data)
    if parsed.problems or parsed.value is None:
        raise InputError(list(parsed.problems))
    return parsed.value
