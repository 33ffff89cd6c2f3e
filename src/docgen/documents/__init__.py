"""Document kinds: the one list of what docgen renders (each kind is declared in its own module;
the pipeline that renders them is pipeline.py)."""

from __future__ import annotations

from docgen.documents.fsa_claims import DEPENDENT_CARE_CLAIM, HEALTH_FSA_CLAIM
from docgen.documents.idcard import ID_CARD
from docgen.documents.kind import Kind
from docgen.documents.shapes import AnyShape
from docgen.documents.statements import CONFIRMATION, SUMMARY
from docgen.documents.tax_savings import TAX_SAVINGS
from docgen.errors import UnknownKindError

_ALL: tuple[Kind, ...] = (SUMMARY, CONFIRMATION, ID_CARD, TAX_SAVINGS, HEALTH_FSA_CLAIM, DEPENDENT_CARE_CLAIM)
KINDS: dict[str, Kind] = {kind.name: kind for kind in _ALL}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKindError(f"unknown document kind {name!r}; known kinds: {', '.join(KINDS)}") from None


def kinds_for(shape: AnyShape) -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.shape is shape]
