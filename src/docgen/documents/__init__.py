"""Document kinds: the one list of what docgen renders (the pipeline that renders them is pipeline.py)."""

from __future__ import annotations

from docgen.documents import idcard
from docgen.documents.fsa_claims import (
    build_dependent_care_claim,
    build_health_fsa_claim,
    dependent_care_unavailable,
    health_fsa_unavailable,
)
from docgen.documents.kind import (
    PDF_MEDIA_TYPE,
    PNG_MEDIA_TYPE,
    DocumentKind,
    InputShape,
)
from docgen.documents.statements import build_confirmation, build_summary, with_mailing
from docgen.documents.tax_savings import build_tax_savings
from docgen.errors import UnknownKindError
from docgen.parsing import Rule

KINDS: dict[str, DocumentKind] = {
    kind.name: kind
    for kind in (
        DocumentKind(
            "summary",
            "Enrollment Summary, reviewed before the member submits (seed 000 step 17)",
            "summary.html",
            InputShape.ENROLLMENT,
            build_summary,
            mailing=with_mailing,
        ),
        DocumentKind(
            "confirmation",
            "Enrollment Confirmation Statement, after submission (seed 000 step 18)",
            "confirmation.html",
            InputShape.ENROLLMENT,
            build_confirmation,
            mailing=with_mailing,
        ),
        DocumentKind(
            "id-card",
            "Member ID card, front and back, per person covered by medical (seed 001)",
            "id-card.html",
            InputShape.ENROLLMENT,
            idcard.build_card,
            options=idcard.CardOptions,
            variants=idcard.card_variants,
            finish=idcard.finish_card,
            media_types=(PDF_MEDIA_TYPE, PNG_MEDIA_TYPE),
            file_stem=idcard.card_file_stem,
            rules=(Rule(("group.id_card", "group.name", "group.group_id", "administrator", "participant", "dependents", "elections.medical"), idcard.check_cards),),
            precondition=idcard.card_unavailable,
        ),
        DocumentKind(
            "tax-savings",
            'Tax-savings illustration, "Flex puts tax dollars back into your pocket" (seed 003)',
            "tax-savings.html",
            InputShape.ILLUSTRATION,
            build_tax_savings,
        ),
        DocumentKind(
            "health-fsa-claim",
            "Health FSA Reimbursement Request, prefilled (seed 003)",
            "health-fsa-claim.html",
            InputShape.ENROLLMENT,
            build_health_fsa_claim,
            precondition=health_fsa_unavailable,
        ),
        DocumentKind(
            "dependent-care-claim",
            "Dependent Care FSA Reimbursement Request, prefilled (seed 003)",
            "dependent-care-claim.html",
            InputShape.ENROLLMENT,
            build_dependent_care_claim,
            precondition=dependent_care_unavailable,
        ),
    )
}


def get_kind(name: str) -> DocumentKind:
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKindError(
            f"unknown document kind {name!r}; known kinds: {', '.join(KINDS)}"
        ) from None


def input_shape(data: object) -> InputShape | None:
    """Guess an input's shape from its top-level keys (for rendering a folder of examples)."""
    if not isinstance(data, dict):
        return None
    # An illustration may carry an enrollment's participant, so it is recognised first.
    if {"pay", "expenses"} <= data.keys():
        return InputShape.ILLUSTRATION
    if {"participant", "elections"} <= data.keys():
        return InputShape.ENROLLMENT
    return None


def kinds_for(shape: InputShape) -> list[DocumentKind]:
    return [kind for kind in KINDS.values() if kind.shape is shape]
