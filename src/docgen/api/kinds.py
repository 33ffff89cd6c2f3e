"""How the API serves each document kind: every kind in `docgen.documents.KINDS`, its options as query parameters.

A kind's options model (the ID card's `member`, `side`, `sheet`, `format`) becomes its query
parameters, validated like the body, and its declared media types the response types: the same
declarations the CLI's flags use, so both render the same bytes.
"""

from __future__ import annotations

from pydantic import BaseModel
from starlette.datastructures import QueryParams

from docgen.documents.pipeline import Kind
from docgen.errors import InputError, Problem


def parse_options(kind: Kind, query: QueryParams) -> BaseModel:
    """Validate a query string into a kind's options; problems are `query.NAME` paths."""
    problems = [
        Problem(f"query.{name}", "query-repeated", "must be given once")
        for name in dict.fromkeys(query.keys())
        if len(query.getlist(name)) > 1
    ]
    if problems:
        raise InputError(problems)
    try:
        return kind.parse_options(dict(query.items()))
    except InputError as exc:
        raise InputError([Problem(f"query.{p.path}", p.rule, p.message) for p in exc.problems]) from None
