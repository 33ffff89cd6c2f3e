"""The administrator's business days: holiday closures (seed 002) and the FSA claim deadline."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Any

from holidays.constants import HALF_DAY, PUBLIC
from holidays.groups.christian import ChristianHolidays
from holidays.groups.international import InternationalHolidays
from holidays.observed_holiday_base import (
    SAT_TO_PREV_FRI,
    SUN_TO_NEXT_MON,
    ObservedHolidayBase,
)

#: The closures' names as seed 002 ("Allegiance Holiday Closures") lists them.
NEW_YEARS_DAY = "New Year's Day"
MLK_DAY = "Martin Luther King Jr. Day"
PRESIDENTS_DAY = "Presidents' Day"
MEMORIAL_DAY = "Memorial Day"
INDEPENDENCE_DAY = "Independence Day"
LABOR_DAY = "Labor Day"
THANKSGIVING = "Thanksgiving Day"
FRIDAY_AFTER_THANKSGIVING = "Friday after Thanksgiving"
CHRISTMAS_DAY = "Christmas Day"
CHRISTMAS_EVE = "Christmas Eve (1/2 day)"


class AdministratorHolidays(ObservedHolidayBase, ChristianHolidays, InternationalHolidays):
    """Seed 002's "Allegiance Holiday Closures", on the `holidays` library's machinery.

    `holidays.US` is not this list: it closes on Juneteenth, Columbus Day and Veterans Day and
    stays open the Friday after Thanksgiving. So this calendar names exactly the seed's days,
    reusing the library's date rules (nth weekday of a month, observed-day shifting).

    Categories: `public` (the default) holds the full-day closures; `half_day` holds Christmas
    Eve, which the seed lists as a half day: the office is open, so it is a business day.
    """

    supported_categories = (HALF_DAY, PUBLIC)
    observed_label = "%s (observed)"
    # Martin Luther King Jr. Day exists from 1986; earlier years are not the administrator's.
    start_year = 1986

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        ChristianHolidays.__init__(self)
        InternationalHolidays.__init__(self)
        # Seed 002 lists the dates only. A fixed-date closure that falls on a Saturday is
        # observed the Friday before, one on a Sunday the Monday after (the rule docgen's
        # issue 5 states for this administrator; the federal one, 5 U.S.C. 6103(b)).
        kwargs.setdefault("observed_rule", SAT_TO_PREV_FRI + SUN_TO_NEXT_MON)
        kwargs.setdefault("language", "en_US")
        super().__init__(*args, **kwargs)

    def _populate_public_holidays(self) -> None:
        self._add_observed(self._add_new_years_day(NEW_YEARS_DAY))
        # Next January 1st on a Saturday closes this year's December 31st.
        self._add_observed(self._next_year_new_years_day, name=NEW_YEARS_DAY)
        self._add_holiday_3rd_mon_of_jan(MLK_DAY)
        self._add_holiday_3rd_mon_of_feb(PRESIDENTS_DAY)
        self._add_holiday_last_mon_of_may(MEMORIAL_DAY)
        self._add_observed(self._add_holiday_jul_4(INDEPENDENCE_DAY))
        self._add_holiday_1st_mon_of_sep(LABOR_DAY)
        self._add_holiday_4th_thu_of_nov(THANKSGIVING)
        # The seed also calls it the "Fourth Friday in November", which is a different day when
        # November starts on a Friday (2019: the 22nd); the name decides: the day after.
        self._add_holiday_1_day_past_4th_thu_of_nov(FRIDAY_AFTER_THANKSGIVING)
        self._add_observed(self._add_christmas_day(CHRISTMAS_DAY))

    def _populate_half_day_holidays(self) -> None:
        self._add_christmas_eve(CHRISTMAS_EVE)


@cache
def closures(year: int) -> frozenset[date]:
    """Every full-day closure dated inside `year` (observed days included)."""
    # Observed days can cross a year end (January 1st, 2022 closed December 31st, 2021): the
    # calendar adds them to the year they fall in, so one year's calendar is enough.
    calendar = AdministratorHolidays(years=year)
    return frozenset(day for day in calendar if day.year == year)


def is_business_day(day: date) -> bool:
    """Monday to Friday and not a closure; Christmas Eve (a half day) counts as open."""
    return day.weekday() < 5 and day not in closures(day.year)


def next_business_day(day: date) -> date:
    """`day` itself when the office is open that day, otherwise the next day it is."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def claim_deadline(plan_year_end: date, runout_days: int) -> date:
    """Last day to submit a claim: plan-year end + run-out days, on the next business day.

    Seed 003 ("REIMBURSEMENT"): claims for expenses incurred in the plan year "may be submitted
    for a limited time after the end of the plan year ('run-out')"; a deadline on a weekend or
    closure moves forward to the day the office is next open to receive them.
    """
    return next_business_day(plan_year_end + timedelta(days=runout_days))
