"""Expense lines on the claim forms: every rule kept by a valid line and broken by a bad one, with its JSON path."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from docgen.enrollment.expenses import birthday, coverage_start, lines_for
from docgen.enrollment.model import FlexAccount, parse_enrollment
from docgen.enrollment.rules import check_enrollment
from docgen.errors import InputError

HEALTH = "medical_spending_account"
CARE = "day_care_spending_account"


def line(account: str = HEALTH, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "account": account,
        "service_start": "2016-08-01",
        "provider": "Kalispell Regional Medical Center",
        "description": "Office visit copay",
        "amount": "25.00",
    }
    return {**base, **fields}


def broken(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.path, p.rule) for p in check_enrollment(parse_enrollment(json.dumps(data)))]


def schema_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as caught:
        parse_enrollment(json.dumps(data))
    return [(p.path, p.rule) for p in caught.value.problems]


def with_young_child(jane: dict[str, Any]) -> dict[str, Any]:
    jane["dependents"].append(
        {
            "dependent_id": "03",
            "ssn": "123-45-6789",
            "first_name": "JOEY",
            "last_name": "EXAMPLE",
            "gender": "M",
            "date_of_birth": "2004-01-15",
            "relationship": "Child",
            "status": "Active",
        }
    )
    return jane


def test_claims_are_optional_and_valid_lines_pass(jane: dict[str, Any]) -> None:
    assert parse_enrollment(json.dumps(jane)).claims == ()
    jane["claims"] = [line(), line(dependent_id="01", service_end="2016-08-03", amount=0.5)]
    assert broken(jane) == []
    enrollment = parse_enrollment(json.dumps(jane))
    assert len(lines_for(enrollment, FlexAccount.HEALTH_FSA)) == 2
    assert lines_for(enrollment, FlexAccount.DEPENDENT_CARE) == ()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"amount": "12.345"}, ("claims[2].amount", "money-cents")),
        ({"amount": "-5.00"}, ("claims[2].amount", "money-non-negative")),
        ({"amount": "ten"}, ("claims[2].amount", "money")),
        ({"service_start": "2016-02-30"}, ("claims[2].service_start", "iso-date")),
        ({"account": "hsa"}, ("claims[2].account", "allowed-values")),
        ({"provider": ""}, ("claims[2].provider", "required")),
        ({"description": "x" * 121}, ("claims[2].description", "max-length")),
        ({"dependent_id": "1"}, ("claims[2].dependent_id", "dependent-id")),
        ({"receipt": "yes"}, ("claims[2].receipt", "unknown-field")),
    ],
)
def test_schema_problems_name_the_line(jane: dict[str, Any], fields: dict[str, Any], expected: tuple[str, str]) -> None:
    jane["claims"] = [line(), line(), line(**fields)]
    assert schema_problems(jane) == [expected]


def test_amount_must_be_positive(jane: dict[str, Any]) -> None:
    jane["claims"] = [line(amount="0.00")]
    assert broken(jane) == [("claims[0].amount", "claim-amount-positive")]


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"service_start": "2016-06-30"}, "claims[0].service_start"),  # the day before the plan year
        ({"service_start": "2017-07-01"}, "claims[0].service_start"),  # in the run-out: too late
        ({"service_start": "2017-06-01", "service_end": "2017-07-15"}, "claims[0].service_end"),
    ],
)
def test_expenses_are_incurred_inside_the_plan_year(jane: dict[str, Any], fields: dict[str, Any], path: str) -> None:
    jane["claims"] = [line(**fields)]
    assert broken(jane) == [(path, "claim-in-plan-year")]


def test_plan_year_edges_are_inside(jane: dict[str, Any]) -> None:
    jane["claims"] = [line(service_start="2016-07-01"), line(service_start="2017-06-30")]
    assert broken(jane) == []


def test_a_mid_year_election_covers_expenses_from_its_effective_date(jane: dict[str, Any]) -> None:
    jane["elections"][HEALTH]["effective_date"] = "2016-09-01"
    jane["claims"] = [line(service_start="2016-08-31"), line(service_start="2016-09-01")]
    assert broken(jane) == [("claims[0].service_start", "claim-in-plan-year")]
    enrollment = parse_enrollment(json.dumps(jane))
    assert coverage_start(enrollment, FlexAccount.HEALTH_FSA) == date(2016, 9, 1)


def test_service_period_runs_forward(jane: dict[str, Any]) -> None:
    jane["claims"] = [line(service_start="2016-08-10", service_end="2016-08-01")]
    assert broken(jane) == [("claims[0].service_end", "date-range-order")]


def test_the_person_must_be_a_listed_dependent(jane: dict[str, Any]) -> None:
    jane["claims"] = [line(dependent_id="07")]
    assert broken(jane) == [("claims[0].dependent_id", "dependent-exists")]


def test_a_declined_account_reimburses_nothing(jane: dict[str, Any]) -> None:
    jane["elections"][CARE] = {"elected": False}
    jane["claims"] = [line(), line(CARE, dependent_id="02")]
    assert ("claims[1].account", "claim-account-elected") in broken(jane)
    assert ("claims[0].account", "claim-account-elected") not in broken(jane)


def test_dependent_care_names_the_person_cared_for(jane: dict[str, Any]) -> None:
    jane["claims"] = [line(CARE)]
    assert broken(jane) == [("claims[0].dependent_id", "dependent-care-person")]


def test_dependent_care_is_for_children_under_13(jane: dict[str, Any]) -> None:
    # Joey turns 13 on 2017-01-15: care up to the day before qualifies, care from that day does not.
    data = with_young_child(jane)
    data["claims"] = [
        line(CARE, dependent_id="03", service_start="2017-01-02", service_end="2017-01-14"),
        line(CARE, dependent_id="03", service_start="2017-01-02", service_end="2017-01-15"),
        line(CARE, dependent_id="02"),  # Jennifer, born 1994, is an adult
    ]
    assert broken(data) == [
        ("claims[1].dependent_id", "dependent-care-person"),
        ("claims[2].dependent_id", "dependent-care-person"),
    ]


def test_dependent_care_for_someone_unable_to_care_for_themselves(jane: dict[str, Any]) -> None:
    jane["dependents"][0]["handicapped"] = True  # the spouse
    jane["claims"] = [line(CARE, dependent_id="01")]
    assert broken(jane) == []


def test_every_line_problem_is_reported_at_once(jane: dict[str, Any]) -> None:
    jane["claims"] = [line(amount="0"), line(service_start="2018-01-01"), line(dependent_id="09")]
    assert broken(jane) == [
        ("claims[0].amount", "claim-amount-positive"),
        ("claims[1].service_start", "claim-in-plan-year"),
        ("claims[2].dependent_id", "dependent-exists"),
    ]


def test_problem_messages_never_repeat_an_ssn(jane: dict[str, Any]) -> None:
    jane["claims"] = [line(CARE, dependent_id="01")]
    text = "\n".join(str(p) for p in check_enrollment(parse_enrollment(json.dumps(jane))))
    assert "dependent 01" in text and "9988" not in text


def test_birthday_of_a_leap_day_baby() -> None:
    assert birthday(date(2004, 2, 29), 13) == date(2017, 3, 1)
    assert birthday(date(2004, 1, 15), 13) == date(2017, 1, 15)
