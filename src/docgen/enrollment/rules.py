"""Enrollment rules (seed 000, steps 10-18, and IRS limits): pure functions over a parsed Enrollment."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from docgen.enrollment.expenses import check_expenses
from docgen.enrollment.fsalimits import (
    check_plan_limits,
    dependent_care_limits,
    fsa_limits,
)
from docgen.enrollment.model import (
    Coverage,
    CoverageElection,
    DateRange,
    DependentStatus,
    Enrollment,
    FilingStatus,
    FlexAccount,
    FlexElection,
    Group,
)
from docgen.errors import InputError, Problem
from docgen.glyphs import check_printable
from docgen.language_assistance import check_notice_languages, check_notice_phone
from docgen.money import floor_int, format_money
from docgen.parsing import Rule, parse_sections, run_rules

COVERAGES = tuple(Coverage)
FLEX_ACCOUNTS = tuple(FlexAccount)


def enrollment_number(enrollment: Enrollment) -> str:
    """Group ID + participant ID + submission time as YYYYMMDDHHMMSS (seed 000, step 17)."""
    return (
        enrollment.group.group_id
        + enrollment.participant.participant_id
        + enrollment.enrollment.submitted_at.strftime("%Y%m%d%H%M%S")
    )


def remaining_pay_periods(group: Group, effective_date: date) -> int:
    """Pay periods from an election's effective date to the end of the plan year.

    With a payroll calendar (`group.pay_dates`) they are counted; otherwise the yearly
    periods are prorated by the days of the plan year that remain, rounded down so an
    annual total never promises a deduction that will not happen.
    """
    plan_year = group.plan_year
    start = min(max(effective_date, plan_year.start), plan_year.end)
    if group.pay_dates is not None:
        return sum(1 for paid in group.pay_dates if start <= paid <= plan_year.end)
    days_left = (plan_year.end - start).days + 1
    days_in_year = (plan_year.end - plan_year.start).days + 1
    return floor_int(Decimal(group.pay_periods_per_year * days_left) / Decimal(days_in_year))


def per_pay_total(election: FlexElection) -> Decimal:
    """Employee + employer + other contribution each pay period."""
    return election.per_pay_employee + election.per_pay_employer + election.per_pay_other


def flex_annual_total(group: Group, election: FlexElection) -> Decimal:
    """Seed 000 step 15: "Total Employee Contribution to Year End" = per pay x periods left."""
    if not election.elected or election.effective_date is None:
        return Decimal("0.00")
    return election.per_pay_employee * remaining_pay_periods(group, election.effective_date)


def dependent_care_limit(plan_year_start: date, filing_status: FilingStatus | None) -> Decimal:
    """Household dependent-care maximum for the calendar year in which the plan year starts
    (IRC §129(a)(2)(A), per year in data/fsa-limits.json; half when married filing separately)."""
    try:
        period = dependent_care_limits(plan_year_start.year)
    except LookupError:
        # A plan year before the table: plan-year-supported refuses it; compare with the first period.
        period = fsa_limits().dependent_care.periods[0]
    if filing_status is FilingStatus.MARRIED_FILING_SEPARATELY:
        return period.separate_max
    return period.household_max


def check_enrollment(enrollment: Enrollment, schema_problems: Sequence[Problem] = ()) -> list[Problem]:
    """Every rule the enrollment breaks, in rule order; empty when it is valid.

    With `schema_problems`, `enrollment` may be the partial model of an input that failed
    them (parsing.Parsed): a rule runs only when none of the fields it reads failed.
    """
    return run_rules(RULES, enrollment, schema_problems)


def validate_enrollment(enrollment: Enrollment) -> Enrollment:
    """Return the enrollment unchanged, or raise InputError listing every broken rule."""
    problems = check_enrollment(enrollment)
    if problems:
        raise InputError(problems)
    return enrollment


def parse_checked_enrollment(
    data: bytes | str | dict[str, Any], extra_rules: Sequence[Rule[Enrollment]] = ()
) -> Enrollment:
    """Parse and check an enrollment: every schema and rule problem in one InputError."""
    parsed = parse_sections(Enrollment, data)
    problems = [*parsed.problems, *run_rules([*RULES, *extra_rules], parsed.value, parsed.problems)]
    if problems or parsed.value is None:
        raise InputError(problems)
    return parsed.value


def _submitted_in_window(enrollment: Enrollment) -> Iterator[Problem]:
    submission = enrollment.enrollment
    submitted_on = submission.submitted_at.date()
    if not submission.window.start <= submitted_on <= submission.window.end:
        yield Problem(
            "enrollment.submitted_at",
            "submitted-in-window",
            f"must fall inside the enrollment window {submission.window.start.isoformat()}"
            f" to {submission.window.end.isoformat()}",
        )


def _pay_dates_in_plan_year(enrollment: Enrollment) -> Iterator[Problem]:
    plan_year = enrollment.group.plan_year
    for index, paid in enumerate(enrollment.group.pay_dates or ()):
        if not plan_year.start <= paid <= plan_year.end:
            yield Problem(
                f"group.pay_dates[{index}]",
                "pay-date-in-plan-year",
                "must fall inside the plan year",
            )


def _born_before_submission(enrollment: Enrollment) -> Iterator[Problem]:
    # A person enrolled must exist: a birth date after the submission is a typo (issue 16).
    submitted_on = enrollment.enrollment.submitted_at.date()
    people = [("participant", enrollment.participant.date_of_birth)]
    people += [(f"dependents[{i}]", d.date_of_birth) for i, d in enumerate(enrollment.dependents)]
    for path, born in people:
        if born > submitted_on:
            yield Problem(
                f"{path}.date_of_birth",
                "born-before-submission",
                f"must not be after the submission date {submitted_on.isoformat()}",
            )


def _unique_dependent_ids(enrollment: Enrollment) -> Iterator[Problem]:
    counts = Counter(dependent.dependent_id for dependent in enrollment.dependents)
    for index, dependent in enumerate(enrollment.dependents):
        if counts[dependent.dependent_id] > 1:
            yield Problem(
                f"dependents[{index}].dependent_id",
                "dependent-id-unique",
                f"dependent ID {dependent.dependent_id} is used by more than one dependent",
            )


def _termination_dates(enrollment: Enrollment) -> Iterator[Problem]:
    # Seed 000 step 11: only a Terminated dependent has a termination date.
    for index, dependent in enumerate(enrollment.dependents):
        if dependent.termination_date is not None and dependent.status is not DependentStatus.TERMINATED:
            yield Problem(
                f"dependents[{index}].termination_date",
                "termination-date-terminated",
                "is given only for a dependent whose status is Terminated",
            )


def _check_election_basics(
    path: str, election: CoverageElection | FlexElection, plan_year: DateRange
) -> Iterator[Problem]:
    if not election.elected:
        return
    for field in ("plan", "level", "effective_date"):
        if getattr(election, field) is None:
            yield Problem(f"{path}.{field}", "required-when-elected", "is required when the benefit is elected")
    effective = election.effective_date
    if effective is not None and not plan_year.start <= effective <= plan_year.end:
        yield Problem(
            f"{path}.effective_date",
            "effective-in-plan-year",
            f"must fall inside the plan year {plan_year.start.isoformat()} to {plan_year.end.isoformat()}",
        )


def _check_coverage(coverage: Coverage, enrollment: Enrollment) -> Iterator[Problem]:
    name = coverage.value
    election = enrollment.elections.coverage(coverage)
    if election is None:
        return
    medical = enrollment.elections.medical
    medical_covers = set(medical.covered_dependents) if medical and medical.elected else set()
    dependents = {dependent.dependent_id: dependent for dependent in enrollment.dependents}
    path = f"elections.{name}"
    yield from _check_election_basics(path, election, enrollment.group.plan_year)
    if not election.elected:
        if election.covered_dependents:
            yield Problem(
                f"{path}.covered_dependents",
                "declined-covers-nobody",
                "must be empty when the benefit is declined",
            )
        return
    # Seed 000 steps 13-14: "You must elect medical to be eligible for dental/vision."
    if coverage is not Coverage.MEDICAL and not (medical and medical.elected):
        yield Problem(f"{path}.elected", f"{name}-requires-medical", f"{name} requires medical to be elected")
    seen: set[str] = set()
    for index, dependent_id in enumerate(election.covered_dependents):
        item = f"{path}.covered_dependents[{index}]"
        dependent = dependents.get(dependent_id)
        if dependent_id in seen:
            yield Problem(item, "covered-dependent-unique", f"dependent {dependent_id} is listed twice")
        seen.add(dependent_id)
        if dependent is None:
            yield Problem(item, "dependent-exists", f"no dependent has ID {dependent_id}")
        elif dependent.status is not DependentStatus.ACTIVE:
            yield Problem(item, "dependent-active", f"dependent {dependent_id} is not Active and cannot be covered")
        if coverage is not Coverage.MEDICAL and medical and medical.elected and dependent_id not in medical_covers:
            yield Problem(
                item,
                "covered-by-medical",
                f"dependent {dependent_id} must also be covered by medical",
            )


def _flex_settings_present(enrollment: Enrollment) -> Iterator[Problem]:
    elections = enrollment.elections
    if enrollment.group.flex is None and any(
        (election := elections.flex(account)) is not None and election.elected for account in FLEX_ACCOUNTS
    ):
        yield Problem("group.flex", "flex-settings-required", "is required when a flex account is elected")


def _check_flex_account(account: FlexAccount, enrollment: Enrollment) -> Iterator[Problem]:
    group = enrollment.group
    name = account.value
    election = enrollment.elections.flex(account)
    if election is None:
        return
    path = f"elections.{name}"
    yield from _check_election_basics(path, election, group.plan_year)
    if not election.elected:
        if per_pay_total(election) or election.annual_total:
            yield Problem(
                f"{path}.per_pay_employee",
                "declined-contributes-nothing",
                "contributions must be zero when the account is declined",
            )
        return
    if election.effective_date is None:
        return
    periods = remaining_pay_periods(group, election.effective_date)
    annual = election.per_pay_employee * periods
    if election.annual_total is not None and election.annual_total != annual:
        yield Problem(
            f"{path}.annual_total",
            "flex-annual-total",
            f"must equal the per-pay contribution x remaining pay periods:"
            f" {format_money(election.per_pay_employee)} x {periods} = {format_money(annual)}",
        )
    if account is FlexAccount.HEALTH_FSA:
        yield from _check_health_fsa(enrollment, election, annual, periods)
    else:
        yield from _check_dependent_care(enrollment, election, periods)


def _check_health_fsa(
    enrollment: Enrollment, election: FlexElection, annual: Decimal, periods: int
) -> Iterator[Problem]:
    flex = enrollment.group.flex
    if flex is None:
        return  # reported once by _flex_settings_present
    # IRC §125(i) caps the employee's salary reduction; employer credits are not counted.
    if annual > flex.health_fsa_max:
        yield Problem(
            "elections.medical_spending_account.per_pay_employee",
            "health-fsa-max",
            f"annual total {format_money(annual)} ({format_money(election.per_pay_employee)}"
            f" x {periods} pay periods) exceeds the plan's health FSA maximum of"
            f" {format_money(flex.health_fsa_max)}",
        )


def _check_dependent_care(enrollment: Enrollment, election: FlexElection, periods: int) -> Iterator[Problem]:
    # IRC §129 limits all dependent-care assistance, employer contributions included.
    annual = per_pay_total(election) * periods
    limit = dependent_care_limit(enrollment.group.plan_year.start, enrollment.participant.tax_filing_status)
    if annual > limit:
        yield Problem(
            "elections.day_care_spending_account.per_pay_employee",
            "dependent-care-max",
            f"annual total {format_money(annual)} ({format_money(per_pay_total(election))}"
            f" x {periods} pay periods) exceeds the {enrollment.group.plan_year.start.year}"
            f" household dependent-care maximum of {format_money(limit)}",
        )


_PAY_CALENDAR = ("group.plan_year", "group.pay_dates", "group.pay_periods_per_year")
_DEPENDENTS = ("dependents[*].dependent_id", "dependents[*].status")

#: Every enrollment rule with the fields it reads; a rule whose fields failed to parse is
#: skipped, so one answer lists the schema problems and every rule that could be checked.
RULES: tuple[Rule[Enrollment], ...] = (
    Rule((), check_printable),
    Rule(("administrator.phone",), check_notice_phone),
    Rule(("group.language_assistance[*]",), check_notice_languages),
    Rule(("enrollment.submitted_at", "enrollment.window"), _submitted_in_window),
    Rule(("group.pay_dates", "group.plan_year"), _pay_dates_in_plan_year),
    Rule(
        ("enrollment.submitted_at", "participant.date_of_birth", "dependents[*].date_of_birth"),
        _born_before_submission,
    ),
    Rule(("dependents[*].dependent_id",), _unique_dependent_ids),
    Rule(("dependents[*].status", "dependents[*].termination_date"), _termination_dates),
    *(
        Rule(
            (f"elections.{c.value}", "elections.medical", "group.plan_year", *_DEPENDENTS), partial(_check_coverage, c)
        )
        for c in COVERAGES
    ),
    Rule(("group.flex", *(f"elections.{a.value}.elected" for a in FLEX_ACCOUNTS)), _flex_settings_present),
    Rule(("group.flex", "group.plan_year"), check_plan_limits),
    *(
        Rule(
            (f"elections.{a.value}", "group.flex", "participant.tax_filing_status", *_PAY_CALENDAR),
            partial(_check_flex_account, a),
        )
        for a in FLEX_ACCOUNTS
    ),
    Rule(
        (
            "claims",
            *(f"elections.{a.value}" for a in FLEX_ACCOUNTS),
            "group.plan_year",
            "dependents[*].dependent_id",
            "dependents[*].date_of_birth",
            "dependents[*].handicapped",
        ),
        check_expenses,
    ),
)
