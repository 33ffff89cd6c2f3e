"""Enrollment rules: each one with an input that keeps it and one that breaks it."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from docgen.documents.pipeline import prepare
from docgen.enrollment.model import FilingStatus, parse_enrollment
from docgen.enrollment.rules import (
    check_enrollment,
    dependent_care_limit,
    enrollment_number,
    flex_annual_total,
    parse_checked_enrollment,
    remaining_pay_periods,
    validate_enrollment,
)
from docgen.errors import InputError
from tests.conftest import break_in_every_layer


def broken(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.path, p.rule) for p in check_enrollment(parse_enrollment(json.dumps(data)))]


def test_example_keeps_every_rule(jane: dict[str, Any]) -> None:
    assert broken(jane) == []


def test_enrollment_number_is_the_seeds(jane: dict[str, Any]) -> None:
    # Seed 000 step 17 prints exactly this number for JANE EXAMPLE.
    assert enrollment_number(parse_enrollment(json.dumps(jane))) == "001067577990161832220160415140752"


def test_annual_totals_of_the_example(jane: dict[str, Any]) -> None:
    enrollment = parse_enrollment(json.dumps(jane))
    group, elections = enrollment.group, enrollment.elections
    assert remaining_pay_periods(group, date(2016, 7, 1)) == 26
    assert elections.medical_spending_account and elections.day_care_spending_account
    assert flex_annual_total(group, elections.medical_spending_account) == Decimal("1300.00")
    assert flex_annual_total(group, elections.day_care_spending_account) == Decimal("2600.00")


@pytest.mark.parametrize(
    ("effective", "periods"),
    [("2016-07-01", 26), ("2016-09-01", 21), ("2017-01-01", 12), ("2017-06-30", 0), ("2017-06-16", 1)],
)
def test_periods_prorate_by_days_rounding_down(jane: dict[str, Any], effective: str, periods: int) -> None:
    # 26 x days left / 365: 2016-09-01 leaves 303 days -> 21.58 -> 21.
    group = parse_enrollment(json.dumps(jane)).group
    assert remaining_pay_periods(group, date.fromisoformat(effective)) == periods


def test_pay_calendar_counts_pay_dates(jane: dict[str, Any]) -> None:
    jane["group"]["pay_dates"] = ["2016-07-08", "2016-07-22", "2016-08-05", "2016-08-19", "2017-06-30"]
    group = parse_enrollment(json.dumps(jane)).group
    assert remaining_pay_periods(group, date(2016, 7, 1)) == 5
    assert remaining_pay_periods(group, date(2016, 7, 22)) == 4
    assert remaining_pay_periods(group, date(2016, 8, 20)) == 1


def test_pay_dates_must_fall_in_the_plan_year(jane: dict[str, Any]) -> None:
    jane["group"]["pay_dates"] = ["2016-06-24", "2016-07-08"]
    assert ("group.pay_dates[0]", "pay-date-in-plan-year") in broken(jane)


@pytest.mark.parametrize("benefit", ["dental", "vision"])
def test_dental_and_vision_require_medical(jane: dict[str, Any], benefit: str) -> None:
    jane["elections"]["medical"] = {"elected": False}
    other = "vision" if benefit == "dental" else "dental"
    jane["elections"][other] = {"elected": False}
    assert broken(jane) == [(f"elections.{benefit}.elected", f"{benefit}-requires-medical")]


def test_dental_without_any_medical_election(jane: dict[str, Any]) -> None:
    del jane["elections"]["medical"]
    jane["elections"]["vision"] = {"elected": False}
    assert broken(jane) == [("elections.dental.elected", "dental-requires-medical")]


def test_dental_dependents_must_be_covered_by_medical(jane: dict[str, Any]) -> None:
    jane["elections"]["medical"]["covered_dependents"] = ["01"]
    assert broken(jane) == [
        ("elections.dental.covered_dependents[1]", "covered-by-medical"),
        ("elections.vision.covered_dependents[1]", "covered-by-medical"),
    ]


def test_covered_dependent_must_exist(jane: dict[str, Any]) -> None:
    for benefit in ("medical", "dental", "vision"):
        jane["elections"][benefit]["covered_dependents"] = ["01", "03"]
    assert ("elections.medical.covered_dependents[1]", "dependent-exists") in broken(jane)


def test_covered_dependent_must_be_active(jane: dict[str, Any]) -> None:
    jane["dependents"][1]["status"] = "Terminated"
    assert broken(jane) == [
        (f"elections.{benefit}.covered_dependents[1]", "dependent-active")
        for benefit in ("medical", "dental", "vision")
    ]


def test_terminated_dependent_not_covered_is_fine(jane: dict[str, Any]) -> None:
    jane["dependents"][1]["status"] = "Terminated"
    for benefit in ("medical", "dental", "vision"):
        jane["elections"][benefit]["covered_dependents"] = ["01"]
    assert broken(jane) == []


def test_dependent_ids_are_unique(jane: dict[str, Any]) -> None:
    jane["dependents"][1]["dependent_id"] = "01"
    assert [p for p in broken(jane) if p[1] == "dependent-id-unique"] == [
        ("dependents[0].dependent_id", "dependent-id-unique"),
        ("dependents[1].dependent_id", "dependent-id-unique"),
    ]


def test_a_dependent_is_listed_once_per_benefit(jane: dict[str, Any]) -> None:
    jane["elections"]["medical"]["covered_dependents"] = ["01", "02", "01"]
    assert broken(jane) == [("elections.medical.covered_dependents[2]", "covered-dependent-unique")]


def test_declined_coverage_covers_nobody(jane: dict[str, Any]) -> None:
    jane["elections"]["vision"] = {"elected": False, "covered_dependents": ["01"]}
    assert broken(jane) == [("elections.vision.covered_dependents", "declined-covers-nobody")]


def test_elected_benefit_needs_plan_level_and_date(jane: dict[str, Any]) -> None:
    jane["elections"]["vision"] = {"elected": True, "covered_dependents": []}
    assert broken(jane) == [
        ("elections.vision.plan", "required-when-elected"),
        ("elections.vision.level", "required-when-elected"),
        ("elections.vision.effective_date", "required-when-elected"),
    ]


def test_health_fsa_maximum(jane: dict[str, Any]) -> None:
    flex = jane["elections"]["medical_spending_account"]
    flex["per_pay_employee"] = "98.07"  # x 26 = 2,549.82 <= 2,550.00
    assert broken(jane) == []
    flex["per_pay_employee"] = "98.08"  # x 26 = 2,550.08
    problems = check_enrollment(parse_enrollment(json.dumps(jane)))
    assert [(p.path, p.rule) for p in problems] == [
        ("elections.medical_spending_account.per_pay_employee", "health-fsa-max")
    ]
    assert "2,550.08" in problems[0].message and "2,550.00" in problems[0].message


def test_dependent_care_limit_by_calendar_year() -> None:
    assert dependent_care_limit(date(2016, 7, 1), None) == Decimal("5000.00")
    assert dependent_care_limit(date(2025, 12, 1), None) == Decimal("5000.00")
    assert dependent_care_limit(date(2026, 1, 1), None) == Decimal("7500.00")
    assert dependent_care_limit(date(2016, 7, 1), FilingStatus.MARRIED_FILING_SEPARATELY) == Decimal("2500")
    assert dependent_care_limit(date(2026, 7, 1), FilingStatus.MARRIED_FILING_SEPARATELY) == Decimal("3750")
    # ARPA §9632 raised 2021's limit alone; the rule reads the same table as the claim forms.
    assert dependent_care_limit(date(2021, 1, 1), None) == Decimal("10500.00")
    assert dependent_care_limit(date(2022, 1, 1), None) == Decimal("5000.00")


def test_dependent_care_maximum_2016(jane: dict[str, Any]) -> None:
    jane["elections"]["day_care_spending_account"]["per_pay_employee"] = "192.30"  # 4,999.80
    assert broken(jane) == []
    jane["elections"]["day_care_spending_account"]["per_pay_employee"] = "192.31"  # 5,000.06
    assert broken(jane) == [("elections.day_care_spending_account.per_pay_employee", "dependent-care-max")]


def test_dependent_care_maximum_counts_employer_money(jane: dict[str, Any]) -> None:
    jane["elections"]["day_care_spending_account"]["per_pay_employer"] = "92.31"  # (100 + 92.31) x 26
    assert broken(jane) == [("elections.day_care_spending_account.per_pay_employee", "dependent-care-max")]


def _move_to_2026(data: dict[str, Any]) -> None:
    data["group"]["plan_year"] = {"start": "2026-01-01", "end": "2026-12-31"}
    data["enrollment"]["window"] = {"start": "2025-11-01", "end": "2025-11-30"}
    data["enrollment"]["submitted_at"] = "2025-11-03T10:00:00"
    for election in data["elections"].values():
        election["effective_date"] = "2026-01-01"


def test_dependent_care_maximum_from_2026(jane: dict[str, Any]) -> None:
    _move_to_2026(jane)
    jane["elections"]["day_care_spending_account"]["per_pay_employee"] = "288.46"  # 7,499.96
    assert broken(jane) == []
    jane["elections"]["day_care_spending_account"]["per_pay_employee"] = "288.47"  # 7,500.22
    assert broken(jane) == [("elections.day_care_spending_account.per_pay_employee", "dependent-care-max")]


def test_dependent_care_maximum_married_filing_separately(jane: dict[str, Any]) -> None:
    jane["participant"]["tax_filing_status"] = "married_filing_separately"
    assert broken(jane) == [("elections.day_care_spending_account.per_pay_employee", "dependent-care-max")]
    jane["elections"]["day_care_spending_account"]["per_pay_employee"] = "96.15"  # 2,499.90
    assert broken(jane) == []


def test_sent_annual_total_must_match(jane: dict[str, Any]) -> None:
    jane["elections"]["medical_spending_account"]["annual_total"] = "1300.00"
    assert broken(jane) == []
    jane["elections"]["medical_spending_account"]["annual_total"] = "1250.00"
    assert broken(jane) == [("elections.medical_spending_account.annual_total", "flex-annual-total")]


def test_declined_account_contributes_nothing(jane: dict[str, Any]) -> None:
    jane["elections"]["day_care_spending_account"]["elected"] = False
    assert broken(jane) == [("elections.day_care_spending_account.per_pay_employee", "declined-contributes-nothing")]


def test_flex_settings_needed_for_flex_elections(jane: dict[str, Any]) -> None:
    del jane["group"]["flex"]
    assert broken(jane) == [("group.flex", "flex-settings-required")]


def test_submission_inside_the_window(jane: dict[str, Any]) -> None:
    jane["enrollment"]["submitted_at"] = "2016-05-31T23:59:59"
    assert broken(jane) == []
    jane["enrollment"]["submitted_at"] = "2016-06-01T00:00:00"
    assert broken(jane) == [("enrollment.submitted_at", "submitted-in-window")]


def test_effective_dates_inside_the_plan_year(jane: dict[str, Any]) -> None:
    jane["elections"]["vision"]["effective_date"] = "2017-07-01"
    jane["elections"]["medical_spending_account"]["effective_date"] = "2016-06-30"
    assert broken(jane) == [
        ("elections.vision.effective_date", "effective-in-plan-year"),
        ("elections.medical_spending_account.effective_date", "effective-in-plan-year"),
    ]


def test_date_ranges_run_forward(jane: dict[str, Any]) -> None:
    jane["enrollment"]["window"] = {"start": "2016-05-31", "end": "2016-04-15"}
    with pytest.raises(InputError) as caught:
        parse_checked_enrollment(json.dumps(jane))
    assert [(p.path, p.rule) for p in caught.value.problems] == [("enrollment.window.end", "date-range-order")]


@pytest.mark.parametrize("kind", ["confirmation", "health-fsa-claim", "dependent-care-claim"])
def test_a_plan_year_ending_before_it_starts_holds_back_every_rule_that_reads_it(
    jane: dict[str, Any], kind: str
) -> None:
    # Found in review: ending the day before it starts divided the pay periods by zero.
    jane["group"]["plan_year"]["end"] = "2016-06-30"
    with pytest.raises(InputError) as caught:
        prepare(kind, json.dumps(jane))
    assert [(p.path, p.rule) for p in caught.value.problems] == [("group.plan_year.end", "date-range-order")]


def test_validate_raises_with_every_problem(jane: dict[str, Any]) -> None:
    jane["elections"]["medical"]["elected"] = False
    jane["elections"]["medical"]["covered_dependents"] = []
    with pytest.raises(InputError) as caught:
        validate_enrollment(parse_enrollment(json.dumps(jane)))
    assert {p.rule for p in caught.value.problems} == {"dental-requires-medical", "vision-requires-medical"}
    assert str(caught.value.problems[0]) == (
        "elections.dental.elected: dental requires medical to be elected [dental-requires-medical]"
    )


def test_schema_and_rule_problems_in_one_answer(jane: dict[str, Any]) -> None:
    expected = break_in_every_layer(jane)
    with pytest.raises(InputError) as caught:
        parse_checked_enrollment(json.dumps(jane))
    assert [(p.path, p.rule) for p in caught.value.problems] == expected


def test_a_rule_reading_a_field_that_failed_is_skipped(jane: dict[str, Any]) -> None:
    # The health FSA's amount failed, so its maximum cannot be checked; dependent care still is.
    jane["elections"]["medical_spending_account"]["per_pay_employee"] = "fifty"
    jane["elections"]["day_care_spending_account"]["per_pay_employee"] = "500.00"
    with pytest.raises(InputError) as caught:
        parse_checked_enrollment(json.dumps(jane))
    assert [(p.path, p.rule) for p in caught.value.problems] == [
        ("elections.medical_spending_account.per_pay_employee", "money"),
        ("elections.day_care_spending_account.per_pay_employee", "dependent-care-max"),
    ]


def test_a_dependent_that_failed_blocks_only_what_reads_it(jane: dict[str, Any]) -> None:
    jane["dependents"][1]["ssn"] = "12"  # dependents[1] still parses its ID and status
    jane["elections"]["dental"]["covered_dependents"] = ["01", "02", "05"]
    jane["dependents"][0] = "STEPHEN"  # not an object: every rule reading dependents waits
    with pytest.raises(InputError) as caught:
        parse_checked_enrollment(json.dumps(jane))
    assert [(p.path, p.rule) for p in caught.value.problems] == [
        ("dependents[0]", "type-object"),
        ("dependents[1].ssn", "ssn"),
    ]


def test_unknown_fields_do_not_hold_rules_back(jane: dict[str, Any]) -> None:
    jane["elections"]["dental"]["nickname"] = "D"
    jane["elections"]["medical"] = {"elected": False}
    with pytest.raises(InputError) as caught:
        parse_checked_enrollment(json.dumps(jane))
    assert [p.rule for p in caught.value.problems] == [
        "unknown-field",
        "dental-requires-medical",
        "vision-requires-medical",
    ]


@pytest.mark.parametrize("person", ["participant", "dependents[1]"])
def test_nobody_is_born_after_the_submission(jane: dict[str, Any], person: str) -> None:
    target = jane["participant"] if person == "participant" else jane["dependents"][1]
    target["date_of_birth"] = "2016-04-16"  # submitted 2016-04-15T14:07:52
    assert broken(jane) == [(f"{person}.date_of_birth", "born-before-submission")]
    target["date_of_birth"] = "2016-04-15"
    assert broken(jane) == []
