"""Inserter control marks and duplex padding, decoded back from rasterized pages with zxing-cpp."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader, PdfWriter

from docgen.batch import marks as inserter_marks
from docgen.batch.marks import (
    MARK_MODULES,
    Mark,
    finish_piece,
    mark_operators,
    parse_mark,
)
from docgen.batch.piece import PieceTask, render_piece
from docgen.batch.sample import lines
from tests.batch.conftest import decode_marks
from tests.render.test_tagging import pdfua_reports


def blank_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_payload_round_trips_with_its_last_page_flag() -> None:
    mark = Mark("0123456789ab", 1234, 3, 4)
    assert mark.payload == "0123456789ab 001234 03/04 N"
    assert Mark("0123456789ab", 1234, 4, 4).payload.endswith(" L")
    assert parse_mark(mark.payload) == mark
    for bad in ("0123456789ab 001234 04/04 N", "0123456789AB 001234 01/04 N", "hello"):
        with pytest.raises(ValueError):
            parse_mark(bad)


@pytest.mark.parametrize(("pages", "padded"), [(1, 2), (2, 2), (3, 4)])
def test_odd_pieces_get_a_blank_back_and_every_page_a_mark(tmp_path, pages: int, padded: int) -> None:  # type: ignore[no-untyped-def]
    finished = finish_piece(blank_pdf(pages), "00ff00ff00ff", 77)
    assert finished.pages == padded == len(PdfReader(io.BytesIO(finished.pdf)).pages)
    path = tmp_path / "piece.pdf"
    path.write_bytes(finished.pdf)
    marks = decode_marks(path)
    assert marks == [Mark("00ff00ff00ff", 77, number, padded) for number in range(1, padded + 1)]
    assert [m.last for m in marks] == [False] * (padded - 1) + [True]


def test_every_mark_is_the_same_size_whatever_its_payload() -> None:
    sizes = set()
    for mark in (Mark("000000000000", 1, 1, 2), Mark("abcdefabcdef", 999999, 99, 99), Mark("0a1b2c3d4e5f", 42, 7, 12)):
        operators = mark_operators(mark).decode()
        # The first rectangle is the white ground: the symbol plus a one-module quiet zone.
        sizes.add(operators.splitlines()[1].split()[5])  # after the artifact opener
    assert len(sizes) == 1
    assert float(sizes.pop()) == pytest.approx((MARK_MODULES + 2) * 72 / 60, abs=0.01)


def test_finishing_is_deterministic() -> None:
    source = blank_pdf(3)
    assert finish_piece(source, "0123456789ab", 5).pdf == finish_piece(source, "0123456789ab", 5).pdf


#: Operators that put marks on the page (PDF 1.7 8.5.3, 8.8, 8.9.7, 9.4.3).
_PAINTING = frozenset({"f", "f*", "F", "B", "B*", "b", "b*", "S", "s", "Do", "sh", "Tj", "TJ", "'", '"'})


def _painted_outside_marked_content(pdf_bytes: bytes) -> list[tuple[int, str]]:
    """(page, operator) for each mark painted outside every marked-content sequence."""
    outside = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            depth = 0
            for instruction in pikepdf.parse_content_stream(page):
                operator = str(instruction.operator)
                depth += {"BDC": 1, "BMC": 1, "EMC": -1}.get(operator, 0)
                if operator in _PAINTING and depth == 0:
                    outside.append((number, operator))
    return outside


def _spooled_piece() -> bytes:
    data = next(iter(lines(1, seed=9)))
    return render_piece(PieceTask("0123456789ab", 1, "confirmation", data.encode(), None)).pdf


def test_a_spooled_piece_is_tagged_and_its_inserter_marks_are_artifacts(tmp_path: Path) -> None:
    # Issue 21: the spooled piece (whose hash the manifest keeps) is the accessible copy of what was
    # mailed; the inserter's Data Matrix and the blank back carry nothing for a reader.
    piece = _spooled_piece()
    with pikepdf.open(io.BytesIO(piece)) as pdf:
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        assert len(pdf.pages) % 2 == 0
    assert _painted_outside_marked_content(piece) == []
    path = tmp_path / "piece.pdf"
    path.write_bytes(piece)
    (report,) = pdfua_reports([path])
    assert report["summary"] == report["summary"] | {"errors": 0, "warnings": 0}, report


def test_an_inserter_mark_outside_an_artifact_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # The check above can fail: the same piece with the mark's operators unwrapped.
    drawn = inserter_marks.mark_operators

    def unwrapped(mark: Mark) -> bytes:
        return drawn(mark).replace(b"/Artifact BMC\n", b"").replace(b"\nEMC", b"")

    monkeypatch.setattr(inserter_marks, "mark_operators", unwrapped)
    assert {operator for _page, operator in _painted_outside_marked_content(_spooled_piece())} == {"f"}
