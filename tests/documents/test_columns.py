"""Table columns fitted to their contents (documents/columns.py)."""

from docgen import glyphs
from docgen.documents.columns import Column, TableFont, fit_widths

FONT = TableFont(cell_pt=9, header_pt=8, padding_pt=6)


def points(percent: float, table_pt: float) -> float:
    return percent * table_pt / 100


def test_room_for_everything_gives_every_column_its_longest_cell() -> None:
    columns = [Column("Last", ["OKONKWO-VANDERBILT"]), Column("Sex", ["M", "F"])]
    widths = fit_widths(columns, 300, FONT)
    assert abs(sum(widths) - 100) < 0.05
    assert points(widths[0], 300) >= glyphs.text_width_pt("OKONKWO-VANDERBILT", 9) + 6
    assert widths[0] > widths[1]


def test_too_little_room_wraps_between_words_and_keeps_short_columns_whole() -> None:
    name = "MARIA DE LOS ANGELES GUADALUPE"
    columns = [Column("Name", [name]), Column("Relationship", ["Stepchild"])]
    table = 150
    widths = fit_widths(columns, table, FONT)
    assert points(widths[1], table) >= glyphs.text_width_pt("Relationship", 8, glyphs.FONT_BOLD) + 6 - 0.1
    longest_word = glyphs.text_width_pt("GUADALUPE", 9) + 6
    assert longest_word - 0.1 <= points(widths[0], table) < glyphs.text_width_pt(name, 9) + 6


def test_words_too_long_for_any_room_break_only_in_the_widest_column() -> None:
    columns = [Column("Last", ["W" * 40]), Column("Sex", ["M"]), Column("Status", ["Active"])]
    table = 120
    widths = fit_widths(columns, table, FONT)
    assert abs(sum(widths) - 100) < 0.05
    # The short columns keep their natural width; only the 40-letter name is cut to fit.
    assert points(widths[2], table) >= glyphs.text_width_pt("Status", 8, glyphs.FONT_BOLD) + 6 - 0.1
    assert points(widths[0], table) < glyphs.text_width_pt("W" * 40, 9)
