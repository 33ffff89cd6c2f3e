"""Every example x kind against its reviewed golden: words and positions exact, pixels within tolerance."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen import golden
from tests.render.test_tagging import pdfua_reports

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


def test_every_golden_pdf_passes_pdfua_check() -> None:
    # Issue 21: `pdfua check` (the machine-checkable part of PDF/UA-1) finds nothing in any golden,
    # run as anyone runs it; the goldens are what make run writes (test_render_matches_golden).
    paths = [case.pdf_path for case in CASES]
    reports = list(pdfua_reports(paths))
    assert sorted(str(report["file"]) for report in reports) == sorted(map(str, paths))
    findings = {
        str(report["file"]): report["findings"]
        for report in reports
        if report["findings"] or report["summary"] != report["summary"] | {"errors": 0, "warnings": 0}
    }
    assert findings == {}
