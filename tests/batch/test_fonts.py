"""One font per face in a print file: the pieces' subsets merged, pages unchanged to the pixel and the text."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NumberObject

from docgen.batch import imb
from docgen.batch.fonts import share_fonts
from docgen.batch.output import write_print_file
from docgen.batch.piece import PieceTask, render_piece
from docgen.batch.sample import lines
from tests.batch.conftest import MAILER_ID
from tests.conftest import EXAMPLES

PIECES = 6


@pytest.fixture(scope="module")
def pieces(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[int, Path]]:
    """Six real pieces rendered alone (households of different sizes, so different glyphs)."""
    folder = tmp_path_factory.mktemp("pieces")
    mailer = imb.parse_mailer_id(MAILER_ID)
    paths = []
    for number, data in enumerate(lines(PIECES, seed=3), start=1):
        task = PieceTask(
            "0123456789ab",
            number,
            "confirmation",
            data.encode(),
            imb.tracking_code(mailer, number, imb.DEFAULT_SERVICE_TYPE),
        )
        result = render_piece(task)
        assert not result.problems
        path = folder / f"piece-{number}.pdf"
        path.write_bytes(result.pdf)
        paths.append((number, path))
    return paths


@pytest.fixture(scope="module")
def print_file(pieces: list[tuple[int, Path]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("print") / "print-0001.pdf"
    write_print_file(target, pieces, "test")
    return target


def font_programs(pdf: Path) -> list[str]:
    """The BaseFont of every embedded TrueType program in the file (one entry per program)."""
    names = []
    for obj in _objects(PdfReader(pdf)):
        if isinstance(obj, DictionaryObject) and obj.get("/Type") == "/FontDescriptor" and "/FontFile2" in obj:
            names.append(str(obj["/FontName"]))
    return sorted(names)


def _objects(reader: PdfReader) -> Iterator[object]:
    for generation in reader.xref.values():
        for idnum in generation:
            yield reader.get_object(idnum)


def _pages(pdf: Path, dpi: int = 100) -> Iterator[tuple[Image.Image, str]]:
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            page = document[index]
            yield page.render(scale=dpi / 72).to_pil().convert("RGB"), page.get_textpage().get_text_range()
    finally:
        document.close()


def test_each_face_is_embedded_once_for_the_whole_file(pieces: list[tuple[int, Path]], print_file: Path) -> None:
    faces = font_programs(pieces[0][1])
    assert faces and len(set(faces)) == len(faces)
    # Every piece embeds its own subset of each face; the print file one program per face.
    assert sum(len(font_programs(path)) for _, path in pieces) >= PIECES * len(faces)
    # A piece embeds Liberation Sans twice, under two subset tags: its own pages' and the notice's
    # page, laid out once per process (render.closing_page). The print file holds it once.
    assert len(set(_untagged(faces))) < len(faces)
    every = {name for _, path in pieces for name in _untagged(font_programs(path))}
    assert sorted(_untagged(font_programs(print_file))) == sorted(every)


def _untagged(names: list[str]) -> list[str]:
    """Font names without their subset tags ("/ABCDEF+Docgen-Sans" is "Docgen-Sans")."""
    return [name.partition("+")[2] for name in names]


def _pages_as_alone(pieces: list[tuple[int, Path]], print_file: Path) -> list[tuple[Image.Image, str]]:
    """The print file's pages (image, text), each checked to look and read as its piece alone."""
    alone = [page for _, path in pieces for page in _pages(path)]
    merged = list(_pages(print_file))
    assert len(merged) == len(alone)
    for number, ((image, text), (expected_image, expected_text)) in enumerate(zip(merged, alone, strict=True), start=1):
        assert text == expected_text, f"page {number}: text (ToUnicode) differs"
        assert ImageChops.difference(image, expected_image).getbbox() is None, f"page {number}: pixels differ"
    return merged


def test_pages_look_and_read_exactly_as_the_pieces_rendered_alone(
    pieces: list[tuple[int, Path]], print_file: Path
) -> None:
    merged = _pages_as_alone(pieces, print_file)
    for number, (_image, text) in enumerate(merged, start=1):
        assert text.strip() or number % 2 == 0, f"page {number} is blank"


def test_the_file_holds_only_objects_its_pages_reach(print_file: Path) -> None:
    reader = PdfReader(print_file)
    stored = {idnum for generation in reader.xref.values() for idnum in generation}
    reached: set[int] = set()
    stack: list[object] = [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if obj.idnum in reached:
                continue
            reached.add(obj.idnum)
            stack.append(obj.get_object())
        elif isinstance(obj, dict):
            stack.extend(obj.values())
        elif isinstance(obj, list):
            stack.extend(obj)
    assert stored - reached == set()


def test_the_same_pieces_give_the_same_bytes(pieces: list[tuple[int, Path]], print_file: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.pdf"
    write_print_file(again, pieces, "test")
    assert again.read_bytes() == print_file.read_bytes()


def test_a_face_whose_widths_disagree_is_left_as_the_pieces_have_it(pieces: list[tuple[int, Path]]) -> None:
    writer = PdfWriter()
    for _, path in pieces[:2]:
        writer.append(PdfReader(path), import_outline=False)
    # Give the second piece's regular face another width for its first glyph: not the same face.
    fonts = writer.pages[len(PdfReader(pieces[0][1]).pages)]["/Resources"]["/Font"]
    regular = next(f for f in fonts.values() if str(f.get_object()["/BaseFont"]).endswith("+Docgen-Sans"))
    widths = regular.get_object()["/DescendantFonts"][0].get_object()["/W"]
    assert isinstance(widths, ArrayObject)
    widths[1][0] = NumberObject(int(widths[1][0]) + 1)
    first_fonts = writer.pages[0]["/Resources"]["/Font"]
    # Faces by name without the subset tag: a closing page's subsets carry tags of their own
    # (render.closing_page) and share with the pages' own.
    both = set(_untagged([str(f.get_object()["/BaseFont"]) for f in fonts.values()])) & set(
        _untagged([str(f.get_object()["/BaseFont"]) for f in first_fonts.values()])
    )
    assert share_fonts(writer) == len(both) - 1 > 0
    buffer = io.BytesIO()
    writer.write(buffer)
    assert len(PdfReader(buffer).pages) == sum(len(PdfReader(path).pages) for _, path in pieces[:2])


def _script_piece(number: int, data: dict[str, Any], folder: Path) -> tuple[int, Path]:
    mailer = imb.parse_mailer_id(MAILER_ID)
    task = PieceTask(
        "0123456789ab",
        number,
        "confirmation",
        json.dumps(data).encode(),
        imb.tracking_code(mailer, number, imb.DEFAULT_SERVICE_TYPE),
    )
    result = render_piece(task)
    assert not result.problems
    path = folder / f"piece-{number}.pdf"
    path.write_bytes(result.pdf)
    return number, path


def _embedded(pdf: Path) -> list[tuple[str, str]]:
    """(font program kind, font name) of every embedded program: FontFile2 TrueType, FontFile3 CFF."""
    found = []
    for obj in _objects(PdfReader(pdf)):
        if isinstance(obj, DictionaryObject) and obj.get("/Type") == "/FontDescriptor":
            kind = next(key for key in ("/FontFile2", "/FontFile3") if key in obj)
            found.append((kind, str(obj["/FontName"]).split("+")[-1]))
    return sorted(found)


def test_pieces_with_cjk_and_arabic_names_keep_their_glyphs_in_one_print_file(tmp_path: Path) -> None:
    # Issue 23: Noto Sans CJK is a CFF font (FontFile3), which share_fonts leaves as each piece
    # has it; the TrueType faces, Arabic among them, are merged. Either way every page must look
    # and read as its piece alone, CJK addressee in the window included.
    family = json.loads((EXAMPLES / "three-scripts.json").read_text(encoding="utf-8"))
    chinese = copy.deepcopy(family)
    chinese["participant"].update(first_name="小龍", last_name="李")
    chinese["dependents"][2].update(first_name="美玲", last_name="王")
    arabic = copy.deepcopy(family)
    arabic["participant"].update(first_name="علي", last_name="منصور")
    pieces = [_script_piece(number, data, tmp_path) for number, data in enumerate((family, chinese, arabic), 1)]
    print_file = tmp_path / "print-0001.pdf"
    write_print_file(print_file, pieces, "test")

    programs = _embedded(print_file)
    # Kept apart: one subset per distinct glyph set (pieces 1 and 3 print the same CJK name, and
    # identical objects are stored once), none merged into another.
    assert programs.count(("/FontFile3", "Docgen-CJK")) == 2
    assert programs.count(("/FontFile2", "Docgen-Arabic-Bold")) == 1  # merged: every piece's participant
    assert all(name.startswith("Docgen-") for _, name in programs)
    merged = _pages_as_alone(pieces, print_file)
    texts = "".join(text for _, text in merged)
    assert "小龍" in texts and "美玲" in texts and "Юрий" in texts
