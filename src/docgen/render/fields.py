"""Form fields that print as the page does: what WeasyPrint 70 leaves to the viewer, written here.

WeasyPrint writes text fields without an appearance stream and sets /NeedAppearances, so every
viewer draws each field itself (PDF 1.7 12.7.2, 12.7.3.3): a prefilled value, already laid out on
the page as text, was drawn a second time over it in the viewer's own font and alignment. Each
text field here gets an empty normal appearance (PDF 1.7 12.5.5), so what prints is the page as
laid out; a prefilled field also gets a white background (/MK /BG, 12.5.6.19), so when a member
edits it the viewer redraws it on white over the printed value. /NeedAppearances is then false.

It runs inside the same WeasyPrint `finisher` as render.tagging, on the pydyf objects.
"""

from __future__ import annotations

import pydyf


def settle_appearances(pdf: pydyf.PDF) -> None:
    """Give every text widget an empty appearance (and a white ground when prefilled)."""
    acroform = pdf.catalog.get("AcroForm")
    if not isinstance(acroform, pydyf.Dictionary):
        return
    for reference in acroform["Fields"]:
        field = pdf.objects[int(reference.split(b" ", 1)[0])]
        if field.get("FT") != "/Tx":
            continue
        left, bottom, right, top = (float(value) for value in field["Rect"])
        appearance = pydyf.Stream(
            extra={
                "Type": "/XObject",
                "Subtype": "/Form",
                "BBox": pydyf.Array([0, 0, abs(right - left), abs(top - bottom)]),
            }
        )
        pdf.add_object(appearance)
        field["AP"] = pydyf.Dictionary({"N": appearance.reference})
        value = field.get("V")
        if isinstance(value, pydyf.String) and value.string:
            field["MK"] = pydyf.Dictionary({"BG": pydyf.Array([1])})
    acroform["NeedAppearances"] = "false"
