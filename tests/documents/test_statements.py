"""Enrollment Summary and Confirmation Statement as a reader sees them: text, order, pages, layout."""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from docgen.documents import render_document
from docgen.errors import InputError
from tests.conftest import (
    ENROLLMENT_EXAMPLES,
    EXAMPLES,
    JANE,
    assert_nothing_clipped_or_overlapping,
    pdf_text,
)


@cache
def rendered(kind: str, example: Path = JANE) -> bytes:
    return render_document(kind, example.read_bytes())


def top_of(pdf: bytes, phrase: str) -> tuple[int, float]:
    """(page, top) of the first line containing `phrase`."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            for line in page.extract_text_lines():
                if phrase in line["text"]:
                    return number, line["top"]
    raise AssertionError(f"{phrase!r} not found")


def test_confirmation_shows_the_seed_values() -> None:
    text = "\n".join(pdf_text(rendered("confirmation")))
    for expected in (
        "Enrollment Confirmation Statement",
        "Group ID 0010675",
        "Division ID 0002",
        "Enrollment Type EOPN",
        "Enrollment Number 001067577990161832220160415140752",
        "Electronic Submission 04/15/2016 2:07 pm",
        "Confirmation Number 0000020131",
        "Participant JANE EXAMPLE",
        "Participant ID 779901618322",
        "PO BOX 100",
        "KALISPELL, MT 59901",
        "Date of Birth 03/30/1954",
        "Gender Female",
        "Marital Status MARRIED",
        "XXX-XX-9988 EXAMPLE STEPHEN M 07/03/1952 Spouse N N",
        "XXX-XX-1234 EXAMPLE JENNIFER F 08/11/1994 Child N N",
        "Medical Plan MEDICAL Enrollment Level FULL FAMILY Effective Date 07/01/2016",
        "STEPHEN EXAMPLE XXX-XX-9988 Spouse",
        "Medical Spending MEDICAL SPENDING PARTICIPANT 50.00 0.00 0.00 1,300.00",
        "100.00 0.00 0.00 2,600.00",
        "TOTALS 150.00 0.00 0.00 3,900.00",
        "IRS Section 125",
        "800-877-1122",
    ):
        assert expected in text, expected


def test_no_full_ssn_anywhere() -> None:
    for kind in ("summary", "confirmation"):
        pdf = rendered(kind)
        text = "\n".join(pdf_text(pdf))
        for ssn in ("889-88-9988", "889889988", "998-77-1234", "998771234"):
            assert ssn not in text
            assert ssn.encode() not in pdf
        assert "XXX-XX-9988" in text and "XXX-XX-1234" in text


def test_header_numbers_come_before_personal_information() -> None:
    pdf = rendered("confirmation")
    personal = top_of(pdf, "PERSONAL INFORMATION")
    assert top_of(pdf, "Enrollment Number 0010675") < personal
    assert top_of(pdf, "Confirmation Number 0000020131") < personal


def test_summary_has_no_confirmation_number() -> None:
    text = "\n".join(pdf_text(rendered("summary")))
    assert "Enrollment Summary" in text
    assert "Confirmation Number" not in text and "0000020131" not in text
    assert "Electronic Submission 04/15/2016 2:07 pm" in text
    assert "not a confirmation" in text


def test_every_page_names_the_participant_and_counts_pages() -> None:
    pages = pdf_text(rendered("confirmation"))
    for number, text in enumerate(pages, start=1):
        assert "JANE EXAMPLE · Participant ID 779901618322" in text
        assert f"Page {number} of {len(pages)}" in text


def test_confirmation_requires_a_confirmation_number(jane: dict[str, Any]) -> None:
    del jane["enrollment"]["confirmation_number"]
    assert render_document("summary", json.dumps(jane)).startswith(b"%PDF")
    with pytest.raises(InputError) as caught:
        render_document("confirmation", json.dumps(jane))
    assert [(p.path, p.rule) for p in caught.value.problems] == [
        ("enrollment.confirmation_number", "confirmation-number-required")
    ]


def test_declined_benefits_say_declined(jane: dict[str, Any]) -> None:
    jane["elections"]["vision"] = {"elected": False}
    jane["elections"]["day_care_spending_account"] = {"elected": False}
    text = "\n".join(pdf_text(render_document("confirmation", json.dumps(jane))))
    assert "Vision DECLINED" in text
    assert "Day Care Spending Declined" in text
    assert "TOTALS 50.00 0.00 0.00 1,300.00" in text


def test_customer_service_hours_only_when_given(jane: dict[str, Any]) -> None:
    assert "hours" not in "\n".join(pdf_text(rendered("confirmation"))).lower()
    jane["administrator"]["customer_service_hours"] = "Monday - Friday 6:00 am - 6:00 pm MST"
    text = "\n".join(pdf_text(render_document("confirmation", json.dumps(jane))))
    assert "Customer service hours: Monday - Friday 6:00 am - 6:00 pm MST" in text


def test_prorated_annual_total_is_explained() -> None:
    text = "\n".join(pdf_text(rendered("confirmation", EXAMPLES / "participant-only.json")))
    # Effective 09/01/2016: 303 of 365 days left, 26 x 303 / 365 = 21.6 -> 21 periods.
    assert "21 pay periods remaining in the plan year · 40.00 × 21 = 840.00" in text


LARGE = EXAMPLES / "large-family.json"


def test_twelve_dependents_all_listed_with_repeated_table_header() -> None:
    pdf = rendered("confirmation", LARGE)
    pages = pdf_text(pdf)
    text = "\n".join(pages)
    family = json.loads(LARGE.read_bytes())["dependents"]
    assert len(family) == 12
    for dependent in family:
        assert f"XXX-XX-{dependent['ssn'][-4:]}" in text
        assert dependent["first_name"] in text
    # The dependents table crosses from page 1 to page 2 and repeats its header there.
    assert all("Handicapped?" in page for page in pages[:2])
    assert "Dependents covered under this plan" in pages[1]


@pytest.mark.parametrize("example", ENROLLMENT_EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("kind", ["summary", "confirmation"])
def test_nothing_clipped_or_overlapping(kind: str, example: Path) -> None:
    pdf = rendered(kind, example)
    assert_nothing_clipped_or_overlapping(pdf)


@pytest.mark.parametrize("kind", ["confirmation", "health-fsa-claim"])
def test_a_long_name_in_the_running_header_stays_above_its_rule(jane: dict[str, Any], kind: str) -> None:
    # Issue 17: a floated name that wrapped ran its second line through the header's rule.
    jane["participant"].update(
        first_name="MAXIMILIANA ESPERANZA", middle_name="GUADALUPE", last_name="DELACROIX-WHITFIELD-MONTGOMERY"
    )
    jane["administrator"]["name"] = "Rocky Mountain Regional Benefit Plan Administrators of Mont"
    with pdfplumber.open(io.BytesIO(render_document(kind, json.dumps(jane)))) as document:
        for page in document.pages:
            header = min((rect for rect in page.rects if rect["top"] < page.height / 8), key=lambda r: r["top"])
            words = [w for w in page.extract_words() if w["top"] < header["bottom"]]
            assert any(w["text"] == "DELACROIX-WHITFIELD-MONTGOMERY" for w in words)
            assert max(w["bottom"] for w in words) <= header["bottom"] - 1, page.page_number
