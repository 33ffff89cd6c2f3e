"""Synthetic mailroom input (invented people) for tests, benchmarks and trying `docgen batch` out."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docgen.config import get_settings

_FIRST = (
    "MARIA",
    "JAMES",
    "LINDA",
    "ROBERT",
    "PATRICIA",
    "MICHAEL",
    "BARBARA",
    "DAVID",
    "SUSAN",
    "JOSE",
    "NGOC ANH",
    "OLUWASEUN",
)
_LAST = (
    "GARCIA",
    "SMITH",
    "JOHNSON",
    "NGUYEN",
    "WILLIAMS",
    "BROWN",
    "OKAFOR",
    "MARTINEZ",
    "DAVIS",
    "LOPEZ",
    "O'NEILL",
    "VAN DER BERG",
)
_STREETS = ("MAIN ST", "OAK AVE", "PINE RD", "MAPLE DR", "CEDAR LN", "ELM ST", "WASHINGTON BLVD", "LAKE SHORE DR")
_PLACES = (
    ("KALISPELL", "MT", "59901"),
    ("MISSOULA", "MT", "59801"),
    ("BOZEMAN", "MT", "59715"),
    ("BILLINGS", "MT", "59101"),
    ("SPOKANE", "WA", "99201"),
    ("BOISE", "ID", "83702"),
    ("DENVER", "CO", "80202"),
    ("NEW YORK", "NY", "10001"),
)
_RELATIONS = ("Spouse", "Child", "Child", "Child", "Child", "Child")

#: The ways a generated record is made invalid, each breaking one documented rule.
_BREAKS = ("dental-requires-medical", "zip", "json-syntax", "confirmation-number-required", "participant-id")


def _template() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((get_settings().examples_dir / "jane-example.json").read_bytes())
    return data


def _dependents(rng: random.Random, last: str, count: int) -> list[dict[str, Any]]:
    people = []
    for index in range(count):
        relation = _RELATIONS[index]
        people.append(
            {
                "dependent_id": f"{index + 1:02d}",
                "ssn": f"9{rng.randrange(10, 99):02d}{rng.randrange(10, 99):02d}{rng.randrange(1000, 9999):04d}",
                "first_name": rng.choice(_FIRST),
                "middle_name": "",
                "last_name": last,
                "gender": rng.choice("MF"),
                "date_of_birth": f"{1960 + rng.randrange(40)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
                if relation == "Spouse"
                else f"{1998 + rng.randrange(18)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                "relationship": relation,
                "student": False,
                "handicapped": False,
                "status": "Active",
            }
        )
    return people


def record(number: int, rng: random.Random, base: dict[str, Any]) -> dict[str, Any]:
    """A valid enrollment for an invented member (number makes the participant ID unique)."""
    data = copy.deepcopy(base)
    last = rng.choice(_LAST)
    city, state, zip_code = rng.choice(_PLACES)
    person = data["participant"]
    person.update(participant_id=f"{100000000000 + number:012d}", first_name=rng.choice(_FIRST), last_name=last)
    person["address"] = {
        "line1": f"{rng.randrange(1, 9999)} {rng.choice(_STREETS)}",
        "line2": "",
        "city": city,
        "state": state,
        "zip": zip_code,
    }
    dependents = _dependents(rng, last, rng.choice((0, 0, 1, 2, 3, 4, 6)))
    data["dependents"] = dependents
    ids = [d["dependent_id"] for d in dependents]
    for name in ("medical", "dental", "vision"):
        data["elections"][name]["covered_dependents"] = ids
        data["elections"][name]["level"] = "FULL FAMILY" if ids else "EMPLOYEE ONLY"
    data["enrollment"]["confirmation_number"] = f"{number:010d}"
    return data


def _broken(data: dict[str, Any], how: str) -> dict[str, Any] | str:
    if how == "dental-requires-medical":
        data["elections"]["medical"] = {"elected": False}
    elif how == "zip":
        data["participant"]["address"]["zip"] = "5990"
    elif how == "json-syntax":
        return json.dumps(data)[:-40]
    elif how == "confirmation-number-required":
        del data["enrollment"]["confirmation_number"]
    elif how == "participant-id":
        data["participant"]["participant_id"] = "77990161"
    return data


def lines(count: int, invalid: int = 0, seed: int = 7) -> Iterator[str]:
    """`count` JSON Lines records; `invalid` of them (spread evenly) break one rule each."""
    rng = random.Random(seed)
    base = _template()
    spacing = count // invalid if invalid else 0
    for number in range(1, count + 1):
        data = record(number, rng, base)
        if spacing and number % spacing == 0 and number // spacing <= invalid:
            broken = _broken(data, _BREAKS[(number // spacing - 1) % len(_BREAKS)])
            yield broken if isinstance(broken, str) else json.dumps(broken)
        else:
            yield json.dumps(data)


def write_jsonl(path: Path, count: int, invalid: int = 0, seed: int = 7) -> Path:
    """Write a sample input a line at a time (it is never held whole in memory)."""
    with path.open("w", encoding="utf-8") as handle:
        for line in lines(count, invalid, seed):
            handle.write(line + "\n")
    return path
