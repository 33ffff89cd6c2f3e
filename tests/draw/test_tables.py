"""Pixel tests of the CSS parts statements are built from, on tiny pages."""

from __future__ import annotations

from tests.draw.conftest import AssertPixels


def test_collapsed_table_borders_are_single_lines(assert_pixels: AssertPixels) -> None:
    # Ruled tables ask for collapse (table.grid, .totals-box, claim and illustration tables):
    # adjacent cells share one 1px rule, never a doubled one.
    assert_pixels(
        """
        RRRRRRRRR
        R___R___R
        R___R___R
        """,
        '<table style="width: 9px; border: 1px solid red; border-collapse: collapse">'
        '<tr><td style="border: 1px solid red; height: 2px; padding: 0"></td>'
        '<td style="border: 1px solid red; padding: 0"></td></tr></table>',
    )


def test_tables_without_rules_have_no_gaps_between_cells(assert_pixels: AssertPixels) -> None:
    # base.css: separate borders with no spacing, so rule-less tables print as if collapsed.
    assert_pixels(
        """
        KKKRRR
        KKKRRR
        """,
        '<table style="width: 6px"><tr><td style="background: black; height: 2px; padding: 0"></td>'
        '<td style="background: red; padding: 0"></td></tr></table>',
    )


def test_fixed_layout_keeps_declared_column_widths(assert_pixels: AssertPixels) -> None:
    # table-layout: fixed (base.css): the first column stays 2px wide whatever its content.
    assert_pixels(
        """
        KKRRRRRR
        KKRRRRRR
        """,
        '<table style="width: 8px"><colgroup><col style="width: 2px"><col></colgroup>'
        '<tr><td style="background: black; height: 2px; padding: 0"></td>'
        '<td style="background: red; padding: 0"></td></tr></table>',
    )
