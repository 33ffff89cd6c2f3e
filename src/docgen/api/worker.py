"""A render worker process: takes tasks over a pipe, answers with the document, the problems or a failure."""

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

from docgen.documents.pipeline import Output, prepare, render, start_rendering, warm_up
from docgen.errors import DocgenError, InputError, Problem
from docgen.log import LOGGER
from docgen.render.collector import collector_held

READY: Final = "ready"


class Action(Enum):
    RENDER = "render"
    VALIDATE = "validate"


@dataclass(frozen=True)
class RenderTask:
    """One request as a worker takes it: the body unparsed (it is parsed once, in the worker), the
    options parsed by the route."""

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
    """The task failed through no fault of the input; `error` is the exception's class name."""

    error: str
    seconds: float


Reply = Rendered | Validated | Rejected | Failed


def handle(task: RenderTask) -> Reply:
    """Run one task: the same pipeline as `docgen render` and `docgen validate`; the audit
    subject comes from the input as parsed for the document."""
    started = time.perf_counter()
    try:
        prepared = prepare(task.kind, task.body, task.options)
        if task.action is Action.RENDER:
            return Rendered(render(prepared), prepared.subject, time.perf_counter() - started)
        return Validated(prepared.subject, time.perf_counter() - started)
    except InputError as exc:
        return Rejected(tuple(exc.problems), time.perf_counter() - started)
    except DocgenError as exc:
        # RenderError, ResourceError: our fault, not the input's. docgen's messages never
        # carry personal data (errors.py), so the message is logged.
        LOGGER.error("%s rendering %s: %s", type(exc).__name__, task.kind, exc)
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


def serve(conn: Connection) -> None:
    """The worker's main loop; returns when the server closes its end of the pipe."""
    # Ctrl-C goes to the whole process group; the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=logging.WARNING, format="render worker %(process)d %(name)s: %(message)s")
    logging.getLogger("weasyprint").addFilter(_WithoutArguments())
    start_rendering()
    warm_up()
    conn.send(READY)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        started = time.perf_counter()
        try:
            with collector_held():
                reply = handle(task)
        except Exception as exc:  # noqa: BLE001  (the worker side of the API's 500 handler: record and surface)
            # Only the class and the place: an unexpected exception's message may quote input.
            LOGGER.error("unexpected %s in a render worker at %s", type(exc).__name__, _where(exc))
            reply = Failed(type(exc).__name__, time.perf_counter() - started)
        conn.send(reply)
