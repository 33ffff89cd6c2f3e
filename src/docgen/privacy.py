"""Personal data that must never be shown, logged or stored whole."""

from __future__ import annotations

import re
from typing import Final

_SSN_SHAPE: Final = re.compile(r"^([0-9]{3})-?([0-9]{2})-?([0-9]{4})$")


class SSN:
    """A Social Security number of which only the last four digits are kept.

    The full number is checked for shape and then dropped: nothing downstream
    (documents, logs, errors, metadata) can reveal what was never retained.
    """

    __slots__ = ("_last4",)

    def __init__(self, raw: str) -> None:
        match = _SSN_SHAPE.match(raw.strip())
        if match is None:
            raise ValueError("must be nine digits, as NNN-NN-NNNN or NNNNNNNNN")
        area, group, serial = match.groups()
        # SSA never issues area 000 or 666, group 00 or serial 0000 (9xx is left to
        # ITIN-style dependent numbers, as the seed's own examples use one).
        if area in ("000", "666") or group == "00" or serial == "0000":
            raise ValueError("is not a number the Social Security Administration issues")
        self._last4 = serial

    @property
    def last4(self) -> str:
        return self._last4

    @property
    def masked(self) -> str:
        """The only printable form: XXX-XX-9988."""
        return f"XXX-XX-{self._last4}"

    def __repr__(self) -> str:
        return f"SSN('{self.masked}')"

    def __str__(self) -> str:
        return self.masked
