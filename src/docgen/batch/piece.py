"""One record as one mail piece: checked at scan time, rendered alone in a worker, made print-ready."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import partial

from docgen.batch import envelope
from docgen.batch.marks import finish_piece
from docgen.batch.source import MAX_RECORD_BYTES
from docgen.documents import get_kind
from docgen.documents.kind import DocumentKind
from docgen.documents.pipeline import check_shape
from docgen.enrollment.model import Enrollment
from docgen.enrollment.rules import parse_checked_enrollment
from docgen.errors import DocgenError, InputError, Problem
from docgen.log import LOGGER
from docgen.parsing import ROOT_PATH, Rule, decode_json
from docgen.render.collector import collector_held
from docgen.render.engine import html_to_pdf, use_bundled_fonts
from docgen.render.templating import render_html

_PARTICIPANT_ID = re.compile(r"[0-9]{12}")


@dataclass(frozen=True)
class Checked:
    """The outcome of checking one record: its ids for the manifest and presort, or its problems."""

    participant_id: str | None
    zip: str | None
    problems: tuple[Problem, ...]


def _participant_id(data: bytes) -> str | None:
    """The participant ID of a record that failed to parse, when it has a well-formed one."""
    try:
        value = json.loads(data)["participant"]["participant_id"]
    except (ValueError, KeyError, TypeError):
        return None
    # Only a real 12-digit participant ID is echoed: never some other number (an SSN) by mistake.
    return value if isinstance(value, str) and _PARTICIPANT_ID.fullmatch(value) else None


#: What the address blocks are made of: the window check runs when these parsed.
_ADDRESS_READS = (
    "participant.first_name", "participant.middle_name", "participant.last_name", "participant.address",
    "administrator.name", "administrator.address",
)


def _mailable(kind: DocumentKind, data: bytes, with_imb: bool, shape: envelope.Geometry) -> Enrollment:
    """Parse and check a record completely; raises InputError with every problem found."""
    fits = Rule(_ADDRESS_READS, partial(envelope.mailing_problems, with_imb=with_imb, shape=shape))
    decoded = decode_json(data)
    check_shape(kind, decoded)  # an illustration among the records: one problem, not a screenful
    enrollment = parse_checked_enrollment(decoded if isinstance(decoded, dict) else data, [*kind.rules, fits])
    kind.build(enrollment)  # kind-specific requirements (e.g. the confirmation number)
    return enrollment


def check_record(
    kind_name: str, data: bytes | None, with_imb: bool, shape: envelope.Geometry = envelope.DEFAULT_GEOMETRY
) -> Checked:
    """Everything a record must pass to be printed, short of rendering it."""
    if data is None:
        return Checked(None, None, (Problem(ROOT_PATH, "record-size", f"is larger than {MAX_RECORD_BYTES} bytes"),))
    try:
        enrollment = _mailable(get_kind(kind_name), data, with_imb, shape)
    except InputError as exc:
        return Checked(_participant_id(data), None, tuple(exc.problems))
    participant = enrollment.participant
    return Checked(participant.participant_id, participant.address.zip, ())


@dataclass(frozen=True)
class PieceTask:
    """What a worker needs to render one piece; small and picklable (it may cross a network)."""

    job_id: str
    piece: int
    kind: str
    data: bytes
    #: The IMb tracking code, or None without --mailer-id.
    tracking: str | None
    #: The job's envelope and fold (--envelope, --fold-panel).
    shape: envelope.Geometry = envelope.DEFAULT_GEOMETRY


@dataclass(frozen=True)
class PieceResult:
    piece: int
    pdf: bytes
    pages: int
    sha256: str
    problems: tuple[Problem, ...] = ()


def mailing_html(task: PieceTask) -> str:
    """The HTML of a piece's mailing variant (address blocks behind the envelope windows)."""
    kind = get_kind(task.kind)
    enrollment = _mailable(kind, task.data, task.tracking is not None, task.shape)
    if kind.mailing is None:
        raise InputError([Problem("kind", "batch-kind-mailable", f"{kind.name} has no mailing layout")])
    view = kind.mailing(kind.build(enrollment), envelope.mailing_view(enrollment, task.tracking, task.shape))
    return render_html(kind.template, view, view.metadata)


def render_piece(task: PieceTask) -> PieceResult:
    """Render one piece alone: its mailing variant, blank back when odd, inserter marks."""
    # The batch worker's entry point (a local process or a Dask worker, maybe on another machine).
    use_bundled_fonts()
    try:
        with collector_held():
            finished = finish_piece(html_to_pdf(mailing_html(task)), task.job_id, task.piece)
    except InputError as exc:
        return PieceResult(task.piece, b"", 0, "", tuple(exc.problems))
    except Exception as exc:  # noqa: BLE001  (the batch record loop: one piece never stops the job)
        # A docgen error's message names no personal data; anything else is reported by type only.
        detail = str(exc) if isinstance(exc, DocgenError) else type(exc).__name__
        LOGGER.error("piece %d could not be rendered: %s", task.piece, type(exc).__name__)
        return PieceResult(task.piece, b"", 0, "", (Problem(ROOT_PATH, "render-failed", f"could not be rendered: {detail}"),))
    return PieceResult(task.piece, finished.pdf, finished.pages, hashlib.sha256(finished.pdf).hexdigest())
