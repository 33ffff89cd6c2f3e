"""Any input the schema or a slip of the portal can produce: a document (exit 0) or problems by path (exit 2).

Issue 16: inputs the schema accepted crashed the CLI with a traceback (exit 1). Inputs come from
the very JSON schema `/openapi.json` publishes (schemathesis's public strategies) and from
mutations of the examples; the budget is fixed and the search derandomized under CI.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgen.api.openapi import openapi
from docgen.cli import main
from docgen.documents import KINDS, kinds_for
from docgen.documents.shapes import ENROLLMENT, ILLUSTRATION, AnyShape, Shape
from tests.conftest import ENROLLMENT_EXAMPLES, ILLUSTRATION_EXAMPLES

pytestmark = pytest.mark.slow

#: Mutated examples per shape, of which at least MIN_RENDERED must render; schema-made inputs per kind.
MUTATIONS = 200
MIN_RENDERED = 50
FROM_SCHEMA = 60
PROBLEM_LINE = re.compile(r"^\S.*: .+ \[[a-z0-9-]+\]$")
SETTINGS = settings(
    max_examples=MUTATIONS,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    database=None,
    suppress_health_check=list(HealthCheck),
)


def render_cli(kind: str, body: Any) -> bool:
    """Render `body` with the CLI; True for a document, False for problems; fails on anything else."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "input.json", Path(folder) / "out.pdf"
        source.write_text(json.dumps(body), encoding="utf-8")
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            status = main(["render", kind, str(source), "-o", str(target)])
        lines = stderr.getvalue().splitlines()
        if status == 0:
            assert target.read_bytes().startswith(b"%PDF-")
            return True
        assert status == 2, stderr.getvalue()
        assert lines and all(PROBLEM_LINE.match(line) for line in lines), stderr.getvalue()
        assert not target.exists() and sorted(p.name for p in Path(folder).iterdir()) == ["input.json"]
        return False


# --- mutations of the examples ------------------------------------------------------------

# Values a portal bug or a member's typing could put anywhere.
_ODD_VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "A" * 200,
            "0",
            "-1.00",
            "1e3",
            "5_0.00",
            "５０.００",
            "2016-02-30",
            "9999-12-31",
            "0001-01-01",
            "2016-07-01",
            "٢٠١٦-٠٧-٠١",
            "\x1b[2J",
            "889-88-9988",
            "Active",
            "Terminated",
            "F",
            "01",
            "99",
            "medical_spending_account",
            "李 小龍",
            "محمد",
            "Юрий",
            "O'Brien-Smythe",
        ]
    ),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=2),
    st.just({}),
)
# What a member plausibly types in a text field: Latin letters with accents, digits, punctuation.
_PLAUSIBLE_TEXT = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x17F, exclude_categories=["Cc", "Cs"]), min_size=1, max_size=40
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if prefix:
        yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated(draw: st.DrawFn, examples: list[Path]) -> dict[str, Any]:
    data = json.loads(draw(st.sampled_from(examples)).read_text())
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(list(_paths(data))))
        parent, key = _parent(data, path), path[-1]
        action = draw(st.sampled_from(["text", "text", "text", "odd", "delete", "add", "copy"]))
        if action == "text" and isinstance(parent[key], str):
            parent[key] = draw(_PLAUSIBLE_TEXT)
        elif action == "odd":
            parent[key] = draw(_ODD_VALUES)
        elif action == "delete":
            del parent[key]
        elif action == "add" and isinstance(parent[key], dict):
            parent[key][draw(st.sampled_from(["nickname", "lastname", "889889988", "x" * 80]))] = draw(_ODD_VALUES)
        elif action == "copy" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    return data


def _kind_names(shape: AnyShape) -> list[str]:
    return [kind.name for kind in kinds_for(shape)]


@pytest.mark.parametrize(
    ("shape", "examples"),
    [(ENROLLMENT, ENROLLMENT_EXAMPLES), (ILLUSTRATION, ILLUSTRATION_EXAMPLES)],
    ids=lambda value: value.name if isinstance(value, Shape) else "",
)
def test_mutated_examples_render_or_exit_2_with_paths(shape: AnyShape, examples: list[Path]) -> None:
    rendered: list[bool] = []

    @SETTINGS
    @given(data=mutated(examples), kind=st.sampled_from(_kind_names(shape)))
    def check(data: dict[str, Any], kind: str) -> None:
        rendered.append(render_cli(kind, data))

    check()
    print(f"{shape.name}: {sum(rendered)} of {len(rendered)} rendered")
    assert sum(rendered) >= MIN_RENDERED, f"{sum(rendered)} of {len(rendered)} rendered"
    assert not all(rendered)  # the mutations did break some inputs


# --- inputs generated from the published schema -----------------------------------------


def _schema_bodies(kind: str) -> st.SearchStrategy[Any]:
    schema = schemathesis.openapi.from_dict(openapi(KINDS))
    return schema[f"/v1/validate/{kind}"]["POST"].as_strategy().map(lambda case: case.body)


@pytest.mark.parametrize("kind", ["confirmation", "id-card", "health-fsa-claim", "tax-savings"])
def test_inputs_from_the_json_schema_render_or_exit_2_with_paths(kind: str) -> None:
    outcomes: list[bool] = []

    @settings(SETTINGS, max_examples=FROM_SCHEMA)
    @given(body=_schema_bodies(kind))
    def check(body: Any) -> None:
        outcomes.append(render_cli(kind, body))

    check()
    assert len(outcomes) >= FROM_SCHEMA // 2
