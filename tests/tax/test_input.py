"""The illustration input: parsed once, frozen, schema problems with JSON paths and rule ids."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pydantic
import pytest

from docgen.errors import InputError
from docgen.tax.input import (
    ExpenseKind,
    PayFrequency,
    TaxSavingsInput,
    parse_illustration,
)
from tests.conftest import ILLUSTRATION_EXAMPLES, MARY

MARY_DATA: dict[str, Any] = json.loads(MARY.read_bytes())


def problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as caught:
        parse_illustration(json.dumps(data))
    return [(p.path, p.rule) for p in caught.value.problems]


@pytest.mark.parametrize("path", ILLUSTRATION_EXAMPLES, ids=lambda p: p.name)
def test_project_examples_parse(path: Path) -> None:
    assert isinstance(parse_illustration(path.read_bytes()), TaxSavingsInput)


def test_examples_include_mary_jordan_and_a_semimonthly_pay() -> None:
    assert [p.stem for p in ILLUSTRATION_EXAMPLES] == ["jordan", "lucia-es", "mary", "semimonthly-illustration"]


def test_values_are_typed_and_frozen() -> None:
    data = parse_illustration(MARY.read_bytes())
    assert data.pay.amount == Decimal("3500.00") and data.pay.frequency is PayFrequency.MONTHLY
    assert [e.kind for e in data.expenses] == [ExpenseKind.PREMIUM, ExpenseKind.MEDICAL, ExpenseKind.DEPENDENT_CARE]
    assert data.overrides.no_plan.federal == Decimal("290.00") and data.overrides.no_plan.state == Decimal("146.00")
    with pytest.raises(pydantic.ValidationError):
        data.pay.amount = Decimal(1)  # type: ignore[misc]


def test_pay_periods_per_frequency() -> None:
    assert [f.periods for f in PayFrequency] == [52, 26, 24, 12]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["pay"].update(frequency="daily"), ("pay.frequency", "allowed-values")),
        (lambda d: d["pay"].update(amount="-1.00"), ("pay.amount", "money-non-negative")),
        (lambda d: d["expenses"][1].update(amount="10.001"), ("expenses[1].amount", "money-cents")),
        (lambda d: d["expenses"][0].update(kind="rent"), ("expenses[0].kind", "allowed-values")),
        (lambda d: d["expenses"][0].update(label=""), ("expenses[0].label", "required")),
        (lambda d: d["tax"].pop("state"), ("tax.state", "required")),
        (lambda d: d["tax"].update(state="Montana"), ("tax.state", "state")),
        (lambda d: d["tax"].update(filing_status="married"), ("tax.filing_status", "allowed-values")),
        (lambda d: d["overrides"]["no_plan"].update(fica="268.00"), ("overrides.no_plan.fica", "unknown-field")),
        (lambda d: d["expenses"][2].update(qualifying_individuals=0), ("expenses[2].qualifying_individuals", "range")),
        (lambda d: d.pop("expenses"), ("expenses", "required")),
    ],
)
def test_schema_rule_and_path(mutate: Any, expected: tuple[str, str]) -> None:
    data = copy.deepcopy(MARY_DATA)
    mutate(data)
    assert problems(data) == [expected]


def test_optional_parts_are_optional() -> None:
    minimal = {
        "pay": {"amount": "1000", "frequency": "weekly"},
        "tax": {"year": 2026, "filing_status": "single", "state": "TX"},
        "expenses": [{"kind": "premium", "label": "Premium", "amount": 25}],
    }
    data = parse_illustration(minimal)
    assert data.administrator is None and data.person is None and data.overrides.flex_plan.federal is None
    assert data.tax.w4.extra_withholding == 0


def test_day_care_comparison_option_defaults_to_on_and_is_strict() -> None:
    assert parse_illustration(MARY.read_bytes()).options.day_care_comparison is True
    data = copy.deepcopy(MARY_DATA)
    data["options"] = {"day_care_comparison": False}
    assert parse_illustration(json.dumps(data)).options.day_care_comparison is False
    for bad in ("false", 0, None):
        data["options"] = {"day_care_comparison": bad}
        assert problems(data) == [("options.day_care_comparison", "type-boolean")]
    data["options"] = {"day_care": False}
    assert problems(data) == [("options.day_care", "unknown-field")]
    data["options"] = [False]
    assert problems(data) == [("options", "type-object")]
