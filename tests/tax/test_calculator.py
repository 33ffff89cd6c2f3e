"""The calculator: hand-worked withholding from the published tables, seed 003's Mary, and properties."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from docgen.enrollment.model import FilingStatus
from docgen.money import to_dollars
from docgen.tax import tables as taxtables
from docgen.tax.calculator import (
    care_credit_percent,
    federal_withholding,
    fica,
    illustrate,
    state_withholding,
)
from docgen.tax.input import W4, TaxSavingsInput, parse_illustration
from tests.conftest import EXAMPLES, MARY

S, MFJ, MFS, HOH = (
    FilingStatus.SINGLE,
    FilingStatus.MARRIED_FILING_JOINTLY,
    FilingStatus.MARRIED_FILING_SEPARATELY,
    FilingStatus.HEAD_OF_HOUSEHOLD,
)
MARY_DATA: dict[str, Any] = json.loads(MARY.read_bytes())


#: A W-4 with nothing entered beyond the filing status.
NO_W4_ADJUSTMENTS = W4()


def withholding(year: int, wages: str, periods: int, status: FilingStatus, w4: W4 = NO_W4_ADJUSTMENTS) -> Decimal:
    tables = taxtables.pub15t(year)
    assert tables is not None
    return federal_withholding(Decimal(wages), periods, status, tables, w4)


# Worksheet 1A by hand: 1c = wages x periods; 1i = 1c - line 1g (12,900 joint, 8,600 others);
# the row of the Annual Percentage Method table (STANDARD) where 1i falls gives C + D% x (1i - A);
# divided by the periods (line 2h). Each case shows its arithmetic.
FEDERAL_CASES = [
    # 2025, single, monthly 3,500: 42,000 - 8,600 = 33,400; row 18,325: 1,192.50 + 12% x 15,075
    # = 3,001.50; / 12 = 250.125.
    (2025, "3500", 12, S, "250.125", "250"),
    # 2025, joint, biweekly 2,000: 52,000 - 12,900 = 39,100; row 17,100: 10% x 22,000 = 2,200; / 26.
    (2025, "2000", 26, MFJ, "84.61538461538461538461538462", "85"),
    # 2025, head of household, weekly 1,000: 52,000 - 8,600 = 43,400; row 30,900: 1,700 + 12% x
    # 12,500 = 3,200; / 52.
    (2025, "1000", 52, HOH, "61.53846153846153846153846154", "62"),
    # 2025, married filing separately uses the single schedule; monthly 5,000: 51,400; 1,192.50 +
    # 12% x 33,075 = 5,161.50; / 12 = 430.125.
    (2025, "5000", 12, MFS, "430.125", "430"),
    # 2025, single, bracket boundary: monthly 2,243.75 -> 26,925 - 8,600 = 18,325, exactly the start
    # of the 12% row: 1,192.50 + 0 = 1,192.50 (the 10% row ends on the same amount); / 12 = 99.375.
    (2025, "2243.75", 12, S, "99.375", "99"),
    # 2025, single, weekly 250: 13,000 - 8,600 = 4,400, under the 6,400 zero bracket.
    (2025, "250", 52, S, "0", "0"),
    # 2025, joint, monthly 25,000: 300,000 - 12,900 = 287,100; row 223,800: 35,302 + 24% x 63,300
    # = 50,494; / 12.
    (2025, "25000", 12, MFJ, "4207.833333333333333333333333", "4208"),
    # 2026, single, monthly 3,500: 33,400; row 19,900: 1,240 + 12% x 13,500 = 2,860; / 12.
    (2026, "3500", 12, S, "238.3333333333333333333333333", "238"),
    # 2026, joint, biweekly 2,000: 39,100; row 19,300: 10% x 19,800 = 1,980; / 26.
    (2026, "2000", 26, MFJ, "76.15384615384615384615384615", "76"),
    # 2026, head of household, weekly 1,000: 43,400; row 33,250: 1,770 + 12% x 10,150 = 2,988; / 52.
    (2026, "1000", 52, HOH, "57.46153846153846153846153846", "57"),
    # 2026, married filing separately, monthly 5,000: 51,400; 1,240 + 12% x 31,500 = 5,020; / 12.
    (2026, "5000", 12, MFS, "418.3333333333333333333333333", "418"),
    # 2026, single, bracket boundary: monthly 2,375 -> 28,500 - 8,600 = 19,900, the start of the
    # 12% row: 1,240; / 12.
    (2026, "2375", 12, S, "103.3333333333333333333333333", "103"),
    # 2026, head of household, at the zero bracket's end: monthly 2,012.50 -> 24,150 - 8,600 =
    # 15,550: 0.
    (2026, "2012.50", 12, HOH, "0", "0"),
    # 2026, joint, semimonthly 12,500: 300,000 - 12,900 = 287,100; row 230,700: 35,932 + 24% x
    # 56,400 = 49,468; / 24.
    (2026, "12500", 24, MFJ, "2061.166666666666666666666667", "2061"),
]


@pytest.mark.parametrize(("year", "wages", "periods", "status", "exact", "dollars"), FEDERAL_CASES)
def test_federal_withholding_by_hand(
    year: int, wages: str, periods: int, status: FilingStatus, exact: str, dollars: str
) -> None:
    amount = withholding(year, wages, periods, status)
    assert amount == Decimal(exact)
    assert to_dollars(amount) == Decimal(dollars)


def test_every_year_and_status_has_six_cases() -> None:
    for year in (2025, 2026):
        cases = [case for case in FEDERAL_CASES if case[0] == year]
        assert len(cases) >= 6
        assert {case[3] for case in cases} == set(FilingStatus)


def test_w4_steps_3_and_4() -> None:
    # 2025 head of household, monthly 3,500: tentative 166.67 (2,000 / 12); step 3 credits of
    # 4,000 a year are 333.33 a month, more than the tentative amount -> 0, then + 4(c) 25.
    w4 = W4(dependents_credit=Decimal(4000), extra_withholding=Decimal(25))
    assert withholding(2025, "3500", 12, HOH, w4) == Decimal(25)
    # Step 4(a) other income 12,000 and 4(b) deductions 2,400: 42,000 + 12,000 - 2,400 - 8,600 =
    # 43,000; 1,700 + 12% x 12,100 = 3,152; / 12 = 262.67.
    w4 = W4(other_income=Decimal(12000), deductions=Decimal(2400))
    assert to_dollars(withholding(2025, "3500", 12, HOH, w4)) == Decimal(263)


def test_fica_with_the_wage_base() -> None:
    rates = taxtables.fica_table().years[2025]
    # Seed 003: 7.65% of 3,500 = 267.75, printed 268; of 3,000 = 229.50, printed 230.
    assert fica(Decimal(3500), 12, rates) == Decimal("267.75")
    assert to_dollars(fica(Decimal(3000), 12, rates)) == Decimal(230)
    # 20,000 a month = 240,000 a year: social security stops at 176,100 (10,918.20), Medicare
    # 1.45% of 240,000 = 3,480, additional 0.9% of 40,000 = 360; 14,758.20 / 12 = 1,229.85.
    assert fica(Decimal(20000), 12, rates) == Decimal("1229.85")
    # 2026's wage base is 184,500: 11,439 + 3,480 + 360 = 15,279 / 12 = 1,273.25.
    assert fica(Decimal(20000), 12, taxtables.fica_table().years[2026]) == Decimal("1273.25")


def test_state_withholding_montana_illinois_texas() -> None:
    montana = taxtables.state_rule("MT", 2025)
    assert montana is not None
    # Head of household, 3,500 a month: 42,000 - 22,500 = 19,500 x 4.7% = 916.50; / 12 = 76.375.
    assert state_withholding(Decimal(3500), 12, HOH, montana) == Decimal("76.375")
    # Single, 5,000 a month: 60,000; 4.7% x 21,100 = 991.70 + 5.9% x 23,900 = 1,410.10; 2,401.80 / 12.
    assert state_withholding(Decimal(5000), 12, S, montana) == Decimal("200.15")
    illinois = taxtables.state_rule("IL", 2025)
    assert illinois is not None
    assert state_withholding(Decimal(3000), 12, S, illinois) == Decimal("148.50")  # 4.95% flat
    texas = taxtables.state_rule("TX", 2026)
    assert texas is not None
    assert state_withholding(Decimal(9000), 26, MFJ, texas) == 0


@pytest.mark.parametrize(
    ("year", "agi", "joint", "percent"),
    [
        (2025, "15000", False, 35),  # not over 15,000
        (2025, "15000.01", False, 34),  # a fraction of 2,000 counts as a whole step
        (2025, "39600", False, 22),  # Mary: 24,600 over -> 13 steps
        (2025, "43000.01", True, 20),  # the floor
        (2026, "15000", False, 50),
        (2026, "39600", False, 37),  # 50 - 13
        (2026, "60000", False, 35),  # first floor
        (2026, "80000", False, 32),  # 5,000 over 75,000 -> 3 steps of 2,000
        (2026, "160000", True, 32),  # joint: 10,000 over 150,000 -> 3 steps of 4,000
        (2026, "500000", True, 20),
    ],
)
def test_care_credit_percent(year: int, agi: str, joint: bool, percent: int) -> None:
    table = taxtables.care_credit_table().years[year]
    assert care_credit_percent(Decimal(agi), joint, table) == percent


def test_mary_with_the_brochures_federal_and_state_given_reproduces_every_other_cell() -> None:
    # What is reproduced, precisely: examples/mary.json gives seed 003's federal and state tax
    # lines as overrides (they are not 2025 withholding, see the test after the day-care ones);
    # from them the calculator computes FICA and every other line, matching the brochure's cells.
    result = illustrate(parse_illustration(MARY.read_bytes()))
    no, flex = result.no_plan, result.flex_plan
    assert (no.gross, no.flex, no.taxable, no.federal, no.state, no.fica, no.net) == (
        3500,
        0,
        3500,
        290,
        146,
        268,
        2796,
    )
    assert (flex.gross, flex.flex, flex.taxable, flex.federal, flex.state, flex.fica, flex.net) == (
        3500,
        500,
        3000,
        229,
        116,
        230,
        2425,
    )
    assert [line.label for line in result.expenses] == ["Insurance", "Braces", "Daycare"]
    assert no.after_tax == (100, 100, 300) and flex.after_tax == (0, 0, 0)
    assert (no.take_home, flex.take_home) == (2296, 2425)
    assert (result.gain, result.annual_gain) == (129, 1548)
    # FICA is computed, not given; federal and state are the brochure's own figures.
    assert no.federal_given and no.state_given and flex.federal_given and flex.state_given
    assert "fica" not in MARY_DATA["overrides"]["no_plan"]


def test_mary_day_care_comparison() -> None:
    result = illustrate(parse_illustration(MARY.read_bytes()))
    care = result.care
    assert care is not None
    # Without the day-care FSA (taxable 3,300): the brochure's federal and state keep the other
    # expenses' share of their saving, 300 of the 500 flex dollars coming back: 229 + 61 x 0.6 =
    # 265.60 -> 266 and 116 + 30 x 0.6 = 134; FICA 7.65% x 3,300 = 252.45 -> 252. The FSA saves
    # (266 + 134 + 252) - (229 + 116 + 230) = 77 a month, 924 a year. Credit: AGI 3,300 x 12 =
    # 39,600 -> 22% of the 3,000 limit for one child = 660.
    without = care.without_fsa
    assert (without.federal, without.state, without.fica, without.given_estimated) == (266, 134, 252, True)
    assert (care.annual_expenses, care.fsa_saving, care.credit_expenses) == (3600, 924, 3000)
    assert (care.agi, care.credit_percent, care.credit) == (39600, 22, 660)
    # The FSA saves more: the table and its gain keep the day care in the plan.
    assert not result.credit_instead and result.flex_plan.after_tax == (0, 0, 0) and result.gain == 129


def test_when_the_credit_saves_more_the_gain_leaves_the_day_care_fsa_out() -> None:
    result = illustrate(parse_illustration((EXAMPLES / "jordan.json").read_bytes()))
    care = result.care
    assert care is not None
    # Jordan, 2026 joint, biweekly 2,800, Illinois; 145 + 40 + 250 (after-school care) a paycheck.
    # All in the plan: taxes 116 + 117 + 181 = 414. Without the day-care FSA, taxable 2,615:
    # federal 67,990 - 12,900 = 55,090; row 44,100: 2,480 + 12% x 10,990 = 3,798.80 / 26 = 146.11
    # -> 146; Illinois 4.95% = 129.44 -> 129; FICA 7.65% = 200.05 -> 200: 475. The FSA saves
    # (475 - 414) x 26 = 1,586 a year; the credit, 35% of 6,000 (two children; AGI 67,990), saves 2,100.
    assert (care.fsa_saving, care.credit) == (1586, 2100) and result.credit_instead
    flex = result.flex_plan
    assert flex is care.without_fsa
    assert (flex.flex, flex.taxable, flex.federal, flex.state, flex.fica) == (185, 2615, 146, 129, 200)
    # The day care is paid after tax in both columns; the gain is the other expenses'.
    assert (result.no_plan.after_tax, flex.after_tax) == ((145, 40, 250), (0, 0, 250))
    assert (flex.take_home, result.gain, result.annual_gain) == (1890, 46, 1196)
    # With the FSA the year's gain would have been 1,196 + 1,586 = 2,782: the figures tie.
    assert result.annual_gain + care.fsa_saving == 2782


def test_when_the_credit_beats_the_brochures_figures_they_are_estimated_without_the_fsa() -> None:
    data = copy.deepcopy(MARY_DATA)
    data["tax"]["year"] = 2026  # the credit's 50% rate: AGI 39,600 -> 37% of 3,000 = 1,110
    result = illustrate(parse_illustration(data))
    assert result.care is not None and (result.care.credit, result.care.fsa_saving) == (1110, 924)
    assert result.credit_instead and result.flex_plan.given_estimated
    assert (result.flex_plan.federal, result.flex_plan.state, result.flex_plan.take_home) == (266, 134, 2348)
    assert result.gain == 2348 - 2296


def test_mary_computed_without_overrides_is_not_the_brochures_table() -> None:
    data = copy.deepcopy(MARY_DATA)
    del data["overrides"]
    result = illustrate(parse_illustration(data))
    # 2025 head of household: 42,000 - 8,600 = 33,400 -> 2,000 / 12 = 166.67 -> 167; with the plan
    # 36,000 - 8,600 = 27,400, in the 10% row from 13,900: 1,350 / 12 = 112.50 -> 113 (half up).
    assert (result.no_plan.federal, result.flex_plan.federal) == (167, 113)
    # Montana head of household: 916.50 / 12 = 76.375 -> 76; (36,000 - 22,500) x 4.7% / 12 = 52.875 -> 53.
    assert (result.no_plan.state, result.flex_plan.state) == (76, 53)
    assert result.gain == (167 + 76 + 268) - (113 + 53 + 230)


# --- properties ----------------------------------------------------------------------------

STATES = ["MT", "IL", "TX"]


@st.composite
def illustrations(draw: st.DrawFn) -> dict[str, Any]:
    frequency = draw(st.sampled_from(["weekly", "biweekly", "semimonthly", "monthly"]))
    pay = draw(st.integers(min_value=20_000, max_value=2_000_000))  # cents
    cents = draw(st.lists(st.integers(min_value=0, max_value=40_000), min_size=1, max_size=3))
    kinds = draw(st.lists(st.sampled_from(["premium", "medical"]), min_size=len(cents), max_size=len(cents)))
    return {
        "pay": {"amount": f"{Decimal(pay) / 100:.2f}", "frequency": frequency},
        "tax": {
            "year": draw(st.sampled_from([2025, 2026])),
            "filing_status": draw(st.sampled_from([s.value for s in FilingStatus])),
            "state": draw(st.sampled_from(STATES)),
        },
        "plan": {"health_fsa_max": "1000000.00"},
        "expenses": [
            {"kind": kind, "label": f"Expense {i}", "amount": f"{Decimal(c) / 100:.2f}"}
            for i, (kind, c) in enumerate(zip(kinds, cents, strict=True))
        ],
    }


def _parse(data: dict[str, Any]) -> TaxSavingsInput:
    return parse_illustration(data)


def _fits(data: dict[str, Any]) -> bool:
    """Expenses within pay as the table prints them (over is an input error: tests/tax/test_rules.py)."""
    expenses = sum(to_dollars(Decimal(e["amount"])) for e in data["expenses"])
    return expenses <= to_dollars(Decimal(data["pay"]["amount"]))


@settings(max_examples=150, deadline=None)
@given(illustrations())
def test_the_table_always_adds_up(data: dict[str, Any]) -> None:
    parsed = _parse(data)
    assume(_fits(data))
    result = illustrate(parsed)
    for column in (result.no_plan, result.flex_plan):
        assert column.taxable == column.gross - column.flex
        assert column.net == column.taxable - column.federal - column.state - column.fica
        assert column.take_home == column.net - sum(column.after_tax)
        for amount in (column.federal, column.state, column.fica):
            assert amount >= 0 and amount == amount.to_integral_value()
    assert result.flex_plan.flex == sum(result.amounts)
    assert result.no_plan.after_tax == result.amounts
    assert result.gain == result.flex_plan.take_home - result.no_plan.take_home
    assert result.annual_gain == result.gain * parsed.pay.frequency.periods


@settings(max_examples=150, deadline=None)
@given(illustrations(), st.integers(min_value=1, max_value=50_000))
def test_more_pre_tax_expense_never_lowers_take_home_pay(data: dict[str, Any], extra: int) -> None:
    more = copy.deepcopy(data)
    more["expenses"][0]["amount"] = f"{Decimal(more['expenses'][0]['amount']) + Decimal(extra) / 100:.2f}"
    assume(_fits(more))
    before, after = illustrate(_parse(data)), illustrate(_parse(more))
    # Paying an expense through the plan never leaves less than paying it after tax, and
    # moving more of it before tax never shrinks what the plan adds.
    assert before.gain >= 0 and after.gain >= 0
    assert after.gain >= before.gain
    assert after.flex_plan.taxes <= before.flex_plan.taxes


def test_every_tax_is_figured_on_exact_pay_then_rounded() -> None:
    # Issue 18: semimonthly 2,437.50 (58,500 a year), single, Illinois, 2025.
    result = illustrate(
        parse_illustration(
            {
                "pay": {"amount": "2437.50", "frequency": "semimonthly"},
                "tax": {"year": 2025, "filing_status": "single", "state": "IL"},
                "expenses": [{"kind": "premium", "label": "Premium", "amount": "50.00"}],
            }
        )
    )
    no, flex = result.no_plan, result.flex_plan
    # FICA 7.65% x 2,437.50 = 186.47 -> 186 (on the pay rounded first, 2,438: 186.51 -> 187).
    # Federal: 58,500 - 8,600 = 49,900; 1,192.50 + 12% x 31,575 = 4,981.50; / 24 = 207.56 -> 208.
    # Illinois 4.95% x 2,437.50 = 120.66 -> 121.
    assert (no.fica, no.federal, no.state) == (186, 208, 121)
    # Flex column, 2,387.50: FICA 182.64 -> 183; 57,300 - 8,600 = 48,700: 1,192.50 + 12% x
    # 30,375 = 4,837.50 / 24 = 201.56 -> 202; Illinois 118.18 -> 118.
    assert (flex.fica, flex.federal, flex.state) == (183, 202, 118)
    assert (no.exact_taxable, flex.exact_taxable) == (Decimal("2437.50"), Decimal("2387.50"))
    # The printed lines still add up: gross and taxable pay are printed rounded half up.
    assert (no.gross, no.taxable, flex.taxable) == (2438, 2438, 2388)
    assert (no.net, flex.net) == (2438 - 208 - 121 - 186, 2388 - 202 - 118 - 183)


@pytest.mark.parametrize(
    ("pay", "frequency", "state", "line", "exact", "on_whole_dollars"),
    [
        # Federal, single, biweekly 1,001.50: 26,039 - 8,600 = 17,439; 10% row from 6,400: 10% x
        # 11,039 = 1,103.90; / 26 = 42.46 -> 42. On 1,002: 17,452 -> 1,105.20 / 26 = 42.51 -> 43.
        ("1001.50", "biweekly", "TX", "federal", 42, 43),
        # Montana, single, weekly 1,006.50: 52,338; 4.7% x 21,100 = 991.70 + 5.9% x 16,238 =
        # 958.04; / 52 = 37.495 -> 37. On 1,007: 52,364 -> 1,951.28 / 52 = 37.52 -> 38.
        ("1006.50", "weekly", "MT", "state", 37, 38),
        # Illinois, semimonthly 1,060.50: 4.95% = 52.49 -> 52. On 1,061: 52.52 -> 53.
        ("1060.50", "semimonthly", "IL", "state", 52, 53),
        # FICA, semimonthly 2,437.50: 7.65% = 186.47 -> 186. On 2,438: 186.51 -> 187.
        ("2437.50", "semimonthly", "TX", "fica", 186, 187),
    ],
)
def test_each_tax_line_is_figured_on_exact_pay(
    pay: str, frequency: str, state: str, line: str, exact: int, on_whole_dollars: int
) -> None:
    def tax(amount: str) -> Decimal:
        result = illustrate(
            parse_illustration(
                {
                    "pay": {"amount": amount, "frequency": frequency},
                    "tax": {"year": 2025, "filing_status": "single", "state": state},
                    "expenses": [{"kind": "premium", "label": "Premium", "amount": "10.00"}],
                }
            )
        )
        amount_no_plan: Decimal = getattr(result.no_plan, line)
        return amount_no_plan

    assert tax(pay) == exact
    # The pay already rounded to the dollar gives the other figure: the cents matter.
    assert tax(str(to_dollars(Decimal(pay)))) == on_whole_dollars


def test_without_the_day_care_comparison_the_table_keeps_every_expense_in_the_plan() -> None:
    data = json.loads((EXAMPLES / "jordan.json").read_bytes())
    data["options"] = {"day_care_comparison": False}
    result = illustrate(parse_illustration(data))
    # No comparison, no choice made from it: the day care stays in the plan (the credit would win).
    assert result.care is None and not result.credit_instead
    assert (result.flex_plan.flex, result.gain, result.annual_gain) == (435, 107, 2782)
