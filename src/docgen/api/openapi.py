"""/openapi.json, generated from the same pydantic models the validator enforces."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from docgen import __version__
from docgen.api.errors import ANSWERS
from docgen.documents.pipeline import Kind

_REF = "#/components/schemas/{model}"

_ERROR = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "request_id"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "request_id": {"type": "string"},
            },
        }
    },
}
_PROBLEM = {
    "type": "object",
    "required": ["path", "rule", "message"],
    "additionalProperties": False,
    "properties": {"path": {"type": "string"}, "rule": {"type": "string"}, "message": {"type": "string"}},
}
_PROBLEMS = {
    "type": "object",
    "required": ["errors"],
    "additionalProperties": False,
    "properties": {"errors": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}}},
}
_VALID = {
    "type": "object",
    "required": ["errors"],
    "additionalProperties": False,
    "properties": {"errors": {"type": "array", "maxItems": 0}},
}
_HEALTH = {
    "type": "object",
    "required": ["status"],
    "properties": {
        "status": {"type": "string"},
        "workers": {"type": "integer"},
        "workers_ready": {"type": "integer"},
    },
}

_REQUEST_ID = {"X-Request-ID": {"description": "The request's id, also in error bodies", "schema": {"type": "string"}}}


def error_responses(route: str) -> dict[str, Any]:
    """The error responses of a route, from the API's one table of answers (api/errors.py ANSWERS):
    each status with every family's description, its headers and its body's schema."""
    responses: dict[str, Any] = {}
    for answer in ANSWERS.values():
        if route not in answer.routes or answer.status is None:
            continue
        response = responses.setdefault(
            str(answer.status),
            {
                "description": [],
                "headers": dict(_REQUEST_ID),
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{answer.schema}"}}},
            },
        )
        response["description"].append(answer.description)
        response["headers"].update({name: {"schema": {"type": kind}} for name, kind in answer.headers.items()})
    for response in responses.values():
        response["description"] = "; or ".join(response["description"])
    return dict(sorted(responses.items()))


def _parameters(options: type[BaseModel], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    """A kind's options model as query parameters; the types they name go into `schemas`."""
    schema = options.model_json_schema(ref_template=_REF)
    schemas.update(schema.get("$defs", {}))
    required = set(schema.get("required", ()))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema.get("properties", {}).items()
    ]


def _kind_operation(
    action: str, summary: str, ok: dict[str, Any], kind: Kind, body_ref: str, schemas: dict[str, Any]
) -> dict[str, Any]:
    """A POST route of a kind: its options as query parameters, its input shape as the body."""
    return {
        "operationId": f"{action}_{kind.name.replace('-', '_')}",
        "summary": summary,
        "parameters": _parameters(kind.options, schemas),
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": body_ref}}}},
        "responses": {"200": ok, **error_responses("documents")},
    }


def _document_operation(kind: Kind, body_ref: str, schemas: dict[str, Any]) -> dict[str, Any]:
    media = {media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in kind.media_types}
    headers = {
        **_REQUEST_ID,
        "ETag": {
            "description": "Quoted SHA-256 of the body; the same input gives the same bytes",
            "schema": {"type": "string"},
        },
        "Content-Disposition": {"schema": {"type": "string"}},
        "Cache-Control": {"schema": {"type": "string", "enum": ["no-store"]}},
    }
    ok = {"description": "The document", "headers": headers, "content": media}
    return _kind_operation("render", f"Render {kind.description}", ok, kind, body_ref, schemas)


def _validate_operation(kind: Kind, body_ref: str, schemas: dict[str, Any]) -> dict[str, Any]:
    summary = f"Check an input for {kind.name} against the schema and every rule; renders nothing"
    ok = {"description": "Valid", "headers": _REQUEST_ID, "content": {"application/json": {"schema": _VALID}}}
    return _kind_operation("validate", summary, ok, kind, body_ref, schemas)


def _open(
    summary: str, schema: dict[str, Any], media_type: str = "application/json", not_ready: bool = False
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": summary, "headers": _REQUEST_ID, "content": {media_type: {"schema": schema}}}
    }
    if not_ready:
        responses["503"] = {
            "description": "No render worker is ready",
            "headers": _REQUEST_ID,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    return {"get": {"summary": summary, "security": [], "responses": responses}}


def openapi(kinds: Mapping[str, Kind]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route; body schemas come from the input models."""
    models = sorted({kind.shape.model for kind in kinds.values()}, key=lambda m: m.__name__)
    refs, definitions = models_json_schema([(model, "validation") for model in models], ref_template=_REF)
    schemas: dict[str, Any] = {
        **definitions.get("$defs", {}),
        "Error": _ERROR,
        "Problem": _PROBLEM,
        "Problems": _PROBLEMS,
    }
    paths: dict[str, Any] = {}
    for name, kind in kinds.items():
        body_ref = refs[(kind.shape.model, "validation")]["$ref"]
        paths[f"/v1/documents/{name}"] = {"post": _document_operation(kind, body_ref, schemas)}
        paths[f"/v1/validate/{name}"] = {"post": _validate_operation(kind, body_ref, schemas)}
    paths["/healthz"] = _open("Alive", _HEALTH)
    paths["/readyz"] = _open("A render worker is ready", _HEALTH, not_ready=True)
    paths["/openapi.json"] = _open("This document", {"type": "object"})
    paths["/metrics"] = {
        "get": {
            "summary": "Prometheus metrics (needs the metrics:read scope)",
            "responses": {
                "200": {
                    "description": "Prometheus text format",
                    "headers": _REQUEST_ID,
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                },
                **error_responses("metrics"),
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "docgen", "version": __version__, "description": "Documents for health-benefit plans"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"apiKey": []}],
    }
