"""One record as one mail piece: checked at scan time, rendered alone in a worker, made print-ready."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from docgen.batch import envelope
from docgen.batch.marks import finish_piece
from docgen.batch.source import MAX_RECORD_BYTES
from docgen.documents.pipeline import (
    AddressCheck,
    Addresses,
    MailingView,
    Prepared,
    mailed_html,
    prepare_mailed,
    render_mailed,
    start_rendering,
)
from docgen.errors import DocgenError, InputError, Problem
from docgen.log import LOGGER
from docgen.parsing import ROOT_PATH
from docgen.render.collector import collector_held

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


def _fits(with_imb: bool, shape: envelope.Geometry) -> AddressCheck:
    """The envelope's check of the address blocks, run with the input's own rules."""
    return partial(envelope.mailing_problems, with_imb=with_imb, shape=shape)


def check_record(
    kind_name: str, data: bytes | None, with_imb: bool, shape: envelope.Geometry = envelope.DEFAULT_GEOMETRY
) -> Checked:
    """Everything a record must pass to be printed, short of rendering it."""
    if data is None:
        return Checked(None, None, (Problem(ROOT_PATH, "record-size", f"is larger than {MAX_RECORD_BYTES} bytes"),))
    try:
        prepared = prepare_mailed(kind_name, data, _fits(with_imb, shape))
    except InputError as exc:
        return Checked(_participant_id(data), None, tuple(exc.problems))
    return Checked(prepared.subject, prepared.addresses.zip if prepared.addresses else None, ())


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


def _prepared(task: PieceTask) -> Prepared:
    """The piece's record parsed and checked once, its view built once."""
    return prepare_mailed(task.kind, task.data, _fits(task.tracking is not None, task.shape))


def _blocks(task: PieceTask) -> Callable[[Addresses], MailingView]:
    return partial(envelope.mailing_view, tracking=task.tracking, shape=task.shape)


def mailing_html(task: PieceTask) -> str:
    """The HTML of a piece's mailing variant (address blocks behind the envelope windows)."""
    return mailed_html(_prepared(task), _blocks(task))


def render_piece(task: PieceTask) -> PieceResult:
    """Render one piece alone: its mailing variant, blank back when odd, inserter marks."""
    # The batch worker's entry point (a local process or a Dask worker, maybe on another machine).
    start_rendering()
    try:
        with collector_held():
            finished = finish_piece(render_mailed(_prepared(task), _blocks(task)), task.job_id, task.piece)
    except InputError as exc:
        return PieceResult(task.piece, b"", 0, "", tuple(exc.problems))
    except Exception as exc:  # noqa: BLE001  (the batch record loop: one piece never stops the job)
        # A docgen error's message names no personal data; anything else is reported by type only.
        detail = str(exc) if isinstance(exc, DocgenError) else type(exc).__name__
        LOGGER.error("piece %d could not be rendered: %s", task.piece, type(exc).__name__)
        return PieceResult(
            task.piece, b"", 0, "", (Problem(ROOT_PATH, "render-failed", f"could not be rendered: {detail}"),)
        )
    return PieceResult(task.piece, finished.pdf, finished.pages, hashlib.sha256(finished.pdf).hexdigest())
