"""Every kind is served; per-kind query options plug in (the ID card's member/side/sheet/format)."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest
from pydantic import Field
from starlette.datastructures import QueryParams

from docgen.api.kinds import (
    ENDPOINTS,
    PDF,
    PNG,
    SHAPES,
    Adapter,
    NoOptions,
    Output,
    parse_options,
    served_kinds,
    validate_only,
)
from docgen.api.openapi import openapi
from docgen.documents import KINDS
from docgen.enrollment.model import Frozen
from docgen.errors import InputError


def test_every_kind_is_served() -> None:
    # A kind whose input shape has no entry in api/kinds.py SHAPES would be missing here.
    assert set(ENDPOINTS) == set(KINDS)
    assert {kind.shape for kind in KINDS.values()} <= SHAPES.keys()


def test_no_options_refuses_any_parameter() -> None:
    assert parse_options(NoOptions, QueryParams("")) == NoOptions()
    with pytest.raises(InputError) as caught:
        parse_options(NoOptions, QueryParams("member=01"))
    assert [str(p) for p in caught.value.problems] == [
        "query.member: is not a field of this document; check its spelling [unknown-field]"
    ]


class Side(str, Enum):
    FRONT = "front"
    BACK = "back"


class CardOptions(Frozen):
    """Shaped like the ID card's options (issue 4): what a kind with query parameters declares."""

    member: str = Field("00", pattern=r"^\d{2}$")
    side: Side = Side.FRONT
    sheet: bool = False


def test_options_are_cast_and_checked_like_the_body() -> None:
    parsed = parse_options(CardOptions, QueryParams("member=01&side=back&sheet=true"))
    assert parsed == CardOptions(member="01", side=Side.BACK, sheet=True)
    assert parse_options(CardOptions, QueryParams("")) == CardOptions()
    with pytest.raises(InputError) as caught:
        parse_options(CardOptions, QueryParams("side=left&sheet=maybe&member=1"))
    assert sorted((p.path, p.rule) for p in caught.value.problems) == [
        ("query.member", "string-pattern-mismatch"),
        ("query.sheet", "type-boolean"),
        ("query.side", "allowed-values"),
    ]


def test_a_repeated_parameter_is_a_problem() -> None:
    with pytest.raises(InputError) as caught:
        parse_options(CardOptions, QueryParams("side=front&side=back"))
    assert [(p.path, p.rule) for p in caught.value.problems] == [("query.side", "query-repeated")]


def _render_card(kind: str, body: bytes, options: CardOptions) -> Output:
    return Output(b"", PNG, f"{kind}-{options.member}-{options.side.value}.png")


def test_an_adapter_puts_its_parameters_and_media_types_in_openapi() -> None:
    adapters: dict[str, Adapter[Any]] = {"summary": Adapter(CardOptions, (PDF, PNG), _render_card, validate_only)}
    document = openapi(served_kinds(adapters=adapters))
    operation = document["paths"]["/v1/documents/summary"]["post"]
    assert [(p["name"], p["in"], p["required"]) for p in operation["parameters"]] == [
        ("member", "query", False), ("side", "query", False), ("sheet", "query", False),
    ]
    assert operation["parameters"][1]["schema"] == {"$ref": "#/components/schemas/Side", "default": "front"}
    assert document["components"]["schemas"]["Side"]["enum"] == ["front", "back"]
    assert set(operation["responses"]["200"]["content"]) == {PDF, PNG}
    assert document["paths"]["/v1/documents/confirmation"]["post"]["parameters"] == []
