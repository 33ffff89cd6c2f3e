"""Every kind is served; a kind's options are its query parameters (the ID card's member/side/sheet/format)."""

from __future__ import annotations

import pytest
from starlette.datastructures import QueryParams

from docgen.api.kinds import parse_options
from docgen.api.openapi import openapi
from docgen.documents import KINDS, get_kind
from docgen.documents.idcard import CardOptions, CardSide
from docgen.documents.kind import PDF_MEDIA_TYPE, PNG_MEDIA_TYPE, NoOptions
from docgen.errors import InputError


def test_every_kind_is_served_for_rendering_and_validation() -> None:
    paths = openapi(KINDS)["paths"]
    assert {path for path in paths if path.startswith("/v1/")} == {
        f"/v1/{action}/{name}" for name in KINDS for action in ("documents", "validate")
    }


def test_a_kind_without_options_refuses_any_parameter() -> None:
    summary = get_kind("summary")
    assert parse_options(summary, QueryParams("")) == NoOptions()
    with pytest.raises(InputError) as caught:
        parse_options(summary, QueryParams("member=01"))
    assert [str(p) for p in caught.value.problems] == ["query.member: is not an option of summary [unknown-option]"]


def test_options_are_cast_and_checked_like_the_body() -> None:
    card = get_kind("id-card")
    parsed = parse_options(card, QueryParams("member=01&side=back&sheet=true"))
    assert parsed == CardOptions(member="01", side=CardSide.BACK, sheet=True)
    assert parse_options(card, QueryParams("")) == CardOptions()
    with pytest.raises(InputError) as caught:
        parse_options(card, QueryParams("side=left&sheet=maybe&member=1"))
    assert sorted((p.path, p.rule) for p in caught.value.problems) == [
        ("query.member", "string-pattern-mismatch"),
        ("query.sheet", "type-boolean"),
        ("query.side", "allowed-values"),
    ]


def test_a_repeated_parameter_is_a_problem() -> None:
    with pytest.raises(InputError) as caught:
        parse_options(get_kind("id-card"), QueryParams("side=front&side=back"))
    assert [(p.path, p.rule) for p in caught.value.problems] == [("query.side", "query-repeated")]


def test_a_kinds_options_and_media_types_are_its_openapi_parameters_and_responses() -> None:
    document = openapi(KINDS)
    operation = document["paths"]["/v1/documents/id-card"]["post"]
    assert [(p["name"], p["in"], p["required"]) for p in operation["parameters"]] == [
        ("member", "query", False),
        ("side", "query", False),
        ("sheet", "query", False),
        ("format", "query", False),
    ]
    assert operation["parameters"][1]["schema"] == {"$ref": "#/components/schemas/CardSide", "default": "front"}
    assert document["components"]["schemas"]["CardSide"]["enum"] == ["front", "back"]
    assert set(operation["responses"]["200"]["content"]) == {PDF_MEDIA_TYPE, PNG_MEDIA_TYPE}
    assert document["paths"]["/v1/documents/confirmation"]["post"]["parameters"] == []
    assert set(document["paths"]["/v1/documents/confirmation"]["post"]["responses"]["200"]["content"]) == {
        PDF_MEDIA_TYPE
    }
