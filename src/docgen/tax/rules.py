"""Rules of the tax-savings illustration input: supported years and states, FSA limits, pay covering expenses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from docgen.enrollment.model import FilingStatus, FlexAccount
from docgen.enrollment.rules import dependent_care_limit
from docgen.errors import Problem
from docgen.money import ZERO, format_dollars, format_money, to_dollars
from docgen.tax import tables as taxtables
from docgen.tax.input import ExpenseKind, TaxSavingsInput

_ELECTION_KINDS = {
    FlexAccount.HEALTH_FSA: (ExpenseKind.MEDICAL, "Health FSA"),
    FlexAccount.DEPENDENT_CARE: (ExpenseKind.DEPENDENT_CARE, "Day care FSA"),
}


@dataclass(frozen=True)
class IllustratedExpense:
    """An expense with where it came from: `expenses[i]` or an enrollment's flex election."""

    path: str
    kind: ExpenseKind
    label: str
    amount: Decimal
    #: Employer and other money per pay period (an enrollment election's); counts toward the
    #: dependent-care maximum (IRC §129) but is not taken from pay.
    employer: Decimal
    qualifying_individuals: int


def expense_lines(data: TaxSavingsInput) -> tuple[IllustratedExpense, ...]:
    """The listed expenses, then each elected flex account of an enrollment's elections."""
    lines = [
        IllustratedExpense(f"expenses[{i}].amount", e.kind, e.label, e.amount, ZERO, e.qualifying_individuals or 1)
        for i, e in enumerate(data.expenses)
    ]
    elections = data.flex_elections
    for account, (kind, label) in _ELECTION_KINDS.items():
        name = account.value
        election = elections.flex(account) if elections is not None else None
        if election is not None and election.elected:
            lines.append(
                IllustratedExpense(
                    f"flex_elections.{name}.per_pay_employee",
                    kind,
                    election.plan or label,
                    election.per_pay_employee,
                    election.per_pay_employer + election.per_pay_other,
                    1,
                )
            )
    return tuple(lines)


def filing_status(data: TaxSavingsInput) -> FilingStatus | None:
    """tax.filing_status, else the enrollment participant's."""
    if data.tax.filing_status is not None:
        return data.tax.filing_status
    return data.participant.tax_filing_status if data.participant is not None else None


def _over_limit(
    lines: list[IllustratedExpense],
    periods: int,
    limit: Decimal,
    rule: str,
    what: str,
    with_employer: bool,
) -> Iterator[Problem]:
    # The election that carries the yearly total over the limit is the one reported: an
    # election over a limit is an error, never silently capped.
    total = ZERO
    for line in lines:
        total += (line.amount + (line.employer if with_employer else ZERO)) * periods
        if total > limit:
            yield Problem(
                line.path,
                rule,
                f"brings the annual total to {format_money(total)}"
                f" ({periods} pay periods), over the {what} of {format_money(limit)}",
            )
            return


def _check_limits(
    data: TaxSavingsInput, lines: tuple[IllustratedExpense, ...], status: FilingStatus | None
) -> Iterator[Problem]:
    periods = data.pay.frequency.periods
    medical = [line for line in lines if line.kind is ExpenseKind.MEDICAL]
    if medical and data.plan.health_fsa_max is None:
        yield Problem(
            "plan.health_fsa_max",
            "health-fsa-max-required",
            "is required when an expense is medical (the plan's health FSA maximum)",
        )
    elif medical and data.plan.health_fsa_max is not None:
        # IRC §125(i) limits the employee's salary reduction; the plan's maximum is at most that.
        yield from _over_limit(
            medical,
            periods,
            data.plan.health_fsa_max,
            "health-fsa-max",
            "plan's health FSA maximum",
            with_employer=False,
        )
    care = [line for line in lines if line.kind is ExpenseKind.DEPENDENT_CARE]
    if care and status is not None:
        limit = dependent_care_limit(date(data.tax.year, 1, 1), status)
        yield from _over_limit(
            care,
            periods,
            limit,
            "dependent-care-max",
            f"{data.tax.year} household dependent-care maximum",
            with_employer=True,
        )


def check_illustration(data: TaxSavingsInput) -> list[Problem]:
    """Every rule the illustration input breaks; empty when it can be computed."""
    problems: list[Problem] = []
    year = data.tax.year
    # Every table the calculator reads (issue 19: a year missing from the care-credit table was a
    # KeyError, a 500 through the API, because only two of them were asked).
    if year not in taxtables.supported_years():
        years = ", ".join(str(y) for y in taxtables.supported_years())
        return [Problem("tax.year", "tax-year-supported", f"docgen has tax tables for {years} only")]
    status = filing_status(data)
    if status is None:
        problems.append(
            Problem("tax.filing_status", "filing-status-required", "is required (or participant.tax_filing_status)")
        )
    lines = expense_lines(data)
    if not lines:
        problems.append(Problem("expenses", "expenses-required", "must list at least one expense the plan pays"))
    for index, expense in enumerate(data.expenses):
        if expense.qualifying_individuals is not None and expense.kind is not ExpenseKind.DEPENDENT_CARE:
            problems.append(
                Problem(
                    f"expenses[{index}].qualifying_individuals",
                    "qualifying-individuals-care-only",
                    "applies to dependent-care expenses only",
                )
            )
    problems.extend(_check_limits(data, lines, status))
    # Compared as the table prints them, in whole dollars (taxes.py rounds each line).
    flex = sum((to_dollars(line.amount) for line in lines), ZERO)
    if flex > to_dollars(data.pay.amount):
        problems.append(
            Problem(
                "expenses",
                "expenses-within-pay",
                f"the expenses ({format_dollars(flex)} in whole dollars) exceed the pay"
                f" ({format_dollars(data.pay.amount)})",
            )
        )
    overrides = data.overrides
    if taxtables.state_rule(data.tax.state, year) is None and (
        overrides.no_plan.state is None or overrides.flex_plan.state is None
    ):
        problems.append(
            Problem(
                "tax.state",
                "state-rules",
                f"docgen has no {year} withholding rule for {data.tax.state};"
                " give overrides.no_plan.state and overrides.flex_plan.state",
            )
        )
    return problems
