"""Portal input: frozen pydantic models parsed once at the edge; failures become InputError."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Protocol

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from docgen.language import LanguageTag
from docgen.money import has_at_most_cents
from docgen.parsing import parse_model
from docgen.privacy import SSN

# --- field types -------------------------------------------------------------------------


# Every date docgen computes with stays a real date: a plan year ending 9999-12-31 overflowed
# the claim deadline (issue 16). Members, plans and pay dates all fall inside these years.
FIRST_YEAR, LAST_YEAR = 1900, 2099


def _in_supported_years(value: str) -> str:
    if not FIRST_YEAR <= int(value[:4]) <= LAST_YEAR:
        raise PydanticCustomError("date-supported", f"must fall in the years {FIRST_YEAR} to {LAST_YEAR}")
    return value


def _iso_date(value: object) -> object:
    # Dates are ISO strings in the portal's JSON (issue: "dates ISO in input"); pydantic's lax
    # mode would also take Unix timestamps and "2016-07-01T00:00", which we do not want.
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise PydanticCustomError("iso-date", "must be an ISO date, YYYY-MM-DD")
    return _in_supported_years(value)


def _iso_datetime(value: object) -> object:
    if not isinstance(value, str) or not re.fullmatch(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?", value
    ):
        raise PydanticCustomError("iso-datetime", "must be an ISO local date and time, YYYY-MM-DDTHH:MM:SS")
    return _in_supported_years(value)


_MONEY_DIGITS = 12
# Issue 16: an amount is a JSON string of ASCII digits (Decimal() alone would also take
# "5_0.00", full-width and Arabic-Indic digits, or " 50 ") or a JSON number; a number is
# seen only as the float it parsed to, so one whose shortest form needs an exponent (1e+20,
# 1e-05) is refused while 1e2 reads as 100.0. The sign is allowed only so a negative amount
# gets its own, clearer rule.
MONEY_PATTERN = r"^-?[0-9]+(\.[0-9]{1,2})?$"
_MONEY_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_MONEY_MESSAGE = 'must be an amount in dollars, as "1300.00" (a string of digits) or 1300.00'


def _money_text(value: object) -> str:
    """The amount's decimal text, or a money problem for anything but plain digits."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, float):
        # A JSON number arrives as a float; repr() is its shortest round-trip form, which
        # uses an exponent exactly when the number is too large or small to be an amount.
        text = repr(value)
    else:
        raise PydanticCustomError("money", _MONEY_MESSAGE)
    if not _MONEY_TEXT.fullmatch(text):
        raise PydanticCustomError("money", _MONEY_MESSAGE)
    return text


def _money(value: object) -> Decimal:
    amount = Decimal(_money_text(value))
    # Bounded so every sum and product of amounts stays exact in Decimal's 28 digits (a
    # 38-digit amount made the cents check raise InvalidOperation: a crash, found by fuzzing).
    if amount.adjusted() >= _MONEY_DIGITS:
        raise PydanticCustomError("money", "must be less than 1,000,000,000,000.00")
    if amount < 0:
        raise PydanticCustomError("money-non-negative", "must not be negative")
    if not has_at_most_cents(amount):
        raise PydanticCustomError("money-cents", "must have at most two decimal places")
    # "-0.00" passes the sign check and would print as -0.00.
    return amount.copy_abs() if amount.is_zero() else amount


def _ssn(value: object) -> SSN:
    if isinstance(value, SSN):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("ssn", "must be a Social Security number as a string")
    try:
        return SSN(value)
    except ValueError as exc:
        # The message never repeats the value: an SSN must not reach an error body or a log.
        raise PydanticCustomError("ssn", str(exc)) from None


@dataclass(frozen=True)
class _Matching:
    """A string that must match `pattern` whole, refused with the rule id and message; the
    JSON Schema publishes the same pattern, so the two cannot drift apart."""

    rule: str
    pattern: str
    message: str

    def __get_pydantic_core_schema__(self, source: type[Any], handler: GetCoreSchemaHandler) -> CoreSchema:
        compiled = re.compile(self.pattern)

        def check(value: str) -> str:
            if not compiled.fullmatch(value):
                raise PydanticCustomError(self.rule, self.message)
            return value

        return core_schema.no_info_after_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        published = handler(schema)
        published["pattern"] = f"^{self.pattern}$"
        return published


IsoDate = Annotated[date, BeforeValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})]
IsoDateTime = Annotated[
    datetime,
    BeforeValidator(_iso_datetime),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": MONEY_PATTERN}, {"type": "number", "multipleOf": 0.01}],
            "examples": ["1300.00"],
        }
    ),
]
MaskedSSN = Annotated[
    SSN,
    PlainValidator(_ssn),
    PlainSerializer(lambda ssn: ssn.masked, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^[0-9]{3}-?[0-9]{2}-?[0-9]{4}$"}),
]
GroupId = Annotated[
    str,
    _Matching("digits", r"[0-9]{1,10}", "must be 1 to 10 digits"),
]
# Seed 000 step 3: "your 12 digit participant ID number".
ParticipantId = Annotated[
    str,
    _Matching("participant-id", r"[0-9]{12}", "must be the 12-digit participant ID"),
]
# Two digits: it is also the person code on the member's ID card (01, 02, ...).
DependentId = Annotated[
    str,
    _Matching("dependent-id", r"[0-9]{2}", 'must be a two-digit dependent ID, as "01"'),
]
#: A BCP 47 tag (RFC 5646) naming a tagline's language, as "zh-Hant"; which ones docgen has is a rule.
NoticeLanguageTag = Annotated[
    str,
    _Matching("language-tag", r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}", 'must be a BCP 47 language tag, as "zh-Hant"'),
]
StateCode = Annotated[
    str,
    _Matching("state", r"[A-Z]{2}", 'must be a two-letter USPS state code, as "MT"'),
]
ZipCode = Annotated[
    str,
    _Matching("zip", r"[0-9]{5}(-[0-9]{4})?", "must be a ZIP code, 12345 or 12345-6789"),
]
Email = Annotated[
    str,
    _Matching("email", r"(|[^@\s]+@[^@\s]+\.[^@\s]+)", "must be an e-mail address or empty"),
]
Text = Annotated[str, Field(max_length=200)]
RequiredText = Annotated[str, Field(min_length=1, max_length=200)]
# Sizes of the ASC X12 834 enrollment transaction (005010X220A1) the portal's data comes from:
# NM1 names (last 60, first 35, middle 25), N1 organization names 60, N3 address lines 55,
# N4 city 30, HD plan coverage descriptions 50. Within them the worst valid statement renders
# in under 5x the example's time (issue 25; bench/worst_case.py, docs/performance.md).
LastName = Annotated[str, Field(min_length=1, max_length=60)]
FirstName = Annotated[str, Field(min_length=1, max_length=35)]
MiddleName = Annotated[str, Field(max_length=25)]
OrganizationName = Annotated[str, Field(min_length=1, max_length=60)]
AddressLine = Annotated[str, Field(min_length=1, max_length=55)]
OptionalAddressLine = Annotated[str, Field(max_length=55)]
City = Annotated[str, Field(min_length=1, max_length=30)]
PlanText = Annotated[str, Field(max_length=50)]


class Gender(str, Enum):
    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"


class FilingStatus(str, Enum):
    """Federal filing status (Form W-4 step 1(c), plus married filing separately)."""

    SINGLE = "single"
    MARRIED_FILING_JOINTLY = "married_filing_jointly"
    MARRIED_FILING_SEPARATELY = "married_filing_separately"
    HEAD_OF_HOUSEHOLD = "head_of_household"


class DependentStatus(str, Enum):
    ACTIVE = "Active"
    TERMINATED = "Terminated"


# --- models ------------------------------------------------------------------------------


class Frozen(BaseModel):
    """Base of every input model: immutable, and unknown keys are errors (typos surface)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class DateRange(Frozen):
    start: IsoDate
    end: IsoDate

    @field_validator("end")
    @classmethod
    def _not_before_start(cls, end: date, info: ValidationInfo) -> date:
        # A schema problem, not a rule: every rule that reads the range then waits for it (a
        # plan year ending the day before it starts divided the pay periods by zero).
        start = info.data.get("start")
        if start is not None and end < start:
            raise PydanticCustomError("date-range-order", "must not be before the start date")
        return end


class Administrator(Frozen):
    name: OrganizationName
    address: tuple[AddressLine, ...] = Field(min_length=1, max_length=4)
    phone: Text
    email: Email = ""
    website: Text = ""
    #: Customer-service hours as the administrator publishes them (seed 002:
    #: "Monday - Friday 6:00 am - 6:00 pm MST"); left off documents when absent.
    customer_service_hours: Text | None = None


class Rx(Frozen):
    bin: Annotated[str, _Matching("rx-bin", r"[0-9]{6}", "must be the six-digit NCPDP RxBIN")]
    # NCPDP Pharmacy ID Card Implementation Guide: RxPCN up to 10 characters, RxGRP up to 15.
    pcn: Annotated[str, Field(max_length=10)]
    group: Annotated[str, Field(max_length=15)]


class Copay(Frozen):
    label: RequiredText
    amount: Money


class NetworkAmounts(Frozen):
    """A cost-sharing amount in and out of network (Consolidated Appropriations Act, 2021, §107)."""

    in_network: Money
    out_of_network: Money | None = None


# Logos are files in assets/logos/; only a plain file name is accepted (no paths, no URLs).
LogoFile = Annotated[
    str,
    _Matching(
        "logo-file", r"[A-Za-z0-9][A-Za-z0-9_-]*\.(png|svg)", "must be a .png or .svg file name in assets/logos/"
    ),
]
# ISO/IEC 7812 card issuer number after the US health RID 80840 (WEDI guide): ten digits.
IssuerNumber = Annotated[
    str,
    _Matching("issuer-number", r"[0-9]{10}", "must be the ten digits that follow 80840"),
]


class IdCard(Frozen):
    network: RequiredText
    rx: Rx
    copays: tuple[Copay, ...] = Field(default=(), max_length=6)
    customer_service_phone: Text
    claims_address: tuple[AddressLine, ...] = Field(min_length=1, max_length=4)
    # Optional card data the portal example lacks (issue 4); when absent the card falls back
    # to the administrator's name, phone and website, and leaves out what has no source.
    issuer_name: OrganizationName | None = None
    issuer_number: IssuerNumber | None = None
    logo: LogoFile | None = None
    pharmacy_help_phone: Text | None = None
    website: Text | None = None
    # Four lines of 6 pt type on the back of the card.
    notice: Annotated[str, Field(max_length=300)] | None = None
    deductible: NetworkAmounts | None = None
    out_of_pocket_max: NetworkAmounts | None = None


class FlexSettings(Frozen):
    health_fsa_max: Money
    carryover_max: Money
    runout_days: int = Field(strict=True, ge=0, le=366)
    customer_service_phone: Text
    claims_fax: Text


class Group(Frozen):
    group_id: GroupId
    division_id: GroupId
    name: OrganizationName
    # Strict: JSON true must not count as one pay period (issue 16: 50.00 x 1 printed).
    pay_periods_per_year: int = Field(strict=True, ge=1, le=365)
    plan_year: DateRange
    id_card: IdCard | None = None
    flex: FlexSettings | None = None
    #: The payroll calendar of the plan year; when given, it decides how many pay periods
    #: remain after an election's effective date (otherwise they are prorated by days).
    pay_dates: Annotated[tuple[IsoDate, ...], Field(max_length=366)] | None = None
    #: The languages of the notice of language assistance after English (45 CFR 92.11), in print
    #: order, when the group's own list replaces the state's top 15 (a plan serving several states
    #: may add their counts together: HHS OCR's tagline aggregation FAQ).
    language_assistance: Annotated[tuple[NoticeLanguageTag, ...], Field(max_length=100)] | None = None


class Submission(Frozen):
    type: RequiredText
    window: DateRange
    submitted_at: IsoDateTime
    confirmation_number: Annotated[str, _Matching("confirmation-number", r"[0-9]{1,20}", "must be digits")] | None = (
        None
    )


class Address(Frozen):
    line1: AddressLine
    line2: OptionalAddressLine = ""
    city: City
    state: StateCode
    zip: ZipCode

    @property
    def lines(self) -> tuple[str, ...]:
        """The address as the statements and forms print it: street lines, then CITY, ST ZIP."""
        return tuple(line for line in (self.line1, self.line2, f"{self.city}, {self.state} {self.zip}") if line)


class _NameParts(Protocol):
    first_name: str
    middle_name: str
    last_name: str


class PrintedNames:
    """The names the documents print for a participant or a dependent (fields stay in each model,
    in the portal's order)."""

    @property
    def full_name(self: _NameParts) -> str:
        """FIRST MIDDLE LAST with empty parts left out, as the portal prints names."""
        return _joined(self.first_name, self.middle_name, self.last_name)

    @property
    def name_with_initial(self: _NameParts) -> str:
        """FIRST M LAST: what a card prints when the full name is too wide."""
        return _joined(self.first_name, self.middle_name[:1], self.last_name)

    @property
    def given_names(self: _NameParts) -> str:
        return _joined(self.first_name, self.middle_name)


def _joined(*parts: str) -> str:
    return " ".join(part for part in parts if part)


class Participant(Frozen, PrintedNames):
    participant_id: ParticipantId
    first_name: FirstName
    middle_name: MiddleName = ""
    last_name: LastName
    date_of_birth: IsoDate
    gender: Gender
    marital_status: Text = ""
    address: Address
    home_phone: Text = ""
    work_phone: Text = ""
    email: Email = ""
    tax_filing_status: FilingStatus | None = None
    #: The language the member reads their documents in (issue 22); English when absent.
    language: LanguageTag | None = None


class Dependent(Frozen, PrintedNames):
    dependent_id: DependentId
    ssn: MaskedSSN
    first_name: FirstName
    middle_name: MiddleName = ""
    last_name: LastName
    gender: Gender
    date_of_birth: IsoDate
    relationship: Annotated[str, Field(min_length=1, max_length=30)]
    student: bool = Field(default=False, strict=True)
    handicapped: bool = Field(default=False, strict=True)
    status: DependentStatus
    #: Seed 000 step 11's Dependent Summary shows a Terminated dependent's termination date.
    termination_date: IsoDate | None = None


class CoverageElection(Frozen):
    """Medical, dental or vision: elected or declined, with the dependents it covers."""

    elected: bool = Field(strict=True)
    plan: PlanText | None = None
    level: PlanText | None = None
    effective_date: IsoDate | None = None
    covered_dependents: tuple[DependentId, ...] = ()


class FlexElection(Frozen):
    """A flexible spending account election, per pay period."""

    elected: bool = Field(strict=True)
    plan: PlanText | None = None
    level: PlanText | None = None
    effective_date: IsoDate | None = None
    per_pay_employee: Money = Decimal("0.00")
    per_pay_employer: Money = Decimal("0.00")
    per_pay_other: Money = Decimal("0.00")
    #: The portal's "Total Employee Contribution to Year End"; checked when sent, else computed.
    annual_total: Money | None = None


class Coverage(str, Enum):
    """A health benefit, named as in `elections` (seed 000 steps 12-14)."""

    MEDICAL = "medical"
    DENTAL = "dental"
    VISION = "vision"


class FlexAccount(str, Enum):
    """The flex account an expense is claimed from, named as in `elections`."""

    HEALTH_FSA = "medical_spending_account"
    DEPENDENT_CARE = "day_care_spending_account"


class _FlexFields(Protocol):
    medical_spending_account: FlexElection | None
    day_care_spending_account: FlexElection | None


class FlexChoices:
    """The flex accounts of an enrollment's elections, looked up by account (the enrollment's and
    the illustration's elections share it; fields stay in each model, in the portal's order)."""

    def flex(self: _FlexFields, account: FlexAccount) -> FlexElection | None:
        """The election of a flex account, or None when the portal sent none."""
        return {
            FlexAccount.HEALTH_FSA: self.medical_spending_account,
            FlexAccount.DEPENDENT_CARE: self.day_care_spending_account,
        }[account]


class Elections(Frozen, FlexChoices):
    medical: CoverageElection | None = None
    dental: CoverageElection | None = None
    vision: CoverageElection | None = None
    medical_spending_account: FlexElection | None = None
    day_care_spending_account: FlexElection | None = None

    def coverage(self, coverage: Coverage) -> CoverageElection | None:
        """The election of a health benefit, or None when the portal sent none."""
        return {Coverage.MEDICAL: self.medical, Coverage.DENTAL: self.dental, Coverage.VISION: self.vision}[coverage]


class ExpenseLine(Frozen):
    """One expense to prefill on an FSA reimbursement request (rules in expenses.py)."""

    account: FlexAccount
    #: Date of service (health FSA) or first day of care (dependent care).
    service_start: IsoDate
    #: Last day, for a period of care or treatment; left out for a single date.
    service_end: IsoDate | None = None
    #: Who the expense was for: a dependent's ID, or left out for the participant.
    dependent_id: DependentId | None = None
    provider: Annotated[str, Field(min_length=1, max_length=60)]
    description: Annotated[str, Field(min_length=1, max_length=60)]
    amount: Money


class Enrollment(Frozen):
    """One member's enrollment, exactly as the member portal sends it."""

    administrator: Administrator
    group: Group
    enrollment: Submission
    participant: Participant
    # Bounded, like the text sizes above, so the worst valid statement renders in under 5x the
    # example's time (issue 25: 40 dependents with 200-letter names took 25 s of a worker).
    dependents: tuple[Dependent, ...] = Field(default=(), max_length=14)
    elections: Elections
    #: Expenses to prefill on the FSA claim forms; the forms print blank lines without them.
    claims: tuple[ExpenseLine, ...] = Field(default=(), max_length=20)


# --- parsing -----------------------------------------------------------------------------


def parse_enrollment(data: bytes | str | dict[str, Any]) -> Enrollment:
    """Parse the portal's enrollment JSON; schema problems only (rules.py checks the rest)."""
    return parse_model(Enrollment, data)
