from decimal import Decimal

import pytest

from docgen.money import (
    floor_int,
    format_dollars,
    format_money,
    has_at_most_cents,
    to_cents,
    to_dollars,
)


@pytest.mark.parametrize(
    ("amount", "shown"),
    [("1300", "1,300.00"), ("0", "0.00"), ("2600.005", "2,600.01"), ("1234567.891", "1,234,567.89")],
)
def test_format_money_uses_separators_and_cents(amount: str, shown: str) -> None:
    assert format_money(Decimal(amount)) == shown


def test_rounding_is_half_up_not_bankers() -> None:
    assert to_cents(Decimal("0.125")) == Decimal("0.13")
    assert to_dollars(Decimal("128.5")) == Decimal("129")
    assert to_dollars(Decimal("2.5")) == Decimal("3")


def test_format_dollars() -> None:
    assert format_dollars(Decimal("1548")) == "$1,548"
    assert format_dollars(Decimal("-3.5")) == "-$4"


def test_cents_check_and_floor() -> None:
    assert has_at_most_cents(Decimal("50.10"))
    assert not has_at_most_cents(Decimal("50.101"))
    assert floor_int(Decimal("21.99")) == 21
