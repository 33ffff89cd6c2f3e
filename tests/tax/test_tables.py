"""The tax tables in src/docgen/data/: they parse, cite their source, and every row follows from the law."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest

from docgen.enrollment.model import FilingStatus
from docgen.tax import tables as taxtables
from docgen.tax.tables import W4Status

# The tax-rate schedules the Publication 15-T STANDARD schedules are built from (upper bounds
# of the 10% ... 35% brackets): Rev. Proc. 2024-40 §2.01 for 2025, Rev. Proc. 2025-32 for 2026.
RATE_SCHEDULES = {
    2025: {
        W4Status.SINGLE_OR_MFS: ("11925", "48475", "103350", "197300", "250525", "626350"),
        W4Status.MARRIED_FILING_JOINTLY: ("23850", "96950", "206700", "394600", "501050", "751600"),
        W4Status.HEAD_OF_HOUSEHOLD: ("17000", "64850", "103350", "197300", "250500", "626350"),
    },
    2026: {
        W4Status.SINGLE_OR_MFS: ("12400", "50400", "105700", "201775", "256225", "640600"),
        W4Status.MARRIED_FILING_JOINTLY: ("24800", "100800", "211400", "403550", "512450", "768700"),
        W4Status.HEAD_OF_HOUSEHOLD: ("17700", "67450", "105700", "201750", "256200", "640600"),
    },
}
# Standard deductions the schedules assume (2025: as Publication 15-T (2025) was printed,
# before Public Law 119-21; 2026: Rev. Proc. 2025-32).
STANDARD_DEDUCTION = {
    2025: {
        W4Status.SINGLE_OR_MFS: "15000",
        W4Status.MARRIED_FILING_JOINTLY: "30000",
        W4Status.HEAD_OF_HOUSEHOLD: "22500",
    },
    2026: {
        W4Status.SINGLE_OR_MFS: "16100",
        W4Status.MARRIED_FILING_JOINTLY: "32200",
        W4Status.HEAD_OF_HOUSEHOLD: "24150",
    },
}
PERCENTS = [Decimal(p) for p in ("0", "10", "12", "22", "24", "32", "35", "37")]


def test_federal_years_are_2025_and_2026() -> None:
    assert taxtables.federal_years() == (2025, 2026)
    assert taxtables.pub15t(2024) is None


@pytest.mark.parametrize("year", [2025, 2026])
def test_pub15t_cites_its_source(year: int) -> None:
    tables = taxtables.pub15t(year)
    assert tables is not None and tables.year == year
    assert f"Publication 15-T ({year})" in tables.source and "irs.gov" in tables.source
    assert tables.verification


def test_2026_table_says_it_was_not_read_from_the_irs_pdf() -> None:
    tables = taxtables.pub15t(2026)
    assert tables is not None
    assert tables.verification.startswith("NOT READ FROM THE IRS PDF")


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("status", list(W4Status))
def test_schedule_rows_follow_from_the_rate_schedule(year: int, status: W4Status) -> None:
    tables = taxtables.pub15t(year)
    assert tables is not None
    rows = tables.schedules[status]
    assert [row.percent for row in rows] == PERCENTS
    # Column A: the zero bracket is the standard deduction less the line 1g amount, and each
    # later row starts where the tax-rate schedule's bracket ends, shifted by it.
    zero_bracket = Decimal(STANDARD_DEDUCTION[year][status]) - tables.line_1g[status]
    bounds = [Decimal(0), zero_bracket] + [zero_bracket + Decimal(b) for b in RATE_SCHEDULES[year][status]]
    assert [row.at_least for row in rows] == bounds
    # Column C: each row's tentative amount is the row above's, plus its rate over its width.
    for above, row in pairwise(rows):
        assert row.base == above.base + (row.at_least - above.at_least) * above.percent / 100, row


def test_line_1g_amounts() -> None:
    for year in (2025, 2026):
        tables = taxtables.pub15t(year)
        assert tables is not None
        assert tables.line_1g == {
            W4Status.MARRIED_FILING_JOINTLY: Decimal(12900),
            W4Status.SINGLE_OR_MFS: Decimal(8600),
            W4Status.HEAD_OF_HOUSEHOLD: Decimal(8600),
        }


def test_w4_has_no_separate_box_for_married_filing_separately() -> None:
    assert taxtables.w4_status(FilingStatus.MARRIED_FILING_SEPARATELY) is W4Status.SINGLE_OR_MFS
    assert taxtables.w4_status(FilingStatus.HEAD_OF_HOUSEHOLD) is W4Status.HEAD_OF_HOUSEHOLD


def test_fica_wage_bases() -> None:
    years = taxtables.fica_table().years
    assert years[2025].social_security_wage_base == Decimal(176100)
    assert years[2026].social_security_wage_base == Decimal(184500)
    assert {(y.social_security_percent, y.medicare_percent) for y in years.values()} == {
        (Decimal("6.2"), Decimal("1.45"))
    }


def test_montana_brackets_for_every_filing_status() -> None:
    for year in (2025, 2026):
        rule = taxtables.state_rule("MT", year)
        assert rule is not None and rule.kind == "brackets" and rule.source
        assert set(rule.brackets) == set(FilingStatus)
        for brackets in rule.brackets.values():
            assert brackets[0].over == 0 and brackets[0].percent == 0
            assert [b.over for b in brackets] == sorted(b.over for b in brackets)
    rule_2025 = taxtables.state_rule("MT", 2025)
    assert rule_2025 is not None and rule_2025.kind == "brackets"
    single = rule_2025.brackets[FilingStatus.SINGLE]
    assert [(b.over, b.percent) for b in single] == [(0, 0), (15000, Decimal("4.7")), (36100, Decimal("5.9"))]


def test_flat_rate_and_no_income_tax_states() -> None:
    illinois = taxtables.state_rule("IL", 2026)
    assert illinois is not None and illinois.kind == "flat" and illinois.percent == Decimal("4.95")
    for state in ("AK", "FL", "NV", "NH", "SD", "TN", "TX", "WA", "WY"):
        rule = taxtables.state_rule(state, 2025)
        assert rule is not None and rule.kind == "none", state
    assert taxtables.state_rule("CA", 2025) is None
    assert taxtables.state_rule("MT", 2024) is None


def test_care_credit_table() -> None:
    years = taxtables.care_credit_table().years
    assert (years[2025].start_percent, years[2026].start_percent) == (35, 50)
    assert {(y.expense_limit_one, y.expense_limit_two_or_more) for y in years.values()} == {(3000, 6000)}
    assert [p.floor_percent for p in years[2026].phases] == [35, 20]
