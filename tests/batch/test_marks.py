"""Inserter control marks and duplex padding, decoded back from rasterized pages with zxing-cpp."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter

from docgen.batch.marks import (
    MARK_MODULES,
    Mark,
    finish_piece,
    mark_operators,
    parse_mark,
)
from tests.batch.conftest import decode_marks


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
        sizes.add(operators.splitlines()[0].split()[5])
    assert len(sizes) == 1
    assert float(sizes.pop()) == pytest.approx((MARK_MODULES + 2) * 72 / 60, abs=0.01)


def test_finishing_is_deterministic() -> None:
    source = blank_pdf(3)
    assert finish_piece(source, "0123456789ab", 5).pdf == finish_piece(source, "0123456789ab", 5).pdf
