"""Pixel tests of idcard.css: the member ID card's bands (ISO/IEC 7810 ID-1, one card side per page)."""

from __future__ import annotations

from tests.draw.conftest import AssertPixels

#: An ID-1 card at 96 dpi: 85.60 mm x 53.98 mm is 323.5 x 204 px.
CARD_PAGE = (324, 204)


def test_card_bands_span_the_top_of_each_side(assert_pixels: AssertPixels) -> None:
    # idcard.css `.band` (front) and `.back-band` (back): a brand band (B) across the top of each
    # side carries the issuer's wordmark and the network (front) or the member ID (back) in white;
    # the front's is 10 mm tall (37.8 px, filled as 38 rows; `.band` and its cells both say 10 mm,
    # so lowering one alone changes nothing), and `.card-front .card-body` starts the member's
    # fields just under it; the back's is 6.5 mm (24.6 px, 25 rows). The window is a strip of each
    # side at x 150, away from the 3.18 mm rounded corners.
    front = """
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        ________
        ________
    """
    back = """
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        BBBBBBBB
        ________
        ________
        ________
        ________
        ________
        ________
        ________
        ________
        ________
        ________
        ________
        ________
        ________
        ________
        ________
    """
    assert_pixels(
        [front, back],
        '<div class="card card-front"><table class="blk band"><tbody><tr>'
        '<td class="issuer"></td><td class="network"></td></tr></tbody></table></div>'
        '<div class="card card-back"><div class="blk back-band"></div></div>',
        stylesheets=["idcard.css"],
        body_class="card-pages",
        size=CARD_PAGE,
        at=(150, 0),
    )


def test_pharmacy_and_copay_blocks_open_with_their_own_heading_bands(assert_pixels: AssertPixels) -> None:
    # idcard.css `.card tr.head`: the Pharmacy (`.rx`, 36 mm) and Copays (`.copays`, 40.6 mm)
    # blocks each open with a tinted heading band (b) across the block's full width, 0.3 mm above
    # and below its 6pt line (11.9 px, filled as 12 rows): a section heading, not a write-in line.
    # `.sections` (flex, space-between) leaves the 2 mm the card's 78.6 mm body has over the two
    # blocks between them, so the bands read as two sections. The window (x 135-158, y 100-117)
    # holds the end of the Rx band, the gap and the start of the Copays band, short of the glyphs
    # of "COPAYS" and of the rows below.
    assert_pixels(
        """
        ________________________
        ________________________
        ________________________
        ________________________
        bbbbbbbbbbbbbbb_______bb
        bbbbbbbbbbbbbbb_______bb
        bbbbbbbbbbbbbbb_______bb
        bbbbbbbbbbbbbbb_______bb
        bbbbbbbbbbbbbbb_______bb
        bbbbbbbbbbbbbbb_______bb
        bbbbbbbbbbbbbbb_______bb
        bbbbbbbbbbbbbbb_______bb
        bbbbbbbbbbbbbbb_______bb
        bbbbbbbbbbbbbbb_______bb
        bbbbbbbbbbbbbbb_______bb
        bbbbbbbbbbbbbbb_______bb
        ________________________
        ________________________
        """,
        '<div class="card card-front"><div class="card-body"><div class="sections">'
        '<table class="blk rx"><colgroup><col class="key"><col></colgroup>'
        '<thead><tr class="head"><th colspan="2">Pharmacy</th></tr></thead>'
        "<tbody><tr><th>BIN</th><td>610014</td></tr><tr><th>PCN</th><td>ADV</td></tr></tbody></table>"
        '<table class="blk copays"><colgroup><col class="key"><col class="in"><col></colgroup>'
        '<thead><tr class="head"><th colspan="3">Copays</th></tr></thead>'
        '<tbody><tr><th>Office visit</th><td colspan="2">$20</td></tr></tbody></table>'
        "</div></div></div>",
        stylesheets=["idcard.css"],
        body_class="card-pages",
        size=CARD_PAGE,
        at=(135, 100),
    )
