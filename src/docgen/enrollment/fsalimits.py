"""The IRS's yearly FSA limits (data/fsa-limits.json) and the rule that a plan stays within them."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path

from docgen.enrollment.expenses import birthday
from docgen.enrollment.model import Enrollment
from docgen.errors import Problem
from docgen.money import format_money
from docgen.tax.tables import Table

_DATA_DIR = Path(__file__).resolve().parent / "data"


class YearLimits(Table):
    health_fsa_max: Decimal
    carryover_max: Decimal
    source: str


class DependentCarePeriod(Table):
    """The IRC §129(a)(2)(A) exclusion from `first_year` until the next period's first year."""

    first_year: int
    household_max: Decimal
    separate_max: Decimal
    source: str


class DependentCareLimits(Table):
    source: str
    #: In order of first_year; the limit is statutory, not indexed, so the last period holds
    #: for every later year until the law changes again.
    periods: tuple[DependentCarePeriod, ...]


class FsaLimits(Table):
    source: str
    #: Plan years ending in these calendar years may carry over any amount (CAA 2021 §214(a)).
    uncapped_carryover_plan_year_ends: tuple[int, ...]
    years: dict[int, YearLimits]
    dependent_care: DependentCareLimits


@cache
def fsa_limits() -> FsaLimits:
    return FsaLimits.model_validate_json((_DATA_DIR / "fsa-limits.json").read_bytes())


def dependent_care_limits(year: int) -> DependentCarePeriod:
    """The dependent-care exclusion of calendar (taxable) year `year`; LookupError before the table."""
    periods = [period for period in fsa_limits().dependent_care.periods if period.first_year <= year]
    if not periods:
        raise LookupError(f"no dependent-care limit before {fsa_limits().dependent_care.periods[0].first_year}")
    return periods[-1]


def check_plan_limits(enrollment: Enrollment) -> Iterator[Problem]:
    """A plan year of twelve months at most; its health FSA maximum and carryover within its start year's IRS caps."""
    flex = enrollment.group.flex
    if flex is None:
        return
    plan_year = enrollment.group.plan_year
    # Prop. Treas. Reg. §1.125-1(c) and (d) (2007): the written plan states a plan year of twelve
    # consecutive months (a short plan year may be less). The limits above are yearly; a longer "plan
    # year" would also touch more calendar years than the claim forms state limits for.
    if plan_year.end >= birthday(plan_year.start, 1):  # the start's first anniversary
        yield Problem(
            "group.plan_year.end",
            "plan-year-twelve-months",
            f"must fall within twelve months of the start {plan_year.start.isoformat()} when the plan"
            " has flex accounts (a cafeteria plan year is at most twelve consecutive months)",
        )
    table = fsa_limits()
    limits = table.years.get(plan_year.start.year)
    if limits is None:
        yield Problem(
            "group.plan_year.start",
            "plan-year-supported",
            f"must start in a year whose IRS health FSA limits docgen knows ({min(table.years)}"
            f" to {max(table.years)}) when the plan has flex accounts",
        )
        return
    year = plan_year.start.year
    if flex.health_fsa_max > limits.health_fsa_max:
        yield Problem(
            "group.flex.health_fsa_max",
            "health-fsa-max-irs",
            f"must not exceed the IRS limit of {format_money(limits.health_fsa_max)} for plan years"
            f" starting in {year} (IRC §125(i), {limits.source.split(';')[0]})",
        )
    if plan_year.end.year in table.uncapped_carryover_plan_year_ends:
        return
    if flex.carryover_max > limits.carryover_max:
        yield Problem(
            "group.flex.carryover_max",
            "carryover-max-irs",
            f"must not exceed the IRS carryover limit of {format_money(limits.carryover_max)} for plan"
            f" years starting in {year}",
        )
