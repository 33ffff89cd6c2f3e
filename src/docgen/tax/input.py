"""Tax-savings illustration input (seed 003): frozen pydantic models, a sibling of model.py's enrollment."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Annotated, Any

from pydantic import Field

from docgen.enrollment.model import (
    Administrator,
    FilingStatus,
    FirstName,
    FlexChoices,
    FlexElection,
    Frozen,
    Money,
    Participant,
    RequiredText,
    StateCode,
    Text,
)
from docgen.errors import InputError
from docgen.glyphs import check_printable
from docgen.language import LanguageTag
from docgen.money import ZERO
from docgen.parsing import Rule, parse_sections, run_rules


class PayFrequency(str, Enum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    SEMIMONTHLY = "semimonthly"
    MONTHLY = "monthly"

    @property
    def periods(self) -> int:
        """Pay periods in a year (Publication 15-T, Worksheet 1A line 1b)."""
        return {"weekly": 52, "biweekly": 26, "semimonthly": 24, "monthly": 12}[self.value]


class ExpenseKind(str, Enum):
    """What a flex plan pays before tax (seed 003): premium conversion, health FSA, dependent-care FSA."""

    PREMIUM = "premium"
    MEDICAL = "medical"
    DEPENDENT_CARE = "dependent_care"


class Expense(Frozen):
    """One expense, per pay period: paid after tax without the plan, before tax with it."""

    kind: ExpenseKind
    label: RequiredText
    amount: Money
    #: Dependent care only: the children (or others) in care; 2 or more doubles the credit's
    #: expense limit (IRC §21(c)). One when left out.
    qualifying_individuals: int | None = Field(default=None, strict=True, ge=1, le=20)


class Pay(Frozen):
    amount: Money
    frequency: PayFrequency


class W4(Frozen):
    """Form W-4 (2020 or later) steps 3 and 4, as Worksheet 1A uses them; all zero when left out."""

    dependents_credit: Money = ZERO
    other_income: Money = ZERO
    deductions: Money = ZERO
    extra_withholding: Money = ZERO


class Tax(Frozen):
    year: int = Field(strict=True, ge=1900, le=2100)
    #: Falls back to participant.tax_filing_status when left out.
    filing_status: FilingStatus | None = None
    state: StateCode
    w4: W4 = W4()


class ColumnOverride(Frozen):
    """Explicit per-period amounts that replace the computed ones (the brochure's own figures)."""

    federal: Money | None = None
    state: Money | None = None


class Overrides(Frozen):
    no_plan: ColumnOverride = ColumnOverride()
    flex_plan: ColumnOverride = ColumnOverride()


class Person(Frozen):
    first_name: FirstName
    last_name: Annotated[str, Field(max_length=60)] = ""
    #: How the sentence describes them, after the name: "a single mother of two".
    description: Text = ""
    #: The language the illustration is written in (issue 22); English when absent.
    language: LanguageTag | None = None


class PlanSettings(Frozen):
    name: Text = ""
    #: The plan's health FSA maximum per year (the enrollment's group.flex.health_fsa_max);
    #: required when an expense is medical.
    health_fsa_max: Money | None = None


class FlexElections(Frozen, FlexChoices):
    """An enrollment's flex elections; each elected account becomes an expense."""

    medical_spending_account: FlexElection | None = None
    day_care_spending_account: FlexElection | None = None


class Options(Frozen):
    """What the page prints; every option is optional and on by default."""

    #: The dependent-care FSA against the federal credit (and the choice it leads to); false
    #: leaves it out and the table keeps every expense in the plan.
    day_care_comparison: bool = Field(default=True, strict=True)


class TaxSavingsInput(Frozen):
    """A tax-savings illustration: one person's pay, taxes and expenses, with and without the plan."""

    administrator: Administrator | None = None
    person: Person | None = None
    participant: Participant | None = None
    pay: Pay
    tax: Tax
    plan: PlanSettings = PlanSettings()
    expenses: tuple[Expense, ...] = Field(max_length=20)
    flex_elections: FlexElections | None = None
    overrides: Overrides = Overrides()
    options: Options = Options()


def parse_illustration(
    data: bytes | str | dict[str, Any], extra_rules: Sequence[Rule[TaxSavingsInput]] = ()
) -> TaxSavingsInput:
    """Parse illustration JSON; schema problems, printable text and `extra_rules` (the calculator,
    tax.calculator, checks limits and amounts)."""
    parsed = parse_sections(TaxSavingsInput, data)
    rules: list[Rule[TaxSavingsInput]] = [Rule((), check_printable), *extra_rules]
    problems = [*parsed.problems, *run_rules(rules, parsed.value, parsed.problems)]
    if problems or parsed.value is None:
        raise InputError(problems)
    return parsed.value
