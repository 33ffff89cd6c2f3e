"""Progress: plain periodic lines off a terminal, rich's bar on one."""

from __future__ import annotations

import io

from docgen.batch.progress import BarReporter, PlainReporter, reporter


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_carry_count_rate_and_eta() -> None:
    stream = io.StringIO()
    progress = reporter("job abc pieces", 4, stream)
    assert isinstance(progress, PlainReporter)
    progress = PlainReporter("job abc pieces", 4, stream, interval_s=0.0)
    progress.advance()
    progress.advance()
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("job abc pieces: 1/4 (") and "/s, ETA " in lines[0]
    assert lines[-1].startswith("job abc pieces: 2/4 (")


def test_a_terminal_gets_a_bar() -> None:
    stream = Terminal()
    progress = reporter("pieces", 3, stream)
    assert isinstance(progress, BarReporter)
    for _ in range(3):
        progress.advance()
    progress.close()
    assert "3/3" in stream.getvalue() and "/s" in stream.getvalue()
