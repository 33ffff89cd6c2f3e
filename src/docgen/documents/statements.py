"""Enrollment Summary and Confirmation Statement (seed 000, steps 17 and 18): display-ready views."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from docgen import glyphs
from docgen.documents.columns import Column, TableFont, fit_widths
from docgen.documents.kind import DocumentKind, Mail, NoOptions, without_options
from docgen.documents.mailing import ADDRESS_READS, MailingView, enrollment_addresses
from docgen.documents.shapes import ENROLLMENT
from docgen.enrollment import rules
from docgen.enrollment.model import (
    Administrator,
    Coverage,
    CoverageElection,
    Dependent,
    DependentStatus,
    Enrollment,
    FlexAccount,
    FlexElection,
    Gender,
    Participant,
)
from docgen.errors import InputError, Problem
from docgen.language import N_, Language, input_word, language_for
from docgen.language_assistance import Tagline, fills_own_page, language_assistance
from docgen.parsing import Rule
from docgen.render.metadata import DocumentMetadata
from docgen.units import POINTS_PER_INCH

#: Letter less statement.css's 0.6 in side margins.
_TEXT_WIDTH_PT = (8.5 - 2 * 0.6) * POINTS_PER_INCH
#: The statement body's width: the text width less the table's rules.
_BODY_WIDTH_PT = _TEXT_WIDTH_PT - 1.5
#: statement.css: cells 9 pt, headers 8 pt bold, 3 pt padding each side (table.grid.fit-columns).
_GRID_FONT = TableFont(cell_pt=9, header_pt=8, padding_pt=6)
#: The running header's name cell (statement.css .rh-right: 65% of the page's text width, 8 pt
#: bold) has room for two lines under the 0.7 in top margin; a third would print above the
#: printable area. A name too long for them prints with its middle, then its first name, cut
#: to an initial there, then as "LAST, F M" (the Personal Information section prints it whole).
STATEMENT_HEADER_WIDTH_PT = 0.65 * _TEXT_WIDTH_PT
_HEADER_NAME_LINES = 2
_HEADER_PT = 8

# Words of the input's codes, translated where they are printed (N_ marks them for the catalog).
_GENDER_WORDS = {Gender.FEMALE: N_("Female"), Gender.MALE: N_("Male"), Gender.UNKNOWN: N_("Unspecified")}
_COVERAGE_TITLES = {Coverage.MEDICAL: N_("Medical"), Coverage.DENTAL: N_("Dental"), Coverage.VISION: N_("Vision")}
_FLEX_TITLES = {
    FlexAccount.HEALTH_FSA: N_("Medical Spending Account"),
    FlexAccount.DEPENDENT_CARE: N_("Day Care Spending Account"),
}
#: Seed 000 step 11's one-letter Sex column: the letter of the member's word (F/M in both languages).
_SEX_LETTERS = {Gender.FEMALE: N_("F"), Gender.MALE: N_("M"), Gender.UNKNOWN: N_("U")}


@dataclass(frozen=True)
class Contact:
    label: str
    value: str


@dataclass(frozen=True)
class AdministratorView:
    name: str
    address_lines: tuple[str, ...]
    contacts: tuple[Contact, ...]
    hours: str | None


@dataclass(frozen=True)
class HeaderView:
    group_id: str
    division_id: str
    group_name: str
    enrollment_type: str
    window_start: date
    window_end: date
    plan_year_start: date
    plan_year_end: date
    enrollment_number: str
    submitted_at: datetime
    confirmation_number: str | None


@dataclass(frozen=True)
class ParticipantView:
    name: str
    #: The name as the running header prints it (header_name).
    header_name: str
    participant_id: str
    address_lines: tuple[str, ...]
    email: str
    home_phone: str
    work_phone: str
    date_of_birth: date
    gender: str
    marital_status: str


@dataclass(frozen=True)
class DependentRow:
    ssn: str
    last: str
    first: str
    middle: str
    sex: str
    birthdate: date
    relationship: str
    student: str
    handicapped: str
    #: "Active", "Terminated" or "Terminated 03/31/2017" (seed 000 step 11's Status column).
    status: str


@dataclass(frozen=True)
class ColumnHeading:
    text: str
    #: A second line in small type, as the date format under "Birthdate".
    hint: str = ""
    centered: bool = False


@dataclass(frozen=True)
class CoveredRow:
    name: str
    ssn: str
    relation: str


@dataclass(frozen=True)
class CoverageView:
    benefit: str
    elected: bool
    plan: str
    level: str
    effective_date: date | None
    covered: tuple[CoveredRow, ...]


@dataclass(frozen=True)
class FlexRow:
    benefit: str
    elected: bool
    plan: str
    level: str
    effective_date: date | None
    per_pay_employee: Decimal
    per_pay_employer: Decimal
    per_pay_other: Decimal
    pay_periods: int
    annual_total: Decimal


@dataclass(frozen=True)
class FlexTotals:
    """What comes out of each paycheck. No annual total: the health FSA and the dependent-care FSA
    are separate accounts with separate limits, so their sum is nobody's balance (issue 18)."""

    per_pay_employee: Decimal
    per_pay_employer: Decimal
    per_pay_other: Decimal


@dataclass(frozen=True)
class StatementView:
    """Everything the statement templates print, already computed and formatted as values."""

    title: str
    is_confirmation: bool
    administrator: AdministratorView
    header: HeaderView
    participant: ParticipantView
    dependents: tuple[DependentRow, ...]
    dependent_headings: tuple[ColumnHeading, ...]
    #: Width of each dependents-table column in percent, fitted to its contents.
    dependent_columns: tuple[float, ...]
    #: The elected health benefits, each with its own band.
    coverages: tuple[CoverageView, ...]
    #: The declined ones, named together in one band ("Dental Declined  Vision Declined").
    declined_coverages: tuple[str, ...]
    #: The totals box's Health Benefits line: premiums are in the enrollment materials (seed 000
    #: step 12) when a benefit is elected; None when no health benefit is offered.
    health_premiums: str | None
    flex_accounts: tuple[FlexRow, ...]
    #: False when every flex account offered is declined: they then share one band, no table.
    flex_elected: bool
    flex_totals: FlexTotals | None
    metadata: DocumentMetadata
    #: The notice of language assistance, English first (45 CFR 92.11).
    language_assistance: tuple[Tagline, ...]
    #: Set for mailroom printing: the first page then carries the envelope-window address blocks.
    mailing: MailingView | None = None

    @property
    def language_assistance_page(self) -> bool:
        """The notice prints on a page of its own, shared by every document that prints it alike."""
        return fills_own_page(self.language_assistance)


def member_language(enrollment: Enrollment) -> Language:
    """The language the member reads (issue 22): `participant.language`, English when absent."""
    return language_for(enrollment.participant.language)


def enrollment_metadata(enrollment: Enrollment, title: str, reference: str) -> DocumentMetadata:
    """PDF metadata of an enrollment document: group, plan year and a reference, no personal data."""
    group = enrollment.group
    language = member_language(enrollment)
    return DocumentMetadata(
        title=title,
        author=enrollment.administrator.name,
        subject=language.gettext("Group {group}, plan year {start}-{end}, {reference}").format(
            group=group.group_id, start=group.plan_year.start.year, end=group.plan_year.end.year, reference=reference
        ),
        created=enrollment.enrollment.submitted_at,
        language=language.tag,
    )


def _yes_no(flag: bool, language: Language) -> str:
    # Seed 000 step 11's Y/N columns: one letter, the member's word's ("S" for "Sí").
    return language.pgettext("yes/no column", "Y") if flag else language.pgettext("yes/no column", "N")


def _administrator(enrollment: Enrollment, language: Language) -> AdministratorView:
    admin: Administrator = enrollment.administrator
    _ = language.gettext
    contacts = [Contact(_("Toll free"), admin.phone)] if admin.phone else []
    if enrollment.group.id_card is not None:
        contacts.append(Contact(_("Health customer service"), enrollment.group.id_card.customer_service_phone))
    if enrollment.group.flex is not None:
        contacts.append(Contact(_("Flex customer service"), enrollment.group.flex.customer_service_phone))
        contacts.append(Contact(_("Flex claims fax"), enrollment.group.flex.claims_fax))
    if admin.email:
        contacts.append(Contact(_("E-mail"), admin.email))
    if admin.website:
        contacts.append(Contact(_("Website"), admin.website))
    return AdministratorView(
        name=admin.name,
        address_lines=admin.address,
        contacts=tuple(contact for contact in contacts if contact.value),
        hours=admin.customer_service_hours,
    )


def _header(enrollment: Enrollment, confirmation: bool) -> HeaderView:
    group = enrollment.group
    submission = enrollment.enrollment
    return HeaderView(
        group_id=group.group_id,
        division_id=group.division_id,
        group_name=group.name,
        enrollment_type=submission.type,
        window_start=submission.window.start,
        window_end=submission.window.end,
        plan_year_start=group.plan_year.start,
        plan_year_end=group.plan_year.end,
        enrollment_number=rules.enrollment_number(enrollment),
        submitted_at=submission.submitted_at,
        confirmation_number=submission.confirmation_number if confirmation else None,
    )


def header_name(person: Participant, language: Language, width_pt: float = STATEMENT_HEADER_WIDTH_PT) -> str:
    """The longest form of the name whose running-header line (name, "Participant ID", the ID)
    fits two lines `width_pt` wide."""
    label = f" \u00b7 {language.gettext('Participant ID')} {person.participant_id}"
    initials = " ".join(part for part in (person.first_name[:1], person.middle_name[:1]) if part)
    # Last, the last name first: a single word as long as the schema allows then fills whole
    # lines (it breaks anywhere), where after the initials it would start a line of its own.
    forms = (
        person.full_name,
        person.name_with_initial,
        f"{initials} {person.last_name}",
        f"{person.last_name}, {initials}",
    )
    # Then the last name cut short: a hyphen in it lets the line break there, so a name nearly as
    # long as the schema allows may not fit whole even first. The Participant ID still names the
    # member, and the Personal Information section prints the name in full.
    shortened = (
        f"{person.last_name[:length].rstrip()}\u2026, {initials}" for length in range(len(person.last_name) - 1, 0, -1)
    )
    for form in (*forms, *shortened):
        lines = glyphs.wrapped_lines(form + label, width_pt, _HEADER_PT, glyphs.FONT_BOLD)
        if lines <= _HEADER_NAME_LINES:
            return form
    return forms[-1]


def _participant(enrollment: Enrollment, language: Language) -> ParticipantView:
    person = enrollment.participant
    return ParticipantView(
        name=person.full_name,
        header_name=header_name(person, language),
        participant_id=person.participant_id,
        address_lines=person.address.lines,
        email=person.email,
        home_phone=person.home_phone,
        work_phone=person.work_phone,
        date_of_birth=person.date_of_birth,
        gender=language.gettext(_GENDER_WORDS[person.gender]),
        marital_status=input_word(language, "marital status", person.marital_status),
    )


def _dependent_row(dependent: Dependent, language: Language) -> DependentRow:
    return DependentRow(
        ssn=dependent.ssn.masked,
        last=dependent.last_name,
        first=dependent.first_name,
        middle=dependent.middle_name,
        sex=language.gettext(_SEX_LETTERS[dependent.gender]),
        birthdate=dependent.date_of_birth,
        relationship=input_word(language, "relationship", dependent.relationship, dependent.gender.value),
        student=_yes_no(dependent.student, language),
        handicapped=_yes_no(dependent.handicapped, language),
        status=_dependent_status(dependent, language),
    )


_STATUS_WORDS = {DependentStatus.ACTIVE: N_("Active"), DependentStatus.TERMINATED: N_("Terminated")}


def _dependent_status(dependent: Dependent, language: Language) -> str:
    word = language.gettext(_STATUS_WORDS[dependent.status])
    if dependent.status is DependentStatus.TERMINATED and dependent.termination_date is not None:
        return f"{word} {language.short_date(dependent.termination_date)}"
    return word


def _dependent_headings(language: Language) -> tuple[ColumnHeading, ...]:
    """Seed 000 step 11's Dependent Summary columns."""
    _ = language.gettext
    return (
        ColumnHeading(_("SSN")),
        ColumnHeading(_("Last")),
        ColumnHeading(_("First")),
        ColumnHeading(_("Middle")),
        ColumnHeading(_("Sex"), centered=True),
        ColumnHeading(_("Birthdate"), hint=_("MM/DD/YYYY").lower()),
        ColumnHeading(_("Relationship")),
        ColumnHeading(_("Student?"), centered=True),
        ColumnHeading(_("Disabled?"), centered=True),
        ColumnHeading(_("Status")),
    )


def _dependent_columns(
    headings: tuple[ColumnHeading, ...], rows: tuple[DependentRow, ...], language: Language
) -> tuple[float, ...]:
    cells = (
        [row.ssn for row in rows],
        [row.last for row in rows],
        [row.first for row in rows],
        [row.middle for row in rows],
        [row.sex for row in rows],
        [language.short_date(date(2000, 12, 31))],
        [row.relationship for row in rows],
        [row.student for row in rows],
        [row.handicapped for row in rows],
        [row.status for row in rows],
    )
    # The hint ("(mm/dd/yyyy)") is not measured: it may break after a slash, where a surname
    # taking its room would break inside (issue 18).
    columns = [Column(heading.text, values) for heading, values in zip(headings, cells, strict=True)]
    return fit_widths(columns, _BODY_WIDTH_PT, _GRID_FONT)


def _coverage(
    coverage: Coverage, election: CoverageElection, dependents: dict[str, Dependent], language: Language
) -> CoverageView:
    covered = tuple(
        CoveredRow(
            name=d.full_name,
            ssn=d.ssn.masked,
            relation=input_word(language, "relationship", d.relationship, d.gender.value),
        )
        for d in (dependents[i] for i in election.covered_dependents)
    )
    return CoverageView(
        benefit=language.gettext(_COVERAGE_TITLES[coverage]),
        elected=election.elected,
        plan=election.plan or "",
        level=input_word(language, "enrollment level", election.level or ""),
        effective_date=election.effective_date,
        covered=covered if election.elected else (),
    )


def _flex_row(enrollment: Enrollment, account: FlexAccount, election: FlexElection, language: Language) -> FlexRow:
    periods = (
        rules.remaining_pay_periods(enrollment.group, election.effective_date)
        if election.elected and election.effective_date
        else 0
    )
    return FlexRow(
        benefit=language.gettext(_FLEX_TITLES[account]),
        elected=election.elected,
        plan=election.plan or "",
        level=input_word(language, "enrollment level", election.level or ""),
        effective_date=election.effective_date,
        per_pay_employee=election.per_pay_employee,
        per_pay_employer=election.per_pay_employer,
        per_pay_other=election.per_pay_other,
        pay_periods=periods,
        annual_total=rules.flex_annual_total(enrollment.group, election),
    )


def _flex_totals(rows: tuple[FlexRow, ...]) -> FlexTotals | None:
    if not rows:
        return None
    elected = [row for row in rows if row.elected]
    return FlexTotals(
        per_pay_employee=sum((r.per_pay_employee for r in elected), Decimal("0.00")),
        per_pay_employer=sum((r.per_pay_employer for r in elected), Decimal("0.00")),
        per_pay_other=sum((r.per_pay_other for r in elected), Decimal("0.00")),
    )


def _health_premiums(coverages: tuple[CoverageView, ...], language: Language) -> str | None:
    if not coverages:
        return None
    if any(coverage.elected for coverage in coverages):
        return language.gettext("See your enrollment materials for premium costs")
    return language.gettext("None: all declined")


def confirmation_number_problems(enrollment: Enrollment) -> list[Problem]:
    if enrollment.enrollment.confirmation_number is not None:
        return []
    return [
        Problem(
            "enrollment.confirmation_number",
            "confirmation-number-required",
            "is required for the confirmation statement (it exists once the enrollment is submitted)",
        )
    ]


def build_statement(enrollment: Enrollment, *, confirmation: bool) -> StatementView:
    """The view of a validated enrollment for the summary (False) or the statement (True)."""
    if confirmation and (problems := confirmation_number_problems(enrollment)):
        raise InputError(problems)  # the confirmation kind's rule reports it first; kept for direct calls
    language = member_language(enrollment)
    _ = language.gettext
    title = _("Enrollment Confirmation Statement") if confirmation else _("Enrollment Summary")
    dependents = {d.dependent_id: d for d in enrollment.dependents}
    elections = enrollment.elections
    coverages = tuple(
        _coverage(coverage, election, dependents, language)
        for coverage in Coverage
        if (election := elections.coverage(coverage)) is not None
    )
    flex_rows = tuple(
        _flex_row(enrollment, account, flex, language)
        for account in FlexAccount
        if (flex := elections.flex(account)) is not None
    )
    dependent_rows = tuple(_dependent_row(d, language) for d in enrollment.dependents)
    headings = _dependent_headings(language)
    return StatementView(
        title=title,
        is_confirmation=confirmation,
        administrator=_administrator(enrollment, language),
        header=_header(enrollment, confirmation),
        participant=_participant(enrollment, language),
        dependents=dependent_rows,
        dependent_headings=headings,
        dependent_columns=_dependent_columns(headings, dependent_rows, language),
        coverages=tuple(coverage for coverage in coverages if coverage.elected),
        declined_coverages=tuple(coverage.benefit for coverage in coverages if not coverage.elected),
        health_premiums=_health_premiums(coverages, language),
        flex_accounts=flex_rows,
        flex_elected=any(row.elected for row in flex_rows),
        flex_totals=_flex_totals(flex_rows),
        metadata=enrollment_metadata(
            enrollment, title, _("enrollment {number}").format(number=rules.enrollment_number(enrollment))
        ),
        language_assistance=language_assistance(enrollment),
    )


def build_summary(enrollment: Enrollment) -> StatementView:
    return build_statement(enrollment, confirmation=False)


def build_confirmation(enrollment: Enrollment) -> StatementView:
    return build_statement(enrollment, confirmation=True)


def with_mailing(view: StatementView, mailing: MailingView) -> StatementView:
    """The statement's mailing variant: same content, first page laid out for a window envelope."""
    return replace(view, mailing=mailing)


STATEMENT_MAIL: Mail[Enrollment, StatementView] = Mail(ADDRESS_READS, enrollment_addresses, with_mailing)

SUMMARY: DocumentKind[Enrollment, NoOptions, StatementView] = DocumentKind(
    "summary",
    "Enrollment Summary, reviewed before the member submits (seed 000 step 17)",
    "summary.html",
    ENROLLMENT,
    without_options(build_summary),
    NoOptions,
    mail=STATEMENT_MAIL,
)
CONFIRMATION: DocumentKind[Enrollment, NoOptions, StatementView] = DocumentKind(
    "confirmation",
    "Enrollment Confirmation Statement, after submission (seed 000 step 18)",
    "confirmation.html",
    ENROLLMENT,
    without_options(build_confirmation),
    NoOptions,
    rules=(Rule(("enrollment.confirmation_number",), confirmation_number_problems),),
    mail=STATEMENT_MAIL,
)
