"""Health FSA and Dependent Care FSA Reimbursement Requests (seed 003): display-ready views."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from docgen import businessdays, rules
from docgen.barcodes import qr_data_uri
from docgen.documents.statements import enrollment_metadata, person_name
from docgen.errors import InputError, Problem
from docgen.glyphs import FONT_BOLD, wrapped_lines
from docgen.expenses import ACCOUNT_TITLES, coverage_start, election_for, lines_for
from docgen.model import Enrollment, ExpenseLine, FlexAccount, FlexSettings
from docgen.money import ZERO
from docgen.render import DocumentMetadata

HEALTH_FSA_KIND = "health-fsa-claim"
DEPENDENT_CARE_KIND = "dependent-care-claim"
_KIND_ACCOUNTS = {HEALTH_FSA_KIND: FlexAccount.HEALTH_FSA, DEPENDENT_CARE_KIND: FlexAccount.DEPENDENT_CARE}

#: Ruled lines to write in when the input carries no expense lines for the form, and the fewest
#: page 1 keeps when longer names and addresses need the room (issue 17).
BLANK_EXPENSE_LINES = 6
MIN_BLANK_EXPENSE_LINES = 3
#: Printed side of the QR code in the page's top-right margin box.
QR_SIZE = "0.8in"
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
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
        return "|".join((
            self.PREFIX,
            self.form,
            self.participant_id,
            f"{self.plan_year_start.isoformat()}/{self.plan_year_end.isoformat()}",
            f"{self.page}/{self.pages}",
        ))

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
# 4 pt a side and 2.5 pt above and below; 9 pt type on 1.3 leading.
_TABLE_WIDTH_PT = (8.5 - 2 * 0.6) * 72
_WRAPPING_COLUMNS = (0.23, 0.20, 0.30)
_TYPE_PT, _LEADING = 9.0, 1.3
# Room for rows below steps 1, 3 and 4 on the form's first page, and on each page they continue
# on (less than the 9.3 in of page: the repeated header, rows pushed whole to the next page);
# fitted to renders of 1 to 20 one-line rows and of the longest rows the schema allows.
_FIRST_PAGE_ROWS_PT = 140.0
_NEXT_PAGE_ROWS_PT = 520.0


def _row_height_of_lines(lines: int) -> float:
    return lines * _TYPE_PT * _LEADING + 2 * 2.5


def _row_height(row: ExpenseRow) -> float:
    """A row's height in points, from how many lines its widest-wrapping cell takes."""
    cells = (row.person, row.provider, row.description)
    lines = max(
        wrapped_lines(text, share * _TABLE_WIDTH_PT - 8, _TYPE_PT)
        for text, share in zip(cells, _WRAPPING_COLUMNS, strict=True)
    )
    return _row_height_of_lines(lines)


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
    is_dependent_care: bool
    participant_name: str
    participant_id: str
    address_lines: tuple[str, ...]
    phone: str
    email: str
    group_name: str
    group_id: str
    division_id: str
    plan_year_start: date
    plan_year_end: date
    coverage_start: date
    annual_election: Decimal
    rows: tuple[ExpenseRow, ...]
    blank_rows: int
    total: Decimal | None
    deadline: date
    deadline_weekday: str
    runout_days: int
    carryover_max: Decimal
    dependent_care_max: Decimal
    dependent_care_max_separate: Decimal
    deemed_income_one: Decimal
    deemed_income_two: Decimal
    submit: SubmitView
    metadata: DocumentMetadata

    def page_index(self, page: int, pages: int) -> ClaimPageIndex:
        return ClaimPageIndex(
            self.kind, self.participant_id, self.plan_year_start, self.plan_year_end, page, pages
        )

    @property
    def page_guess(self) -> int:
        """The form page, the instructions, for dependent care the provider certification, and
        the pages the expense rows run onto, from their estimated heights. Only a first try: a
        wrong guess costs a second layout, never a wrong page count (issue 25's worst input took
        8 pages where 3 were guessed, and was laid out twice)."""
        overflow = sum(_row_height(row) for row in self.rows) - _FIRST_PAGE_ROWS_PT
        return (3 if self.is_dependent_care else 2) + max(0, math.ceil(overflow / _NEXT_PAGE_ROWS_PT))

    def page_marks(self, pages: int) -> str:
        """CSS giving page i of `pages` its own QR code, in the top-right margin box.

        The count is known only after layout: render.marked_pdf lays the form out with the
        marks for `page_guess` pages and again when the count differs (many expense lines).
        """
        return "\n".join(
            f'@page :nth({page}) {{ @top-right {{ content: url("'
            f'{qr_data_uri(self.page_index(page, pages).text(), QR_SIZE)}"); }} }}'
            for page in range(1, pages + 1)
        )


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


def _row(enrollment: Enrollment, line: ExpenseLine) -> ExpenseRow:
    person = enrollment.participant
    name = f"{person_name(person.first_name, person.middle_name, person.last_name)} (self)"
    for dependent in enrollment.dependents:
        if dependent.dependent_id == line.dependent_id:
            name = (
                f"{person_name(dependent.first_name, dependent.middle_name, dependent.last_name)}"
                f" ({dependent.relationship})"
            )
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
    address = person.address
    rows = tuple(_row(enrollment, line) for line in lines_for(enrollment, account))
    name = person_name(person.first_name, person.middle_name, person.last_name)
    address_lines = tuple(
        line for line in (address.line1, address.line2, f"{address.city}, {address.state} {address.zip}") if line
    )
    deadline = businessdays.claim_deadline(group.plan_year.end, flex.runout_days)
    limit = rules.dependent_care_limit(group.plan_year.start, None)
    title = f"{ACCOUNT_TITLES[account]} Reimbursement Request"
    return ClaimFormView(
        kind=kind,
        title=title,
        account_title=ACCOUNT_TITLES[account],
        is_dependent_care=account is FlexAccount.DEPENDENT_CARE,
        participant_name=name,
        participant_id=person.participant_id,
        address_lines=address_lines,
        phone=person.home_phone or person.work_phone,
        email=person.email,
        group_name=group.name,
        group_id=group.group_id,
        division_id=group.division_id,
        plan_year_start=group.plan_year.start,
        plan_year_end=group.plan_year.end,
        coverage_start=coverage_start(enrollment, account),
        annual_election=rules.flex_annual_total(group, election),
        rows=rows,
        blank_rows=0 if rows else _blank_rows(enrollment, name, address_lines),
        total=sum((row.amount for row in rows), ZERO) if rows else None,
        deadline=deadline,
        deadline_weekday=_WEEKDAYS[deadline.weekday()],  # not strftime: locale-free
        runout_days=flex.runout_days,
        carryover_max=flex.carryover_max,
        dependent_care_max=limit,
        dependent_care_max_separate=limit / 2,
        deemed_income_one=DEEMED_INCOME_ONE,
        deemed_income_two=DEEMED_INCOME_TWO,
        submit=_submit(enrollment, flex),
        metadata=enrollment_metadata(enrollment, title, f"participant ID {person.participant_id}"),
    )


# Page 1's text that grows with the input (assets/css/claim.css, statement.css): the title
# block's employer line (9 pt in 72% of the page), the "Send to" cell (8 pt on 1.2 leading in
# 36%), and in step 1 the name (bold, 27%), the employer and the address (81%), on 1.3 leading;
# a ruled blank line is 16 pt high.
_BLANK_LINE_PT = 16.0


def _blank_rows(enrollment: Enrollment, name: str, address_lines: tuple[str, ...]) -> int:
    """Ruled lines for a blank form: six, fewer (three at least) as long names and addresses
    take page 1's room, so "Certify and sign" stays on the page it certifies (issue 17)."""
    group, admin = enrollment.group, enrollment.administrator
    wide = 0.81 * _TABLE_WIDTH_PT - 8
    lines = (
        wrapped_lines(f"{group.name} \u00b7 administered by {admin.name}", 0.72 * _TABLE_WIDTH_PT, 9.0)
        + wrapped_lines(name, 0.27 * _TABLE_WIDTH_PT - 8, _TYPE_PT, FONT_BOLD)
        + wrapped_lines(f"{group.name} \u00b7 Group ID / Division {group.group_id} / {group.division_id}", wide, _TYPE_PT)
        + sum(wrapped_lines(line, wide, _TYPE_PT) for line in address_lines)
    )
    send = 0.36 * _TABLE_WIDTH_PT - 12
    send_lines = (
        wrapped_lines(admin.name, send, 8.0, FONT_BOLD)
        + sum(wrapped_lines(line, send, 8.0) for line in admin.address)
        + (wrapped_lines(f"Upload at {admin.website}", send, 8.0) if admin.website else 0)
    )
    # Jane's page 1 (one line each, a two-line address; a three-line "Send to" address under a
    # one-line name) leaves room for six blank lines; each line more takes its height from them
    # (rounded: checked against renders of the examples, a two-line employer and address, a
    # four-line administrator address, and every field at its longest).
    extra_pt = max(0, lines - 5) * _TYPE_PT * _LEADING + max(0, send_lines - 5) * 8.0 * 1.2
    return max(MIN_BLANK_EXPENSE_LINES, BLANK_EXPENSE_LINES - round(extra_pt / _BLANK_LINE_PT))


def build_health_fsa_claim(enrollment: Enrollment) -> ClaimFormView:
    return build_claim_form(enrollment, HEALTH_FSA_KIND)


def build_dependent_care_claim(enrollment: Enrollment) -> ClaimFormView:
    return build_claim_form(enrollment, DEPENDENT_CARE_KIND)
