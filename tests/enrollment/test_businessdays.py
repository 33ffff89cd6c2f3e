"""The administrator's calendar (seed 002 closures) and the claim deadline, checked against
dates written out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.enrollment.businessdays import (
    CHRISTMAS_EVE,
    AdministratorHolidays,
    claim_deadline,
    closures,
    is_business_day,
    next_business_day,
)

# Every closure of seed 002 in several years, weekday closures on their own date and fixed-date
# closures on a weekend on their observed day. Written out from a printed calendar, not computed.
CLOSED = {
    "New Year's Day": [
        date(2016, 1, 1),  # Friday
        date(2017, 1, 2),  # Sunday the 1st -> Monday
        date(2021, 12, 31),  # Saturday 2022-01-01 -> Friday before, in the previous year
        date(2023, 1, 2),  # Sunday -> Monday
        date(2025, 1, 1),  # Wednesday
    ],
    "Martin Luther King Jr. Day": [date(2016, 1, 18), date(2017, 1, 16), date(2020, 1, 20), date(2024, 1, 15)],
    "Presidents' Day": [date(2016, 2, 15), date(2017, 2, 20), date(2024, 2, 19), date(2025, 2, 17)],
    "Memorial Day": [date(2016, 5, 30), date(2017, 5, 29), date(2024, 5, 27), date(2025, 5, 26)],
    "Independence Day": [
        date(2016, 7, 4),  # Monday
        date(2020, 7, 3),  # Saturday the 4th -> Friday
        date(2021, 7, 5),  # Sunday the 4th -> Monday
        date(2025, 7, 4),  # Friday
    ],
    "Labor Day": [date(2016, 9, 5), date(2017, 9, 4), date(2024, 9, 2), date(2025, 9, 1)],
    "Thanksgiving Day": [date(2016, 11, 24), date(2017, 11, 23), date(2019, 11, 28), date(2024, 11, 28)],
    "Friday after Thanksgiving": [
        date(2016, 11, 25),
        date(2017, 11, 24),
        date(2019, 11, 29),  # November 2019 starts on a Friday: the "fourth Friday" is the 22nd, open
        date(2024, 11, 29),  # likewise 2024
    ],
    "Christmas Day": [
        date(2016, 12, 26),  # Sunday the 25th -> Monday
        date(2019, 12, 25),  # Wednesday
        date(2021, 12, 24),  # Saturday the 25th -> Friday, so that Christmas Eve is closed
        date(2022, 12, 26),  # Sunday -> Monday
    ],
}


@pytest.mark.parametrize(("name", "day"), [(name, day) for name, days in CLOSED.items() for day in days], ids=str)
def test_each_closure_is_not_a_business_day(name: str, day: date) -> None:
    assert day.weekday() < 5, "listed closures fall on weekdays"
    assert not is_business_day(day)
    assert name in AdministratorHolidays(years=day.year).get(day, "")


def test_a_year_has_exactly_the_seed_closures() -> None:
    # 2019: no closure falls on a weekend, so the nine full-day closures are the listed days.
    assert sorted(closures(2019)) == [
        date(2019, 1, 1),
        date(2019, 1, 21),
        date(2019, 2, 18),
        date(2019, 5, 27),
        date(2019, 7, 4),
        date(2019, 9, 2),
        date(2019, 11, 28),
        date(2019, 11, 29),
        date(2019, 12, 25),
    ]


@pytest.mark.parametrize("day", [date(2019, 12, 24), date(2020, 12, 24), date(2024, 12, 24), date(2025, 12, 24)])
def test_christmas_eve_is_a_half_day_and_open(day: date) -> None:
    assert is_business_day(day)
    half_days = AdministratorHolidays(years=day.year, categories=holidays.HALF_DAY)
    assert half_days.get(day) == CHRISTMAS_EVE


@pytest.mark.parametrize(
    "day",
    [
        date(2022, 6, 20),  # Juneteenth (observed), federal
        date(2024, 6, 19),  # Juneteenth
        date(2024, 10, 14),  # Columbus Day
        date(2024, 11, 11),  # Veterans Day
        date(2019, 11, 22),  # the fourth Friday of November 2019, a week before Thanksgiving
    ],
)
def test_days_the_federal_calendar_closes_are_open_here(day: date) -> None:
    assert is_business_day(day)


def test_the_us_calendar_differs_from_the_administrators() -> None:
    # Why a custom calendar (issue 5): holidays.US has three extra closures and lacks one.
    us = holidays.US(years=2024)
    ours = closures(2024)
    assert {date(2024, 6, 19), date(2024, 10, 14), date(2024, 11, 11)} <= set(us) - ours
    assert date(2024, 11, 29) in ours - set(us)


def test_weekends_are_closed() -> None:
    assert not is_business_day(date(2017, 9, 30))  # Saturday
    assert not is_business_day(date(2017, 10, 1))  # Sunday
    assert next_business_day(date(2017, 9, 30)) == date(2017, 10, 2)


def test_the_examples_deadline() -> None:
    # Plan year ends 2017-06-30; 90 run-out days land on Thursday 2017-09-28, a business day.
    assert claim_deadline(date(2017, 6, 30), 90) == date(2017, 9, 28)


def test_deadline_on_thanksgiving_moves_to_the_following_monday() -> None:
    # 2016-08-31 + 85 days = Thursday 2016-11-24; Friday is closed too, then the weekend.
    assert date(2016, 8, 31) + timedelta(days=85) == date(2016, 11, 24)
    assert claim_deadline(date(2016, 8, 31), 85) == date(2016, 11, 28)
    # A 2024 plan year ending in August with the usual 90 days: Friday after Thanksgiving.
    assert claim_deadline(date(2024, 8, 31), 90) == date(2024, 12, 2)


def test_deadline_on_christmas_eve_stays() -> None:
    assert date(2019, 9, 30) + timedelta(days=85) == date(2019, 12, 24)
    assert claim_deadline(date(2019, 9, 30), 85) == date(2019, 12, 24)


def test_deadline_on_an_observed_closure_moves() -> None:
    # 2021-12-24 is Christmas observed (the 25th is a Saturday): the next business day is the 27th.
    assert claim_deadline(date(2021, 9, 25), 90) == date(2021, 12, 27)
    # 2021-12-31 is New Year's Day 2022 observed: Monday 2022-01-03.
    assert claim_deadline(date(2021, 10, 2), 90) == date(2022, 1, 3)


def test_zero_runout_is_the_plan_year_end_or_the_next_business_day() -> None:
    assert claim_deadline(date(2017, 6, 30), 0) == date(2017, 6, 30)  # a Friday
    assert claim_deadline(date(2018, 6, 30), 0) == date(2018, 7, 2)  # a Saturday


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 366))
def test_deadline_is_the_first_business_day_on_or_after(end: date, runout: int) -> None:
    deadline = claim_deadline(end, runout)
    earliest = end + timedelta(days=runout)
    assert deadline >= earliest and is_business_day(deadline)
    # No closure stretch is longer than four days (Thanksgiving Thursday to Sunday).
    assert (deadline - earliest).days <= 4
    day = earliest
    while day < deadline:
        assert not is_business_day(day)
        day += timedelta(days=1)
