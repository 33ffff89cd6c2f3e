"""Tax-savings illustration (seed 003, "Flex puts tax dollars back into your pocket"): the display-ready view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from docgen.documents.kind import DocumentKind, NoOptions, without_options
from docgen.documents.shapes import ILLUSTRATION
from docgen.money import format_card_amount, format_dollars, to_dollars
from docgen.render.metadata import DocumentMetadata
from docgen.tax import tables as taxtables
from docgen.tax.calculator import CareComparison, Illustration, illustrate
from docgen.tax.input import ExpenseKind, PayFrequency, TaxSavingsInput

TITLE = "Tax-Savings Illustration"
#: Seed 003's heading.
HEADLINE = "Flex puts tax dollars back into your pocket"
#: Seed 003's footnote, word for word.
VARIES = "*Actual amounts will vary based on the current Federal and State Income tax rates and withholdings."
#: The subtitle's source when federal and state are given for both columns (issue 18).
BROCHURE = "Figures from the plan's brochure"
_STATUS_WORDS = {
    "single": "single",
    "married_filing_jointly": "married filing jointly",
    "married_filing_separately": "married filing separately",
    "head_of_household": "head of household",
}


@dataclass(frozen=True)
class Wording:
    """How a pay frequency is said: "Monthly Net Pay", "earns $3,500 a month", "each month"."""

    title: str
    rate: str
    each: str
    unit: str


_WORDING = {
    PayFrequency.MONTHLY: Wording("Monthly", "a month", "each month", "months"),
    PayFrequency.SEMIMONTHLY: Wording("Semimonthly", "twice a month", "each paycheck", "paychecks"),
    PayFrequency.BIWEEKLY: Wording("Biweekly", "every two weeks", "each paycheck", "paychecks"),
    PayFrequency.WEEKLY: Wording("Weekly", "a week", "each week", "weeks"),
}


@dataclass(frozen=True)
class TableRow:
    label: str
    no_plan: Decimal
    flex_plan: Decimal
    #: line, subtotal, tax, expense, total: how the row is drawn.
    style: str


@dataclass(frozen=True)
class Bar:
    """One bar: its label and amount, and where the template draws them (SVG user units)."""

    label: str
    amount: Decimal
    y: int
    text_y: int
    width: Decimal
    gain_x: Decimal
    gain_width: Decimal
    amount_x: Decimal


@dataclass(frozen=True)
class Chart:
    """Take-home pay without and with the plan, drawn by the template as inline SVG."""

    width: int
    height: int
    bar_x: int
    bar_height: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class CareView:
    """The day-care comparison as printed: the calculator's figures and the words about them."""

    label: str
    figures: CareComparison
    limit_note: str
    verdict: str
    #: When the credit wins: what the table did about it and how to claim the credit.
    advice: str | None


@dataclass(frozen=True)
class Letterhead:
    name: str
    address_lines: tuple[str, ...]
    contacts: tuple[str, ...]
    hours: str | None


@dataclass(frozen=True)
class TaxSavingsView:
    """Everything the illustration prints, already computed and worded."""

    title: str
    headline: str
    #: Plan, source of the figures, pay frequency, joined by " · " in the running footer.
    subtitle: tuple[str, ...]
    #: The letterhead's: plan and pay frequency, then the source of the figures on its own line.
    letterhead_lines: tuple[str, ...]
    administrator: Letterhead | None
    situation: str
    wording: Wording
    gain: Decimal
    annual_gain: Decimal
    gain_owner: str
    gain_formula: str
    #: Under the table, for the day care marked †: why the gain leaves its FSA out.
    table_note: str | None
    rows: tuple[TableRow, ...]
    chart: Chart
    care: CareView | None
    footnotes: tuple[str, ...]
    metadata: DocumentMetadata


def _name(data: TaxSavingsInput) -> str | None:
    if data.person is not None:
        return data.person.first_name
    return data.participant.first_name if data.participant is not None else None


def _situation(data: TaxSavingsInput, result: Illustration, wording: Wording) -> str:
    """Seed 003's story in one sentence: who, what they earn, and what they pay."""
    name = _name(data)
    described = f"{name}, {data.person.description}," if name and data.person and data.person.description else name
    # The member's own amounts, cents and all ($2,437.50): the table shows them rounded.
    parts = [f"{line.label} ({format_card_amount(line.amount)})" for line in result.expenses]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    subject, earn, pay = (described, "earns", "pays") if described else ("You", "earn", "pay")
    paid = sum((line.amount for line in result.expenses), Decimal(0))
    return (
        f"{subject} {earn} {format_card_amount(data.pay.amount)} {wording.rate} and {pay}"
        f" {format_card_amount(paid)} {wording.rate} for {listed}."
    )


def _rows(result: Illustration, wording: Wording) -> tuple[TableRow, ...]:
    no, flex = result.no_plan, result.flex_plan
    return (
        TableRow("Gross Pay", no.gross, flex.gross, "line"),
        TableRow("Flex Plan", no.flex, flex.flex, "line"),
        TableRow("Taxable Pay", no.taxable, flex.taxable, "subtotal"),
        TableRow("Federal Tax*", no.federal, flex.federal, "tax"),
        TableRow("State Tax*", no.state, flex.state, "tax"),
        TableRow("FICA / Medicare*", no.fica, flex.fica, "tax"),
        TableRow("Net Pay", no.net, flex.net, "subtotal"),
        *(
            TableRow(
                line.label + ("†" if result.credit_instead and line.kind is ExpenseKind.DEPENDENT_CARE else ""),
                paid,
                in_flex,
                "expense",
            )
            for line, paid, in_flex in zip(result.expenses, no.after_tax, flex.after_tax, strict=True)
        ),
        TableRow(f"{wording.title} Net Pay", no.take_home, flex.take_home, "total"),
    )


def _chart(result: Illustration) -> Chart:
    # The longer bar fills the track; both start at zero so their lengths compare honestly.
    width, bar_x, track, bar_height = 262, 72, Decimal(140), 18
    top = max(result.no_plan.take_home, result.flex_plan.take_home, Decimal(1))

    def length(amount: Decimal) -> Decimal:
        return max(Decimal(0), (track * amount / top).quantize(Decimal("0.1")))

    base = length(result.no_plan.take_home)
    with_plan = length(result.flex_plan.take_home)
    # The with-plan bar is the without-plan length plus the gain, drawn in its own colour.
    shared = min(base, with_plan)
    bars = (
        Bar("Without the plan", result.no_plan.take_home, 6, 19, base, bar_x + base, Decimal(0), bar_x + base + 5),
        Bar(
            "With the plan",
            result.flex_plan.take_home,
            36,
            49,
            shared,
            bar_x + shared,
            with_plan - shared,
            bar_x + with_plan + 5,
        ),
    )
    return Chart(width=width, height=62, bar_x=bar_x, bar_height=bar_height, bars=bars)


def _care_label(result: Illustration) -> str:
    return " and ".join(line.label for line in result.expenses if line.kind is ExpenseKind.DEPENDENT_CARE)


def _care(care: CareComparison | None, result: Illustration) -> CareView | None:
    if care is None:
        return None
    label = _care_label(result)
    difference = care.fsa_saving - care.credit
    advice = None
    if not care.credit_allowed:
        verdict = "The credit is not available to married people who file separate tax returns."
    elif care.credit_wins:
        verdict = f"The credit saves {format_dollars(-difference)} more a year than the FSA: choose the credit."
        advice = "Claim it on your federal tax return (IRS Form 2441)."
    elif difference > 0:
        verdict = f"The FSA saves {format_dollars(difference)} more a year than the credit: choose the FSA."
    else:
        verdict = "The FSA and the credit save the same."
    people = "1 person" if care.qualifying_individuals == 1 else "2 or more"
    limit_note = f"limit for {people}" if care.credit_expenses < care.annual_expenses else "all of them"
    return CareView(label, care, limit_note, verdict, advice)


def _source(no_plan_given: bool, flex_plan_given: bool, what: str, computed: str) -> str:
    """Where a tax line's figures come from, as a sentence: the brochure, the tables, or both."""
    if no_plan_given and flex_plan_given:
        return f"{what} amounts are the figures in the plan's brochure, not figured here."
    if no_plan_given or flex_plan_given:
        column = "No Plan" if no_plan_given else "Flex Plan"
        return f"{what} is {computed}; the {column} amount is the figure in the plan's brochure."
    return f"{what} is {computed}."


def _cents(data: TaxSavingsInput, result: Illustration) -> str:
    """The amounts the table shows rounded: "($2,437.50 is shown as $2,438)"."""
    amounts = [data.pay.amount, *(line.amount for line in result.expenses)]
    rounded = [f"{format_card_amount(a)} as {format_dollars(a)}" for a in amounts if a != to_dollars(a)]
    return f" (shown rounded: {', '.join(rounded)})" if rounded else ""


def _footnotes(data: TaxSavingsInput, result: Illustration, wording: Wording) -> tuple[str, ...]:
    # Written for the employee, not the payroll office (issue 18): each term said in plain words,
    # every fact of the calculation kept.
    year = data.tax.year
    fica = taxtables.fica_table().years[year]
    no, flex = result.no_plan, result.flex_plan
    status = _STATUS_WORDS[result.filing_status.value]
    federal = _source(
        no.federal_given,
        flex.federal_given,
        "Federal tax",
        f"what your employer would withhold for {year} with “{status}” as the filing status on"
        f" your Form W-4, figured as payroll systems do (IRS Publication 15-T, percentage method"
        f" for automated payroll)",
    )
    rule = taxtables.state_rule(data.tax.state, year)
    state_name = taxtables.state_table().states[data.tax.state].name if rule is not None else data.tax.state
    state = _source(
        no.state_given,
        flex.state_given,
        "State tax",
        f"zero: {state_name} has no income tax on wages"
        if rule and rule.kind == "none"
        else f"what {state_name} would withhold for {year}",
    )
    if no.federal_given and no.state_given and flex.federal_given and flex.state_given:
        taxes = "Federal and state tax amounts are the figures in the plan's brochure, not figured here."
    else:
        taxes = f"{federal} {state}"
    if flex.given_estimated:
        taxes += (
            f" Without the dependent care FSA, the Flex Plan column's brochure figures are estimated:"
            f" {_care_label(result)}'s share of their saving is added back."
        )
    additional = (
        f", and {fica.additional_medicare_percent}% more Medicare tax on pay over"
        f" {format_dollars(fica.additional_medicare_over)} a year"
        if no.exact_taxable * result.periods > fica.additional_medicare_over
        else ""
    )
    notes = [
        VARIES,
        f"{taxes} FICA / Medicare is the Social Security and Medicare tax on wages (FICA: the Federal"
        f" Insurance Contributions Act): {fica.social_security_percent}% Social Security tax on pay up to"
        f" {format_dollars(fica.social_security_wage_base)} a year"
        f" and {fica.medicare_percent}% Medicare tax{additional},"
        f" on your pay after the flex plan ({year} rates).",
        f"Whole dollars: each tax is figured on your exact pay and expenses{_cents(data, result)}, then rounded"
        f" to the nearest dollar (50 cents rounds up); the other lines are worked out from the amounts shown,"
        f" so the table adds up. The amount for the year is the gain {wording.each} times {result.periods}.",
    ]
    if result.care is not None:
        notes.append(
            "Day care: the FSA saving is the tax you would not pay in the year by paying for day care through"
            " the dependent care FSA, on top of your other flex plan choices. The federal Child and Dependent"
            " Care Credit (Internal Revenue Code section 21) takes a percentage of your day-care costs off your"
            " federal income tax, and no more than that tax; the percentage falls as income rises, and your"
            " income is estimated here as your pay for the year after your other flex plan choices. Money paid"
            " through the FSA cannot also count for the credit, so the same dollars cannot get both."
        )
    return tuple(notes)


def _administrator(data: TaxSavingsInput) -> Letterhead | None:
    admin = data.administrator
    if admin is None:
        return None
    contacts = tuple(value for value in (admin.phone, admin.website, admin.email) if value)
    return Letterhead(admin.name, admin.address, contacts, admin.customer_service_hours)


def build_tax_savings(data: TaxSavingsInput) -> TaxSavingsView:
    """The view of a valid illustration input; raises InputError listing every problem."""
    result = illustrate(data)
    wording = _WORDING[data.pay.frequency]
    name = _name(data)
    admin = _administrator(data)
    # Federal and state given for both columns are the brochure's own figures, not the tax
    # year's withholding: the page must not date them to a year it did not compute.
    given = (
        result.no_plan.federal_given
        and result.no_plan.state_given
        and result.flex_plan.federal_given
        and result.flex_plan.state_given
    )
    source = BROCHURE if given else f"Tax year {data.tax.year}"
    frequency = f"{wording.title.lower()} pay"
    subtitle = tuple(part for part in (data.plan.name, source, frequency) if part)
    letterhead = (" · ".join(part for part in (data.plan.name, frequency) if part), source)
    return TaxSavingsView(
        title=TITLE,
        headline=HEADLINE,
        subtitle=subtitle,
        letterhead_lines=letterhead,
        administrator=admin,
        situation=_situation(data, result, wording),
        wording=wording,
        gain=result.gain,
        annual_gain=result.annual_gain,
        gain_owner=f"{name}'s pocket" if name else "your pocket",
        gain_formula=f"{format_dollars(result.gain)} × {result.periods} {wording.unit}",
        table_note=(
            f"†Paid from take-home pay in both columns: for {_care_label(result)} the child care tax"
            " credit saves you more than the dependent care FSA would (see Day care), so the gain"
            " leaves the FSA out."
            if result.credit_instead
            else None
        ),
        rows=_rows(result, wording),
        chart=_chart(result),
        care=_care(result.care, result),
        footnotes=_footnotes(data, result, wording),
        metadata=DocumentMetadata(
            title=TITLE,
            author=admin.name if admin else "docgen",
            subject=f"Flex plan tax-savings illustration, {source[0].lower()}{source[1:]}",
            created=datetime(data.tax.year, 1, 1),
        ),
    )


TAX_SAVINGS: DocumentKind[TaxSavingsInput, NoOptions, TaxSavingsView] = DocumentKind(
    "tax-savings",
    'Tax-savings illustration, "Flex puts tax dollars back into your pocket" (seed 003)',
    "tax-savings.html",
    ILLUSTRATION,
    without_options(build_tax_savings),
    NoOptions,
)
