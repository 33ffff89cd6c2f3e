"""Pixel tests of statement.css: the parts every Enrollment Summary and Confirmation Statement page uses."""

from __future__ import annotations

from tests.draw.conftest import NO_TEXT, AssertPixels, block, ink


def test_grid_header_repeats_on_the_next_page(assert_pixels: AssertPixels) -> None:
    # statement.css `table.grid thead th`: the column headings sit on a band (b) closed by a 0.75pt
    # rule (g, 1px; collapsed borders, so the first row's 0.5pt rule gives way to it), inside the
    # table's 0.75pt frame; user-agent.css `thead { display: table-header-group }` repeats them at
    # the top of every page the table crosses, so a reader of page 2 of a long Dependents table
    # still knows which column is the SSN and which the birthdate. Row 2 (zebra, z:
    # `tbody tr:nth-child(even)`) does not fit under row 1 and moves to page 2. The block stands
    # for a heading's line; `.fit-columns` cells keep 3pt (4px) each side. Unchecked: the frame's
    # bottom, which 0.5pt (2/3 px) rules and 2.5pt paddings above it leave inside a pixel.
    page_1 = """
        gggggggggggg
        gbbbbbbbbbbg
        gbbbbbbbbbbg
        gbbbbbbbbbbg
        gbbbbbbbbbbg
        gbbbbKKbbbbg
        gbbbbKKbbbbg
        gbbbbbbbbbbg
        gbbbbbbbbbbg
        gbbbbbbbbbbg
        gbbbbbbbbbbg
        gggggggggggg
        g__________g
        g__________g
        g__________g
        g__________g
        g__________g
        g__________g
        g__________g
        g__________g
        g__________g
        g__________g
        g..........g
        ............
        ____________
        ____________
        ____________
        ____________
    """
    page_2 = """
        gggggggggggg
        gbbbbbbbbbbg
        gbbbbbbbbbbg
        gbbbbbbbbbbg
        gbbbbbbbbbbg
        gbbbbKKbbbbg
        gbbbbKKbbbbg
        gbbbbbbbbbbg
        gbbbbbbbbbbg
        gbbbbbbbbbbg
        gbbbbbbbbbbg
        gggggggggggg
        gzzzzzzzzzzg
        gzzzzzzzzzzg
        gzzzzzzzzzzg
        gzzzzzzzzzzg
        gzzzzzzzzzzg
        gzzzzzzzzzzg
        gzzzzzzzzzzg
        gzzzzzzzzzzg
        gzzzzzzzzzzg
        gzzzzzzzzzzg
        g..........g
        ............
        ____________
        ____________
        ____________
        ____________
    """
    row = f"<tr><td>{block(4, 'transparent')}</td></tr>"
    assert_pixels(
        [page_1, page_2],
        f'<table class="grid fit-columns"><thead><tr><th>{block(2)}</th></tr></thead><tbody>{row}{row}</tbody></table>',
        stylesheets=["statement.css"],
        body_class="statement",
    )


def test_running_header_and_footer_sit_on_their_rules(assert_pixels: AssertPixels) -> None:
    # statement.css `@top-left` (width 100%, vertical-align bottom, padding-bottom 6pt) holds
    # `.running-header` (border-bottom 0.75pt rule, padding-bottom 3pt): on every page the header's
    # rule (g, 1px) spans the text width 6pt (8px) above the page's content, and both cells stand
    # on it (`.running-header td { vertical-align: bottom }`) 3pt (4px) above it, however many
    # lines a long name takes (issue 17). The administrator's cell is 35% of the width less a 12pt
    # (16px) gap before the participant's (`.rh-left`, `.rh-right`). `@bottom-left` (75% wide,
    # vertical-align top, padding-top 6pt) starts `.running-footer` 8px below the content.
    # Blocks stand for lines of text: the administrator's name on two (4px), the participant's on
    # one (2px), the footer's one (2px), the page's content (3px). The test's page margins are
    # whole pixels (statement.css's 0.7in is 67.2px); "Page n of m" (`@bottom-right`) is hidden.
    assert_pixels(
        """
        KKKKK_______________________________________________________
        KKKKK_______________________________________________________
        KKKKK________________KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK
        KKKKK________________KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK
        ____________________________________________________________
        ____________________________________________________________
        ____________________________________________________________
        ____________________________________________________________
        gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg
        ____________________________________________________________
        ____________________________________________________________
        ____________________________________________________________
        ____________________________________________________________
        ____________________________________________________________
        ____________________________________________________________
        ____________________________________________________________
        ____________________________________________________________
        RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR
        RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR
        RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR
        ____________________________________________________________
        ____________________________________________________________
        ____________________________________________________________
        ____________________________________________________________
        ____________________________________________________________
        ____________________________________________________________
        ____________________________________________________________
        ____________________________________________________________
        ____________________________________________________________
        KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK_______________
        KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK_______________
        ____________________________________________________________
        """,
        '<div class="running-header"><table><tbody><tr>'
        f'<td class="rh-left">{block(4)}</td><td class="rh-right">{block(2)}</td></tr></tbody></table></div>'
        f'<div class="running-footer">{block(2)}</div>{block(3, "red")}',
        css="@page { margin: 17px 0 11px; @bottom-right { color: transparent } }",
        stylesheets=["statement.css"],
        body_class="statement",
    )


def test_money_columns_line_up_their_pennies(assert_pixels: AssertPixels) -> None:
    # base.css `.r` on the amount cells (`td.r.num`) of the Flexible Reimbursement Accounts table
    # (`table.grid.money-table`): amounts of any length end at one edge, 4pt (5 1/3 px, drawn as 5)
    # inside the frame, so pennies stand under pennies, the TOTALS PER PAY row's too, though
    # `tbody.totals td` sets its own padding and a 1pt brand rule (B) above it. Blocks stand for
    # the amounts ("125.00", "12.50", the total "137.50"). Rows where a 0.5pt or 1pt rule ends
    # inside a pixel are unchecked.
    assert_pixels(
        """
        gggggggggggggggggggggggggggggggggggggggg
        g______________________________________g
        g______________________________________g
        g______________________________________g
        g_________________________KKKKKKKK_____g
        g_________________________KKKKKKKK_____g
        g______________________________________g
        g______________________________________g
        g______________________________________g
        g......................................g
        g......................................g
        g______________________________________g
        g______________________________________g
        g______________________________________g
        g____________________________KKKKK_____g
        g____________________________KKKKK_____g
        g______________________________________g
        g______________________________________g
        g______________________________________g
        BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB
        ........................................
        g______________________________________g
        g______________________________________g
        g______________________________________g
        g_________________________KKKKKKKK_____g
        g_________________________KKKKKKKK_____g
        g______________________________________g
        g______________________________________g
        g______________________________________g
        g______________________________________g
        g......................................g
        ........................................
        ________________________________________
        """,
        '<table class="grid money-table"><colgroup><col style="width: 50%"><col style="width: 50%"></colgroup>'
        f'<tbody class="account"><tr><td></td><td class="r num">{ink(8)}</td></tr></tbody>'
        f'<tbody class="account"><tr><td></td><td class="r num">{ink(5)}</td></tr></tbody>'
        f'<tbody class="totals"><tr><th></th><td class="r num">{ink(8)}</td></tr></tbody></table>',
        stylesheets=["statement.css"],
        body_class="statement",
        css=NO_TEXT,
    )


def test_totals_box_frames_its_title_band_and_amounts(assert_pixels: AssertPixels) -> None:
    # statement.css `table.totals-box`: the per-pay totals sit in a 0.75pt frame (g, 1px) under a
    # title band (b, `.totals-title`); labels start and amounts end 6pt (8px) inside the frame
    # (`table.totals-box th, td` padding, `td { text-align: right }`), so the two totals line up
    # at their pennies. Blocks stand for the title, the labels and the amounts. Unchecked: the
    # frame's sides where a row's 2.5pt padding ends inside a pixel, and the pixel of its top and
    # bottom where the 44% column ends.
    assert_pixels(
        """
        ggggggggggggggggggggg.gggggggggggggggggggggggggg
        gbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbg
        gbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbg
        gbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbg
        gbbbbbbbbKKKKKKKKKKKKbbbbbbbbbbbbbbbbbbbbbbbbbbg
        gbbbbbbbbKKKKKKKKKKKKbbbbbbbbbbbbbbbbbbbbbbbbbbg
        gbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbg
        gbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbg
        gbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbg
        .bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.
        g______________________________________________g
        g______________________________________________g
        g______________________________________________g
        g________KKKKKK_________________KKKKKKK________g
        g________KKKKKK_________________KKKKKKK________g
        g______________________________________________g
        g______________________________________________g
        g______________________________________________g
        .______________________________________________.
        g______________________________________________g
        g______________________________________________g
        g______________________________________________g
        g________KKKKKK____________________KKKK________g
        g________KKKKKK____________________KKKK________g
        g______________________________________________g
        g______________________________________________g
        g______________________________________________g
        ggggggggggggggggggggg.gggggggggggggggggggggggggg
        ________________________________________________
        """,
        '<table class="kv totals-box"><colgroup><col style="width: 44%"><col style="width: 56%"></colgroup><tbody>'
        f'<tr><th colspan="2" class="totals-title">{ink(12)}</th></tr>'
        f"<tr><th>{ink(6)}</th><td>{ink(7)}</td></tr>"
        f'<tr><th>{ink(6)}</th><td class="num strong">{ink(4)}</td></tr></tbody></table>',
        stylesheets=["statement.css"],
        body_class="statement",
        css=NO_TEXT,
    )
