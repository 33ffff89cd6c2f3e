"""The cycle collector held per document by the entry points that render (render.collector)."""

import gc
import subprocess
import sys

import pytest

from docgen.render.collector import collector_held
from tests.conftest import EXAMPLES


def test_off_inside_back_on_after_even_when_the_render_fails() -> None:
    assert gc.isenabled()
    with collector_held():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_held():
        raise RuntimeError("a render failed")
    assert gc.isenabled()


def test_a_collector_the_host_switched_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_held():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


WATCH_THE_WORKER = """
import gc, sys
from docgen.batch import piece
from docgen.render import engine

seen = []
layout = engine._layout
def spy(html, settings):
    seen.append(gc.isenabled())
    return layout(html, settings)
engine._layout = spy
engine.use_bundled_fonts()
data = open(sys.argv[1]).read()
piece.render_piece(piece.PieceTask("00000000abcd", 1, "confirmation", data, None))
# each layout (the document, and its closing page the first time) runs with the collector off
print(bool(seen) and not any(seen), gc.isenabled())
"""


def test_the_batch_piece_holds_the_collector_for_its_render() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WATCH_THE_WORKER, str(EXAMPLES / "participant-only.json")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "True True", done.stderr[-500:]
