"""The tax-savings illustration (seed 003): Decimal arithmetic, whole-dollar lines that add up as printed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from docgen.enrollment.model import FilingStatus
from docgen.errors import InputError, Problem
from docgen.money import ZERO, to_dollars
from docgen.tax import tables as taxtables
from docgen.tax.input import W4, ExpenseKind, TaxSavingsInput
from docgen.tax.rules import (
    IllustratedExpense,
    check_illustration,
    expense_lines,
    filing_status,
)
from docgen.tax.tables import CareCreditYear, FicaYear, Pub15T, StateRule

HUNDRED = Decimal(100)


# --- the three taxes, per pay period, unrounded --------------------------------------------


def federal_withholding(wages: Decimal, periods: int, status: FilingStatus, tables: Pub15T, w4: W4) -> Decimal:
    """IRS Publication 15-T, Worksheet 1A (Form W-4 from 2020 or later, Step 2 box not checked)."""
    key = taxtables.w4_status(status)
    annual = wages * periods + w4.other_income  # lines 1c-1e
    adjusted = max(ZERO, annual - (w4.deductions + tables.line_1g[key]))  # lines 1f-1i
    row = [r for r in tables.schedules[key] if adjusted >= r.at_least][-1]  # lines 2a-2e
    tentative = (row.base + (adjusted - row.at_least) * row.percent / HUNDRED) / periods  # 2f-2h
    after_credits = max(ZERO, tentative - w4.dependents_credit / periods)  # lines 3a-3c
    return after_credits + w4.extra_withholding  # lines 4a-4b


def fica(wages: Decimal, periods: int, rates: FicaYear) -> Decimal:
    """Social security up to the year's wage base plus Medicare (IRC §3101), averaged over the year."""
    annual = wages * periods
    social_security = min(annual, rates.social_security_wage_base) * rates.social_security_percent
    medicare = annual * rates.medicare_percent
    additional = max(ZERO, annual - rates.additional_medicare_over) * rates.additional_medicare_percent
    return (social_security + medicare + additional) / HUNDRED / periods


def state_withholding(wages: Decimal, periods: int, status: FilingStatus, rule: StateRule) -> Decimal:
    """The state's annualized withholding formula (data/state-withholding.json), per period."""
    annual = wages * periods
    if rule.kind == "none":
        return ZERO
    if rule.kind == "flat":
        return annual * rule.percent / HUNDRED / periods
    brackets = rule.brackets[status]
    tax = ZERO
    for bracket, upper in zip(brackets, [*(b.over for b in brackets[1:]), None], strict=True):
        if annual > bracket.over:
            top = annual if upper is None else min(annual, upper)
            tax += (top - bracket.over) * bracket.percent / HUNDRED
    return tax / periods


def care_credit_percent(agi: Decimal, joint: bool, table: CareCreditYear) -> Decimal:
    """IRC §21(a)(2): the percentage falls 1 point per step (or fraction) of AGI over each threshold."""
    percent = table.start_percent
    for phase in table.phases:
        over = agi - (phase.agi_over_joint if joint else phase.agi_over)
        if over > 0:
            points = (over / (phase.step_joint if joint else phase.step)).to_integral_value(ROUND_CEILING)
            percent = max(phase.floor_percent, percent - points)
    return percent


# --- the illustration ----------------------------------------------------------------------


@dataclass(frozen=True)
class TaxColumn:
    """One column of the brochure's table, every amount a whole dollar per pay period."""

    gross: Decimal
    flex: Decimal
    taxable: Decimal
    #: The pay less the expenses to the cent: what the taxes are figured on.
    exact_taxable: Decimal
    federal: Decimal
    state: Decimal
    fica: Decimal
    net: Decimal
    after_tax: tuple[Decimal, ...]
    take_home: Decimal
    federal_given: bool
    state_given: bool
    #: The given federal or state figures are the brochure's less the day-care FSA's share of
    #: their saving (the column without the day-care FSA, when the brochure's includes it).
    given_estimated: bool = False

    @property
    def taxes(self) -> Decimal:
        return self.federal + self.state + self.fica


@dataclass(frozen=True)
class CareComparison:
    """The dependent-care FSA against the federal Child and Dependent Care Credit, per year."""

    annual_expenses: Decimal
    fsa_saving: Decimal
    credit_expenses: Decimal
    credit_percent: Decimal
    credit: Decimal
    credit_allowed: bool
    agi: Decimal
    qualifying_individuals: int
    #: The flex column with the day-care expenses paid after tax (the credit's side).
    without_fsa: TaxColumn

    @property
    def credit_wins(self) -> bool:
        return self.credit_allowed and self.credit > self.fsa_saving


@dataclass(frozen=True)
class Illustration:
    periods: int
    expenses: tuple[IllustratedExpense, ...]
    amounts: tuple[Decimal, ...]
    no_plan: TaxColumn
    #: With every expense in the plan, or without the day-care FSA when the credit saves more.
    flex_plan: TaxColumn
    gain: Decimal
    annual_gain: Decimal
    care: CareComparison | None
    filing_status: FilingStatus

    @property
    def credit_instead(self) -> bool:
        """The day-care expenses are left out of the flex column: the credit saves more."""
        return self.care is not None and self.care.credit_wins


def _column(
    data: TaxSavingsInput,
    status: FilingStatus,
    lines: tuple[IllustratedExpense, ...],
    amounts: tuple[Decimal, ...],
    in_plan: tuple[bool, ...],
    federal_given: Decimal | None,
    state_given: Decimal | None,
    given_estimated: bool = False,
) -> TaxColumn:
    # Seed 003 prints whole dollars and its table adds up. Each tax is figured on the exact
    # taxable pay (pay less the exact expenses: withholding is figured on the wages paid, Pub.
    # 15-T) and then rounded half-up to the dollar; every other line follows from printed lines.
    year, periods = data.tax.year, data.pay.frequency.periods
    gross = to_dollars(data.pay.amount)
    flex = sum((amount for amount, pre_tax in zip(amounts, in_plan, strict=True) if pre_tax), ZERO)
    taxable = gross - flex
    exact = data.pay.amount - sum((line.amount for line, pre_tax in zip(lines, in_plan, strict=True) if pre_tax), ZERO)
    if federal_given is not None:
        federal = to_dollars(federal_given)
    else:
        tables = taxtables.pub15t(year)
        assert tables is not None  # check_illustration reports unsupported years
        federal = to_dollars(federal_withholding(exact, periods, status, tables, data.tax.w4))
    if state_given is not None:
        state = to_dollars(state_given)
    else:
        rule = taxtables.state_rule(data.tax.state, year)
        assert rule is not None  # check_illustration reports states without rules
        state = to_dollars(state_withholding(exact, periods, status, rule))
    social = to_dollars(fica(exact, periods, taxtables.fica_table().years[year]))
    net = taxable - federal - state - social
    after_tax = tuple(ZERO if pre_tax else amount for amount, pre_tax in zip(amounts, in_plan, strict=True))
    return TaxColumn(
        gross=gross,
        flex=flex,
        taxable=taxable,
        exact_taxable=exact,
        federal=federal,
        state=state,
        fica=social,
        net=net,
        after_tax=after_tax,
        take_home=net - sum(after_tax, ZERO),
        federal_given=federal_given is not None,
        state_given=state_given is not None,
        given_estimated=given_estimated and (federal_given is not None or state_given is not None),
    )


def _without_fsa(
    data: TaxSavingsInput,
    status: FilingStatus,
    lines: tuple[IllustratedExpense, ...],
    amounts: tuple[Decimal, ...],
    no_plan: TaxColumn,
    flex_plan: TaxColumn,
) -> TaxColumn:
    """The flex column with the day-care expenses paid after tax, as the credit's claimant has it."""
    in_plan = tuple(line.kind is not ExpenseKind.DEPENDENT_CARE for line in lines)
    care = sum((amount for amount, pre_tax in zip(amounts, in_plan, strict=True) if not pre_tax), ZERO)
    # A given (brochure) figure covers every expense; without the FSA it keeps the other
    # expenses' share of its saving: the day-care dollars' part of the flex dollars comes back.
    share = care / flex_plan.flex if flex_plan.flex else ZERO

    def estimate(given: Decimal | None, no_plan_tax: Decimal, flex_tax: Decimal) -> Decimal | None:
        return None if given is None else flex_tax + to_dollars((no_plan_tax - flex_tax) * share)

    override = data.overrides.flex_plan
    return _column(
        data,
        status,
        lines,
        amounts,
        in_plan,
        estimate(override.federal, no_plan.federal, flex_plan.federal),
        estimate(override.state, no_plan.state, flex_plan.state),
        given_estimated=share > 0,
    )


def _care(
    data: TaxSavingsInput,
    lines: tuple[IllustratedExpense, ...],
    amounts: tuple[Decimal, ...],
    no_plan: TaxColumn,
    flex_plan: TaxColumn,
    status: FilingStatus,
) -> CareComparison | None:
    care = [line for line in lines if line.kind is ExpenseKind.DEPENDENT_CARE]
    if not care:
        return None
    periods, table = data.pay.frequency.periods, taxtables.care_credit_table().years[data.tax.year]
    without = _without_fsa(data, status, lines, amounts, no_plan, flex_plan)
    # The FSA's saving is the tax it takes off on top of the other elections, so the yearly
    # gain with it is the gain without it plus this saving, to the dollar.
    fsa_saving = (without.taxes - flex_plan.taxes) * periods
    individuals = max(line.qualifying_individuals for line in care)
    limit = table.expense_limit_one if individuals == 1 else table.expense_limit_two_or_more
    # The credit counts the expenses paid, to the cent (IRC §21(c)).
    annual = sum((line.amount for line in care), ZERO) * periods
    credit_expenses = min(annual, limit)
    # AGI: the year's pay after the other pre-tax elections, the ones the member keeps.
    agi = without.exact_taxable * periods
    percent = care_credit_percent(agi, status is FilingStatus.MARRIED_FILING_JOINTLY, table)
    # §21(e)(2): married people filing separately cannot take the credit; it is nonrefundable,
    # so it is also held to the year's federal income tax (withheld in the column without the FSA).
    allowed = status is not FilingStatus.MARRIED_FILING_SEPARATELY
    credit = min(to_dollars(credit_expenses * percent / HUNDRED), without.federal * periods) if allowed else ZERO
    return CareComparison(
        annual_expenses=annual,
        fsa_saving=fsa_saving,
        credit_expenses=credit_expenses,
        credit_percent=percent,
        credit=credit,
        credit_allowed=allowed,
        agi=agi,
        qualifying_individuals=individuals,
        without_fsa=without,
    )


def _check_columns(data: TaxSavingsInput, no_plan: TaxColumn, flex_plan: TaxColumn) -> list[Problem]:
    problems = []
    w4 = data.tax.w4
    # Computed taxes stay under the pay unless the W-4 adds withholding or income to it.
    computed_cause = (
        "tax.w4.extra_withholding"
        if w4.extra_withholding
        else "tax.w4.other_income"
        if w4.other_income
        else "pay.amount"
    )
    for name, column in (("no_plan", no_plan), ("flex_plan", flex_plan)):
        if column.net < 0:
            given = [
                f for f, is_given in (("federal", column.federal_given), ("state", column.state_given)) if is_given
            ]
            path = f"overrides.{name}.{given[0]}" if given else computed_cause
            problems.append(
                Problem(path, "taxes-within-pay", f"the {name.replace('_', ' ')} taxes exceed its taxable pay")
            )
    for tax in ("federal", "state"):
        if getattr(flex_plan, tax) > getattr(no_plan, tax):
            path = f"overrides.flex_plan.{tax}" if getattr(flex_plan, f"{tax}_given") else f"overrides.no_plan.{tax}"
            problems.append(
                Problem(
                    path,
                    "flex-tax-not-higher",
                    f"the flex plan's {tax} tax must not exceed the no-plan amount:"
                    " taxes do not rise when taxable pay falls",
                )
            )
    return problems


def illustrate(data: TaxSavingsInput) -> Illustration:
    """Every row of the brochure's table for both columns, the gain, and the day-care comparison."""
    problems = check_illustration(data)
    if problems:
        raise InputError(problems)
    status = filing_status(data)
    assert status is not None  # check_illustration reports a missing filing status
    lines = expense_lines(data)
    amounts = tuple(to_dollars(line.amount) for line in lines)
    overrides = data.overrides
    no_plan = _column(
        data, status, lines, amounts, tuple(False for _ in lines), overrides.no_plan.federal, overrides.no_plan.state
    )
    every = _column(
        data, status, lines, amounts, tuple(True for _ in lines), overrides.flex_plan.federal, overrides.flex_plan.state
    )
    problems = _check_columns(data, no_plan, every)
    if problems:
        raise InputError(problems)
    care = _care(data, lines, amounts, no_plan, every, status) if data.options.day_care_comparison else None
    # When the credit saves more than the FSA, the member is better off paying day care after
    # tax and claiming the credit: the table and its gain then leave the day-care FSA out.
    flex_plan = care.without_fsa if care is not None and care.credit_wins else every
    gain = flex_plan.take_home - no_plan.take_home
    return Illustration(
        periods=data.pay.frequency.periods,
        expenses=lines,
        amounts=amounts,
        no_plan=no_plan,
        flex_plan=flex_plan,
        gain=gain,
        annual_gain=gain * data.pay.frequency.periods,
        care=care,
        filing_status=status,
    )
