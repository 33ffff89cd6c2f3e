"""Member ID cards (seed 001 "ID Card Image"): one card per person covered by medical, front and back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from docgen.barcodes import MIN_MODULE_MM, pdf417_module_mm, pdf417_svg, svg_data_uri
from docgen.documents import cardfit
from docgen.documents.statements import person_name
from docgen.errors import InputError, Problem
from docgen.config import SETTINGS
from docgen.model import Dependent, Enrollment, IdCard, NetworkAmounts, Participant
from docgen.money import format_card_amount
from docgen.render import DocumentMetadata

SUBSCRIBER_CODE = "00"
#: US health-care Registered Application Provider Identifier for card issuers (WEDI guide).
HEALTH_RID = "80840"
#: Payload format tag of the PDF417 symbol (see README, "ID card barcode").
PAYLOAD_TAG = "HIC1"
#: The PDF417 box on the card back (width, height in mm), as in assets/css/idcard.css.
BARCODE_BOX_MM = (78.6, 11.0)


class CardSide(str, Enum):
    FRONT = "front"
    BACK = "back"


class CardFormat(str, Enum):
    PDF = "pdf"
    PNG = "png"


class CardOptions(BaseModel):
    """What the caller chooses about a card: whose, which side, print sheet, file format."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    member: Annotated[str, Field(pattern=r"^[0-9]{2}$")] = SUBSCRIBER_CODE
    side: CardSide = CardSide.FRONT
    sheet: bool = False
    format: CardFormat = CardFormat.PDF


@dataclass(frozen=True)
class Cardholder:
    code: str
    name: str
    last_name: str
    first_and_middle: str
    #: Where the person is in the input: "participant" or "dependents[1]".
    path: str


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    #: The label's size class (cardfit.SIZE_CLASSES).
    size: str = "normal"


@dataclass(frozen=True)
class CostRow:
    """A cost-sharing line the Consolidated Appropriations Act asks cards to show."""

    label: str
    in_network: str
    out_of_network: str


@dataclass(frozen=True)
class CardView:
    """Display-ready values for both sides of one member's card."""

    sheet: bool
    issuer_name: str
    issuer_size: str
    back_issuer_size: str
    logo_path: str | None
    network: str
    network_size: str
    member_name: str
    name_size: str
    member_id: str
    group_id: str
    group_name: str
    group_size: str
    effective_date: date | None
    issuer_id: str | None
    pharmacy: tuple[Row, ...]
    copays: tuple[Row, ...]
    cost_sharing: tuple[CostRow, ...]
    customer_service_phone: str
    pharmacy_phone: str | None
    website: str | None
    claims_to: tuple[str, ...]
    notice: str | None
    barcode_uri: str
    payload: str
    metadata: DocumentMetadata


def _holder(code: str, person: Participant | Dependent, path: str) -> Cardholder:
    full = person_name(person.first_name, person.middle_name, person.last_name)
    # A name too wide for the card's line prints with the middle initial, as cards commonly do.
    initial = person_name(person.first_name, person.middle_name[:1], person.last_name)
    name = full if cardfit.MEMBER_NAME.size_class(full) else initial
    return Cardholder(code, name, person.last_name, person_name(person.first_name, person.middle_name, ""), path)


def cardholders(enrollment: Enrollment) -> list[Cardholder]:
    """The subscriber and every dependent covered by medical, in person-code order."""
    medical = enrollment.elections.medical
    if medical is None or not medical.elected:
        return []
    holders = [_holder(SUBSCRIBER_CODE, enrollment.participant, "participant")]
    covered = set(medical.covered_dependents)
    for index, dependent in sorted(enumerate(enrollment.dependents), key=lambda item: item[1].dependent_id):
        if dependent.dependent_id in covered:
            holders.append(_holder(dependent.dependent_id, dependent, f"dependents[{index}]"))
    return holders


def member_id(enrollment: Enrollment, code: str) -> str:
    """Participant ID, a hyphen and the two-digit person code: 779901618322-01."""
    return f"{enrollment.participant.participant_id}-{code}"


def barcode_payload(enrollment: Enrollment, card: IdCard, holder: Cardholder, issuer_name: str) -> str:
    """The PDF417 text: identification only, no SSN and no birth date (WEDI guide)."""
    fields = [
        ("ISS", f"{HEALTH_RID}{card.issuer_number}" if card.issuer_number else ""),
        ("ISN", issuer_name),
        ("MID", member_id(enrollment, holder.code)),
        # INCITS 284 name order: LAST/FIRST MIDDLE.
        ("NAM", f"{holder.last_name}/{holder.first_and_middle}"),
        ("GRP", enrollment.group.group_id),
        ("RXB", card.rx.bin),
        ("RXP", card.rx.pcn),
        ("RXG", card.rx.group),
        ("RXI", member_id(enrollment, holder.code)),
    ]
    return "\n".join([PAYLOAD_TAG, *(f"{key}={value}" for key, value in fields if value)])


def check_cards(enrollment: Enrollment) -> Iterator[Problem]:
    """What would keep any member's card from printing whole: a missing logo, text too long for
    its place on the card, a barcode over capacity."""
    card = enrollment.group.id_card
    if card is None:
        return
    if card.logo is not None and not (SETTINGS.assets_dir / "logos" / card.logo).is_file():
        yield Problem("group.id_card.logo", "logo-file-exists", f"no file {card.logo} in assets/logos/")
    admin = enrollment.administrator
    issuer_name = card.issuer_name or admin.name
    issuer_path = "group.id_card.issuer_name" if card.issuer_name else "administrator.name"
    yield from cardfit.refusals(_card_fields(enrollment, card, issuer_path, issuer_name))
    claims = cardfit.block_refusal(
        [
            cardfit.Field("administrator.name", admin.name, cardfit.CLAIMS),
            *(cardfit.Field(f"group.id_card.claims_address[{i}]", line, cardfit.CLAIMS)
              for i, line in enumerate(card.claims_address)),
        ],
        cardfit.CLAIMS,
    )
    if claims is not None:
        yield claims
    holders = cardholders(enrollment)
    for holder in holders:
        person = enrollment.participant if holder.path == "participant" else _dependent(enrollment, holder)
        if cardfit.MEMBER_NAME.size_class(holder.name) is None:
            longest = max(("first_name", "last_name"), key=lambda field: len(getattr(person, field)))
            yield Problem(
                f"{holder.path}.{longest}",
                "id-card-fits",
                "makes the name too long for the ID card's line, even with the middle name as an initial",
            )
    for holder in holders:
        module_mm = pdf417_module_mm(barcode_payload(enrollment, card, holder, issuer_name), BARCODE_BOX_MM)
        if module_mm >= MIN_MODULE_MM:
            continue
        # The payload's free-text parts, the longest named as the one to shorten.
        person = enrollment.participant if holder.path == "participant" else _dependent(enrollment, holder)
        texts = {
            f"{holder.path}.first_name": person.first_name,
            f"{holder.path}.middle_name": person.middle_name,
            f"{holder.path}.last_name": person.last_name,
            issuer_path: issuer_name,
            "group.id_card.rx.pcn": card.rx.pcn,
            "group.id_card.rx.group": card.rx.group,
        }
        longest = max(texts, key=lambda path: len(texts[path]))
        yield Problem(
            longest,
            "id-card-barcode-capacity",
            f"is too long for the ID card barcode of person {holder.code}: its bars would be narrower"
            f" than {MIN_MODULE_MM} mm, too fine to scan; shorten it or the card's other text",
        )


def _card_fields(enrollment: Enrollment, card: IdCard, issuer_path: str, issuer_name: str) -> list[cardfit.Field]:
    """Every one-box field of both card sides, with the input path it comes from."""
    admin = enrollment.administrator
    fields = [
        cardfit.Field(issuer_path, issuer_name, cardfit.WORDMARK),
        cardfit.Field(issuer_path, issuer_name, cardfit.BACK_WORDMARK),
        cardfit.Field("group.id_card.network", card.network, cardfit.NETWORK),
        cardfit.Field("group.name", _group_line(enrollment), cardfit.GROUP_LINE),
        cardfit.Field("group.id_card.rx.pcn", card.rx.pcn, cardfit.RX_VALUE),
        cardfit.Field("group.id_card.rx.group", card.rx.group, cardfit.RX_VALUE),
        *(
            cardfit.Field(f"group.id_card.copays[{index}].label", copay.label, cardfit.COPAY_LABEL)
            for index, copay in enumerate(card.copays)
        ),
        cardfit.Field(
            "group.id_card.customer_service_phone" if card.customer_service_phone else "administrator.phone",
            card.customer_service_phone or admin.phone,
            cardfit.CONTACT_VALUE,
        ),
        cardfit.Field("group.id_card.pharmacy_help_phone", card.pharmacy_help_phone or "", cardfit.CONTACT_VALUE),
        cardfit.Field(
            "group.id_card.website" if card.website else "administrator.website",
            card.website or admin.website,
            cardfit.CONTACT_VALUE,
        ),
        cardfit.Field("group.id_card.notice", card.notice or "", cardfit.NOTICE),
    ]
    return fields


def _group_line(enrollment: Enrollment) -> str:
    """The card's group line as card_front.html prints it: number, middle dot, employer."""
    return f"{enrollment.group.group_id} \u00b7 {enrollment.group.name}"


def _claims_to(admin_name: str, card: IdCard) -> tuple[str, ...]:
    return (admin_name, *card.claims_address)


def _dependent(enrollment: Enrollment, holder: Cardholder) -> Dependent:
    return next(d for d in enrollment.dependents if d.dependent_id == holder.code)


def _network_rows(label: str, amounts: NetworkAmounts | None) -> list[CostRow]:
    if amounts is None:
        return []
    out = amounts.out_of_network
    return [CostRow(label, format_card_amount(amounts.in_network), format_card_amount(out) if out is not None else "")]


def build_card(enrollment: Enrollment, options: CardOptions) -> CardView:
    """The card of the person with `options.member` as person code."""
    if options.sheet and options.format is CardFormat.PNG:
        raise InputError([Problem("format", "sheet-is-pdf", "the print sheet is a PDF; ask for png without sheet")])
    card = enrollment.group.id_card
    if card is None:
        raise InputError([Problem("group.id_card", "id-card-data-required", "is required to print ID cards")])
    holders = {holder.code: holder for holder in cardholders(enrollment)}
    holder = holders.get(options.member)
    if holder is None:
        covered = ", ".join(sorted(holders)) or "nobody (medical is not elected)"
        raise InputError([
            Problem(
                "member",
                "member-covered-by-medical",
                f"person {options.member} is not covered by medical and gets no ID card; cards exist for {covered}",
            )
        ])
    admin = enrollment.administrator
    issuer_name = card.issuer_name or admin.name
    medical = enrollment.elections.medical
    mid = member_id(enrollment, holder.code)
    payload = barcode_payload(enrollment, card, holder, issuer_name)
    return CardView(
        sheet=options.sheet,
        issuer_name=issuer_name,
        # The wordmark may wrap to two lines; past ~40 characters it steps down.
        issuer_size=cardfit.WORDMARK.size_class(issuer_name) or "longest",
        back_issuer_size=cardfit.BACK_WORDMARK.size_class(issuer_name) or "longest",
        logo_path=f"assets/logos/{card.logo}" if card.logo else None,
        network=card.network,
        network_size=cardfit.NETWORK.size_class(card.network) or "longest",
        member_name=holder.name,
        # Sizes measured in the bundled font (cardfit.py); check_cards refused what fits at none.
        name_size=cardfit.MEMBER_NAME.size_class(holder.name) or "longest",
        member_id=mid,
        group_id=enrollment.group.group_id,
        group_name=enrollment.group.name,
        group_size=cardfit.GROUP_LINE.size_class(_group_line(enrollment)) or "longest",
        effective_date=medical.effective_date if medical else None,
        issuer_id=card.issuer_number,
        # NCPDP pharmacy ID card labels.
        pharmacy=(
            Row("RxBIN", card.rx.bin),
            Row("RxPCN", card.rx.pcn),
            Row("RxGRP", card.rx.group),
            Row("RxID", mid),
        ),
        copays=tuple(
            Row(copay.label, format_card_amount(copay.amount), cardfit.COPAY_LABEL.size_class(copay.label) or "longest")
            for copay in card.copays
        ),
        cost_sharing=tuple(
            _network_rows("Deductible", card.deductible) + _network_rows("Out-of-Pocket Max", card.out_of_pocket_max)
        ),
        customer_service_phone=card.customer_service_phone or admin.phone,
        pharmacy_phone=card.pharmacy_help_phone,
        website=card.website or admin.website or None,
        claims_to=_claims_to(admin.name, card),
        notice=card.notice,
        barcode_uri=svg_data_uri(pdf417_svg(payload, aspect=BARCODE_BOX_MM[0] / BARCODE_BOX_MM[1])),
        payload=payload,
        metadata=DocumentMetadata(
            title="Member ID Card",
            author=issuer_name,
            subject=f"Group {enrollment.group.group_id}, {card.network}",
            created=enrollment.enrollment.submitted_at,
        ),
    )
