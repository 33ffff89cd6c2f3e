"""Health FSA and Dependent Care FSA Reimbursement Requests as a reader, a scanner and a mailroom see them."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pytest
import zxingcpp
from pypdf import PdfReader

from docgen.documents.fsa_claims import (
    BLANK_EXPENSE_LINES,
    MIN_BLANK_EXPENSE_LINES,
    QR_SIZE_IN,
    ClaimFormView,
    ClaimPageIndex,
)
from docgen.documents.pipeline import (
    document_html,
    documents_of,
    prepare,
    render,
    render_document,
)
from docgen.errors import InputError, Problem
from docgen.language import SUPPORTED, language_for
from docgen.language_assistance import ENGLISH, language_assistance_data
from docgen.render.barcodes import PIXELS_PER_MODULE
from docgen.render.raster import page_images
from docgen.units import POINTS_PER_INCH
from tests.conftest import (
    ENROLLMENT_EXAMPLES,
    EXAMPLES,
    JANE,
    assert_nothing_clipped_or_overlapping,
    pdf_text,
)

KINDS = ("health-fsa-claim", "dependent-care-claim")
LARGE = EXAMPLES / "large-family.json"
PARTICIPANT_ONLY = EXAMPLES / "participant-only.json"
CALENDAR_YEAR = EXAMPLES / "calendar-year.json"
PLAN_YEAR_2025_2026 = EXAMPLES / "plan-year-2025-2026.json"


@cache
def rendered(kind: str, example: Path = JANE) -> bytes:
    return render_document(kind, example.read_bytes())


def text_of(kind: str, example: Path = JANE) -> str:
    return "\n".join(pdf_text(rendered(kind, example)))


def prose_of(kind: str, example: Path = JANE) -> str:
    """Each page's text whole, then its left and right halves: the instructions are set in two
    columns, which whole-page extraction interleaves line by line."""
    parts = []
    with pdfplumber.open(io.BytesIO(rendered(kind, example))) as document:
        for page in document.pages:
            middle = page.width / 2
            parts.append(page.extract_text())
            parts.append(page.crop((0, 0, middle, page.height)).extract_text())
            parts.append(page.crop((middle, 0, page.width, page.height)).extract_text())
    return " ".join(" ".join(parts).split())


def field_values(pdf: bytes) -> dict[str, str]:
    """Each form field's value by its name, as a PDF viewer's form mode shows them (issue 21)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return {str(field.T): str(field.get("/V", "")) for field in document.Root.AcroForm.Fields}


def expense_values(pdf: bytes, column: str) -> list[str]:
    """One column of step 2's lines, prefilled or not, in line order across every page."""
    values = field_values(pdf)
    return [values[f"expense-{number}-{column}"] for number in range(1, 100) if f"expense-{number}-date" in values]


def page_codes(pdf: bytes) -> list[list[str]]:
    """The QR codes zxing-cpp finds on each page rasterized at 150 dpi."""
    return [
        [code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]
        for image in page_images(pdf, dpi=150)
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_example_shows_id_plan_year_fax_and_deadline(kind: str) -> None:
    text = text_of(kind)
    for expected in (
        "Participant ID 779901618322",
        "Plan year 07/01/2016 – 06/30/2017",
        "Fax toll free 1-877-828-3329",
        "09/28/2017",
        "Thursday",
        "JANE EXAMPLE",
        "PO BOX 100",
        "KALISPELL, MT 59901",
        "Employer EXAMPLE EMPLOYER",
        "0010675 / 0002",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(("kind", "election"), [("health-fsa-claim", "1,300.00"), ("dependent-care-claim", "2,600.00")])
def test_annual_election_is_printed(kind: str, election: str) -> None:
    assert f"Annual election {election}" in text_of(kind)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("example", [JANE, LARGE], ids=lambda p: p.stem)
def test_every_page_has_a_qr_code_naming_its_page(kind: str, example: Path) -> None:
    pdf = rendered(kind, example)
    codes = page_codes(pdf)
    participant = json.loads(example.read_bytes())["participant"]["participant_id"]
    assert len(codes) >= 2
    for number, found in enumerate(codes, start=1):
        assert len(found) == 1, (number, found)
        index = ClaimPageIndex.parse(found[0])
        assert index == ClaimPageIndex(kind, participant, date(2016, 7, 1), date(2017, 6, 30), number, len(codes))


@pytest.mark.parametrize("kind", KINDS)
def test_each_page_s_qr_code_prints_inside_a_home_printer_s_margins(kind: str) -> None:
    # Home laser and inkjet printers leave up to 0.25 in unprinted at each edge; a symbol cut
    # there loses a finder pattern and no scanner reads the returned page.
    dpi = 150
    safe = 0.25 * dpi
    pdf = rendered(kind, LARGE)
    for number, image in enumerate(page_images(pdf, dpi=dpi), start=1):
        (code,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        corners = code.position
        xs = [corner.x for corner in (corners.top_left, corners.top_right, corners.bottom_left, corners.bottom_right)]
        ys = [corner.y for corner in (corners.top_left, corners.top_right, corners.bottom_left, corners.bottom_right)]
        assert min(xs) >= safe and min(ys) >= safe, (number, min(xs), min(ys))
        assert max(xs) <= image.width - safe and max(ys) <= image.height - safe, (number, max(xs), max(ys))


@pytest.mark.parametrize("kind", KINDS)
def test_each_page_s_qr_code_is_drawn_0_8_in_wide_and_unsmoothed(kind: str) -> None:
    # Whole pixels a module (render.barcodes.symbol_image): smoothing would blur every module's edge.
    with pdfplumber.open(io.BytesIO(rendered(kind, LARGE))) as document:
        for page in document.pages:
            (code,) = page.images
            assert code["width"] / POINTS_PER_INCH == pytest.approx(QR_SIZE_IN), page.page_number
            assert code["stream"]["Interpolate"] is False, page.page_number
            # Version 5 (37 modules and the quiet zone's 2 x 4), every pixel of the PNG embedded.
            assert code["srcsize"] == (45 * PIXELS_PER_MODULE,) * 2


def test_page_counts_of_the_examples() -> None:
    # Blank forms: the form, then the instructions, then the notice of language assistance (issue
    # 23: the instructions page is full); dependent care adds the provider page.
    assert len(page_codes(rendered("health-fsa-claim"))) == 3
    assert len(page_codes(rendered("dependent-care-claim"))) == 4
    # Twelve prefilled lines run the health form onto a second page before the instructions.
    assert len(page_codes(rendered("health-fsa-claim", LARGE))) == 4


@pytest.mark.parametrize(
    ("kind", "example"), [("health-fsa-claim", JANE), ("dependent-care-claim", JANE), ("health-fsa-claim", LARGE)]
)
def test_the_examples_page_count_is_guessed_so_each_is_laid_out_once(kind: str, example: Path) -> None:
    # A wrong guess lays the form out twice (render.engine._marked_layout): every form was, while
    # the notice's page of its own was left out of the guess (twice the layout work).
    view = prepare(kind, example.read_bytes()).view
    assert isinstance(view, ClaimFormView)
    assert view.page_guess == len(page_codes(rendered(kind, example)))


@pytest.mark.parametrize("languages", [20, 40, 70])
def test_a_group_s_long_notice_is_counted_in_the_page_guess(jane: dict[str, Any], languages: int) -> None:
    # A group may list up to 100 languages; the notice then runs over several pages of its own.
    tags = [tag for tag in language_assistance_data().taglines if tag != ENGLISH]
    jane["group"]["language_assistance"] = tags[:languages]
    prepared = prepare("health-fsa-claim", json.dumps(jane).encode())
    assert isinstance(prepared.view, ClaimFormView)
    assert prepared.view.page_guess == len(PdfReader(io.BytesIO(render(prepared).content)).pages)


def test_qr_text_format() -> None:
    index = ClaimPageIndex("health-fsa-claim", "779901618322", date(2016, 7, 1), date(2017, 6, 30), 1, 2)
    assert index.text() == "docgen-claim/1|health-fsa-claim|779901618322|2016-07-01/2017-06-30|1/2"
    assert ClaimPageIndex.parse(index.text()) == index
    with pytest.raises(ValueError):
        ClaimPageIndex.parse("https://example.com/1/2")


@pytest.mark.parametrize("kind", KINDS)
def test_no_full_ssn_in_text_codes_or_bytes(kind: str) -> None:
    pdf = rendered(kind, LARGE)
    family = json.loads(LARGE.read_bytes())["dependents"]
    text = text_of(kind, LARGE)
    codes = "".join(code for page in page_codes(pdf) for code in page)
    for dependent in family:
        digits = dependent["ssn"].replace("-", "")
        for form in (dependent["ssn"], digits):
            assert form not in text and form.encode() not in pdf and form not in codes
        assert digits[-4:] not in codes


def test_health_form_says_what_to_attach_and_what_is_not_covered() -> None:
    text = prose_of("health-fsa-claim")
    for expected in (
        "Explanation of Benefits (EOB)",
        "itemized statement from the provider",
        "dual-purpose item or service, or an over-the-counter drug or medicine: a medical professional's"
        " diagnosis and recommendation for treatment",
        "Health insurance premiums are not reimbursable through the Health FSA",
        "Up to $500.00 of unused Health FSA funds rolls over into the next plan year",
        "forfeited under the “use-or-lose” rule",
        "you are not eligible to contribute to a Health Savings Account (HSA)",
        "Section 213(d)",
    ):
        assert expected in text, expected


def test_carryover_comes_from_the_plans_settings(jane: dict[str, Any]) -> None:
    jane["group"]["flex"]["carryover_max"] = "400.00"  # a plan may carry over less than the IRS's $500
    with pdfplumber.open(io.BytesIO(render_document("health-fsa-claim", json.dumps(jane)))) as document:
        page = document.pages[1]
        text = " ".join(page.crop((0, 0, page.width / 2, page.height)).extract_text().split())
    assert "Up to $400.00 of unused" in text and "$500.00" not in text


def test_dependent_care_form_has_the_provider_certification_and_rules() -> None:
    text = prose_of("dependent-care-claim")
    for expected in (
        "Care provider certification",
        "Provider name",
        "Provider address",
        "Taxpayer ID (EIN) or Social Security number",
        "Dates of care (from – to)",
        "Care provider's signature",
        "children age 12 and under, or for individuals unable to care for themselves",
        "at least eight (8) hours a day",
        "necessary for you and your spouse to remain gainfully employed",
        "care paid to your spouse or to one of your children under age 19",
        "schooling at the kindergarten level and above; overnight camp; nursing home care",
        "The most you can receive tax-free for care in a calendar year is the smallest of",
        "that year's federal limit for your tax filing status (below)",
        "Married filing jointly,",
        "Married filing",
        "2016 $5,000.00 $2,500.00",
        "2017 $5,000.00 $2,500.00",
        "Federal law: IRC §129(a)(2)(A).",
        "your spouse's earned income",
        "$250.00 a month for one child and $500.00 a month for two or more",
        "paid only up to the amount you have contributed so far",
    ):
        assert expected in text, expected
    assert "Health Savings Account" not in text


def test_dependent_care_maximum_follows_the_plan_year(jane: dict[str, Any]) -> None:
    # rules.dependent_care_limit: $7,500 for plan years starting in 2026 or later.
    for path, value in (("plan_year", {"start": "2026-07-01", "end": "2027-06-30"}),):
        jane["group"][path] = value
    jane["enrollment"].update(window={"start": "2026-04-15", "end": "2026-05-31"}, submitted_at="2026-04-15T14:07:52")
    for name in ("medical", "dental", "vision", "medical_spending_account", "day_care_spending_account"):
        jane["elections"][name]["effective_date"] = "2026-07-01"
    text = " ".join(" ".join(pdf_text(render_document("dependent-care-claim", json.dumps(jane)))).split())
    assert "2026 $7,500.00 $3,750.00" in text and "2027 $7,500.00 $3,750.00" in text and "$5,000" not in text
    assert "Submit by 09/28/2027" in text or "09/28/2027" in text


def test_a_plan_year_spanning_2025_and_2026_states_each_years_limit() -> None:
    # Issue 18: "$5,000 per calendar year" was wrong for 2026: Public Law 119-21 raised the IRC
    # §129(a)(2)(A) exclusion to $7,500 ($3,750 filing separately) for years after 2025.
    text = prose_of("dependent-care-claim", PLAN_YEAR_2025_2026)
    assert "2025 $5,000.00 $2,500.00 2026 $7,500.00 $3,750.00" in text
    assert (
        "Federal law: 2025, IRC §129(a)(2)(A); 2026, IRC §129(a)(2)(A) (Pub. L. 119-21, One Big Beautiful Bill Act)"
        in text
    )
    assert "not to exceed the calendar year's limit above" in text
    assert "$5,000.00 per calendar year" not in text


@pytest.mark.parametrize(
    ("example", "account"),
    [
        (CALENDAR_YEAR, "the 2025 plan year account"),
        (PLAN_YEAR_2025_2026, "the 2025–2026 plan year account"),
        (JANE, "the 2016–2017 plan year account"),
    ],
    ids=["calendar", "spanning", "jane"],
)
def test_the_carryover_names_the_plan_year_account(example: Path, account: str) -> None:
    # Issue 18: a calendar-year plan read "the 2025-2025 account".
    text = prose_of("health-fsa-claim", example)
    assert f"Funds above $660.00 stay in {account}" in text or f"Funds above $500.00 stay in {account}" in text
    assert "2025–2025" not in text


@pytest.mark.parametrize("kind", KINDS)
def test_how_to_submit_and_how_you_are_paid(kind: str) -> None:
    text = prose_of(kind)
    for expected in (
        "Mail to Allegiance Benefit Plan Management, Inc., 2806 S. Garfield St., P.O. Box 3018,"
        " Missoula, MT 59806-3018",
        "Fax toll free to 1-877-828-3329",
        "Upload from your mobile device, or scan and send it electronically at www.askallegiance.com",
        "Check:",
        "Direct deposit:",
        "Debit card:",
        "normally processed within five business days of receipt",
        "Flex customer service, toll free: 1-877-424-3570",
        "Participant's signature",
        "Date (mm/dd/yyyy)",
        "Keep this page".upper(),
    ):
        assert expected in text, expected


@pytest.mark.parametrize("kind", KINDS)
def test_blank_form_has_ruled_lines_and_no_total(kind: str) -> None:
    html = document_html(prepare(kind, JANE.read_bytes()))
    assert html.count('<tr class="blank">') == BLANK_EXPENSE_LINES
    # The total's box is a field left empty: the member's total also counts the lines they add.
    assert field_values(rendered(kind))["total"] == ""
    # The only amount on the form page is the annual election: no total, no prefilled line.
    first_page = pdf_text(rendered(kind))[0]
    assert re.findall(r"\d[\d,]*\.\d\d", first_page) == ["1,300.00" if kind == "health-fsa-claim" else "2,600.00"]


def test_prefilled_lines_and_totals() -> None:
    text = text_of("health-fsa-claim", LARGE)
    # The printed lines prefill step 2's fields (issue 21), which a viewer shows and prints.
    pdf = rendered("health-fsa-claim", LARGE)
    lines = list(
        zip(*(expense_values(pdf, column) for column in ("date", "person", "provider", "amount")), strict=True)
    )
    assert lines[0] == ("07/12/2016", "MARGARET ANNE OKONKWO-VANDERBILT (self)", "Missoula Family Medicine", "25.00")
    assert lines[2] == (
        "08/03/2016 –\n09/14/2016",
        "GABRIEL OKONKWO-VANDERBILT (Child)",
        "Big Sky Physical Therapy",
        "318.00",
    )
    # The printed lines' sum beside an empty box: the member's total counts the lines they add.
    assert "Total amount claimed (the printed lines on pages 1 and 2, 1,264.14, plus any you add)\n" in text
    assert text.count("Total amount claimed (") == 1  # once, on page 1, not on every page
    care = text_of("dependent-care-claim", LARGE)
    assert "Total amount claimed (the printed lines, 2,240.00, plus any you add)" in care
    care_providers = expense_values(rendered("dependent-care-claim", LARGE), "provider")
    assert any(provider.startswith("Little Sprouts Learning") for provider in care_providers)
    # Each form prints only its own account's lines.
    health_providers = expense_values(pdf, "provider")
    assert not any("Little Sprouts" in provider for provider in health_providers)
    assert not any("Orthodontics" in provider for provider in care_providers)


PREFILLED = [LARGE, PLAN_YEAR_2025_2026]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("example", PREFILLED, ids=lambda p: p.stem)
def test_a_prefilled_form_leaves_three_blank_lines_at_least(kind: str, example: Path) -> None:
    # Issue 18: a prefilled form left no line for an expense the portal did not send.
    html = document_html(prepare(kind, example.read_bytes()))
    assert html.count('<tr class="blank">') >= MIN_BLANK_EXPENSE_LINES


def test_lines_beyond_page_1_continue_on_a_sheet_of_their_own() -> None:
    # Issue 17: steps 1 to 4 on page 1, the other lines on "Step 2, continued" (page 2), whose
    # heading names the form and the member, then the instructions.
    pages = pdf_text(rendered("health-fsa-claim", LARGE))
    assert len(pages) == 4 and "FREE LANGUAGE ASSISTANCE" in pages[3]
    first, continued = pages[0], pages[1]
    for step in (
        "YOUR INFORMATION",
        "EXPENSES YOU ARE CLAIMING",
        "ATTACH DOCUMENTATION",
        "CERTIFY AND SIGN",
        "Participant's signature",
    ):
        assert step in first, step
    assert "8 more printed lines, and blank lines to add others, on page 2, headed “Step 2, continued”" in first
    assert continued.split("\n")[1].startswith("Step 2, continued: expenses you are claiming RETURN WITH PAGE 1")
    intro = " ".join(continued.split())
    assert (
        "Part of the Health FSA Reimbursement Request of MARGARET ANNE OKONKWO-VANDERBILT, Participant ID"
        " 779901620455, plan year 07/01/2016 – 06/30/2017, signed on page 1."
    ) in intro
    assert "Description of service or item" in continued and "CERTIFY" not in continued
    assert "KEEP THIS PAGE" in pages[2]
    # Every printed line once, in input order across the two pages, then the blank lines.
    claims = [
        line for line in json.loads(LARGE.read_bytes())["claims"] if line["account"] == "medical_spending_account"
    ]
    amounts = expense_values(rendered("health-fsa-claim", LARGE), "amount")
    assert amounts[: len(claims)] == [f"{Decimal(line['amount']):.2f}" for line in claims]
    assert set(amounts[len(claims) :]) == {""}


def test_printed_lines_that_fit_but_leave_no_room_for_blank_ones_get_a_sheet_of_blank_lines(
    jane: dict[str, Any],
) -> None:
    # Eight one-line expenses fill Jane's page 1: the three blank lines go on page 2.
    jane["claims"] = [
        {
            "account": "medical_spending_account",
            "service_start": f"2016-08-{day:02d}",
            "provider": "Valley Pharmacy",
            "description": f"Prescription refill {day}",
            "amount": "10.00",
        }
        for day in range(1, 9)
    ]
    data = json.dumps(jane)
    view = prepare("health-fsa-claim", data).view
    assert isinstance(view, ClaimFormView)
    assert (view.layout.first_page_rows, view.layout.blank_rows) == (8, 0)
    assert view.layout.continued_blank_rows >= MIN_BLANK_EXPENSE_LINES and view.continued_rows == ()
    pdf = render_document("health-fsa-claim", data)
    pages = pdf_text(pdf)
    assert "Blank lines to add other expenses on page 2, headed “Step 2, continued”" in pages[0]
    assert "Step 2, continued: expenses you are claiming RETURN WITH PAGE 1 IF USED" in pages[1]
    assert "KEEP THIS PAGE" in pages[2]
    descriptions = expense_values(pdf, "description")
    assert descriptions[:8] == [f"Prescription refill {day}" for day in range(1, 9)]
    assert len(descriptions) >= 8 + MIN_BLANK_EXPENSE_LINES and set(descriptions[8:]) == {""}


_EXPENSE_TEXTS = {
    "short": ("Flathead Valley Pharmacy", "Prescription refill"),
    "longest": (
        "Northwest Montana Regional Pediatric and Family Health Clinic"[:60],
        "Physical therapy sessions after the deductible, see the EOB pa"[:60],
    ),
    # Found by a random sweep: "payment Orthodontic Cli" measures 96.5 pt, under the 97.1 pt
    # the padding leaves, and still wrapped (the column's rules take the rest).
    "tight": (
        "monthly sessions Orthodontic monthly payment Orthodontic Cli",
        "Regional payment Regional day-care Flathead Flathead Pediatr",
    ),
}


def _expense(index: int, letters: str) -> dict[str, Any]:
    provider, description = _EXPENSE_TEXTS[letters]
    return {
        "account": "medical_spending_account",
        "service_start": f"2016-08-{index + 1:02d}",
        **({"service_end": f"2016-09-{index + 1:02d}"} if index % 3 == 0 else {}),
        **({"dependent_id": "02"} if index % 2 else {}),
        "provider": provider,
        "description": description if letters != "short" else f"{description} {index + 1}",
        "amount": f"{index + 10}.25",
    }


@pytest.mark.slow
@pytest.mark.parametrize("letters", ["short", "longest", "tight"])
@pytest.mark.parametrize("count", [1, 3, 5, 8, 13, 20])
def test_any_number_of_lines_keeps_steps_1_to_4_on_page_1(jane: dict[str, Any], count: int, letters: str) -> None:
    # Issue 17: never a render failure, never step 3 or 4 pushed off page 1, for any number of
    # lines (the most an input may carry is 20) under the longest names and addresses the
    # schema allows, or Jane's.
    if letters == "longest":
        _long_lines(jane, "words")
        jane["dependents"][1].update(first_name="W" * 35, middle_name="W" * 25, last_name="W" * 60)
    elif letters == "tight":
        _long_lines(jane, "admin")
    jane["claims"] = [_expense(index, letters) for index in range(count)]
    data = json.dumps(jane)
    view = prepare("health-fsa-claim", data).view
    assert isinstance(view, ClaimFormView)
    pdf = render_document("health-fsa-claim", data)
    pages = pdf_text(pdf)
    assert "ATTACH DOCUMENTATION" in pages[0] and "Participant's signature" in pages[0]
    assert view.layout.blank_rows + view.layout.continued_blank_rows >= MIN_BLANK_EXPENSE_LINES
    if view.layout.continued:
        assert "Step 2, continued" in pages[1] and "CERTIFY" not in "".join(pages[1:])
    text = "\n".join(pages)
    assert text.count("Total amount claimed (") == 1
    assert f"{sum(Decimal(line['amount']) for line in jane['claims']):,.2f}" in pages[0]
    codes = page_codes(pdf)
    assert [ClaimPageIndex.parse(found[0]).page for found in codes] == list(range(1, len(pages) + 1))


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_names_the_participant_and_counts_pages(kind: str) -> None:
    pages = pdf_text(rendered(kind))
    for number, text in enumerate(pages, start=1):
        assert "JANE EXAMPLE · Participant ID 779901618322" in text
        assert f"Page {number} of {len(pages)}" in text


@pytest.mark.parametrize("kind", KINDS)
def test_the_deadline_and_send_to_come_first(kind: str) -> None:
    with pdfplumber.open(io.BytesIO(rendered(kind))) as document:
        lines = [line["text"] for line in document.pages[0].extract_text_lines()]
    first_section = next(i for i, line in enumerate(lines) if "YOUR INFORMATION" in line)
    assert any("09/28/2017" in line for line in lines[:first_section])
    assert any("1-877-828-3329" in line for line in lines[:first_section])


def test_declined_account_is_a_clear_input_error() -> None:
    with pytest.raises(InputError) as caught:
        render_document("dependent-care-claim", PARTICIPANT_ONLY.read_bytes())
    assert [str(p) for p in caught.value.problems] == [
        "elections.day_care_spending_account.elected: the participant declined the Dependent Care FSA,"
        " so there is no Dependent Care FSA to claim from [claim-account-elected]"
    ]
    assert render_document("health-fsa-claim", PARTICIPANT_ONLY.read_bytes()).startswith(b"%PDF")


def test_missing_election_and_other_problems_are_reported_together(jane: dict[str, Any]) -> None:
    del jane["elections"]["medical_spending_account"]
    jane["elections"]["medical"] = {"elected": False}
    with pytest.raises(InputError) as caught:
        render_document("health-fsa-claim", json.dumps(jane))
    assert [(p.path, p.rule) for p in caught.value.problems] == [
        ("elections.medical_spending_account", "claim-account-elected"),
        ("elections.dental.elected", "dental-requires-medical"),
        ("elections.vision.elected", "vision-requires-medical"),
    ]


def test_mid_year_election_claims_from_its_effective_date() -> None:
    text = prose_of("health-fsa-claim", PARTICIPANT_ONLY)
    assert "Expenses must be incurred during the plan year (09/01/2016 – 06/30/2017)" in text
    assert "Annual election 840.00" in text


@pytest.mark.parametrize("kind", KINDS)
def test_metadata_names_no_person(kind: str) -> None:
    info = PdfReader(io.BytesIO(rendered(kind))).metadata
    assert info is not None
    assert (
        info.title == ("Health FSA" if kind == "health-fsa-claim" else "Dependent Care FSA") + " Reimbursement Request"
    )
    assert "JANE" not in str(dict(info)) and "1954" not in str(dict(info))


@pytest.mark.parametrize("kind", KINDS)
def test_same_input_same_bytes(kind: str) -> None:
    assert render_document(kind, JANE.read_bytes()) == rendered(kind)


CLAIM_KINDS = ("health-fsa-claim", "dependent-care-claim")
APPLICABLE = [
    (kind, example)
    for example in ENROLLMENT_EXAMPLES
    for kind in CLAIM_KINDS
    if any(
        made.name == kind and not isinstance(outcome, Problem)
        for made, _, outcome in documents_of(example.read_bytes())
    )
]


def test_the_declined_examples_have_no_dependent_care_form() -> None:
    declined = [
        example
        for example in ENROLLMENT_EXAMPLES
        if not json.loads(example.read_bytes())["elections"]["day_care_spending_account"]["elected"]
    ]
    assert PARTICIPANT_ONLY in declined
    assert [example for kind, example in APPLICABLE if kind == "dependent-care-claim"] == [
        example for example in ENROLLMENT_EXAMPLES if example not in declined
    ]
    health_declined = [
        example
        for example in ENROLLMENT_EXAMPLES
        if not json.loads(example.read_bytes())["elections"]["medical_spending_account"]["elected"]
    ]
    assert len(APPLICABLE) == 2 * len(ENROLLMENT_EXAMPLES) - len(declined) - len(health_declined)


@pytest.mark.parametrize(("kind", "example"), APPLICABLE, ids=lambda value: getattr(value, "stem", value))
def test_nothing_clipped_or_overlapping(kind: str, example: Path) -> None:
    pdf = rendered(kind, example)
    assert_nothing_clipped_or_overlapping(pdf)


def twenty_claims() -> list[dict[str, str]]:
    """Twenty health FSA expense lines: the most an input may carry."""
    return [
        {
            "account": "medical_spending_account",
            "service_start": f"2016-{month:02d}-{day:02d}",
            "provider": "Flathead Valley Pharmacy",
            "description": f"Prescription refill {month}-{day}",
            "amount": "10.01",
        }
        for month in range(7, 11)
        for day in (3, 10, 17, 24, 28)
    ]


@pytest.mark.slow
def test_a_long_claim_runs_over_several_pages_each_indexed(jane: dict[str, Any]) -> None:
    jane["claims"] = twenty_claims()
    pdf = render_document("health-fsa-claim", json.dumps(jane))
    codes = page_codes(pdf)
    assert len(codes) >= 3
    assert [ClaimPageIndex.parse(found[0]).page for found in codes] == list(range(1, len(codes) + 1))
    assert {ClaimPageIndex.parse(found[0]).pages for found in codes} == {len(codes)}
    text = "\n".join(pdf_text(pdf))
    assert "(the printed lines on pages 1 and 2, 200.20, plus any you add)" in text
    descriptions = expense_values(pdf, "description")
    assert sum(description.startswith("Prescription refill") for description in descriptions) == 20


@pytest.mark.parametrize("example", [JANE, EXAMPLES / "card-features.json"], ids=lambda p: p.stem)
def test_a_blank_form_is_one_page_to_sign_and_return(example: Path) -> None:
    # A 40-character name and a two-line address must not push the signature to a second sheet.
    first_page = pdf_text(render_document("health-fsa-claim", example.read_bytes()))[0]
    assert "CERTIFY AND SIGN" in first_page and "Participant's signature" in first_page


def _long_lines(jane: dict[str, Any], letters: str) -> dict[str, Any]:
    """A two-line employer and address, a four-line administrator address (found in review),
    or, with "W", every page-1 text at its longest."""
    if letters == "admin":
        jane["administrator"]["name"] = "Rocky Mountain Regional Benefit Plan Administrators of Mont"
        jane["administrator"]["address"] = [
            "2806 SOUTH GARFIELD STREET NORTHWEST BUILDING 12 SUIT",
            "PO BOX 3018 ATTENTION FLEXIBLE SPENDING CLAIMS DEPARTM",
            "MISSOULA MT 59806-3018 UNITED STATES OF AMERICA MAILRO",
            "FLOOR 4",
        ]
    elif letters == "W":
        jane["participant"].update(first_name="W" * 35, middle_name="W" * 25, last_name="W" * 60)
        jane["participant"]["address"].update(line1="W" * 55, line2="W" * 55, city="W" * 30)
        jane["group"]["name"] = jane["administrator"]["name"] = "W" * 60
    else:
        jane["group"]["name"] = "FLATHEAD VALLEY REGIONAL HOSPITAL AND MEDICAL CENTER EMPLOY"
        jane["participant"]["address"].update(
            line1="1234 NORTHWEST BIG MOUNTAIN RANCH ROAD APARTMENT 1234",
            line2="BUILDING C, SUITE 4500, ATTENTION BENEFITS DEPARTMENT",
        )
        jane["participant"].update(first_name="MAXIMILIANA ESPERANZA", last_name="DELACROIX-WHITFIELD")
    return jane


@pytest.mark.parametrize("tag", SUPPORTED.values())
@pytest.mark.parametrize("kind", ["health-fsa-claim", "dependent-care-claim"])
@pytest.mark.parametrize(
    "letters", ["words", "admin", "W"], ids=["two-line employer and address", "four-line administrator", "longest"]
)
def test_long_names_and_addresses_keep_certify_and_sign_on_page_1(
    jane: dict[str, Any], kind: str, letters: str, tag: str
) -> None:
    # Issue 17: a two-line employer and address pushed step 4 alone onto page 2; issue 22: the
    # same in Spanish, ~25% longer.
    jane["participant"]["language"] = tag
    data = json.dumps(_long_lines(jane, letters))
    view = prepare(kind, data).view
    assert isinstance(view, ClaimFormView) and view.layout.blank_rows >= MIN_BLANK_EXPENSE_LINES
    first_page = pdf_text(render_document(kind, data))[0]
    _ = language_for(tag).gettext
    assert _("Certify and sign").upper() in first_page and _("Participant's signature") in first_page


@pytest.mark.slow
@pytest.mark.parametrize("count", [1, 8, 20])
def test_any_number_of_lines_keeps_steps_1_to_4_on_page_1_in_spanish(jane: dict[str, Any], count: int) -> None:
    # Issue 22: the Spanish page 1, its every text at its longest, keeps steps 3 and 4.
    jane["participant"]["language"] = "es-US"
    _long_lines(jane, "words")
    jane["claims"] = [_expense(index, "longest") for index in range(count)]
    data = json.dumps(jane)
    view = prepare("health-fsa-claim", data).view
    assert isinstance(view, ClaimFormView)
    pages = pdf_text(render_document("health-fsa-claim", data))
    _ = language_for("es-US").gettext
    assert _("Attach documentation for every expense").upper() in pages[0]
    assert _("Participant's signature") in pages[0]
    if view.layout.continued:
        assert _("Step 2, continued: %(what)s") % {"what": ""} in pages[1]
        assert _("Certify and sign").upper() not in "".join(pages[1:])


@pytest.mark.parametrize(
    ("home", "work", "shown"),
    [
        ("406-555-0142", "406-555-0199", "406-555-0199"),
        ("406-555-0142", "", "406-555-0142"),
        ("", "406-555-0199", "406-555-0199"),
    ],
    ids=["both", "home only", "work only"],
)
def test_daytime_phone_is_the_work_phone_when_given(jane: dict[str, Any], home: str, work: str, shown: str) -> None:
    # Issue 18: "Daytime phone" printed the home phone; a processor calls in business hours.
    jane["participant"].update(home_phone=home, work_phone=work)
    assert field_values(render_document("health-fsa-claim", json.dumps(jane)))["daytime-phone"] == shown


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("example", [JANE, LARGE, PLAN_YEAR_2025_2026], ids=lambda p: p.stem)
def test_no_text_under_8_pt_and_the_certification_at_body_size(kind: str, example: Path) -> None:
    # Issue 18: what the member signs was the smallest text on the page (7.5 pt).
    with pdfplumber.open(io.BytesIO(rendered(kind, example))) as document:
        sizes = {round(char["size"], 2) for page in document.pages for char in page.chars}
        assert min(sizes) >= 8, sorted(sizes)
        lines = document.pages[0].extract_text_lines()
    start = next(i for i, line in enumerate(lines) if line["text"].startswith("I certify that"))
    end = next(i for i, line in enumerate(lines) if "Participant's signature" in line["text"])
    certification = [char for line in lines[start:end] for char in line["chars"]]
    assert len(certification) > 300 and {round(char["size"], 2) for char in certification} == {9.0}
