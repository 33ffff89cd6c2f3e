"""Money: Decimal amounts in dollars and cents, one rounding rule, one display format."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
DOLLAR = Decimal("1")
ZERO = Decimal("0.00")


def to_cents(amount: Decimal) -> Decimal:
    """Round half-up to the cent, the rounding used on every statement line."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_dollars(amount: Decimal) -> Decimal:
    """Round half-up to the whole dollar (the tax-savings illustration shows whole dollars)."""
    return amount.quantize(DOLLAR, rounding=ROUND_HALF_UP)


def floor_int(amount: Decimal) -> int:
    """Largest integer not above a non-negative amount (used for prorated pay periods)."""
    return int(amount.to_integral_value(rounding=ROUND_DOWN))


def has_at_most_cents(amount: Decimal) -> bool:
    """True when the amount has no fraction of a cent (at most two decimal places)."""
    return amount == amount.quantize(CENT, rounding=ROUND_DOWN)


def format_money(amount: Decimal) -> str:
    """Statement format: thousands separators and two decimals, no currency sign: 1,300.00."""
    return f"{to_cents(amount):,.2f}"


def format_dollars(amount: Decimal) -> str:
    """Illustration format: whole dollars with a sign: $1,548."""
    rounded = to_dollars(amount)
    sign = "-" if rounded < 0 else ""
    return f"{sign}${abs(rounded):,.0f}"
