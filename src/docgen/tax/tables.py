"""Tax tables kept as data in src/docgen/tax/data/: Publication 15-T schedules, FICA, state rules, the care credit."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from docgen.enrollment.model import FilingStatus

DATA_DIR = Path(__file__).resolve().parent / "data"


class Table(BaseModel):
    """Base of the data-file models: immutable, and a misspelt key fails loudly."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class W4Status(str, Enum):
    """The filing statuses of Form W-4 (2020 or later), step 1(c): the keys of Publication 15-T's schedules."""

    SINGLE_OR_MFS = "single_or_married_filing_separately"
    MARRIED_FILING_JOINTLY = "married_filing_jointly"
    HEAD_OF_HOUSEHOLD = "head_of_household"


def w4_status(status: FilingStatus) -> W4Status:
    """Form W-4 has no married-filing-separately box: such employees check "Single or MFS"."""
    return {
        FilingStatus.SINGLE: W4Status.SINGLE_OR_MFS,
        FilingStatus.MARRIED_FILING_SEPARATELY: W4Status.SINGLE_OR_MFS,
        FilingStatus.MARRIED_FILING_JOINTLY: W4Status.MARRIED_FILING_JOINTLY,
        FilingStatus.HEAD_OF_HOUSEHOLD: W4Status.HEAD_OF_HOUSEHOLD,
    }[status]


# --- federal: Publication 15-T -------------------------------------------------------------


class ScheduleRow(Table):
    """One row of an Annual Percentage Method table: columns A, C and D (B is the next row's A)."""

    at_least: Decimal
    base: Decimal
    percent: Decimal


class Pub15T(Table):
    year: int
    source: str
    verification: str
    #: Worksheet 1A line 1g: subtracted from annual wages when the Step 2 box is not checked.
    line_1g: dict[W4Status, Decimal]
    schedules: dict[W4Status, tuple[ScheduleRow, ...]]


# --- FICA ----------------------------------------------------------------------------------


class FicaYear(Table):
    social_security_percent: Decimal
    social_security_wage_base: Decimal
    medicare_percent: Decimal
    additional_medicare_percent: Decimal
    additional_medicare_over: Decimal


class FicaTable(Table):
    source: str
    years: dict[int, FicaYear]


# --- states --------------------------------------------------------------------------------


class Bracket(Table):
    over: Decimal
    percent: Decimal


class NoIncomeTax(Table):
    kind: Literal["none"]
    source: str


class FlatRate(Table):
    kind: Literal["flat"]
    percent: Decimal
    source: str


class Brackets(Table):
    kind: Literal["brackets"]
    source: str
    brackets: dict[FilingStatus, tuple[Bracket, ...]]


StateRule = Annotated[NoIncomeTax | FlatRate | Brackets, Field(discriminator="kind")]


class StateRules(Table):
    name: str
    years: dict[int, StateRule]


class StateTable(Table):
    source: str
    states: dict[str, StateRules]


# --- the Child and Dependent Care Credit ---------------------------------------------------


class CreditPhase(Table):
    """The percentage falls 1 point per `step` (or fraction) of AGI over `agi_over`, down to the floor."""

    agi_over: Decimal
    agi_over_joint: Decimal
    step: Decimal
    step_joint: Decimal
    floor_percent: Decimal


class CareCreditYear(Table):
    expense_limit_one: Decimal
    expense_limit_two_or_more: Decimal
    start_percent: Decimal
    phases: tuple[CreditPhase, ...]


class CareCreditTable(Table):
    source: str
    years: dict[int, CareCreditYear]


# --- loading -------------------------------------------------------------------------------


def _read(name: str) -> bytes:
    return (DATA_DIR / name).read_bytes()


def federal_years() -> tuple[int, ...]:
    """The tax years with a Publication 15-T file in data/."""
    return tuple(sorted(int(path.stem.removeprefix("pub15t-")) for path in DATA_DIR.glob("pub15t-*.json")))


def supported_years() -> tuple[int, ...]:
    """The tax years every table docgen figures with holds: Publication 15-T, FICA and the
    dependent-care credit (a state without a rule for the year takes its figures as input)."""
    return tuple(year for year in federal_years() if year in fica_table().years and year in care_credit_table().years)


@cache
def pub15t(year: int) -> Pub15T | None:
    """The year's Publication 15-T tables, or None when docgen has none for that year."""
    if year not in federal_years():
        return None
    return Pub15T.model_validate_json(_read(f"pub15t-{year}.json"))


@cache
def fica_table() -> FicaTable:
    return FicaTable.model_validate_json(_read("fica.json"))


@cache
def state_table() -> StateTable:
    return StateTable.model_validate_json(_read("state-withholding.json"))


@cache
def care_credit_table() -> CareCreditTable:
    return CareCreditTable.model_validate_json(_read("dependent-care-credit.json"))


def state_rule(state: str, year: int) -> StateRule | None:
    """The state's withholding rule for the year, or None when docgen has no rule for it."""
    rules = state_table().states.get(state)
    return rules.years.get(year) if rules is not None else None
