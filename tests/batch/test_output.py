"""Output files written whole: merged print files share identical objects, temp files never linger."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from docgen.batch.output import atomic_text, write_print_file
from docgen.batch.piece import PieceTask, render_piece
from docgen.batch.sample import lines
from docgen.files import remove_partial_files
from tests.batch.conftest import FinishedJob, one_document

#: Issue 9: a print file at most this many times the bytes of its statements as one document.
MAX_BYTES_RATIO = 1.3


def test_a_failed_write_leaves_neither_file_nor_temporary(tmp_path: Path) -> None:
    target = tmp_path / "manifest.csv"
    with pytest.raises(RuntimeError), atomic_text(target) as handle:
        handle.write("piece,")
        raise RuntimeError("disk full")
    assert list(tmp_path.iterdir()) == []


def test_leftover_temporaries_are_removed(tmp_path: Path) -> None:
    (tmp_path / ".print-0001.pdf.x1y2.part").write_bytes(b"half")
    (tmp_path / "print-0001.pdf").write_bytes(b"whole")
    remove_partial_files(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["print-0001.pdf"]


@pytest.fixture(scope="module")
def pieces(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[int, Path]]:
    folder = tmp_path_factory.mktemp("pieces")
    paths = []
    for number, data in enumerate(lines(4, seed=9), start=1):
        result = render_piece(PieceTask("0123456789ab", number, "confirmation", data.encode(), None))
        path = folder / f"piece-{number}.pdf"
        path.write_bytes(result.pdf)
        paths.append((number, path))
    return paths


def test_merged_print_file_shares_what_the_pieces_repeat(pieces: list[tuple[int, Path]], tmp_path: Path) -> None:
    target = tmp_path / "print-0001.pdf"
    ranges = write_print_file(target, pieces, "test")
    page_counts = [len(PdfReader(path).pages) for _, path in pieces]
    assert [last - first + 1 for _, first, last in ranges] == page_counts
    assert len(PdfReader(target).pages) == sum(page_counts)
    # Fonts, colour spaces and graphics states that pieces repeat are stored once.
    assert target.stat().st_size < 0.95 * sum(path.stat().st_size for _, path in pieces)
    assert PdfReader(target).metadata is not None and PdfReader(target).metadata.title == "test"


def _live_pypdf_documents() -> int:
    # gc.get_objects() lists garbage not yet collected too: what still takes memory.
    return sum(isinstance(obj, (PdfReader, PdfWriter)) for obj in gc.get_objects())


def test_a_print_files_pdf_objects_do_not_outlive_it(pieces: list[tuple[int, Path]], tmp_path: Path) -> None:
    # Issue 7: the main process's memory must not grow with the batch; pypdf's object graphs
    # are cyclic, so a merged file's readers and writer would linger until a full collection.
    gc.collect()  # what earlier tests left
    before = _live_pypdf_documents()
    for file in range(3):
        write_print_file(tmp_path / f"print-{file:04d}.pdf", pieces, "test")
    assert _live_pypdf_documents() == before


def test_a_print_file_is_no_larger_than_its_statements_as_one_document(job100: FinishedJob) -> None:
    # The last print file of the 100-record job, its 15 pieces laid out again as one document
    # (bench/print_bytes.py measures 100 and 500 pieces, the default limit). The print file
    # also carries the inserter marks and blank backs the one document lacks.
    print_file = job100.out / "print-0003.pdf"
    one = one_document(job100, print_file.name)
    ratio = print_file.stat().st_size / len(one)
    assert ratio <= MAX_BYTES_RATIO, f"{print_file.stat().st_size} bytes vs {len(one)} as one document"
