"""The worst valid input of each kind against the example: CPU per render and their ratio, in one run.

    .venv/bin/python bench/worst_case.py [--runs N]

Issue 25: one valid 110 KB enrollment (40 dependents, 200-letter names) took 25-28 s of a
render worker. Each worst input here is built from the schema's own limits (read from the
models, so a changed limit changes the input): every text at its longest, unbroken (the
costliest to line-break), every list at its longest, every coverage elected for every
dependent. The target is at most 5x the example's CPU per render (docs/performance.md).
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any, get_args

from annotated_types import MaxLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from docgen.config import get_settings
from docgen.documents.pipeline import prepare, render, start_rendering
from docgen.enrollment.model import (
    Address,
    Administrator,
    CoverageElection,
    Dependent,
    Enrollment,
    ExpenseLine,
    Group,
    IdCard,
    Participant,
)
from docgen.tax.input import Expense, Person, TaxSavingsInput

TARGET = 5.0


def _max_lengths(annotation: Any) -> list[int]:
    """MaxLen constraints inside an annotation: Annotated metadata, Field(...) in it, union arms."""
    found = []
    for item in getattr(annotation, "__metadata__", ()):
        constraints = item.metadata if isinstance(item, FieldInfo) else [item]
        found += [c.max_length for c in constraints if isinstance(c, MaxLen)]
    for arg in get_args(annotation):
        found += _max_lengths(arg)
    return found


def longest(model: type[BaseModel], field: str) -> int:
    """The max_length the schema gives a field or list."""
    info = model.model_fields[field]
    lengths = [c.max_length for c in info.metadata if isinstance(c, MaxLen)] + _max_lengths(info.annotation)
    if not lengths:
        raise ValueError(f"{model.__name__}.{field} has no max_length")
    return min(lengths)


def fill(model: type[BaseModel], field: str, letter: str = "W") -> str:
    """Text at a field's longest, without a break opportunity (the costliest to lay out)."""
    return letter * longest(model, field)


def _person(target: dict[str, Any], model: type[BaseModel]) -> None:
    for field in ("first_name", "middle_name", "last_name"):
        target[field] = fill(model, field)


def worst_enrollment(claims_account: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((get_settings().examples_dir / "jane-example.json").read_text())
    admin = data["administrator"]
    admin["name"] = fill(Administrator, "name")
    admin["address"] = [fill(Address, "line1")] * longest(Administrator, "address")
    group = data["group"]
    group["name"] = fill(Group, "name")
    plan_start = date.fromisoformat(group["plan_year"]["start"])
    group["pay_dates"] = [(plan_start + timedelta(days=i)).isoformat() for i in range(longest(Group, "pay_dates") - 1)]
    group["pay_periods_per_year"] = 365
    card = group["id_card"]
    card["network"] = fill(IdCard, "network")
    participant = data["participant"]
    _person(participant, Participant)
    participant["address"].update(
        line1=fill(Address, "line1"), line2=fill(Address, "line2"), city=fill(Address, "city")
    )
    dependent = data["dependents"][1]
    _person(dependent, Dependent)
    dependent.update(relationship=fill(Dependent, "relationship"), date_of_birth="2010-01-01")
    data["dependents"] = [
        dict(copy.deepcopy(dependent), dependent_id=f"{i:02d}") for i in range(1, longest(Enrollment, "dependents") + 1)
    ]
    everyone = [d["dependent_id"] for d in data["dependents"]]
    for name in ("medical", "dental", "vision"):
        data["elections"][name].update(
            covered_dependents=everyone, plan=fill(CoverageElection, "plan"), level=fill(CoverageElection, "level")
        )
    data["claims"] = [
        {
            "account": claims_account,
            "service_start": "2016-08-01",
            "service_end": "2016-08-31",
            "dependent_id": "01",
            "provider": fill(ExpenseLine, "provider"),
            "description": fill(ExpenseLine, "description"),
            "amount": "1.00",
        }
    ] * longest(Enrollment, "claims")
    # The per-pay amounts stay within the IRS limits over 365 pay periods.
    data["elections"]["medical_spending_account"]["per_pay_employee"] = "1.00"
    data["elections"]["day_care_spending_account"]["per_pay_employee"] = "1.00"
    return data


def worst_illustration() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((get_settings().examples_dir / "mary.json").read_text())
    data["person"] = {
        "first_name": fill(Person, "first_name"),
        "last_name": fill(Person, "last_name"),
        "description": fill(Person, "description"),
    }
    data["expenses"] = [{"kind": "premium", "label": fill(Expense, "label"), "amount": "1.00"}] * longest(
        TaxSavingsInput, "expenses"
    )
    return data


def cpu_ms(action: Callable[[], object], runs: int) -> float:
    """Median CPU milliseconds of `action` after one warm call."""
    action()
    samples = []
    for _ in range(runs):
        started = time.process_time()
        action()
        samples.append((time.process_time() - started) * 1000)
    return statistics.median(samples)


def render_input(kind: str, data: str | bytes, options: dict[str, object]) -> bytes:
    return render(prepare(kind, data, options)).content


def main() -> None:
    start_rendering()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    jane = (get_settings().examples_dir / "jane-example.json").read_text()
    mary = (get_settings().examples_dir / "mary.json").read_text()
    health, care = worst_enrollment("medical_spending_account"), worst_enrollment("day_care_spending_account")
    cases: list[tuple[str, dict[str, str], str, dict[str, Any]]] = [
        ("summary", {}, jane, health),
        ("confirmation", {}, jane, health),
        ("id-card", {}, jane, health),
        ("id-card", {"format": "png", "side": "back"}, jane, health),
        ("health-fsa-claim", {}, jane, health),
        ("dependent-care-claim", {}, jane, care),
        ("tax-savings", {}, mary, worst_illustration()),
    ]
    print(f"CPU ms per render, median of {args.runs} warm runs; target: worst at most {TARGET:.0f}x the example")
    print(f"{'kind':<28}{'example':>9}{'worst':>9}{'ratio':>8}{'input':>10}  verdict")
    for kind, options, example, worst in cases:
        body = json.dumps(worst)
        example_ms = cpu_ms(partial(render_input, kind, example, options), args.runs)
        worst_ms = cpu_ms(partial(render_input, kind, body, options), args.runs)
        ratio = worst_ms / example_ms
        label = kind + (" (png)" if options else "")
        verdict = "ok" if ratio <= TARGET else "OVER"
        print(f"{label:<28}{example_ms:>9.0f}{worst_ms:>9.0f}{ratio:>7.1f}x{len(body) // 1024:>8} KB  {verdict}")


if __name__ == "__main__":
    main()
