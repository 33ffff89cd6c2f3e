"""A render worker process: takes jobs over a pipe, answers with the document, the problems or a failure."""

from __future__ import annotations

import logging
import re
import signal
import time
import traceback
from dataclasses import dataclass
from enum import Enum
from multiprocessing.connection import Connection
from typing import Final

from pydantic import BaseModel

from docgen.api.kinds import ENDPOINTS, Output
from docgen.errors import DocgenError, InputError, Problem
from docgen.log import LOGGER
from docgen.render.collector import collector_held
from docgen.render.engine import html_to_pdf, use_bundled_fonts

READY: Final = "ready"


class Action(Enum):
    RENDER = "render"
    VALIDATE = "validate"


@dataclass(frozen=True)
class Job:
    action: Action
    kind: str
    body: bytes
    options: BaseModel


@dataclass(frozen=True)
class Rendered:
    output: Output
    subject: str | None
    seconds: float


@dataclass(frozen=True)
class Validated:
    subject: str | None
    seconds: float


@dataclass(frozen=True)
class Rejected:
    problems: tuple[Problem, ...]
    seconds: float


@dataclass(frozen=True)
class Failed:
    """The job failed through no fault of the input; `error` is the exception's class name."""

    error: str
    seconds: float


Reply = Rendered | Validated | Rejected | Failed


def handle(job: Job) -> Reply:
    """Run one job: the same functions as `docgen render` and `docgen validate`."""
    endpoint = ENDPOINTS[job.kind]
    started = time.perf_counter()
    try:
        if job.action is Action.RENDER:
            output = endpoint.adapter.render(job.kind, job.body, job.options)
            return Rendered(output, endpoint.shape.subject(job.body), time.perf_counter() - started)
        endpoint.adapter.validate(job.kind, job.body, job.options)
        return Validated(endpoint.shape.subject(job.body), time.perf_counter() - started)
    except InputError as exc:
        return Rejected(tuple(exc.problems), time.perf_counter() - started)
    except DocgenError as exc:
        # RenderError, ResourceError: our fault, not the input's. docgen's messages never
        # carry personal data (errors.py), so the message is logged.
        LOGGER.error("%s rendering %s: %s", type(exc).__name__, job.kind, exc)
        return Failed(type(exc).__name__, time.perf_counter() - started)


def _where(exc: BaseException) -> str:
    """file:line of the innermost frame: enough to find the bug, without the message's data."""
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"


_PLACEHOLDER = re.compile(r"%(?!%)[#0\- +]*\d*(?:\.\d+)?[sdirxXfeEgGc]")


class _WithoutArguments(logging.Filter):
    """WeasyPrint's warnings quote document text (".notdef glyph rendered for ... "JANE"");
    in a server's log that text would be a member's name, so only the message's template stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = _PLACEHOLDER.sub("…", str(record.msg)).replace("%%", "%")
            record.args = ()
        return True


def warm_up() -> None:
    """Load Pango and the bundled fonts once, so the first request is not the slow one."""
    html_to_pdf("<!DOCTYPE html><html><body><p>ready</p></body></html>")


def serve(conn: Connection) -> None:
    """The worker's main loop; returns when the server closes its end of the pipe."""
    # Ctrl-C goes to the whole process group; the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=logging.WARNING, format="render worker %(process)d %(name)s: %(message)s")
    logging.getLogger("weasyprint").addFilter(_WithoutArguments())
    use_bundled_fonts()
    warm_up()
    conn.send(READY)
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        started = time.perf_counter()
        try:
            with collector_held():
                reply = handle(job)
        except Exception as exc:  # the worker side of the API's 500 handler: record and surface
            # Only the class and the place: an unexpected exception's message may quote input.
            LOGGER.error("unexpected %s in a render worker at %s", type(exc).__name__, _where(exc))
            reply = Failed(type(exc).__name__, time.perf_counter() - started)
        conn.send(reply)
