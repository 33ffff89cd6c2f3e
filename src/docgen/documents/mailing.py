"""The address page of a mailed document: display-ready blocks placed behind the envelope's windows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Placement:
    """A block's box on the first page as CSS lengths, relative to that page's page area."""

    left: str
    top: str
    width: str
    height: str


@dataclass(frozen=True)
class MailingView:
    """What a kind's mailing variant prints on its first page (built by docgen.batch.layout)."""

    return_box: Placement
    return_lines: tuple[str, ...]
    recipient_box: Placement
    recipient_lines: tuple[str, ...]
    #: The Intelligent Mail barcode as an SVG data: URI, or None when no Mailer ID was given.
    imb_uri: str | None
    #: Height of the address panel below the first page's top margin, as a CSS length: the
    #: statement's body starts at the fold.
    panel_height: str
