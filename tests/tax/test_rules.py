"""Illustration rules: every problem with its JSON path and rule id; limits are errors, never capped."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest

from docgen.errors import InputError
from docgen.tax import tables as taxtables
from docgen.tax.calculator import illustrate
from docgen.tax.input import parse_illustration
from docgen.tax.rules import check_illustration, expense_lines
from tests.conftest import MARY, load_jane

MARY_DATA: dict[str, Any] = json.loads(MARY.read_bytes())


@pytest.fixture
def mary() -> dict[str, Any]:
    return copy.deepcopy(MARY_DATA)


def problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as caught:
        illustrate(parse_illustration(data))
    return [(p.path, p.rule) for p in caught.value.problems]


def test_mary_is_valid(mary: dict[str, Any]) -> None:
    assert check_illustration(parse_illustration(mary)) == []


def test_unsupported_year(mary: dict[str, Any]) -> None:
    mary["tax"]["year"] = 2024
    with pytest.raises(InputError) as caught:
        illustrate(parse_illustration(mary))
    [problem] = caught.value.problems
    assert (problem.path, problem.rule) == ("tax.year", "tax-year-supported")
    assert "2025, 2026" in problem.message


def test_a_year_missing_from_any_table_is_unsupported(mary: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 19: with Publication 15-T and FICA for the year but no care-credit row, the year
    # passed the check and the calculator raised KeyError (a 500 through the API).
    credit = taxtables.care_credit_table()
    monkeypatch.setattr(
        taxtables,
        "care_credit_table",
        lambda: credit.model_copy(
            update={"years": {year: row for year, row in credit.years.items() if year != mary["tax"]["year"]}}
        ),
    )
    [problem] = problems(mary)
    assert problem == ("tax.year", "tax-year-supported")


def test_health_fsa_over_the_plan_maximum_is_an_error(mary: dict[str, Any]) -> None:
    mary["expenses"][1]["amount"] = "300.00"  # 3,600 a year
    with pytest.raises(InputError) as caught:
        illustrate(parse_illustration(mary))
    [problem] = caught.value.problems
    assert (problem.path, problem.rule) == ("expenses[1].amount", "health-fsa-max")
    assert "3,600.00" in problem.message and "3,300.00" in problem.message


def test_the_medical_expense_that_crosses_the_limit_is_reported(mary: dict[str, Any]) -> None:
    mary["expenses"].append({"kind": "medical", "label": "Glasses", "amount": "200.00"})
    assert problems(mary) == [("expenses[3].amount", "health-fsa-max")]  # 1,200 + 2,400 > 3,300


def test_health_fsa_maximum_is_required_for_medical_expenses(mary: dict[str, Any]) -> None:
    del mary["plan"]["health_fsa_max"]
    assert problems(mary) == [("plan.health_fsa_max", "health-fsa-max-required")]


@pytest.mark.parametrize(
    ("year", "status", "per_month", "ok"),
    [
        (2025, "head_of_household", "416.66", True),  # 4,999.92
        (2025, "head_of_household", "416.67", False),  # 5,000.04 > 5,000
        (2025, "married_filing_separately", "208.34", False),  # > 2,500
        (2026, "head_of_household", "625.00", True),  # 7,500
        (2026, "single", "625.01", False),
        (2026, "married_filing_separately", "312.50", True),  # 3,750
    ],
)
def test_dependent_care_household_maximum(
    mary: dict[str, Any], year: int, status: str, per_month: str, ok: bool
) -> None:
    mary["tax"].update(year=year, filing_status=status)
    mary["expenses"][2]["amount"] = per_month
    if ok:
        assert illustrate(parse_illustration(mary)).care is not None
    else:
        assert problems(mary) == [("expenses[2].amount", "dependent-care-max")]


def test_expenses_over_pay(mary: dict[str, Any]) -> None:
    mary["pay"]["amount"] = "400.00"
    assert ("expenses", "expenses-within-pay") in problems(mary)


def test_expenses_over_pay_in_whole_dollars(mary: dict[str, Any]) -> None:
    # 50.50 + 50.50 = 101.00 fits 101.00 exactly, but the table prints $51 + $51 over $101.
    mary.update(pay={"amount": "101.00", "frequency": "monthly"}, overrides={})
    mary["expenses"] = [
        {"kind": "premium", "label": "A", "amount": "50.50"},
        {"kind": "premium", "label": "B", "amount": "50.50"},
    ]
    assert problems(mary) == [("expenses", "expenses-within-pay")]


def test_w4_other_income_larger_than_pay_is_blamed(mary: dict[str, Any]) -> None:
    del mary["overrides"]
    mary["tax"]["w4"] = {"other_income": "1000000.00"}
    assert ("tax.w4.other_income", "taxes-within-pay") in problems(mary)


def test_day_care_that_rounds_to_nothing(mary: dict[str, Any]) -> None:
    mary["expenses"] = [{"kind": "dependent_care", "label": "Sitter", "amount": "0.40"}]
    care = illustrate(parse_illustration(mary)).care
    # The table prints $0 and saves no tax; the credit still counts the $4.80 paid in the year.
    assert care is not None and care.fsa_saving == 0 and care.annual_expenses == Decimal("4.80")


def test_state_without_rules_needs_both_state_overrides(mary: dict[str, Any]) -> None:
    mary["tax"]["state"] = "CA"
    assert illustrate(parse_illustration(mary)).no_plan.state == 146  # both given
    del mary["overrides"]["flex_plan"]["state"]
    assert problems(mary) == [("tax.state", "state-rules")]


def test_filing_status_from_the_enrollment_participant(mary: dict[str, Any]) -> None:
    del mary["tax"]["filing_status"]
    assert problems(mary) == [("tax.filing_status", "filing-status-required")]
    participant = load_jane()["participant"]
    participant["tax_filing_status"] = "head_of_household"
    mary["participant"] = participant
    assert illustrate(parse_illustration(mary)).filing_status.value == "head_of_household"


def test_qualifying_individuals_only_for_dependent_care(mary: dict[str, Any]) -> None:
    mary["expenses"][0]["qualifying_individuals"] = 2
    assert problems(mary) == [("expenses[0].qualifying_individuals", "qualifying-individuals-care-only")]


def test_at_least_one_expense(mary: dict[str, Any]) -> None:
    mary["expenses"] = []
    assert problems(mary) == [("expenses", "expenses-required")]


def test_overridden_flex_tax_above_no_plan_is_an_error(mary: dict[str, Any]) -> None:
    mary["overrides"]["flex_plan"]["federal"] = "300.00"
    assert problems(mary) == [("overrides.flex_plan.federal", "flex-tax-not-higher")]


def test_taxes_over_taxable_pay(mary: dict[str, Any]) -> None:
    mary["overrides"]["no_plan"]["federal"] = "3400.00"
    assert ("overrides.no_plan.federal", "taxes-within-pay") in problems(mary)


def test_every_problem_is_reported_at_once(mary: dict[str, Any]) -> None:
    mary["expenses"][1]["amount"] = "300.00"
    mary["expenses"][2]["amount"] = "500.00"
    mary["expenses"][0]["qualifying_individuals"] = 1
    assert problems(mary) == [
        ("expenses[0].qualifying_individuals", "qualifying-individuals-care-only"),
        ("expenses[1].amount", "health-fsa-max"),
        ("expenses[2].amount", "dependent-care-max"),
    ]


def test_enrollment_flex_elections_become_expenses(mary: dict[str, Any]) -> None:
    elections = load_jane()["elections"]
    mary["expenses"] = [mary["expenses"][0]]
    mary["flex_elections"] = {
        "medical_spending_account": elections["medical_spending_account"],
        "day_care_spending_account": elections["day_care_spending_account"],
    }
    mary["pay"]["frequency"] = "biweekly"
    data = parse_illustration(mary)
    lines = expense_lines(data)
    assert [(line.path, line.kind.value, line.amount) for line in lines] == [
        ("expenses[0].amount", "premium", 100),
        ("flex_elections.medical_spending_account.per_pay_employee", "medical", 50),
        ("flex_elections.day_care_spending_account.per_pay_employee", "dependent_care", 100),
    ]
    assert illustrate(data).flex_plan.flex == 250
    # The employer's dependent-care money counts toward the household maximum (IRC §129).
    mary["flex_elections"]["day_care_spending_account"]["per_pay_employer"] = "100.00"
    assert problems(mary) == [("flex_elections.day_care_spending_account.per_pay_employee", "dependent-care-max")]
