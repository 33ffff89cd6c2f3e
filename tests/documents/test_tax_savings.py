"""The tax-savings illustration as a reader sees it: the brochure's table, the gain first, the chart."""

from __future__ import annotations

import copy
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pypdf import PdfReader

from docgen.documents.pipeline import document_html, prepare, render_document
from docgen.documents.tax_savings import build_tax_savings
from docgen.errors import InputError
from docgen.language import SUPPORTED
from docgen.tax.input import parse_illustration
from tests.conftest import (
    EXAMPLES,
    ILLUSTRATION_EXAMPLES,
    JANE,
    MARY,
    assert_nothing_clipped_or_overlapping,
    pdf_text,
)

JORDAN = EXAMPLES / "jordan.json"
SEMIMONTHLY = EXAMPLES / "semimonthly-illustration.json"
GAIN_GREEN = (0x2E / 255, 0x7D / 255, 0x4F / 255)
BAR_GREY = (0x9A / 255, 0xA7 / 255, 0xB6 / 255)


def _rounded(colour: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(round(channel, 3) for channel in colour)


def _colour(rect: dict[str, Any]) -> tuple[float, ...]:
    return tuple(round(channel, 3) for channel in rect["non_stroking_color"])


@cache
def rendered(example: Path = MARY) -> bytes:
    return render_document("tax-savings", example.read_bytes())


def table_lines(pdf: bytes, frequency: str = "Monthly") -> list[str]:
    """The comparison table's lines: the words left of the chart column, joined per line."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        top = next(w["top"] for w in page.extract_words() if w["text"] == "No")
        region = page.crop((0, top - 2, page.width * 0.47, page.height))
        lines = [line["text"] for line in region.extract_text_lines()]
    return lines[
        : lines.index(next(line for line in lines if "Net Pay" in line and "$" in line and frequency in line)) + 1
    ]


def test_every_cell_of_the_brochure_table() -> None:
    # Seed 003, column for column: NO PLAN / FLEX PLAN.
    assert table_lines(rendered()) == [
        "No Plan Flex Plan",
        "Gross Pay $3,500 $3,500",
        "Flex Plan $0 $500",
        "Taxable Pay $3,500 $3,000",
        "Federal Tax* $290 $229",
        "State Tax* $146 $116",
        "FICA / Medicare* $268 $230",
        "Net Pay $2,796 $2,425",
        "Insurance $100 $0",
        "Braces $100 $0",
        "Daycare $300 $0",
        "Monthly Net Pay $2,296 $2,425",
    ]


def test_situation_in_one_sentence() -> None:
    text = " ".join(pdf_text(rendered())[0].split())
    sentence = (
        "Mary, a single mother of two, earns $3,500 a month and pays $500 a month for"
        " Insurance ($100), Braces ($100) and Daycare ($300)."
    )
    assert sentence in text


def test_the_gain_is_the_largest_text_and_comes_before_the_table() -> None:
    with pdfplumber.open(io.BytesIO(rendered())) as document:
        page = document.pages[0]
        words = page.extract_words(extra_attrs=["size"])
    largest = max(w["size"] for w in words)
    biggest = [w["text"] for w in words if w["size"] == largest]
    assert biggest == ["$129", "$1,548"] and largest >= 24
    gain_top = next(w["top"] for w in words if w["text"] == "$129")
    table_top = next(w["top"] for w in words if w["text"] == "Gross")
    assert gain_top < table_top
    text = " ".join(pdf_text(rendered())[0].split())
    assert "extra in Mary's pocket each month" in text
    assert "more to spend for the year ($129 × 12 months)" in text


def test_bar_chart_is_drawn_from_the_take_home_amounts() -> None:
    html = document_html(prepare("tax-savings", MARY.read_bytes()))
    assert "<svg" in html and "<img" not in html
    with pdfplumber.open(io.BytesIO(rendered())) as document:
        page = document.pages[0]
        # The bars are the chart's 18-unit-high rectangles (table rules share the grey).
        rects = [r for r in page.rects if r["height"] == pytest.approx(18) and r["x0"] > page.width / 2]
    grey = sorted((r for r in rects if _colour(r) == _rounded(BAR_GREY)), key=lambda r: r["top"])
    green = [r for r in rects if _colour(r) == _rounded(GAIN_GREEN)]
    assert len(grey) == 2 and len(green) == 1
    without, with_base = grey
    # Both bars start at zero; the with-plan bar is the without-plan length plus the gain segment.
    assert without["x0"] == pytest.approx(with_base["x0"]) == pytest.approx(green[0]["x0"] - with_base["width"])
    with_plan = with_base["width"] + green[0]["width"]
    assert without["width"] / with_plan == pytest.approx(2296 / 2425, abs=0.002)
    assert green[0]["width"] / with_plan == pytest.approx(129 / 2425, abs=0.002)


def test_day_care_comparison() -> None:
    text = " ".join(pdf_text(rendered())[0].split())
    assert "Expenses counted $3,600 $3,000" in text
    assert "Saved a year $924 $660" in text
    assert "The FSA saves $264 more a year than the credit: choose the FSA." in text
    assert "22% credit" in text
    # The FSA wins: the headline counts it, and nothing says the day care is left out.
    assert "Daycare $300 $0" in text and "Paid from take-home pay" not in text and "†" not in text


def test_footnotes() -> None:
    text = " ".join(pdf_text(rendered())[0].split())
    assert "*Actual amounts will vary based on the current Federal and State Income tax rates and withholdings." in text
    assert "Federal and state tax amounts are the figures in the plan's brochure, not figured here." in text
    assert (
        "FICA / Medicare is the Social Security and Medicare tax on wages (FICA: the Federal Insurance"
        " Contributions Act): 6.2% Social Security tax on pay up to $176,100 a year and 1.45% Medicare tax,"
        " on your pay after the flex plan (2025 rates)."
    ) in text
    assert (
        "each tax is figured on your exact pay and expenses, then rounded to the nearest dollar (50 cents"
        " rounds up); the other lines are worked out from the amounts shown, so the table adds up."
    ) in text
    assert "The amount for the year is the gain each month times 12." in text
    assert "The federal Child and Dependent Care Credit (Internal Revenue Code section 21)" in text


#: The examples written in English (the Spanish one is checked in tests/render/test_spanish.py).
ENGLISH_ILLUSTRATIONS = [path for path in ILLUSTRATION_EXAMPLES if "language" not in path.read_text()]


@pytest.mark.parametrize("example", ENGLISH_ILLUSTRATIONS, ids=lambda p: p.stem)
def test_footnotes_in_plain_words(example: Path) -> None:
    text = " ".join(pdf_text(rendered(example))[0].split())
    notes = text[text.index("*Actual amounts") : text.index("Page 1 of 1")]
    # Issue 18: an employee's words. Abbreviations and code citations come spelled out.
    for jargon in ("IRC", "§", "half up", "AGI", "pre-tax elections", "own figures", "printed lines"):
        assert jargon not in notes, jargon
    assert notes.count("FICA") == 2 and "(FICA: the Federal Insurance Contributions Act)" in notes
    assert "Social Security and Medicare tax" in notes


def test_computed_biweekly_illustration_words_its_period() -> None:
    text = " ".join(pdf_text(rendered(JORDAN))[0].split())
    assert "Biweekly Net Pay $1,844 $1,890" in text
    assert "extra in Jordan's pocket each paycheck" in text and "($46 × 26 paychecks)" in text
    assert (
        "Federal tax is what your employer would withhold for 2026 with “married filing jointly” as the"
        " filing status on your Form W-4, figured as payroll systems do (IRS Publication 15-T, percentage"
        " method for automated payroll)."
    ) in text
    assert "State tax is what Illinois would withhold for 2026." in text and "$184,500" in text


def test_when_the_credit_saves_more_the_page_recommends_it_and_the_gain_leaves_the_fsa_out() -> None:
    text = " ".join(pdf_text(rendered(JORDAN))[0].split())
    # The situation still lists every expense; the table pays the day care after tax in both
    # columns, so the $46 gain is the other expenses' (with the FSA it would claim $107).
    assert "pays $435 every two weeks for Medical premium ($145), Co-pays ($40) and After-school care ($250)." in text
    assert "Flex Plan $0 $185" in text and "After-school care† $250 $250" in text
    assert "$46 $1,196" in text and "$107" not in text
    with pdfplumber.open(io.BytesIO(rendered(JORDAN))) as document:
        page = document.pages[0]
        under_table = " ".join(page.crop((0, 0, page.width * 0.47, page.height)).extract_text().split())
    assert (
        "†Paid from take-home pay in both columns: for After-school care the child care tax credit saves you"
        " more than the dependent care FSA would (see Day care), so the gain leaves the FSA out."
    ) in under_table
    assert "Saved a year $1,586 $2,100" in text
    assert "The credit saves $514 more a year than the FSA: choose the credit." in text
    assert "Claim it on your federal tax return (IRS Form 2441)." in text
    assert len(PdfReader(io.BytesIO(rendered(JORDAN))).pages) == 1


def test_one_page_with_metadata_and_no_name_in_it() -> None:
    pdf = rendered()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    info = reader.metadata
    assert info is not None and info.title == "Tax-Savings Illustration"
    assert info.author == "Allegiance Benefit Plan Management, Inc."
    assert "Mary" not in " ".join(str(value) for value in info.values())
    assert "Page 1 of 1" in pdf_text(pdf)[0]


def test_given_federal_and_state_are_the_brochures_figures_not_a_tax_year() -> None:
    mary = " ".join(pdf_text(rendered())[0].split())
    assert "Flexible Benefits Plan · Figures from the plan's brochure · monthly pay" in mary
    assert "Tax year" not in mary
    info = PdfReader(io.BytesIO(rendered())).metadata
    assert info is not None and info.subject == "Flex plan tax-savings illustration, figures from the plan's brochure"
    # Computed, or only partly given: the tax year the tables are for.
    assert "Flexible Benefits Plan · Tax year 2026 · biweekly pay" in " ".join(pdf_text(rendered(JORDAN))[0].split())
    data: dict[str, Any] = json.loads(MARY.read_bytes())
    del data["overrides"]["flex_plan"]["state"]
    partly = " ".join(pdf_text(render_document("tax-savings", json.dumps(data)))[0].split())
    assert "Tax year 2025" in partly and "brochure ·" not in partly


def test_same_input_same_bytes() -> None:
    assert render_document("tax-savings", MARY.read_bytes()) == rendered()


def test_markup_in_labels_is_printed_as_text() -> None:
    data: dict[str, Any] = json.loads(MARY.read_bytes())
    data["expenses"][0]["label"] = "<b>Insurance</b>"
    html = document_html(prepare("tax-savings", json.dumps(data)))
    assert "<b>Insurance</b>" not in html and "&lt;b&gt;Insurance&lt;/b&gt;" in html


def test_input_errors_render_nothing() -> None:
    data: dict[str, Any] = copy.deepcopy(json.loads(MARY.read_bytes()))
    data["expenses"][2]["amount"] = "450.00"
    with pytest.raises(InputError) as caught:
        render_document("tax-savings", json.dumps(data))
    assert [(p.path, p.rule) for p in caught.value.problems] == [("expenses[2].amount", "dependent-care-max")]


def test_an_enrollment_file_is_not_an_illustration() -> None:
    with pytest.raises(InputError) as caught:
        render_document("tax-savings", JANE.read_bytes())
    assert [(p.path, p.rule) for p in caught.value.problems] == [("$", "input-shape")]


@pytest.mark.parametrize("example", ILLUSTRATION_EXAMPLES, ids=lambda p: p.stem)
def test_nothing_clipped_or_overlapping(example: Path) -> None:
    pdf = rendered(example)
    assert_nothing_clipped_or_overlapping(pdf, margin=36)


@pytest.mark.parametrize("tag", SUPPORTED.values())
@pytest.mark.parametrize("example", ILLUSTRATION_EXAMPLES, ids=lambda p: p.stem)
def test_the_illustration_is_one_page_in_either_language(example: Path, tag: str) -> None:
    # Seed 003's illustration is one sheet; issue 22: the Spanish, ~25% longer, too.
    data: dict[str, Any] = json.loads(example.read_bytes())
    data["person"] = {**data.get("person", {"first_name": "Ana"}), "language": tag}
    pdf = render_document("tax-savings", json.dumps(data))
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert_nothing_clipped_or_overlapping(pdf, margin=36)


def test_the_day_care_comparison_can_be_left_out() -> None:
    data: dict[str, Any] = json.loads(JORDAN.read_bytes())
    data["options"] = {"day_care_comparison": False}
    pdf = render_document("tax-savings", json.dumps(data))
    text = " ".join(pdf_text(pdf)[0].split())
    assert "THE FSA OR THE TAX CREDIT" not in text.upper() and "credit" not in text.lower()
    assert "After-school care $250 $0" in text and "Biweekly Net Pay $1,844 $1,951" in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_footnotes_name_estimated_brochure_figures_and_the_extra_medicare_tax() -> None:
    data: dict[str, Any] = json.loads(MARY.read_bytes())
    data["tax"]["year"] = 2026  # the credit wins; the flex column's brochure figures lose the FSA
    notes = " ".join(build_tax_savings(parse_illustration(data)).footnotes)
    assert (
        "Without the dependent care FSA, the Flex Plan column's brochure figures are estimated:"
        " Daycare's share of their saving is added back."
    ) in notes
    assert "more Medicare tax" not in notes
    data["pay"]["amount"] = "20000.00"  # 240,000 a year
    notes = " ".join(build_tax_savings(parse_illustration(data)).footnotes)
    assert "1.45% Medicare tax, and 0.9% more Medicare tax on pay over $200,000 a year, on your pay" in notes


def test_semimonthly_pay_with_cents() -> None:
    # examples/semimonthly-illustration.json: $2,437.50 twice a month, 2026, head of household,
    # Montana, every tax computed; issue 18's points 1-3 on one page.
    pdf = rendered(SEMIMONTHLY)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = " ".join(pdf_text(pdf)[0].split())
    # The member's own amounts in the sentence; the table rounds them, and says so.
    assert (
        "Rosa, a single mother of two, earns $2,437.50 twice a month and pays $426.67 twice a month for"
        " Medical premium ($85), Prescriptions ($41.67) and Day care ($300)."
    ) in text
    assert "shown rounded: $2,437.50 as $2,438, $41.67 as $42" in text
    # 1. FICA on the exact pay: 7.65% x 2,437.50 = 186.47 -> $186 (not $187 from $2,438).
    assert table_lines(pdf, "Semimonthly") == [
        "No Plan Flex Plan",
        "Gross Pay $2,438 $2,438",
        "Flex Plan $0 $127",
        "Taxable Pay $2,438 $2,311",
        "Federal Tax* $157 $142",
        "State Tax* $67 $61",
        "FICA / Medicare* $186 $177",
        "Net Pay $2,028 $1,931",
        "Medical premium $85 $0",
        "Prescriptions $42 $0",
        "Day care† $300 $300",
        "Semimonthly Net Pay $1,601 $1,631",
    ]
    # 2. The credit ($2,100: 35% of $6,000 for two) beats the FSA ($1,752): the gain leaves it out.
    assert "$30 $720" in text and "($30 × 24 paychecks)" in text
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        side = " ".join(page.crop((page.width * 0.47, 0, page.width, page.height)).extract_text().split())
    assert "Saved a year $1,752 $2,100" in side
    assert "The credit saves $348 more a year than the FSA: choose the credit." in side
    # 3. The footnotes' words (test_footnotes_in_plain_words checks every example).
    assert "“head of household” as the filing status on your Form W-4" in text
    assert "State tax is what Montana would withhold for 2026." in text
    assert "Tax year 2026" in text and "brochure" not in text


def test_married_filing_separately_is_told_plainly_the_credit_is_not_available() -> None:
    data: dict[str, Any] = json.loads(MARY.read_bytes())
    data["tax"]["filing_status"] = "married_filing_separately"
    data["expenses"][2]["amount"] = "200.00"  # within the 2,500 a year for a separate return
    care = build_tax_savings(parse_illustration(data)).care
    assert care is not None and not care.figures.credit_allowed and care.advice is None
    assert care.verdict == "The credit is not available to married people who file separate tax returns."
