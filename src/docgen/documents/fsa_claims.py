"""Health FSA and Dependent Care FSA Reimbursement Requests (seed 003): display-ready views."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from docgen.documents.kind import DocumentKind, NoOptions, without_options
from docgen.documents.shapes import ENROLLMENT
from docgen.documents.statements import enrollment_metadata, header_name, member_language
from docgen.enrollment import businessdays, rules
from docgen.enrollment.expenses import (
    ACCOUNT_TITLES,
    coverage_start,
    election_for,
    lines_for,
)
from docgen.enrollment.fsalimits import dependent_care_limits
from docgen.enrollment.model import Enrollment, ExpenseLine, FlexAccount, FlexSettings
from docgen.errors import InputError, Problem
from docgen.glyphs import FONT_BOLD, FONT_REGULAR, wrapped_lines
from docgen.language import N_, Language, input_word
from docgen.language_assistance import Tagline, fills_own_page, language_assistance, notice_pages
from docgen.money import ZERO
from docgen.render.barcodes import qr_image
from docgen.render.metadata import DocumentMetadata
from docgen.units import POINTS_PER_INCH

HEALTH_FSA_KIND = "health-fsa-claim"
DEPENDENT_CARE_KIND = "dependent-care-claim"
_KIND_ACCOUNTS = {HEALTH_FSA_KIND: FlexAccount.HEALTH_FSA, DEPENDENT_CARE_KIND: FlexAccount.DEPENDENT_CARE}
_EXPENSES_TITLES = {
    FlexAccount.HEALTH_FSA: N_("Expenses you are claiming"),
    FlexAccount.DEPENDENT_CARE: N_("Dependent care you are claiming"),
}
_FORM_TITLES = {
    FlexAccount.HEALTH_FSA: N_("Health FSA Reimbursement Request"),
    FlexAccount.DEPENDENT_CARE: N_("Dependent Care FSA Reimbursement Request"),
}

#: Ruled lines to write in: as many as page 1 has room for, up to the first number; never fewer
#: than the second, printed lines or not, so a member can always add expenses (issues 17, 18).
BLANK_EXPENSE_LINES = 8
MIN_BLANK_EXPENSE_LINES = 3
#: The QR code's width and height in the page's top-right margin box, quiet zone included.
QR_SIZE_IN = 0.8
# IRC §21(d)(2), as seed 003 puts it: a disabled or full-time-student spouse is treated as
# earning $250 a month (one qualifying person) or $500 a month (two or more).
DEEMED_INCOME_ONE = Decimal("250.00")
DEEMED_INCOME_TWO = Decimal("500.00")


@dataclass(frozen=True)
class ClaimPageIndex:
    """What a page's QR code says, so a returned, scanned page files itself. Never an SSN.

    Text form: `docgen-claim/1|<form>|<participant ID>|<plan-year start>/<end>|<page>/<pages>`,
    dates ISO, e.g. `docgen-claim/1|health-fsa-claim|779901618322|2016-07-01/2017-06-30|1/2`.
    """

    form: str
    participant_id: str
    plan_year_start: date
    plan_year_end: date
    page: int
    pages: int

    PREFIX = "docgen-claim/1"

    def text(self) -> str:
        return "|".join(
            (
                self.PREFIX,
                self.form,
                self.participant_id,
                f"{self.plan_year_start.isoformat()}/{self.plan_year_end.isoformat()}",
                f"{self.page}/{self.pages}",
            )
        )

    @classmethod
    def parse(cls, text: str) -> ClaimPageIndex:
        """Read a scanned code back; ValueError when it is not a docgen claim-form code."""
        parts = text.split("|")
        if len(parts) != 5 or parts[0] != cls.PREFIX:
            raise ValueError("not a docgen claim-form code")
        start, end = parts[3].split("/")
        page, pages = parts[4].split("/")
        return cls(parts[1], parts[2], date.fromisoformat(start), date.fromisoformat(end), int(page), int(pages))


@dataclass(frozen=True)
class ExpenseRow:
    service_start: date
    service_end: date | None
    person: str
    provider: str
    description: str
    amount: Decimal


# The expense table's geometry (assets/css/claim.css and statement.css): Letter less 0.6 in
# margins each side; person, provider and description at 23, 20 and 30 % of it; cells padded
# 4 pt a side and 2.5 pt above and below, ruled 0.5 pt; 9 pt type on 1.3 leading. A ruled
# blank line is 16 pt high and padded, under a 0.75 pt rule; the note pointing to the
# continued sheet is one line padded 3 pt.
_TABLE_WIDTH_PT = (8.5 - 2 * 0.6) * POINTS_PER_INCH
#: The running header: claim.css's top-left margin box, 80% of the text width (the QR code has the rest).
_HEADER_WIDTH_PT = 0.80 * _TABLE_WIDTH_PT
_WRAPPING_COLUMNS = (0.23, 0.20, 0.30)
_TYPE_PT, _LEADING = 9.0, 1.3
# A cell's text is its column less 8 pt of padding and its share of the rules (collapsed: a
# line that fit 96.5 of the 97.1 pt left by the padding alone wrapped).
_CELL_INSET_PT = 10.0
_BLANK_ROW_PT = 16 + 2 * 2.5 + 0.75
_NOTE_ROW_PT = 19.0
# Room for expense rows, printed and blank, below steps 1, 3 and 4 on page 1 with Jane's
# one-line texts (measured on renders, less a few points kept in hand), and on each page of
# the "Step 2, continued" sheet under its heading and the repeated table header.
_FIRST_PAGE_ROOM_PT = {HEALTH_FSA_KIND: 190.0, DEPENDENT_CARE_KIND: 202.0}
_NEXT_PAGE_ROOM_PT = 560.0
# Page 1's fixed text is longer in Spanish (issue 22: ~25% more words, a deadline paragraph and
# labels a line longer): the room it leaves for expense rows is less. Renders of both forms
# kept step 4 on page 1 from 5 pt less; one blank line's height is kept in hand.
_LONGER_TEXT_PT = {"en": 0.0, "es": _BLANK_ROW_PT}


def _lines(text: str, width_pt: float, font_file: str = FONT_REGULAR) -> int:
    """Lines of 9 pt text in a column. wrapped_lines breaks after a hyphen too (OKONKWO-|VANDERBILT);
    a space counted after each keeps this page-1 estimate on the wide side: never fewer lines."""
    return wrapped_lines(text.replace("-", "- "), width_pt, _TYPE_PT, font_file)


def _row_height(row: ExpenseRow) -> float:
    """A row's height in points, from how many lines its widest-wrapping cell takes (a period
    of service prints its two dates on two lines)."""
    cells = (row.person, row.provider, row.description)
    lines = max(
        2 if row.service_end else 1,
        *(
            _lines(text, share * _TABLE_WIDTH_PT - _CELL_INSET_PT)
            for text, share in zip(cells, _WRAPPING_COLUMNS, strict=True)
        ),
    )
    return lines * _TYPE_PT * _LEADING + 2 * 2.5 + 0.5


@dataclass(frozen=True)
class ExpenseEntry:
    """A line of step 2's fields: its number (their names and tooltips) and any row prefilling it (issue 21)."""

    number: int
    row: ExpenseRow | None


@dataclass(frozen=True)
class ExpenseLayout:
    """Where the expense lines go: page 1 holds steps 1 to 4 whatever the input (issue 17), so
    printed lines beyond its room continue on a "Step 2, continued" sheet after it."""

    #: How many printed lines page 1 holds; the rest go on the continued sheet.
    first_page_rows: int
    #: Ruled lines to write in on page 1 and on the continued sheet (none there without one).
    blank_rows: int
    continued_blank_rows: int
    #: Pages the continued sheet is expected to take (0: no continued sheet).
    continued_pages: int

    @property
    def continued(self) -> bool:
        """Whether a "Step 2, continued" sheet follows page 1: printed lines or only blank ones
        (when every printed line fits on page 1 but the three blank lines after them do not)."""
        return self.continued_pages > 0


def layout_expenses(rows: tuple[ExpenseRow, ...], room_pt: float) -> ExpenseLayout:
    """Fill page 1's `room_pt` with the printed lines and at least three blank ones; what does
    not fit continues on a sheet of its own, which ends with at least three blank lines."""

    def blanks(room: float) -> int:
        return min(BLANK_EXPENSE_LINES, max(MIN_BLANK_EXPENSE_LINES, math.floor(room / _BLANK_ROW_PT)))

    if not rows:
        return ExpenseLayout(0, blanks(room_pt), 0, 0)
    heights = [_row_height(row) for row in rows]
    room = room_pt
    if sum(heights) + MIN_BLANK_EXPENSE_LINES * _BLANK_ROW_PT <= room:
        return ExpenseLayout(len(rows), blanks(room - sum(heights)), 0, 0)
    room -= _NOTE_ROW_PT  # the line saying where the others continue
    used, first = 0.0, 0
    while first < len(heights) and used + heights[first] <= room:
        used, first = used + heights[first], first + 1
    continued = sum(heights[first:])
    # The continued sheet's last page: what its rows leave, for blank lines up to the most.
    left = _NEXT_PAGE_ROOM_PT - continued % _NEXT_PAGE_ROOM_PT
    blank = blanks(left)
    return ExpenseLayout(first, 0, blank, math.ceil((continued + blank * _BLANK_ROW_PT) / _NEXT_PAGE_ROOM_PT))


@dataclass(frozen=True)
class CareLimit:
    """One calendar year's dependent-care exclusion (IRC §129(a)(2)(A)) and where it comes from."""

    year: int
    household_max: Decimal
    separate_max: Decimal
    source: str


def care_limits(plan_year_start: date, plan_year_end: date) -> tuple[CareLimit, ...]:
    """The limit of each calendar year the plan year touches: §129 limits the assistance of a
    taxable year, so a July-June plan year meets two (2025's $5,000 and 2026's $7,500)."""
    limits = []
    for year in range(plan_year_start.year, plan_year_end.year + 1):
        period = dependent_care_limits(year)
        limits.append(CareLimit(year, period.household_max, period.separate_max, period.source))
    return tuple(limits)


def _sources(limits: tuple[CareLimit, ...], language: Language) -> str:
    """The line under the limits: their one source, or each year's when they differ."""
    if len({limit.source for limit in limits}) == 1:
        sources = limits[0].source
    else:
        sources = "; ".join(f"{limit.year}, {limit.source}" for limit in limits)
    return language.gettext("Federal law: {sources}.").format(sources=sources)


@dataclass(frozen=True)
class SubmitView:
    """Where and how to send the form, and whom to ask (seed 003 "REIMBURSEMENT", seed 002)."""

    administrator: str
    mail_lines: tuple[str, ...]
    fax: str
    website: str
    email: str
    flex_phone: str


@dataclass(frozen=True)
class ClaimFormView:
    """Everything a claim form prints, already computed."""

    kind: str
    title: str
    account_title: str
    #: How a member writes a date here, in their language: "MM/DD/YYYY", "DD/MM/AAAA".
    date_format: str
    #: Step 2's heading.
    expenses_title: str
    is_dependent_care: bool
    participant_name: str
    #: The name as the running header prints it: shortened when the full name would take more
    #: than two lines (statements.header_name); step 1 prints it whole.
    header_name: str
    participant_id: str
    address_lines: tuple[str, ...]
    phone: str
    email: str
    group_name: str
    group_id: str
    division_id: str
    plan_year_start: date
    plan_year_end: date
    #: "2025" for a calendar plan year, "2025–2026" for one that spans two.
    plan_year_label: str
    coverage_start: date
    annual_election: Decimal
    #: Every printed expense line, in input order; `layout` says which print on page 1.
    rows: tuple[ExpenseRow, ...]
    layout: ExpenseLayout
    #: The printed lines' sum, printed beside "Total amount claimed"; None on a blank form. The
    #: total's box is the member's to fill: it also counts the lines they add.
    printed_total: Decimal | None
    deadline: date
    deadline_weekday: str
    runout_days: int
    carryover_max: Decimal
    dependent_care_limits: tuple[CareLimit, ...]
    #: Where those limits come from, for the line under them.
    dependent_care_sources: str
    deemed_income_one: Decimal
    deemed_income_two: Decimal
    submit: SubmitView
    metadata: DocumentMetadata
    language: Language
    #: The notice of language assistance, English first (45 CFR 92.11).
    language_assistance: tuple[Tagline, ...]

    @property
    def language_assistance_page(self) -> bool:
        """The notice prints on a page of its own, shared by every document that prints it alike."""
        return fills_own_page(self.language_assistance)

    def page_index(self, page: int, pages: int) -> ClaimPageIndex:
        return ClaimPageIndex(self.kind, self.participant_id, self.plan_year_start, self.plan_year_end, page, pages)

    @property
    def continued_rows(self) -> tuple[ExpenseRow, ...]:
        """The printed lines of the "Step 2, continued" sheet (page 2 on); empty without one."""
        return self.rows[self.layout.first_page_rows :]

    @property
    def first_page_entries(self) -> tuple[ExpenseEntry, ...]:
        """Page 1's lines, printed then blank, numbered from 1."""
        return self._entries(self.rows[: self.layout.first_page_rows], self.layout.blank_rows, 1)

    @property
    def continued_entries(self) -> tuple[ExpenseEntry, ...]:
        """The continued sheet's lines, numbered on from page 1's."""
        start = 1 + self.layout.first_page_rows + self.layout.blank_rows
        return self._entries(self.continued_rows, self.layout.continued_blank_rows, start)

    @staticmethod
    def _entries(rows: tuple[ExpenseRow, ...], blanks: int, start: int) -> tuple[ExpenseEntry, ...]:
        return tuple(ExpenseEntry(n, row) for n, row in enumerate((*rows, *(None,) * blanks), start=start))

    @property
    def page_guess(self) -> int:
        """The form page, the continued sheet's pages, for dependent care the provider
        certification, the instructions, and the notice of language assistance's own pages, from
        the rows' and taglines' estimated heights. Only a first try: a wrong guess costs
        a second layout, never a wrong page count (issue 25's worst input took 8 pages where 3
        were guessed, and was laid out twice; every form was, until the notice's page counted)."""
        forms = 3 if self.is_dependent_care else 2
        return forms + self.layout.continued_pages + notice_pages(self.language_assistance)

    def page_mark_alt(self, page: int, pages: int) -> str:
        """What page `page`'s QR code holds, said to a screen reader (issue 21)."""
        return self.language.gettext(
            "QR code filing this page when it is returned: {title}, participant ID {participant},"
            " page {page} of {pages}"
        ).format(title=self.title, participant=self.participant_id, page=page, pages=pages)

    def page_marks(self, pages: int) -> str:
        """CSS giving page i of `pages` its own QR code, in the top-right margin box.

        The count is known only after layout: render.marked_pdf lays the form out with the
        marks for `page_guess` pages and again when the count differs (many expense lines).
        """
        rules = []
        for page in range(1, pages + 1):
            code = qr_image(self.page_index(page, pages).text())
            rules.append(
                f'@page :nth({page}) {{ @top-right {{ content: url("{code.data_uri()}");'
                f" image-resolution: {code.resolution_dpi(QR_SIZE_IN)!r}dpi; }} }}"
            )
        return "\n".join(rules)


def declined_problem(enrollment: Enrollment, account: FlexAccount) -> Problem | None:
    """Why there is no claim form for `account`: the participant declined it (or has no election)."""
    election = election_for(enrollment, account)
    title = ACCOUNT_TITLES[account]
    if election is None:
        return Problem(
            f"elections.{account.value}",
            "claim-account-elected",
            f"is required for a {title} claim form: the participant has no {title} election",
        )
    if not election.elected:
        return Problem(
            f"elections.{account.value}.elected",
            "claim-account-elected",
            f"the participant declined the {title}, so there is no {title} to claim from",
        )
    return None


def health_fsa_unavailable(enrollment: Enrollment) -> Problem | None:
    return declined_problem(enrollment, FlexAccount.HEALTH_FSA)


def dependent_care_unavailable(enrollment: Enrollment) -> Problem | None:
    return declined_problem(enrollment, FlexAccount.DEPENDENT_CARE)


def _flex_settings(enrollment: Enrollment) -> FlexSettings:
    flex = enrollment.group.flex
    if flex is None:  # rules.py reports it first (flex-settings-required); kept for direct calls
        raise InputError([Problem("group.flex", "flex-settings-required", "is required for claim forms")])
    return flex


def _row(enrollment: Enrollment, line: ExpenseLine, language: Language) -> ExpenseRow:
    person = enrollment.participant
    name = language.gettext("{name} (self)").format(name=person.full_name)
    for dependent in enrollment.dependents:
        if dependent.dependent_id == line.dependent_id:
            relationship = input_word(language, "relationship", dependent.relationship, dependent.gender.value)
            name = f"{dependent.full_name} ({relationship})"
    return ExpenseRow(
        service_start=line.service_start,
        service_end=line.service_end if line.service_end != line.service_start else None,
        person=name,
        provider=line.provider,
        description=line.description,
        amount=line.amount,
    )


def _submit(enrollment: Enrollment, flex: FlexSettings) -> SubmitView:
    admin = enrollment.administrator
    return SubmitView(
        administrator=admin.name,
        mail_lines=admin.address,
        fax=flex.claims_fax,
        website=admin.website,
        email=admin.email,
        flex_phone=flex.customer_service_phone,
    )


def build_claim_form(enrollment: Enrollment, kind: str) -> ClaimFormView:
    """The view of a validated enrollment for one of the two claim forms."""
    account = _KIND_ACCOUNTS[kind]
    problem = declined_problem(enrollment, account)
    if problem is not None:
        raise InputError([problem])
    election = election_for(enrollment, account)
    assert election is not None  # declined_problem returned None
    flex = _flex_settings(enrollment)
    group = enrollment.group
    person = enrollment.participant
    language = member_language(enrollment)
    _ = language.gettext
    rows = tuple(_row(enrollment, line, language) for line in lines_for(enrollment, account))
    name = person.full_name
    address_lines = person.address.lines
    deadline = businessdays.claim_deadline(group.plan_year.end, flex.runout_days)
    start_year, end_year = group.plan_year.start.year, group.plan_year.end.year
    limits = care_limits(group.plan_year.start, group.plan_year.end)
    title = _(_FORM_TITLES[account])
    return ClaimFormView(
        kind=kind,
        title=title,
        account_title=_(ACCOUNT_TITLES[account]),
        date_format=_("MM/DD/YYYY"),
        expenses_title=_(_EXPENSES_TITLES[account]),
        is_dependent_care=account is FlexAccount.DEPENDENT_CARE,
        participant_name=name,
        header_name=header_name(person, language, _HEADER_WIDTH_PT),
        participant_id=person.participant_id,
        address_lines=address_lines,
        # "Daytime phone" is the number a claims processor calls about a missing receipt, in
        # business hours: the work phone when the portal has one, else the home phone (the
        # member corrects it in step 1 if they would rather be called elsewhere).
        phone=person.work_phone or person.home_phone,
        email=person.email,
        group_name=group.name,
        group_id=group.group_id,
        division_id=group.division_id,
        plan_year_start=group.plan_year.start,
        plan_year_end=group.plan_year.end,
        plan_year_label=str(start_year) if start_year == end_year else f"{start_year}\u2013{end_year}",
        coverage_start=coverage_start(enrollment, account),
        annual_election=rules.flex_annual_total(group, election),
        rows=rows,
        layout=layout_expenses(rows, _first_page_room(enrollment, kind, name, address_lines, language)),
        printed_total=sum((row.amount for row in rows), ZERO) if rows else None,
        deadline=deadline,
        deadline_weekday=language.weekday(deadline),
        runout_days=flex.runout_days,
        carryover_max=flex.carryover_max,
        dependent_care_limits=limits,
        dependent_care_sources=_sources(limits, language),
        deemed_income_one=DEEMED_INCOME_ONE,
        deemed_income_two=DEEMED_INCOME_TWO,
        submit=_submit(enrollment, flex),
        language_assistance=language_assistance(enrollment),
        metadata=enrollment_metadata(enrollment, title, _("participant ID {id}").format(id=person.participant_id)),
        language=language,
    )


# Page 1's text that grows with the input (assets/css/claim.css, statement.css): the "Send to"
# cell (8 pt on 1.2 leading in 36% less padding), and in step 1 the name (bold, 46%), the phone
# (46%) beside the e-mail (27.5%), the employer and the address (87%), on 1.3 leading.
def _first_page_room(
    enrollment: Enrollment, kind: str, name: str, address_lines: tuple[str, ...], language: Language
) -> float:
    """Page 1's room for expense rows: Jane's, less what longer names and addresses take, so
    "Certify and sign" stays on the page it certifies (issue 17)."""
    group, admin, person = enrollment.group, enrollment.administrator, enrollment.participant
    wide = 0.87 * _TABLE_WIDTH_PT - 8
    lines = (
        _lines(name, 0.46 * _TABLE_WIDTH_PT - 8, FONT_BOLD)
        + _lines(
            f"{group.name} \u00b7 {language.gettext('Group ID / Division')} {group.group_id} / {group.division_id}",
            wide,
        )
        + sum(_lines(line, wide) for line in address_lines)
        + max(
            _lines(person.work_phone or person.home_phone, 0.46 * _TABLE_WIDTH_PT - 8),
            _lines(person.email, 0.275 * _TABLE_WIDTH_PT - 8),
        )
    )
    send = 0.36 * _TABLE_WIDTH_PT - 14
    flex = _flex_settings(enrollment)
    send_lines = (
        wrapped_lines(admin.name, send, 8.0, FONT_BOLD)
        + sum(wrapped_lines(line, send, 8.0) for line in admin.address)
        + wrapped_lines(f"{language.gettext('Fax toll free')} {flex.claims_fax}", send, 8.0, FONT_BOLD)
        + (
            wrapped_lines(language.gettext("Upload at %(website)s") % {"website": admin.website}, send, 8.0)
            if admin.website
            else 0
        )
    )
    # Jane's page 1: a one-line name, employer and phone, a two-line address (5 lines); a
    # one-line administrator over three address lines, the fax and the upload line (6).
    extra_pt = max(0, lines - 5) * _TYPE_PT * _LEADING + max(0, send_lines - 6) * 8.0 * 1.2
    return _FIRST_PAGE_ROOM_PT[kind] - extra_pt - _LONGER_TEXT_PT[language.code]


def build_health_fsa_claim(enrollment: Enrollment) -> ClaimFormView:
    return build_claim_form(enrollment, HEALTH_FSA_KIND)


def build_dependent_care_claim(enrollment: Enrollment) -> ClaimFormView:
    return build_claim_form(enrollment, DEPENDENT_CARE_KIND)


HEALTH_FSA_CLAIM: DocumentKind[Enrollment, NoOptions, ClaimFormView] = DocumentKind(
    HEALTH_FSA_KIND,
    "Health FSA Reimbursement Request, prefilled (seed 003)",
    "health-fsa-claim.html",
    ENROLLMENT,
    without_options(build_health_fsa_claim),
    NoOptions,
    precondition=health_fsa_unavailable,
)
DEPENDENT_CARE_CLAIM: DocumentKind[Enrollment, NoOptions, ClaimFormView] = DocumentKind(
    DEPENDENT_CARE_KIND,
    "Dependent Care FSA Reimbursement Request, prefilled (seed 003)",
    "dependent-care-claim.html",
    ENROLLMENT,
    without_options(build_dependent_care_claim),
    NoOptions,
    precondition=dependent_care_unavailable,
)
