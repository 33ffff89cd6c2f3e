"""The project's invented members carry no real person's telephone line (issue 18)."""

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

#: North American numbers as the examples write them (1-877-424-3570, 406-555-0142, 800-877-1122).
PHONE = re.compile(r"\b(?:1-)?([0-9]{3})-([0-9]{3})-([0-9]{4})\b")
#: The administrator's own numbers, as published in the seeds (seed 000, 002, 003).
SEED_NUMBERS = {"800-877-1122", "877-720-7827", "877-424-3570"}


def strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def invented_examples() -> list[Path]:
    # jane-example.json is the portal's own input, copied unchanged from ../shared/examples/.
    return [p for p in sorted(EXAMPLES.glob("*.json")) if p.name != "jane-example.json"]


@pytest.mark.parametrize("example", invented_examples(), ids=lambda p: p.stem)
def test_phone_numbers_are_the_seeds_or_fictitious(example: Path) -> None:
    numbers = [m for text in strings(json.loads(example.read_bytes())) for m in PHONE.finditer(text)]
    for match in numbers:
        area, exchange, line = match.groups()
        fictitious = exchange == "555" and line.startswith("01")  # 555-0100..0199 are reserved for fiction
        assert fictitious or f"{area}-{exchange}-{line}" in SEED_NUMBERS, f"{example.name}: {match.group()}"


def test_seed_numbers_are_in_the_seeds() -> None:
    seeds = " ".join(p.read_text(errors="replace") for p in SEEDS.glob("*.txt"))
    assert all(number in seeds for number in SEED_NUMBERS)
