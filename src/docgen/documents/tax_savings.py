"""Tax-savings illustration (seed 003, "Flex puts tax dollars back into your pocket"): the display-ready view."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import datetime
from decimal import Decimal

from docgen.documents.kind import DocumentKind, NoOptions, without_options
from docgen.documents.shapes import ILLUSTRATION
from docgen.language import N_, Language, language_for
from docgen.money import to_dollars
from docgen.render.metadata import DocumentMetadata
from docgen.tax import tables as taxtables
from docgen.tax.calculator import CareComparison, Illustration, illustrate
from docgen.tax.input import ExpenseKind, PayFrequency, TaxSavingsInput

TITLE = N_("Tax-Savings Illustration")
#: Seed 003's heading.
HEADLINE = N_("Flex puts tax dollars back into your pocket")
#: Seed 003's footnote, word for word.
VARIES = N_("*Actual amounts will vary based on the current Federal and State Income tax rates and withholdings.")
#: The subtitle's source when federal and state are given for both columns (issue 18).
BROCHURE = N_("Figures from the plan's brochure")
_STATUS_WORDS = {
    "single": N_("single"),
    "married_filing_jointly": N_("married filing jointly"),
    "married_filing_separately": N_("married filing separately"),
    "head_of_household": N_("head of household"),
}


@dataclass(frozen=True)
class Wording:
    """How a pay frequency is said: "Monthly Net Pay", "earns $3,500 a month", "each month".
    Whole phrases, not a word to build them from: the word's place and form differ by language."""

    net_pay: str
    take_home: str
    pay: str
    rate: str
    each: str
    unit: str

    def translated(self, language: Language) -> Wording:
        return Wording(*(language.gettext(phrase) for phrase in astuple(self)))


_WORDING = {
    PayFrequency.MONTHLY: Wording(
        N_("Monthly Net Pay"),
        N_("Monthly take-home pay"),
        N_("monthly pay"),
        N_("a month"),
        N_("each month"),
        N_("months"),
    ),
    PayFrequency.SEMIMONTHLY: Wording(
        N_("Semimonthly Net Pay"),
        N_("Semimonthly take-home pay"),
        N_("semimonthly pay"),
        N_("twice a month"),
        N_("each paycheck"),
        N_("paychecks"),
    ),
    PayFrequency.BIWEEKLY: Wording(
        N_("Biweekly Net Pay"),
        N_("Biweekly take-home pay"),
        N_("biweekly pay"),
        N_("every two weeks"),
        N_("each paycheck"),
        N_("paychecks"),
    ),
    PayFrequency.WEEKLY: Wording(
        N_("Weekly Net Pay"), N_("Weekly take-home pay"), N_("weekly pay"), N_("a week"), N_("each week"), N_("weeks")
    ),
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
    #: "extra in Mary's pocket each month", under the gain.
    gain_caption: str
    gain_formula: str
    #: Under the table, for the day care marked †: why the gain leaves its FSA out.
    table_note: str | None
    rows: tuple[TableRow, ...]
    chart: Chart
    care: CareView | None
    footnotes: tuple[str, ...]
    metadata: DocumentMetadata
    #: The chart's text alternative: each bar's words and amount, and the gain.
    chart_text: str


def _name(data: TaxSavingsInput) -> str | None:
    if data.person is not None:
        return data.person.first_name
    return data.participant.first_name if data.participant is not None else None


def _listed(parts: list[str], language: Language) -> str:
    """ "A, B and C": the illustration's own list style (CLDR's English adds a serial comma)."""
    if len(parts) == 1:
        return parts[0]
    return language.gettext("{items} and {last}").format(items=", ".join(parts[:-1]), last=parts[-1])


def _situation(data: TaxSavingsInput, result: Illustration, wording: Wording, language: Language) -> str:
    """Seed 003's story in one sentence: who, what they earn, and what they pay."""
    _ = language.gettext
    name = _name(data)
    described = f"{name}, {data.person.description}," if name and data.person and data.person.description else name
    # The member's own amounts, cents and all ($2,437.50): the table shows them rounded.
    parts = [f"{line.label} ({language.card_amount(line.amount)})" for line in result.expenses]
    paid = sum((line.amount for line in result.expenses), Decimal(0))
    sentence = (
        _("{name} earns {pay} {rate} and pays {paid} {rate} for {expenses}.")
        if described
        else _("You earn {pay} {rate} and pay {paid} {rate} for {expenses}.")
    )
    return sentence.format(
        name=described,
        pay=language.card_amount(data.pay.amount),
        rate=wording.rate,
        paid=language.card_amount(paid),
        expenses=_listed(parts, language),
    )


def _rows(result: Illustration, wording: Wording, language: Language) -> tuple[TableRow, ...]:
    no, flex = result.no_plan, result.flex_plan
    _ = language.gettext
    return (
        TableRow(_("Gross Pay"), no.gross, flex.gross, "line"),
        TableRow(_("Flex Plan"), no.flex, flex.flex, "line"),
        TableRow(_("Taxable Pay"), no.taxable, flex.taxable, "subtotal"),
        TableRow(_("Federal Tax*"), no.federal, flex.federal, "tax"),
        TableRow(_("State Tax*"), no.state, flex.state, "tax"),
        TableRow(_("FICA / Medicare*"), no.fica, flex.fica, "tax"),
        TableRow(_("Net Pay"), no.net, flex.net, "subtotal"),
        *(
            TableRow(
                line.label + ("†" if result.credit_instead and line.kind is ExpenseKind.DEPENDENT_CARE else ""),
                paid,
                in_flex,
                "expense",
            )
            for line, paid, in_flex in zip(result.expenses, no.after_tax, flex.after_tax, strict=True)
        ),
        TableRow(wording.net_pay, no.take_home, flex.take_home, "total"),
    )


def _chart(result: Illustration, language: Language) -> Chart:
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
        Bar(
            language.gettext("Without the plan"),
            result.no_plan.take_home,
            6,
            19,
            base,
            bar_x + base,
            Decimal(0),
            bar_x + base + 5,
        ),
        Bar(
            language.gettext("With the plan"),
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


def _care_label(result: Illustration, language: Language) -> str:
    labels = [line.label for line in result.expenses if line.kind is ExpenseKind.DEPENDENT_CARE]
    return _listed(labels, language) if labels else ""


def _care(care: CareComparison | None, result: Illustration, language: Language) -> CareView | None:
    if care is None:
        return None
    _ = language.gettext
    label = _care_label(result, language)
    difference = care.fsa_saving - care.credit
    advice = None
    if not care.credit_allowed:
        verdict = _("The credit is not available to married people who file separate tax returns.")
    elif care.credit_wins:
        verdict = _("The credit saves {amount} more a year than the FSA: choose the credit.").format(
            amount=language.dollars(-difference)
        )
        advice = _("Claim it on your federal tax return (IRS Form 2441).")
    elif difference > 0:
        verdict = _("The FSA saves {amount} more a year than the credit: choose the FSA.").format(
            amount=language.dollars(difference)
        )
    else:
        verdict = _("The FSA and the credit save the same.")
    if care.credit_expenses >= care.annual_expenses:
        limit_note = _("all of them")
    elif care.qualifying_individuals == 1:
        limit_note = _("limit for 1 person")
    else:
        limit_note = _("limit for 2 or more")
    return CareView(label, care, limit_note, verdict, advice)


def _source(no_plan_given: bool, flex_plan_given: bool, what: str, computed: str, language: Language) -> str:
    """Where a tax line's figures come from, as a sentence: the brochure, the tables, or both."""
    _ = language.gettext
    if no_plan_given and flex_plan_given:
        return _("{what} amounts are the figures in the plan's brochure, not figured here.").format(what=what)
    if no_plan_given or flex_plan_given:
        column = (
            language.pgettext("illustration column", "No Plan")
            if no_plan_given
            else language.pgettext("illustration column", "Flex Plan")
        )
        return _("{what} is {computed}; the {column} amount is the figure in the plan's brochure.").format(
            what=what, computed=computed, column=column
        )
    return _("{what} is {computed}.").format(what=what, computed=computed)


def _cents(data: TaxSavingsInput, result: Illustration, language: Language) -> str:
    """The amounts the table shows rounded: "(shown rounded: $2,437.50 as $2,438)"."""
    amounts = [data.pay.amount, *(line.amount for line in result.expenses)]
    rounded = [
        language.gettext("{exact} as {rounded}").format(exact=language.card_amount(a), rounded=language.dollars(a))
        for a in amounts
        if a != to_dollars(a)
    ]
    return language.gettext(" (shown rounded: {amounts})").format(amounts=", ".join(rounded)) if rounded else ""


def _footnotes(data: TaxSavingsInput, result: Illustration, wording: Wording, language: Language) -> tuple[str, ...]:
    # Written for the employee, not the payroll office (issue 18): each term said in plain words,
    # every fact of the calculation kept.
    _ = language.gettext
    year = data.tax.year
    fica = taxtables.fica_table().years[year]
    no, flex = result.no_plan, result.flex_plan
    status = _(_STATUS_WORDS[result.filing_status.value])
    federal = _source(
        no.federal_given,
        flex.federal_given,
        _("Federal tax"),
        _(
            "what your employer would withhold for {year} with “{status}” as the filing status on"
            " your Form W-4, figured as payroll systems do (IRS Publication 15-T, percentage method"
            " for automated payroll)"
        ).format(year=year, status=status),
        language,
    )
    rule = taxtables.state_rule(data.tax.state, year)
    state_name = taxtables.state_table().states[data.tax.state].name if rule is not None else data.tax.state
    state = _source(
        no.state_given,
        flex.state_given,
        _("State tax"),
        _("zero: {state} has no income tax on wages").format(state=state_name)
        if rule and rule.kind == "none"
        else _("what {state} would withhold for {year}").format(state=state_name, year=year),
        language,
    )
    if no.federal_given and no.state_given and flex.federal_given and flex.state_given:
        taxes = _("Federal and state tax amounts are the figures in the plan's brochure, not figured here.")
    else:
        taxes = f"{federal} {state}"
    if flex.given_estimated:
        taxes += " " + _(
            "Without the dependent care FSA, the Flex Plan column's brochure figures are estimated:"
            " {care}'s share of their saving is added back."
        ).format(care=_care_label(result, language))
    additional = (
        _(", and {percent}% more Medicare tax on pay over {amount} a year").format(
            percent=fica.additional_medicare_percent, amount=language.dollars(fica.additional_medicare_over)
        )
        if no.exact_taxable * result.periods > fica.additional_medicare_over
        else ""
    )
    notes = [
        _(VARIES),
        _(
            "{taxes} FICA / Medicare is the Social Security and Medicare tax on wages (FICA: the Federal"
            " Insurance Contributions Act): {social_security}% Social Security tax on pay up to"
            " {wage_base} a year and {medicare}% Medicare tax{additional}, on your pay after the flex plan"
            " ({year} rates)."
        ).format(
            taxes=taxes,
            social_security=fica.social_security_percent,
            wage_base=language.dollars(fica.social_security_wage_base),
            medicare=fica.medicare_percent,
            additional=additional,
            year=year,
        ),
        _(
            "Whole dollars: each tax is figured on your exact pay and expenses{rounded}, then rounded"
            " to the nearest dollar (50 cents rounds up); the other lines are worked out from the amounts shown,"
            " so the table adds up. The amount for the year is the gain {each} times {periods}."
        ).format(rounded=_cents(data, result, language), each=wording.each, periods=result.periods),
    ]
    if result.care is not None:
        notes.append(
            _(
                "Day care: the FSA saving is the tax you would not pay in the year by paying for day care through"
                " the dependent care FSA, on top of your other flex plan choices. The federal Child and Dependent"
                " Care Credit (Internal Revenue Code section 21) takes a percentage of your day-care costs off your"
                " federal income tax, and no more than that tax; the percentage falls as income rises, and your"
                " income is estimated here as your pay for the year after your other flex plan choices. Money paid"
                " through the FSA cannot also count for the credit, so the same dollars cannot get both."
            )
        )
    return tuple(notes)


def _administrator(data: TaxSavingsInput) -> Letterhead | None:
    admin = data.administrator
    if admin is None:
        return None
    contacts = tuple(value for value in (admin.phone, admin.website, admin.email) if value)
    return Letterhead(admin.name, admin.address, contacts, admin.customer_service_hours)


def illustration_language(data: TaxSavingsInput) -> Language:
    """The reader's language (issue 22): `person.language`, else the enrollment participant's, else English."""
    if data.person is not None and data.person.language:
        return language_for(data.person.language)
    return language_for(data.participant.language if data.participant is not None else None)


def _chart_text(chart: Chart, wording: Wording, gain: Decimal, language: Language) -> str:
    bars = "; ".join(f"{bar.label.lower()}, {language.dollars(bar.amount)}" for bar in chart.bars)
    return language.gettext("{take_home}: {bars}; a gain of {gain}").format(
        take_home=wording.take_home, bars=bars, gain=language.dollars(gain)
    )


def build_tax_savings(data: TaxSavingsInput) -> TaxSavingsView:
    """The view of a valid illustration input; raises InputError listing every problem."""
    result = illustrate(data)
    language = illustration_language(data)
    _ = language.gettext
    wording = _WORDING[data.pay.frequency].translated(language)
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
    source = _(BROCHURE) if given else _("Tax year {year}").format(year=data.tax.year)
    frequency = wording.pay
    subtitle = tuple(part for part in (data.plan.name, source, frequency) if part)
    letterhead = (" · ".join(part for part in (data.plan.name, frequency) if part), source)
    chart = _chart(result, language)
    return TaxSavingsView(
        title=_(TITLE),
        headline=_(HEADLINE),
        subtitle=subtitle,
        letterhead_lines=letterhead,
        administrator=admin,
        situation=_situation(data, result, wording, language),
        wording=wording,
        gain=result.gain,
        annual_gain=result.annual_gain,
        gain_caption=(
            _("extra in {name}'s pocket {each}").format(name=name, each=wording.each)
            if name
            else _("extra in your pocket {each}").format(each=wording.each)
        ),
        gain_formula=f"{language.dollars(result.gain)} × {result.periods} {wording.unit}",
        table_note=(
            _(
                "†Paid from take-home pay in both columns: for {care} the child care tax"
                " credit saves you more than the dependent care FSA would (see Day care), so the gain"
                " leaves the FSA out."
            ).format(care=_care_label(result, language))
            if result.credit_instead
            else None
        ),
        rows=_rows(result, wording, language),
        chart=chart,
        care=_care(result.care, result, language),
        footnotes=_footnotes(data, result, wording, language),
        metadata=DocumentMetadata(
            title=_(TITLE),
            author=admin.name if admin else "docgen",
            subject=_("Flex plan tax-savings illustration, {source}").format(source=f"{source[0].lower()}{source[1:]}"),
            created=datetime(data.tax.year, 1, 1),
            language=language.tag,
        ),
        chart_text=_chart_text(chart, wording, result.gain, language),
    )


TAX_SAVINGS: DocumentKind[TaxSavingsInput, NoOptions, TaxSavingsView] = DocumentKind(
    "tax-savings",
    'Tax-savings illustration, "Flex puts tax dollars back into your pocket" (seed 003)',
    "tax-savings.html",
    ILLUSTRATION,
    without_options(build_tax_savings),
    NoOptions,
)
