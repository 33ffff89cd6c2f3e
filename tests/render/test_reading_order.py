"""Issue 21: every line of text on a page, outside the running header and footer, is in the structure tree, in order.

Page text comes from `pdftotext -raw`: the order the content stream paints text in. Of pdftotext's
three modes it is the one whose order is defined: -layout keeps the physical layout, interleaving
side-by-side blocks line by line (the letterhead's name and title, the card's two columns), and the
default mode's reading-order guess splits those same blocks unpredictably (poppler's TextOutputDev
heuristics). WeasyPrint paints in CSS 2.1 Appendix E order, in-flow content in document order, so
-raw is the page's reading order for everything but positioned boxes; the tree's text comes from
`pdfinfo -struct-text` (poppler reading the tree, not WeasyPrint or tagging.py). Each line of page text
(spaces removed) must then be found in the tree's text right after the previous one, at most
WINDOW characters on, so a block missing from the tree or read in another place fails.
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from tests.conftest import SHAPED

#: Top and bottom page margins, in points, holding the running header and footer: the @page rules of
#: assets/css/statement.css, illustration.css and claim.css (the card has none).
MARGINS = {"statement": (50.4, 43.2), "illustration": (50.4, 54.0), "claim": (72.0, 43.2), "card": (0.0, 0.0)}
KINDS = {
    "jane-example/summary.pdf": "statement",
    "jane-example/confirmation.pdf": "statement",
    "jane-example/id-card-00.pdf": "card",
    "jane-example/id-card-sheet.pdf": "card",
    "jane-example/health-fsa-claim.pdf": "claim",
    "jane-example/dependent-care-claim.pdf": "claim",
    "mary/tax-savings.pdf": "illustration",
    "familia-es/summary.pdf": "statement",
    "familia-es/confirmation.pdf": "statement",
    "familia-es/id-card-00.pdf": "card",
    "familia-es/health-fsa-claim.pdf": "claim",
    "familia-es/dependent-care-claim.pdf": "claim",
    "lucia-es/tax-savings.pdf": "illustration",
}
#: Characters of tree text allowed between two page lines (text the tree has and the page does not
#: show as words, such as a form field's name); a missing sentence is longer.
WINDOW = 24


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def page_lines(path: Path, family: str) -> list[str]:
    """The lines pdftotext -raw extracts from each page's body (the page minus its top and bottom margins)."""
    info = _run("pdfinfo", str(path))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M)
    width, height = map(float, size.groups())  # type: ignore[union-attr]
    top, bottom = MARGINS[family]
    lines: list[str] = []
    for page in range(1, pages + 1):
        crop = ["-x", "0", "-y", str(round(top)), "-W", str(round(width)), "-H", str(round(height - top - bottom))]
        text = _run("pdftotext", "-raw", "-f", str(page), "-l", str(page), *crop, str(path), "-")
        lines += [squeezed for squeezed in map(_squeezed, text.splitlines()) if squeezed]
    return lines


def tree_strings(path: Path) -> tuple[list[str], list[str]]:
    """The text of the structure tree as `pdfinfo -struct-text` reads it, in tree order, and apart from
    it the text painted inside Figures (read as the Figure's Alt, checked in test_tagging.py)."""
    text: list[str] = []
    figures: list[str] = []
    figure_indent: int | None = None
    for line in _run("pdfinfo", "-struct-text", str(path)).splitlines():
        indent = len(line) - len(line.lstrip())
        if figure_indent is not None and indent <= figure_indent:
            figure_indent = None
        if line.strip().startswith("Figure"):
            figure_indent = indent
        quoted = re.fullmatch(r'\s*"(.*)"\s*', line)
        if quoted:
            (figures if figure_indent is not None else text).append(quoted.group(1))
    return text, figures


# Shaped scripts' lines (tests.conftest.SHAPED) are left out on both sides: pdftotext reorders a
# right-to-left line visually, and `pdfinfo -struct-text` reads a shaped line's glyphs' own texts,
# not the /ActualText tagging gives it.


def _squeezed(text: str) -> str:
    return "".join(text.split()).casefold()


def reading_order_problem(path: Path, family: str) -> str | None:
    """None when every line of the page is in the tree's text in order, else where it first is not.

    Two neighbouring lines may come in either order: CSS paints a float before the in-flow line
    beside it (CSS 2.1 Appendix E, steps 5 and 7), such as the "Keep this page" badge set right
    of the title it belongs to in the tree.
    """
    strings, figures = tree_strings(path)
    tree = _squeezed("".join(string for string in strings if not SHAPED.search(string)))
    # A figure's painted words (the chart's labels) are read as its Alt, and a list's bullets are
    # not words: both are taken off the page.
    painted = [_squeezed(figure) for figure in figures]
    lines = [
        line
        for line in page_lines(path, family)
        if re.search(r"\w", line) and not any(line in figure for figure in painted) and not SHAPED.search(line)
    ]

    def next_at(line: str, cursor: int) -> int:
        found = tree.find(line, cursor)
        return found if 0 <= found <= cursor + WINDOW else -1

    cursor, number = 0, 0
    while number < len(lines):
        line = lines[number]
        found = next_at(line, cursor)
        if found >= 0:
            cursor, number = found + len(line), number + 1
            continue
        following = lines[number + 1] if number + 1 < len(lines) else None
        swapped = next_at(following, cursor) if following is not None else -1
        if following is not None and swapped >= 0:
            after = next_at(line, swapped + len(following))
            if after >= 0:
                cursor, number = after + len(line), number + 2
                continue
        ahead = tree[cursor : cursor + 60]
        return f"page line {number} {line!r} is not next in the tree at character {cursor}: {ahead!r}"
    return None


@pytest.mark.parametrize("name", list(KINDS))
def test_every_word_on_the_page_is_in_the_tree_in_order(rendered: dict[str, Path], name: str) -> None:
    assert reading_order_problem(rendered[name], KINDS[name]) is None


def _broken(path: Path, tmp_path: Path, change: str) -> Path:
    """The confirmation with its tree hand-broken: a section dropped, or two sections swapped."""
    with pikepdf.open(path) as pdf:
        top = pdf.Root.StructTreeRoot.K
        document = top[0] if isinstance(top, pikepdf.Array) else top  # WeasyPrint's one Document element
        kids = document.K
        sections = [index for index, kid in enumerate(kids) if isinstance(kid, pikepdf.Dictionary)]
        if change == "missing":
            del kids[sections[-3]]  # the Section 125 acknowledgement (before "Questions?" and the notice)
        else:
            first, second = sections[2], sections[3]  # Personal Information, Dependents
            kids[first], kids[second] = kids[second], kids[first]
        out = io.BytesIO()
        pdf.save(out)
    broken = tmp_path / f"{change}.pdf"
    broken.write_bytes(out.getvalue())
    return broken


@pytest.mark.parametrize("change", ["missing", "swapped"])
def test_a_block_missing_from_the_tree_or_out_of_order_is_caught(
    rendered: dict[str, Path], tmp_path: Path, change: str
) -> None:
    broken = _broken(rendered["jane-example/confirmation.pdf"], tmp_path, change)
    problem = reading_order_problem(broken, "statement")
    assert problem is not None
    strings, _figures = tree_strings(broken)
    acknowledged = any("pre-tax basis" in string for string in strings)
    assert acknowledged is (change == "swapped")
