"""Lengths in PDF user space: 72 points to the inch (ISO 32000-1, 8.3.2.3), the unit CSS's pt is."""

from __future__ import annotations

POINTS_PER_INCH = 72
POINTS_PER_MM = POINTS_PER_INCH / 25.4
