"""Python's cycle collector in a process that renders one document at a time (issue 9).

A render allocates some hundred thousand objects that live until it ends (boxes, styles, text
runs), so the collector's youngest generation fills every 700 allocations and each pass walks
objects that cannot be garbage yet: about 5.5% of a statement's CPU. Nearly all of a render's
garbage is freed by reference counting; the few cycles wait for the collector's first pass after
the document (3 MB more peak memory on large-family). The entry points that render (the CLI, the
API's worker loop, the batch's piece) hold the collector off around each document; the library
itself never switches the host's collector.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_held() -> Iterator[None]:
    """The cycle collector off for one document, then as it was (a host's disabled one stays off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
