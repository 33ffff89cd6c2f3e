"""Progress of a batch: a live bar with rate and ETA on a terminal, plain periodic lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

#: Seconds between plain progress lines (logs, CI, pipes).
PLAIN_INTERVAL_S = 10.0


class Reporter(Protocol):
    def advance(self, count: int = 1) -> None: ...

    def close(self) -> None: ...


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


class PlainReporter:
    """One line every PLAIN_INTERVAL_S seconds and one at the end: done, total, rate, ETA."""

    def __init__(self, label: str, total: int, stream: TextIO, interval_s: float = PLAIN_INTERVAL_S) -> None:
        self._label, self._total, self._stream, self._interval = label, total, stream, interval_s
        self._done = 0
        self._started = self._last = time.monotonic()

    def advance(self, count: int = 1) -> None:
        self._done += count
        now = time.monotonic()
        if now - self._last >= self._interval:
            self._last = now
            self._line(now)

    def _line(self, now: float) -> None:
        elapsed = max(now - self._started, 1e-9)
        rate = self._done / elapsed
        eta = f", ETA {_duration((self._total - self._done) / rate)}" if 0 < rate and self._done < self._total else ""
        print(f"{self._label}: {self._done}/{self._total} ({rate:.1f}/s{eta})", file=self._stream, flush=True)

    def close(self) -> None:
        self._line(time.monotonic())


class BarReporter:
    """rich's live progress bar (terminal only)."""

    def __init__(self, label: str, total: int, stream: TextIO) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("[progress.data.speed]{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self._started = time.monotonic()
        self._done = 0
        self._task = self._progress.add_task(label, total=total, rate="")
        self._progress.start()

    def advance(self, count: int = 1) -> None:
        self._done += count
        rate = self._done / max(time.monotonic() - self._started, 1e-9)
        self._progress.update(self._task, advance=count, rate=f"{rate:.1f}/s")

    def close(self) -> None:
        self._progress.stop()


def reporter(label: str, total: int, stream: TextIO | None = None) -> Reporter:
    """A bar when `stream` (stderr by default) is a terminal, plain lines otherwise."""
    out = stream if stream is not None else sys.stderr
    if out.isatty():
        return BarReporter(label, total, out)
    return PlainReporter(label, total, out)
