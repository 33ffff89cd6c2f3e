"""The shape of the code (issue 19): one pipeline from JSON to PDF, and entry points that use only it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "docgen"
PIPELINE = SRC / "documents" / "pipeline.py"
#: The functions that parse an input or render a document: the pipeline's steps.
PIPELINE_STEPS = frozenset(
    {
        "parse_enrollment",
        "parse_checked_enrollment",
        "parse_illustration",
        "parse_model",
        "parse_sections",
        "render_html",
        "html_to_pdf",
        "marked_pdf",
        "marked_html",
    }
)
#: Where each step is defined, and the one module that chains them.
STEP_HOMES = frozenset(
    {
        SRC / "enrollment" / "model.py",
        SRC / "enrollment" / "rules.py",
        SRC / "tax" / "input.py",
        SRC / "parsing.py",
        SRC / "render" / "templating.py",
        SRC / "render" / "engine.py",
        PIPELINE,
    }
)
ENTRY_POINTS = [
    SRC / "cli.py",
    SRC / "golden.py",
    *sorted((SRC / "api").glob("*.py")),
    *sorted((SRC / "batch").glob("*.py")),
]
#: What an entry point must not import: the input models and the render engine sit behind the pipeline.
BEHIND_THE_PIPELINE = ("docgen.enrollment", "docgen.tax", "docgen.render.engine", "docgen.render.templating")


def _called(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else "")
    return names


def _imported(tree: ast.AST) -> set[str]:
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def _tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def test_only_the_pipeline_chains_parsing_and_rendering() -> None:
    callers = {
        f"{path.relative_to(SRC)}: {', '.join(sorted(steps))}"
        for path in SRC.rglob("*.py")
        if path not in STEP_HOMES and (steps := _called(_tree(path)) & PIPELINE_STEPS)
    }
    assert callers == set()


@pytest.mark.parametrize("path", ENTRY_POINTS, ids=lambda path: str(path.relative_to(SRC)))
def test_entry_points_reach_models_and_engine_only_through_the_pipeline(path: Path) -> None:
    reached = {module for module in _imported(_tree(path)) if module.startswith(BEHIND_THE_PIPELINE)}
    assert reached == set()


def test_the_entry_points_that_render_use_the_pipeline() -> None:
    for path in (SRC / "cli.py", SRC / "golden.py", SRC / "api" / "worker.py", SRC / "batch" / "piece.py"):
        assert "docgen.documents.pipeline" in _imported(_tree(path)), path


def test_the_checks_above_find_a_violation(tmp_path: Path) -> None:
    # The two scans are only worth something if they can fail.
    sample = ast.parse("from docgen.render.engine import html_to_pdf\nhtml_to_pdf('<p>')\n")
    assert _called(sample) & PIPELINE_STEPS == {"html_to_pdf"}
    assert any(module.startswith(BEHIND_THE_PIPELINE) for module in _imported(sample))


def test_the_private_weasyprint_api_stays_in_the_pinned_speedups_module() -> None:
    users = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "_find_base_url" in path.read_text(encoding="utf-8") or "_ua_stylesheets" in path.read_text(encoding="utf-8")
    }
    assert users == {"render/speedups.py"}
