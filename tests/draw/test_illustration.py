"""Pixel tests of illustration.css: the Tax-savings illustration's comparison table."""

from __future__ import annotations

from tests.draw.conftest import NO_TEXT, AssertPixels, ink


def test_compare_table_amounts_line_up_on_the_flex_column(assert_pixels: AssertPixels) -> None:
    # base.css `.r` on `td.r.num` in illustration.css `table.compare` (seed 003's brochure table):
    # every amount ends 6pt (8px) before its column's edge, so pennies stand under pennies down
    # the No Plan column and the Flex Plan column, the Net Pay row (`tr.total`, set in 11pt bold)
    # included. The Flex Plan column is tinted (e, `td.flex-col`), and its net pay, the figure the
    # table leads to, is white on gain green (G, `tr.total td.flex-col`) beside the band (b) of the
    # row's other cells, under a 1.5pt brand rule (B, 2px). The window shows the table's two
    # amount columns (x 59-99 of a 100px table; the label column is half of it) and its 0.75pt frame
    # (g, 1px); blocks stand for the amounts. Unchecked: where the 50% label column's edge falls
    # inside a pixel of the frame and of the rule.
    assert_pixels(
        """
        ggggggggggggggg.ggggggggggggggggggggggggg
        ________________eeeeeeeeeeeeeeeeeeeeeeeeg
        ________________eeeeeeeeeeeeeeeeeeeeeeeeg
        ________________eeeeeeeeeeeeeeeeeeeeeeeeg
        ________________eeeeeeeeeeeeeeeeeeeeeeeeg
        __KKKKKK________eeeeeeeeKKKKKKKKeeeeeeeeg
        __KKKKKK________eeeeeeeeKKKKKKKKeeeeeeeeg
        ________________eeeeeeeeeeeeeeeeeeeeeeeeg
        ________________eeeeeeeeeeeeeeeeeeeeeeeeg
        ________________eeeeeeeeeeeeeeeeeeeeeeeeg
        ________________eeeeeeeeeeeeeeeeeeeeeeeeg
        ________________eeeeeeeeeeeeeeeeeeeeeeeeg
        ________________eeeeeeeeeeeeeeeeeeeeeeeeg
        ________________eeeeeeeeeeeeeeeeeeeeeeeeg
        ________________eeeeeeeeeeeeeeeeeeeeeeeeg
        ____KKKK________eeeeeeeeeeeKKKKKeeeeeeeeg
        ____KKKK________eeeeeeeeeeeKKKKKeeeeeeeeg
        ________________eeeeeeeeeeeeeeeeeeeeeeeeg
        ________________eeeeeeeeeeeeeeeeeeeeeeeeg
        ________________eeeeeeeeeeeeeeeeeeeeeeeeg
        ________________eeeeeeeeeeeeeeeeeeeeeeeeg
        BBBBBBBBBBBBBBB.BBBBBBBBBBBBBBBBBBBBBBBBB
        BBBBBBBBBBBBBBB.BBBBBBBBBBBBBBBBBBBBBBBBB
        bbbbbbbbbbbbbbbbGGGGGGGGGGGGGGGGGGGGGGGGg
        bbbbbbbbbbbbbbbbGGGGGGGGGGGGGGGGGGGGGGGGg
        bbbbbbbbbbbbbbbbGGGGGGGGGGGGGGGGGGGGGGGGg
        bbbbbbbbbbbbbbbbGGGGGGGGGGGGGGGGGGGGGGGGg
        bbKKKKKKbbbbbbbbGGGGGGGGGKKKKKKKGGGGGGGGg
        bbKKKKKKbbbbbbbbGGGGGGGGGKKKKKKKGGGGGGGGg
        bbbbbbbbbbbbbbbbGGGGGGGGGGGGGGGGGGGGGGGGg
        bbbbbbbbbbbbbbbbGGGGGGGGGGGGGGGGGGGGGGGGg
        bbbbbbbbbbbbbbbbGGGGGGGGGGGGGGGGGGGGGGGGg
        bbbbbbbbbbbbbbbbGGGGGGGGGGGGGGGGGGGGGGGGg
        ggggggggggggggg.ggggggggggggggggggggggggg

        """,
        '<table class="compare"><colgroup><col class="label"><col class="amount"><col class="amount"></colgroup><tbody>'
        f'<tr><th></th><td class="r num">{ink(6)}</td><td class="r num flex-col">{ink(8)}</td></tr>'
        f'<tr><th></th><td class="r num">{ink(4)}</td><td class="r num flex-col">{ink(5)}</td></tr>'
        f'<tr class="total"><th></th><td class="r num">{ink(6)}</td><td class="r num flex-col">{ink(7)}</td></tr>'
        "</tbody></table>",
        stylesheets=["illustration.css"],
        body_class="illustration",
        css=NO_TEXT,
        size=(100, 34),
        at=(59, 0),
    )
