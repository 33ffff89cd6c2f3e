"""Member ID cards (seed 001 "ID Card Image"): one card per person covered by medical, front and back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from docgen.config import get_settings
from docgen.documents import cardfit, cardsheet
from docgen.documents.kind import PDF_MEDIA_TYPE, PNG_MEDIA_TYPE, DocumentKind, OptionValue, Variant
from docgen.documents.shapes import ENROLLMENT
from docgen.documents.statements import member_language
from docgen.enrollment.model import (
    Dependent,
    Enrollment,
    IdCard,
    NetworkAmounts,
    Participant,
)
from docgen.errors import InputError, Problem
from docgen.language import Language
from docgen.parsing import Rule
from docgen.render.barcodes import (
    MIN_MODULE_MM,
    pdf417_image,
    pdf417_module_mm,
)
from docgen.render.metadata import DocumentMetadata

SUBSCRIBER_CODE = "00"
#: US health-care Registered Application Provider Identifier for card issuers (WEDI guide).
HEALTH_RID = "80840"
#: Payload format tag of the PDF417 symbol (see docs/documents.md, "ID card barcode").
PAYLOAD_TAG = "HIC1"
#: The PDF417 box on the card back (width, height in mm), as in assets/css/idcard.css.
BARCODE_BOX_MM = (78.6, 11.0)


class CardSide(str, Enum):
    FRONT = "front"
    BACK = "back"


class CardFormat(str, Enum):
    PDF = "pdf"
    PNG = "png"


class CardOptions(BaseModel):  # type: ignore[explicit-any]  # pydantic: a model is built from **Any
    """What the caller chooses about a card: whose, which side, print sheet, file format."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: A person code; None is the subscriber's card, or on a print sheet every card of the family.
    member: Annotated[str, Field(pattern=r"^[0-9]{2}$")] | None = None
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
    #: The whole name, and the name with the middle name as an initial, for lines narrower than `name`'s.
    full_name: str
    initial_name: str


@dataclass(frozen=True)
class CardLine:
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

    #: Whether the template lays out print sheets (cardsheet.CardSheet) rather than one card.
    sheet: ClassVar[bool] = False
    issuer_name: str
    issuer_size: str
    back_issuer_size: str
    logo_path: str | None
    network: str
    network_size: str
    member_name: str
    name_size: str
    #: On a dependent's card, the subscriber's name (WEDI health ID card guide); None on the subscriber's.
    subscriber_name: str | None
    subscriber_size: str
    member_id: str
    group_id: str
    group_name: str
    group_size: str
    effective_date: date | None
    issuer_id: str | None
    pharmacy: tuple[CardLine, ...]
    copays: tuple[CardLine, ...]
    cost_sharing: tuple[CostRow, ...]
    customer_service_phone: str
    phone_size: str
    pharmacy_phone: str | None
    website: str | None
    claims_to: tuple[str, ...]
    notice: str | None
    barcode_uri: str
    #: The barcode's text alternative (issue 21): what a screen reader says the symbol holds.
    barcode_alt: str
    payload: str
    metadata: DocumentMetadata


def _holder(code: str, person: Participant | Dependent, path: str) -> Cardholder:
    full = person.full_name
    # A name too wide for the card's line prints with the middle initial, as cards commonly do.
    initial = person.name_with_initial
    name = full if cardfit.MEMBER_NAME.size_class(full) else initial
    first_and_middle = person.given_names
    return Cardholder(code, name, person.last_name, first_and_middle, path, full, initial)


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


def card_unavailable(enrollment: Enrollment) -> Problem | None:
    """Why the enrollment has no ID card at all (medical declined); None when someone has one."""
    medical = enrollment.elections.medical
    if medical is not None and medical.elected:
        return None
    return Problem(
        "elections.medical.elected",
        "card-requires-medical",
        "the participant declined medical, so nobody gets an ID card (seed 001: cards are for medical)",
    )


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


#: What check_cards reads: its problems are left out when one of these failed to parse.
_CARD_READS = (
    "group.id_card",
    "group.name",
    "group.group_id",
    "administrator",
    "participant",
    "dependents",
    "elections.medical",
)


def check_cards(enrollment: Enrollment) -> Iterator[Problem]:
    """What would keep any member's card from printing whole: a missing logo, text too long for
    its place on the card, a barcode over capacity."""
    card = enrollment.group.id_card
    if card is None:
        return
    if card.logo is not None and not (get_settings().assets_dir / "logos" / card.logo).is_file():
        yield Problem("group.id_card.logo", "logo-file-exists", f"no file {card.logo} in assets/logos/")
    admin = enrollment.administrator
    issuer_name = card.issuer_name or admin.name
    issuer_path = "group.id_card.issuer_name" if card.issuer_name else "administrator.name"
    yield from cardfit.refusals(_card_fields(enrollment, card, issuer_path, issuer_name))
    claims = cardfit.block_refusal(_claims_fields(admin.name, card), cardfit.CLAIMS)
    if claims is not None:
        yield claims
    holders = cardholders(enrollment)
    yield from _front_height_refusal(card, subscriber_row=len(holders) > 1)
    if len(holders) > 1 and _subscriber_line(holders[0]) is None:
        participant = enrollment.participant
        longest = max(("first_name", "last_name"), key=lambda field: len(getattr(participant, field)))
        yield Problem(
            f"participant.{longest}",
            "id-card-fits",
            "makes the subscriber's name too long for the Subscriber line of the dependents' ID cards,"
            " even with the middle name as an initial",
        )
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


def _front_height_refusal(card: IdCard, subscriber_row: bool) -> Iterator[Problem]:
    """A problem naming the copays when the front's rows, on the family's fullest card, are
    taller than the card: the copays are the only rows the plan can shorten."""
    id_rows = 2 + subscriber_row + (card.issuer_number is not None)
    cost_rows = (card.deductible is not None) + (card.out_of_pocket_max is not None)
    if cardfit.front_fits(id_rows, len(card.copays), cost_rows):
        return
    room = max((n for n in range(len(card.copays)) if cardfit.front_fits(id_rows, n, cost_rows)), default=0)
    with_rows = [
        *(["the deductible and out-of-pocket rows"] if cost_rows else []),
        *(["the issuer number"] if card.issuer_number is not None else []),
        *(["the Subscriber line of the dependents' cards"] if subscriber_row else []),
    ]
    listed = ", ".join(with_rows[:-1]) + " and " + with_rows[-1] if len(with_rows) > 1 else "".join(with_rows)
    beside = f" with {listed}" if listed else ""
    yield Problem(
        "group.id_card.copays",
        "id-card-fits",
        f"{len(card.copays)} copays{beside} are too many rows for the ID card's front; at most {room} fit: list fewer",
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
            cardfit.CUSTOMER_SERVICE,
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


def _claims_fields(admin_name: str, card: IdCard) -> list[cardfit.Field]:
    """The "Send claims to" lines: the administrator's name, then the address. A first address
    line that starts with the name, or is the name shortened ("..., Inc." left off), already
    names the addressee, and the name is not printed twice (issue 18)."""
    lines = [
        cardfit.Field(f"group.id_card.claims_address[{index}]", line, cardfit.CLAIMS)
        for index, line in enumerate(card.claims_address)
    ]
    first, name = _words(card.claims_address[0]), _words(admin_name)
    if first and (first[: len(name)] == name or name[: len(first)] == first):
        return lines
    return [cardfit.Field("administrator.name", admin_name, cardfit.CLAIMS), *lines]


def _words(text: str) -> list[str]:
    """The words of a line, compared without case or punctuation ("Inc." and "INC" alike)."""
    return re.findall(r"\w+", text.casefold())


def _subscriber_line(subscriber: Cardholder) -> tuple[str, str] | None:
    """The subscriber's name as dependents' cards print it, and its size class: the whole name,
    or with the middle name as an initial; None when neither fits the line."""
    for name in (subscriber.full_name, subscriber.initial_name):
        size = cardfit.SUBSCRIBER.size_class(name)
        if size is not None:
            return name, size
    return None


def _dependent(enrollment: Enrollment, holder: Cardholder) -> Dependent:
    return next(d for d in enrollment.dependents if d.dependent_id == holder.code)


def _network_rows(label: str, amounts: NetworkAmounts | None, language: Language) -> list[CostRow]:
    if amounts is None:
        return []
    out = amounts.out_of_network
    return [
        CostRow(label, language.card_amount(amounts.in_network), language.card_amount(out) if out is not None else "")
    ]


def build_card(enrollment: Enrollment, options: CardOptions) -> CardView | cardsheet.CardSheet[CardView]:
    """The card of the person with `options.member` as person code (the subscriber by default),
    or print sheets of that card or, without a member, of every card of the family."""
    if options.sheet and options.format is CardFormat.PNG:
        raise InputError([Problem("format", "sheet-is-pdf", "the print sheet is a PDF; ask for png without sheet")])
    card = enrollment.group.id_card
    if card is None:
        raise InputError([Problem("group.id_card", "id-card-data-required", "is required to print ID cards")])
    holders = cardholders(enrollment)
    wanted = options.member or SUBSCRIBER_CODE
    chosen = holders if options.sheet and options.member is None else [h for h in holders if h.code == wanted]
    if not chosen:
        covered = ", ".join(holder.code for holder in holders) or "nobody (medical is not elected)"
        raise InputError(
            [
                Problem(
                    "member",
                    "member-covered-by-medical",
                    f"person {wanted} is not covered by medical and gets no ID card; cards exist for {covered}",
                )
            ]
        )
    subscriber = _subscriber_line(holders[0])
    views = [_card_view(enrollment, card, holder, subscriber) for holder in chosen]
    if not options.sheet:
        return views[0]
    _ = member_language(enrollment).gettext
    metadata = replace(views[0].metadata, title=_("Member ID Cards") if len(views) > 1 else _("Member ID Card"))
    return cardsheet.lay_out(views, views[0].issuer_name, metadata)


def _card_view(
    enrollment: Enrollment, card: IdCard, holder: Cardholder, subscriber: tuple[str, str] | None
) -> CardView:
    admin = enrollment.administrator
    issuer_name = card.issuer_name or admin.name
    medical = enrollment.elections.medical
    mid = member_id(enrollment, holder.code)
    language = member_language(enrollment)
    _ = language.gettext
    payload = barcode_payload(enrollment, card, holder, issuer_name)
    # None only when check_cards refused the name, which it does when a dependent has a card.
    subscriber_name, subscriber_size = subscriber or ("", "longest")
    dependent = holder.code != SUBSCRIBER_CODE
    return CardView(
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
        # Payer cards name the subscriber on every dependent's card (WEDI health ID card guide).
        subscriber_name=subscriber_name if dependent and subscriber_name else None,
        subscriber_size=subscriber_size,
        member_id=mid,
        group_id=enrollment.group.group_id,
        group_name=enrollment.group.name,
        group_size=cardfit.GROUP_LINE.size_class(_group_line(enrollment)) or "longest",
        effective_date=medical.effective_date if medical else None,
        issuer_id=card.issuer_number,
        # NCPDP pharmacy ID card labels.
        pharmacy=(
            CardLine("RxBIN", card.rx.bin),
            CardLine("RxPCN", card.rx.pcn),
            CardLine("RxGRP", card.rx.group),
            CardLine("RxID", mid),
        ),
        copays=tuple(
            CardLine(
                copay.label,
                language.card_amount(copay.amount),
                cardfit.COPAY_LABEL.size_class(copay.label) or "longest",
            )
            for copay in card.copays
        ),
        cost_sharing=tuple(
            _network_rows(_("Deductible"), card.deductible, language)
            + _network_rows(_("Out-of-Pocket Max"), card.out_of_pocket_max, language)
        ),
        customer_service_phone=card.customer_service_phone or admin.phone,
        phone_size=cardfit.CUSTOMER_SERVICE.size_class(card.customer_service_phone or admin.phone) or "long",
        pharmacy_phone=card.pharmacy_help_phone,
        website=card.website or admin.website or None,
        claims_to=tuple(field.text for field in _claims_fields(admin.name, card)),
        notice=card.notice,
        barcode_uri=pdf417_image(payload, aspect=BARCODE_BOX_MM[0] / BARCODE_BOX_MM[1]).data_uri(),
        barcode_alt=_(
            "Barcode (PDF417) with the member ID {id}, the member's name, the group and the pharmacy numbers "
            "printed on this card, for a provider's scanner"
        ).format(id=mid),
        payload=payload,
        metadata=DocumentMetadata(
            title=_("Member ID Card"),
            author=issuer_name,
            subject=_("Group {group}, {network}").format(group=enrollment.group.group_id, network=card.network),
            created=enrollment.enrollment.submitted_at,
            language=language.tag,
        ),
    )


def card_file_stem(options: CardOptions) -> str:
    """id-card-01 for a PDF, id-card-01-back for one side as PNG; id-card-sheet for the family's
    print sheets, id-card-01-sheet for one person's."""
    if options.sheet:
        return f"id-card-{options.member}-sheet" if options.member else "id-card-sheet"
    side = f"-{options.side.value}" if options.format is CardFormat.PNG else ""
    return f"id-card-{options.member or SUBSCRIBER_CODE}{side}"


def card_variants(enrollment: Enrollment) -> list[Variant]:
    variants = []
    for holder in cardholders(enrollment):
        choices: list[dict[str, OptionValue]] = [{"member": holder.code}]
        choices += [{"member": holder.code, "format": "png", "side": side.value} for side in CardSide]
        variants += [Variant(card_file_stem(CardOptions.model_validate(c)), c) for c in choices]
    if variants:
        variants.append(Variant("id-card-sheet", {"sheet": True}))
    return variants


def finish_card(pdf: bytes, options: CardOptions) -> tuple[bytes, str]:
    """The PDF, or one side of the card as a PNG; with its media type."""
    if options.format is CardFormat.PNG:
        from docgen.render.raster import card_png  # noqa: PLC0415  (pypdfium2 loads only for images)

        return card_png(pdf, 0 if options.side is CardSide.FRONT else 1), PNG_MEDIA_TYPE
    return pdf, PDF_MEDIA_TYPE


ID_CARD: DocumentKind[Enrollment, CardOptions, CardView | cardsheet.CardSheet[CardView]] = DocumentKind(
    "id-card",
    "Member ID card, front and back, per person covered by medical (seed 001)",
    "id-card.html",
    ENROLLMENT,
    build_card,
    CardOptions,
    rules=(Rule(_CARD_READS, check_cards),),
    precondition=card_unavailable,
    variant_list=card_variants,
    finish=finish_card,
    media_types=(PDF_MEDIA_TYPE, PNG_MEDIA_TYPE),
    file_stem=card_file_stem,
)
