"""FSA expense lines (seed 003): the rules a claimed expense must meet to be prefilled on a claim form."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from docgen.enrollment.model import (
    Dependent,
    Enrollment,
    ExpenseLine,
    FlexAccount,
    FlexElection,
)
from docgen.errors import Problem
from docgen.language import N_

#: What the forms call each account.
ACCOUNT_TITLES = {
    FlexAccount.HEALTH_FSA: N_("Health FSA"),
    FlexAccount.DEPENDENT_CARE: N_("Dependent Care FSA"),
}

# Seed 003: dependent care is for "children age 12 and under" (IRC §21(b)(1)(A): a child
# under 13), or for individuals unable to care for themselves (the portal's "Handicapped?").
DEPENDENT_CARE_AGE_LIMIT = 13


def election_for(enrollment: Enrollment, account: FlexAccount) -> FlexElection | None:
    """The participant's election of `account`, or None when the portal sent none."""
    return enrollment.elections.flex(account)


def is_elected(enrollment: Enrollment, account: FlexAccount) -> bool:
    election = election_for(enrollment, account)
    return election is not None and election.elected


def coverage_start(enrollment: Enrollment, account: FlexAccount) -> date:
    """First day an expense can be incurred: the election's effective date, else the plan year's start.

    Seed 003: the health FSA reimburses expenses "incur[red] during the plan year"; an election
    that starts mid-year covers expenses from its effective date (Prop. Treas. Reg. §1.125-6(a):
    expenses incurred during the period of coverage).
    """
    election = election_for(enrollment, account)
    plan_start = enrollment.group.plan_year.start
    if election is None or election.effective_date is None:
        return plan_start
    return max(plan_start, election.effective_date)


def lines_for(enrollment: Enrollment, account: FlexAccount) -> tuple[ExpenseLine, ...]:
    return tuple(line for line in enrollment.claims if line.account is account)


def birthday(born: date, age: int) -> date:
    """The day a person born on `born` turns `age` (a February 29th birthday falls on March 1st)."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return date(born.year + age, 3, 1)


def check_expenses(enrollment: Enrollment) -> Iterator[Problem]:
    """Every rule the input's expense lines break, with their JSON paths."""
    dependents = {dependent.dependent_id: dependent for dependent in enrollment.dependents}
    for index, line in enumerate(enrollment.claims):
        yield from _check_line(enrollment, f"claims[{index}]", line, dependents)


def _check_line(
    enrollment: Enrollment, path: str, line: ExpenseLine, dependents: dict[str, Dependent]
) -> Iterator[Problem]:
    title = ACCOUNT_TITLES[line.account]
    if not is_elected(enrollment, line.account):
        yield Problem(
            f"{path}.account",
            "claim-account-elected",
            f"the participant has not elected the {title}, so it cannot reimburse this expense",
        )
    # Negative amounts and fractions of a cent are schema errors (money-non-negative, money-cents).
    if line.amount == 0:
        yield Problem(f"{path}.amount", "claim-amount-positive", "must be more than 0.00")
    yield from _check_dates(enrollment, path, line)
    yield from _check_person(path, line, dependents)


def _check_dates(enrollment: Enrollment, path: str, line: ExpenseLine) -> Iterator[Problem]:
    first = coverage_start(enrollment, line.account)
    last = enrollment.group.plan_year.end
    if line.service_end is not None and line.service_end < line.service_start:
        yield Problem(f"{path}.service_end", "date-range-order", "must not be before service_start")
    # Seed 003 ("REIMBURSEMENT"): the run-out after the plan year is only a window to submit
    # claims "for eligible expenses that were incurred during the plan year".
    for field, day in (("service_start", line.service_start), ("service_end", line.service_end)):
        if day is not None and not first <= day <= last:
            yield Problem(
                f"{path}.{field}",
                "claim-in-plan-year",
                f"must fall inside the {ACCOUNT_TITLES[line.account]} coverage period"
                f" {first.isoformat()} to {last.isoformat()} (the run-out is only for submitting)",
            )


def _check_person(path: str, line: ExpenseLine, dependents: dict[str, Dependent]) -> Iterator[Problem]:
    if line.dependent_id is None:
        if line.account is FlexAccount.DEPENDENT_CARE:
            yield Problem(
                f"{path}.dependent_id",
                "dependent-care-person",
                "must name the dependent who received the care",
            )
        return
    dependent = dependents.get(line.dependent_id)
    if dependent is None:
        yield Problem(f"{path}.dependent_id", "dependent-exists", f"no dependent has ID {line.dependent_id}")
        return
    last_day = line.service_end or line.service_start
    if (
        line.account is FlexAccount.DEPENDENT_CARE
        and not dependent.handicapped
        and last_day >= birthday(dependent.date_of_birth, DEPENDENT_CARE_AGE_LIMIT)
    ):
        yield Problem(
            f"{path}.dependent_id",
            "dependent-care-person",
            f"dependent {line.dependent_id} was not under {DEPENDENT_CARE_AGE_LIMIT} on the last day of"
            " care and is not marked unable to care for themselves (Handicapped?)",
        )
