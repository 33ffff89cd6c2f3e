"""The IRS's yearly health FSA limits (data/fsa-limits.json) and the rule that a plan stays within them."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from functools import cache

from docgen.errors import Problem
from docgen.model import Enrollment
from docgen.money import format_money
from docgen.taxtables import DATA_DIR, Table


class YearLimits(Table):
    health_fsa_max: Decimal
    carryover_max: Decimal
    source: str


class FsaLimits(Table):
    source: str
    #: Plan years ending in these calendar years may carry over any amount (CAA 2021 §214(a)).
    uncapped_carryover_plan_year_ends: tuple[int, ...]
    years: dict[int, YearLimits]


@cache
def fsa_limits() -> FsaLimits:
    return FsaLimits.model_validate_json((DATA_DIR / "fsa-limits.json").read_bytes())


def check_plan_limits(enrollment: Enrollment) -> Iterator[Problem]:
    """A plan's health FSA maximum and carryover within the IRS caps of the year its plan year starts in."""
    flex = enrollment.group.flex
    if flex is None:
        return
    plan_year = enrollment.group.plan_year
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
