"""Enrollment Summary and Confirmation Statement as a reader sees them: text, order, pages, layout."""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from docgen.documents import pipeline
from docgen.documents.pipeline import render_document
from docgen.errors import InputError
from docgen.language import SUPPORTED, language_for
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
        "XXX-XX-9988 EXAMPLE STEPHEN M 07/03/1952 Spouse N N Active",
        "XXX-XX-1234 EXAMPLE JENNIFER F 08/11/1994 Child N N Active",
        "Medical Plan MEDICAL Enrollment Level FULL FAMILY Effective Date 07/01/2016",
        "STEPHEN EXAMPLE XXX-XX-9988 Spouse",
        "Medical Spending Account MEDICAL SPENDING PARTICIPANT 50.00 0.00 0.00 1,300.00",
        "Day Care Spending Account DAY CARE SPENDING PARTICIPANT 100.00 0.00 0.00 2,600.00",
        "TOTALS PER PAY 150.00 0.00 0.00",
        "Flexible Reimbursement Accounts 150.00",
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
    assert "Day Care Spending Account Declined" in text
    assert "TOTALS PER PAY 50.00 0.00 0.00" in text


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
    # Every page that lists dependents heads the table (a table crossing a page repeats its header).
    listing = [page for page in pages if any(dependent["first_name"] + " " in page for dependent in family)]
    assert listing and all("Disabled?" in page for page in listing if "Birthdate" in page or "SSN Last" in page)
    assert all("SSN Last First Middle Sex" in page for page in pages if "XXX-XX-6137 OKONKWO" in page)
    assert "Dependents covered under this plan" in pages[1]


@pytest.mark.parametrize("example", ENROLLMENT_EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("kind", ["summary", "confirmation"])
def test_nothing_clipped_or_overlapping(kind: str, example: Path) -> None:
    pdf = rendered(kind, example)
    assert_nothing_clipped_or_overlapping(pdf)


@pytest.mark.parametrize("kind", ["summary", "confirmation"])
@pytest.mark.parametrize("last_name", ["M" * 60, "MÜLLER-" + "M" * 53])
def test_the_longest_one_word_names_wrap_inside_their_column(jane: dict[str, Any], kind: str, last_name: str) -> None:
    # A name may be one word as long as the schema allows, in a script with no break opportunity
    # inside it: the Personal Information value broke over "Participant ID" beside it. After a
    # hyphen a line may break: the running header then took a third line, above the printable area.
    jane["participant"].update(first_name="W" * 35, middle_name="W" * 25, last_name=last_name)
    jane["dependents"][0].update(first_name="Ꮝ" * 35, last_name="ܐ" * 60)
    assert_nothing_clipped_or_overlapping(render_document(kind, json.dumps(jane)))


def test_a_word_short_enough_to_fit_keeps_whole_and_a_longer_one_breaks(jane: dict[str, Any]) -> None:
    # Only values with a word over 12 characters may break inside it (render.templating.breakable):
    # twelve of the widest letters still fit the narrowest value column whole.
    jane["participant"].update(first_name="W" * 12, middle_name="W", last_name="W" * 12)
    pdf = render_document("confirmation", json.dumps(jane))
    assert_nothing_clipped_or_overlapping(pdf)
    assert "W" * 12 in "\n".join(pdf_text(pdf))
    html = pipeline.document_html(pipeline.prepare("confirmation", json.dumps(jane).encode(), None))
    assert '<td class="strong">WWWWWWWWWWWW W WWWWWWWWWWWW</td>' in html
    jane["participant"]["last_name"] = "W" * 13
    html = pipeline.document_html(pipeline.prepare("confirmation", json.dumps(jane).encode(), None))
    assert '<td class="strong breakable">WWWWWWWWWWWW W WWWWWWWWWWWWW</td>' in html


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


@pytest.mark.parametrize("kind", ["confirmation", "health-fsa-claim"])
def test_the_longest_names_keep_the_running_header_to_two_lines(jane: dict[str, Any], kind: str) -> None:
    # A third line prints above the printable area (statements.header_name); the claim forms'
    # header took four with these names (step 1 and Personal Information print them whole).
    jane["participant"].update(first_name="W" * 35, middle_name="W" * 25, last_name="MÜLLER-" + "M" * 53)
    pdf = render_document(kind, json.dumps(jane))
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            # The header's rule spans the text width (a claim page's QR code is a narrower square beside it).
            rules = [rect for rect in page.rects if rect["top"] < page.height / 8 and rect["width"] > page.width / 2]
            header = min(rules, key=lambda rect: rect["top"])
            words = [w for w in page.extract_words() if w["top"] < header["bottom"]]
            assert any(w["text"].startswith("MÜLLER-") for w in words), page.page_number
            assert any(w["text"] == "779901618322" for w in words), page.page_number
            assert len({round(w["top"]) for w in words}) <= 2, (page.page_number, [w["text"] for w in words])


def test_the_totals_add_no_annual_figure_across_separate_accounts() -> None:
    # Issue 18: the health FSA and the dependent-care FSA have separate limits; 1,300.00 +
    # 2,600.00 is nobody's balance. Per pay, both come out of the same paycheck.
    text = "\n".join(pdf_text(rendered("confirmation")))
    assert "3,900.00" not in text
    assert "TOTALS PER PAY 150.00 0.00 0.00\n" in text


def test_all_health_benefits_declined_says_so(jane: dict[str, Any]) -> None:
    # Issue 18: "See your enrollment materials for premium costs" for a member who pays none.
    for coverage in ("medical", "dental", "vision"):
        jane["elections"][coverage] = {"elected": False}
    text = "\n".join(pdf_text(render_document("confirmation", json.dumps(jane))))
    assert "Medical DECLINED Dental DECLINED Vision DECLINED" in text
    assert "premium costs" not in text
    assert "Health Benefits None: all declined" in text


def test_a_terminated_dependent_shows_its_status_and_date(jane: dict[str, Any]) -> None:
    jane["dependents"][1].update(status="Terminated", termination_date="2016-03-31")
    for coverage in ("medical", "dental", "vision"):
        jane["elections"][coverage]["covered_dependents"] = ["01"]
        jane["elections"][coverage]["level"] = "EMPLOYEE + SPOUSE"
    text = "\n".join(pdf_text(render_document("confirmation", json.dumps(jane))))
    assert "XXX-XX-1234 EXAMPLE JENNIFER F 08/11/1994 Child N N Terminated 03/31/2016" in text
    assert "XXX-XX-9988 EXAMPLE STEPHEN M 07/03/1952 Spouse N N Active" in text


def test_a_termination_date_needs_a_terminated_dependent(jane: dict[str, Any]) -> None:
    jane["dependents"][0]["termination_date"] = "2016-03-31"
    with pytest.raises(InputError) as caught:
        render_document("confirmation", json.dumps(jane))
    assert [(p.path, p.rule) for p in caught.value.problems] == [
        ("dependents[0].termination_date", "termination-date-terminated")
    ]


def test_hyphenated_surnames_keep_their_line() -> None:
    # Issue 18: fixed column shares broke OKONKWO-VANDERBILT after its hyphen while the Sex and
    # Student? columns stood half empty; fitted columns give it the room the others do not use.
    pages = pdf_text(rendered("confirmation", LARGE))
    rows = [line for line in pages[0].splitlines() if line.startswith("XXX-XX-")]
    assert len(rows) == 12
    assert all(" OKONKWO-VANDERBILT " in row and row.endswith(" Active") for row in rows)


def _closing_openings() -> tuple[str, ...]:
    """Text that opens each closing block (the per-pay totals, the notice, the acknowledgement, the
    contacts), in each language docgen writes: its first words, which fit any line."""
    openings = []
    for tag in SUPPORTED.values():
        _ = language_for(tag).gettext
        openings += [
            _("Totals: Per Pay Employee Contribution")[:20],
            _("Your enrollment was submitted successfully to your employer.")[:20],
            _("This summary is for your review; it is not a confirmation.")[:20],
            _("Section 125 Acknowledgement").upper()[:20],
            _("Questions?").upper(),
        ]
    return tuple(openings)


CLOSING_OPENINGS = _closing_openings()


def body_lines(page_text: str) -> list[str]:
    """A page's lines less the running header (first line) and footer (last line)."""
    return page_text.splitlines()[1:-1]


@pytest.mark.parametrize("example", ENROLLMENT_EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("kind", ["summary", "confirmation"])
def test_no_page_holds_only_closing_blocks(kind: str, example: Path) -> None:
    # Issue 17: the closing blocks come last, so a page that opens with one holds nothing else.
    pages = pdf_text(rendered(kind, example))
    for number, page in enumerate(pages[1:], start=2):
        assert not body_lines(page)[0].startswith(CLOSING_OPENINGS), (example.stem, number)


@pytest.mark.parametrize("tag", SUPPORTED.values())
@pytest.mark.parametrize("example", ["participant-only", "card-features"])
@pytest.mark.parametrize("kind", ["summary", "confirmation"])
def test_a_single_member_statement_is_one_page(kind: str, example: str, tag: str) -> None:
    # Issue 17: a member with no dependents read a page three-quarters blank after page 1; issue
    # 22: the same in Spanish, whose text runs ~25% longer.
    data = json.loads((EXAMPLES / f"{example}.json").read_text())
    data["participant"]["language"] = tag
    pages = pdf_text(render_document(kind, json.dumps(data)))
    _ = language_for(tag).gettext
    # Issue 23: the notice of language assistance may take a page of its own, whole, at the end.
    assert len(pages) <= 2
    assert _("Questions?").upper() in pages[0]
    assert _("Page %(page)s of %(pages)s") % {"page": 1, "pages": len(pages)} in pages[0]
    assert pages[-1].count(_("Free language assistance").upper()) == 1
    if len(pages) == 2:
        assert body_lines(pages[1])[0] == _("Free language assistance").upper()


def test_a_member_who_declines_everything_gets_one_page_saying_so() -> None:
    pages = pdf_text(rendered("confirmation", EXAMPLES / "all-declined.json"))
    # One page, and the notice of language assistance whole on a page of its own (issue 23).
    assert len(pages) == 2 and body_lines(pages[1])[0] == "FREE LANGUAGE ASSISTANCE"
    text = pages[0]
    assert "Medical DECLINED Dental DECLINED Vision DECLINED" in text
    assert "Medical Spending Account DECLINED Day Care Spending Account DECLINED" in text
    assert "TOTALS PER PAY" not in text and "premium costs" not in text
    # The status wraps between its words when the row is full, never inside one.
    assert "XXX-XX-5567 LIND MARCUS M 11/23/1979 Spouse N N Terminated" in text and "03/31/2016" in text


@pytest.mark.parametrize("example", ENROLLMENT_EXAMPLES, ids=lambda p: p.stem)
def test_no_mailed_sheet_holds_only_closing_blocks(example: Path) -> None:
    # Issue 17: in the mailroom each such page is a sheet of paper and a heavier envelope.
    from docgen.batch.piece import PieceTask, render_piece  # noqa: PLC0415

    piece = render_piece(PieceTask("00000000abcd", 1, "confirmation", example.read_text(), None))
    assert piece.pdf, piece.problems
    for number, page in enumerate(pdf_text(piece.pdf)[1:], start=2):
        lines = body_lines(page)
        assert not lines or not lines[0].startswith(CLOSING_OPENINGS), (example.stem, number, lines[:2])


def test_short_columns_keep_their_words_beside_a_surname_too_long_for_any_column(jane: dict[str, Any]) -> None:
    # A column given exactly its longest word's measured width broke "Active" into "Activ" / "e".
    for dependent in jane["dependents"]:
        dependent.update(last_name="NÚÑEZ-DELACROIX-WHITFIELD-MONTGOMERY-OKONKWO-VANDERBILT")
    page = pdf_text(render_document("confirmation", json.dumps(jane)))[0]
    rows = [line for line in page.splitlines() if line.startswith("XXX-XX-")][:2]
    assert len(rows) == 2 and all(row.endswith(" N N Active") for row in rows), rows
