"""Every example x kind against its reviewed golden: words and positions exact, pixels within tolerance."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen import golden

FAILURES = Path(__file__).parent / "failures"
CASES = list(golden.cases())


def test_every_example_has_goldens() -> None:
    assert len(CASES) >= 2
    assert [case.id for case in CASES if not case.pdf_path.exists()] == []


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_render_matches_golden(case: golden.GoldenCase) -> None:
    mismatches = golden.compare(case, FAILURES)
    assert mismatches == [], "\n".join(mismatches)


def test_a_changed_document_is_caught_and_a_diff_written(tmp_path: Path) -> None:
    # The same example stem with one field changed must fail against the real golden.
    case = next(case for case in CASES if case.id == "jane-example/confirmation")
    changed = tmp_path / "jane-example.json"
    changed.write_text(case.example.read_text().replace('"JANE"', '"JANINE"'))
    mismatches = golden.compare(golden.GoldenCase(changed, case.kind, case.variant), tmp_path / "diff")
    assert any("words or positions differ" in m for m in mismatches)
    assert any("of pixels differ" in m for m in mismatches)
    assert (tmp_path / "diff" / "jane-example" / "confirmation-page1-diff.png").is_file()
