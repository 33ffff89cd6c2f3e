"""IRS health FSA limits: every year of the table, each plan value checked against its plan year's cap."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from docgen.enrollment.fsalimits import dependent_care_limits, fsa_limits
from docgen.enrollment.model import parse_enrollment
from docgen.enrollment.rules import check_enrollment


def broken(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.path, p.rule) for p in check_enrollment(parse_enrollment(json.dumps(data)))]


def plan_year(data: dict[str, Any], start: str, end: str) -> None:
    """Move the plan year and every date inside it that the rules compare (a calendar plan year)."""
    data["group"]["plan_year"] = {"start": start, "end": end}
    year = int(start[:4])
    data["enrollment"]["window"] = {"start": f"{year - 1}-11-01", "end": f"{year - 1}-11-30"}
    data["enrollment"]["submitted_at"] = f"{year - 1}-11-15T10:00:00"
    for election in data["elections"].values():
        election["effective_date"] = start
    data["elections"]["medical_spending_account"]["per_pay_employee"] = "10.00"
    data["elections"]["day_care_spending_account"]["per_pay_employee"] = "10.00"


def test_the_table_holds_the_issues_figures() -> None:
    years = fsa_limits().years
    assert (years[2016].health_fsa_max, years[2026].health_fsa_max) == (Decimal("2550.00"), Decimal("3400.00"))
    assert {years[y].carryover_max for y in range(2013, 2020)} == {Decimal("500.00")}
    assert years[2026].carryover_max == Decimal("680.00")
    assert sorted(years) == list(range(2013, 2027))
    # The carryover is 20% of the salary-reduction limit from 2020 on (Notice 2020-33).
    for year in range(2020, 2027):
        assert years[year].carryover_max == (years[year].health_fsa_max / 5).quantize(
            Decimal("10"), rounding="ROUND_DOWN"
        )


@pytest.mark.parametrize("year", range(2013, 2027))
def test_each_years_caps_are_allowed_and_a_dollar_more_is_not(jane: dict[str, Any], year: int) -> None:
    plan_year(jane, f"{year}-01-01", f"{year}-12-31")
    limits = fsa_limits().years[year]
    flex = jane["group"]["flex"]
    flex["health_fsa_max"], flex["carryover_max"] = f"{limits.health_fsa_max}", f"{limits.carryover_max}"
    assert broken(jane) == []
    flex["health_fsa_max"] = f"{limits.health_fsa_max + 1}"
    flex["carryover_max"] = f"{limits.carryover_max + 1}"
    expected = [("group.flex.health_fsa_max", "health-fsa-max-irs")]
    if year not in (2020, 2021):  # CAA 2021 §214: carryover uncapped for plan years ending then
        expected.append(("group.flex.carryover_max", "carryover-max-irs"))
    assert broken(jane) == expected


def test_the_issues_reproductions(jane: dict[str, Any]) -> None:
    jane["group"]["flex"]["carryover_max"] = "640.00"  # a 2016 plan: the cap was $500
    assert broken(jane) == [("group.flex.carryover_max", "carryover-max-irs")]
    plan_year(jane, "2025-01-01", "2025-12-31")
    jane["group"]["flex"].update(health_fsa_max="3500.00", carryover_max="500.00")
    assert broken(jane) == [("group.flex.health_fsa_max", "health-fsa-max-irs")]


def test_a_fiscal_plan_year_ending_in_2021_carries_over_without_cap(jane: dict[str, Any]) -> None:
    plan_year(jane, "2020-07-01", "2021-06-30")
    jane["group"]["flex"]["carryover_max"] = "2750.00"
    assert broken(jane) == []
    plan_year(jane, "2021-07-01", "2022-06-30")  # ends in 2022: capped again
    assert broken(jane) == [("group.flex.carryover_max", "carryover-max-irs")]


@pytest.mark.parametrize("start", ["2012-01-01", "2027-01-01"])
def test_a_plan_year_outside_the_table_is_refused_by_path(jane: dict[str, Any], start: str) -> None:
    plan_year(jane, start, f"{start[:4]}-12-31")
    assert broken(jane) == [("group.plan_year.start", "plan-year-supported")]
    del jane["group"]["flex"]
    for name in ("medical_spending_account", "day_care_spending_account"):
        del jane["elections"][name]
    assert broken(jane) == []  # no flex accounts: no IRS limit to know


def test_the_dependent_care_exclusion_by_calendar_year() -> None:
    # IRC §129(a)(2)(A): $5,000 ($2,500 married filing separately); $10,500 for 2021 (ARPA
    # §9632); $7,500 ($3,750) for taxable years beginning after 2025 (Public Law 119-21).
    limits = {year: dependent_care_limits(year) for year in range(2013, 2031)}
    assert {(limits[y].household_max, limits[y].separate_max) for y in (2013, 2020, 2022, 2025)} == {
        (Decimal("5000.00"), Decimal("2500.00"))
    }
    assert (limits[2021].household_max, limits[2021].separate_max) == (Decimal("10500.00"), Decimal("5250.00"))
    assert {(limits[y].household_max, limits[y].separate_max) for y in range(2026, 2031)} == {
        (Decimal("7500.00"), Decimal("3750.00"))
    }
    for period in fsa_limits().dependent_care.periods:  # half for a separate return, every year
        assert period.separate_max == period.household_max / 2 and "§" in period.source
    with pytest.raises(LookupError):
        dependent_care_limits(2012)


@pytest.mark.parametrize(
    ("start", "end", "allowed"),
    [
        ("2025-01-01", "2025-12-31", True),
        ("2025-07-01", "2026-06-30", True),
        ("2025-07-01", "2025-12-31", True),  # a short plan year
        ("2024-02-29", "2025-02-28", True),
        ("2025-07-01", "2026-07-01", False),  # a thirteenth month begun
        ("2025-01-01", "2027-12-31", False),
    ],
)
def test_a_plan_year_with_flex_accounts_is_twelve_months_at_most(
    jane: dict[str, Any], start: str, end: str, allowed: bool
) -> None:
    plan_year(jane, start, end)
    assert broken(jane) == ([] if allowed else [("group.plan_year.end", "plan-year-twelve-months")])
