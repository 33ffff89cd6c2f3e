"""Input model: the portal's shape accepted unchanged, every problem reported with its JSON path."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from docgen.enrollment.model import Enrollment, parse_enrollment
from docgen.errors import InputError
from docgen.parsing import json_path
from tests.conftest import ENROLLMENT_EXAMPLES, SHARED_EXAMPLES


def problems(data: dict[str, Any] | bytes) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as caught:
        parse_enrollment(data if isinstance(data, bytes) else json.dumps(data))
    return [(p.path, p.rule) for p in caught.value.problems]


@pytest.mark.parametrize("path", ENROLLMENT_EXAMPLES, ids=lambda p: p.name)
def test_project_examples_parse(path: Path) -> None:
    assert isinstance(parse_enrollment(path.read_bytes()), Enrollment)


def _shared_examples() -> list[Path]:
    return sorted(SHARED_EXAMPLES.glob("*.json")) if SHARED_EXAMPLES.is_dir() else []


@pytest.mark.skipif(not SHARED_EXAMPLES.is_dir(), reason="../shared is not beside this checkout")
@pytest.mark.parametrize("path", _shared_examples(), ids=lambda p: p.name)
def test_shared_examples_parse_unchanged(path: Path) -> None:
    assert isinstance(parse_enrollment(path.read_bytes()), Enrollment)


def test_example_values_are_typed(jane: dict[str, Any]) -> None:
    enrollment = parse_enrollment(json.dumps(jane))
    flex = enrollment.elections.medical_spending_account
    assert flex is not None and flex.per_pay_employee == Decimal("50.00")
    assert isinstance(flex.per_pay_employee, Decimal)
    assert enrollment.group.plan_year.start.isoformat() == "2016-07-01"
    assert enrollment.dependents[0].ssn.masked == "XXX-XX-9988"


def test_models_are_frozen(jane: dict[str, Any]) -> None:
    enrollment = parse_enrollment(json.dumps(jane))
    with pytest.raises(Exception, match="frozen"):
        enrollment.participant.first_name = "X"  # type: ignore[misc]


def test_json_path_format() -> None:
    assert json_path(("dependents", 1, "date_of_birth")) == "dependents[1].date_of_birth"
    assert json_path(("elections", "dental", "elected")) == "elections.dental.elected"
    assert json_path(()) == "$"


def test_every_problem_is_reported_at_once(jane: dict[str, Any]) -> None:
    jane["dependents"][1]["date_of_birth"] = "08/11/1994"
    jane["elections"]["dental"]["elected"] = "yes please"
    del jane["group"]["name"]
    assert problems(jane) == [
        ("group.name", "required"),
        ("dependents[1].date_of_birth", "iso-date"),
        ("elections.dental.elected", "type-boolean"),
    ]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["dependents"][0].update(date_of_birth="2016-02-30"), ("dependents[0].date_of_birth", "iso-date")),
        (lambda d: d["dependents"][0].update(date_of_birth=20160101), ("dependents[0].date_of_birth", "iso-date")),
        (lambda d: d["enrollment"].update(submitted_at="2016-04-15"), ("enrollment.submitted_at", "iso-datetime")),
        (lambda d: d["participant"].update(nickname="J"), ("participant.nickname", "unknown-field")),
        (
            lambda d: d["participant"].update(participant_id="7799016183"),
            ("participant.participant_id", "participant-id"),
        ),
        (lambda d: d["participant"]["address"].update(zip="5990"), ("participant.address.zip", "zip")),
        (lambda d: d["participant"]["address"].update(state="Montana"), ("participant.address.state", "state")),
        (lambda d: d["participant"].update(gender="Female"), ("participant.gender", "allowed-values")),
        (lambda d: d["participant"].update(email="jane at example"), ("participant.email", "email")),
        (lambda d: d["participant"].update(first_name=""), ("participant.first_name", "required")),
        (lambda d: d["dependents"][1].update(dependent_id="2"), ("dependents[1].dependent_id", "dependent-id")),
        (lambda d: d["dependents"][1].update(status="Pending"), ("dependents[1].status", "allowed-values")),
        (lambda d: d["group"].update(pay_periods_per_year=0), ("group.pay_periods_per_year", "range")),
        (lambda d: d["group"]["id_card"]["rx"].update(bin="12345"), ("group.id_card.rx.bin", "rx-bin")),
        (
            lambda d: d["elections"]["medical_spending_account"].update(per_pay_employee="-1.00"),
            ("elections.medical_spending_account.per_pay_employee", "money-non-negative"),
        ),
        (
            lambda d: d["elections"]["medical_spending_account"].update(per_pay_employee="50.001"),
            ("elections.medical_spending_account.per_pay_employee", "money-cents"),
        ),
        (
            lambda d: d["elections"]["medical_spending_account"].update(per_pay_employee="fifty"),
            ("elections.medical_spending_account.per_pay_employee", "money"),
        ),
        (
            lambda d: d["elections"]["medical_spending_account"].update(per_pay_employee="NaN"),
            ("elections.medical_spending_account.per_pay_employee", "money"),
        ),
        # 38 digits once crashed the cents check (decimal.InvalidOperation); found by schemathesis.
        (
            lambda d: d["group"]["id_card"]["copays"][0].update(amount="16807586895572707181511672320051074021"),
            ("group.id_card.copays[0].amount", "money"),
        ),
        (
            lambda d: d["elections"]["dental"].update(covered_dependents="01"),
            ("elections.dental.covered_dependents", "type-array"),
        ),
        (lambda d: d.update(dependents={}), ("dependents", "type-array")),
    ],
)
def test_schema_rule_and_path(jane: dict[str, Any], mutate: Any, expected: tuple[str, str]) -> None:
    mutate(jane)
    assert problems(jane) == [expected]


def test_malformed_json_is_a_problem_at_the_root() -> None:
    assert problems(b'{"administrator": ') == [("$", "json-syntax")]


def test_bad_ssn_is_reported_without_its_value(jane: dict[str, Any]) -> None:
    jane["dependents"][0]["ssn"] = "889-88-99"
    with pytest.raises(InputError) as caught:
        parse_enrollment(json.dumps(jane))
    assert [(p.path, p.rule) for p in caught.value.problems] == [("dependents[0].ssn", "ssn")]
    assert "889-88-99" not in str(caught.value)
    # No pydantic error (which repeats input values) rides along as cause or context.
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None or caught.value.__suppress_context__


def test_money_accepts_json_numbers(jane: dict[str, Any]) -> None:
    jane["elections"]["medical_spending_account"]["per_pay_employee"] = 50.5
    flex = parse_enrollment(json.dumps(jane)).elections.medical_spending_account
    assert flex is not None and flex.per_pay_employee == Decimal("50.5")


def test_optional_additions_are_optional(jane: dict[str, Any]) -> None:
    for key in ("id_card", "flex"):
        del jane["group"][key]
    enrollment = parse_enrollment(json.dumps(jane))
    assert enrollment.group.pay_dates is None and enrollment.administrator.customer_service_hours is None


def test_dump_never_contains_a_full_ssn(jane: dict[str, Any]) -> None:
    enrollment = parse_enrollment(json.dumps(jane))
    dumped = enrollment.model_dump_json() + repr(enrollment)
    assert "889-88-9988" not in dumped and "XXX-XX-9988" in dumped


def test_json_schema_describes_the_input() -> None:
    schema = Enrollment.model_json_schema()
    assert set(schema["required"]) == {"administrator", "group", "enrollment", "participant", "elections"}
    dependent = schema["$defs"]["Dependent"]["properties"]
    assert dependent["date_of_birth"]["format"] == "date"
    assert dependent["ssn"]["pattern"]


def test_claims_are_an_optional_list_of_expense_lines() -> None:
    schema = Enrollment.model_json_schema()
    assert "claims" in schema["properties"] and "claims" not in schema["required"]
    line = schema["$defs"]["ExpenseLine"]
    assert set(line["required"]) == {"account", "service_start", "provider", "description", "amount"}
    assert schema["$defs"]["FlexAccount"]["enum"] == ["medical_spending_account", "day_care_spending_account"]


@pytest.mark.parametrize(
    ("path", "value", "rule"),
    [
        # Issue 16: each of these was taken, and a statement printed 50.00 x 1 = 50.00.
        (("group", "pay_periods_per_year"), True, "type-integer"),
        (("group", "pay_periods_per_year"), 26.0, "type-integer"),
        (("group", "pay_periods_per_year"), "26", "type-integer"),
        (("elections", "medical", "elected"), "yes", "type-boolean"),
        (("elections", "medical", "elected"), 1, "type-boolean"),
        (("dependents", 0, "student"), "false", "type-boolean"),
        (("elections", "medical_spending_account", "per_pay_employee"), "5_0.00", "money"),
        (("elections", "medical_spending_account", "per_pay_employee"), "５０.００", "money"),
        (("elections", "medical_spending_account", "per_pay_employee"), "٥٠.٠٠", "money"),
        (("elections", "medical_spending_account", "per_pay_employee"), " 50.00", "money"),
        (("elections", "medical_spending_account", "per_pay_employee"), "50.", "money"),
        (("elections", "medical_spending_account", "per_pay_employee"), "5e1", "money"),
        (("elections", "medical_spending_account", "per_pay_employee"), 1e20, "money"),
        (("elections", "medical_spending_account", "per_pay_employee"), True, "money"),
        (("dependents", 0, "date_of_birth"), "١٩٥٢-٠٧-٠٣", "iso-date"),
        (("dependents", 0, "ssn"), "٨٨٩-٨٨-٩٩٨٨", "ssn"),
        (("participant", "participant_id"), "７７９９０１６１８３２２", "participant-id"),
        (("participant", "address", "zip"), "５９９０１", "zip"),
        # A plan year ending 9999-12-31 overflowed the claim forms' deadline (OverflowError).
        (("group", "plan_year", "end"), "9999-12-31", "date-supported"),
        (("dependents", 0, "date_of_birth"), "1899-12-31", "date-supported"),
        (("enrollment", "submitted_at"), "2100-01-01T00:00:00", "date-supported"),
    ],
)
def test_types_are_strict_where_money_depends_on_them(
    jane: dict[str, Any], path: tuple[str | int, ...], value: Any, rule: str
) -> None:
    target: Any = jane
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    location = json_path(path)
    assert problems(jane) == [(location, rule)]


@pytest.mark.parametrize(("value", "amount"), [("1300", "1300"), ("0.5", "0.5"), (1300, "1300"), (50.25, "50.25")])
def test_money_takes_plain_digits_and_json_numbers(jane: dict[str, Any], value: Any, amount: str) -> None:
    jane["elections"]["medical_spending_account"]["per_pay_employee"] = value
    flex = parse_enrollment(json.dumps(jane)).elections.medical_spending_account
    assert flex is not None and flex.per_pay_employee == Decimal(amount)


def test_unknown_field_suggests_the_nearest_name(jane: dict[str, Any]) -> None:
    jane["participant"]["lastname"] = jane["participant"].pop("last_name")
    with pytest.raises(InputError) as caught:
        parse_enrollment(json.dumps(jane))
    assert [str(p) for p in caught.value.problems] == [
        "participant.last_name: is required [required]",
        "participant.lastname: is not a field of this document; did you mean last_name? [unknown-field]",
    ]


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("lastname", "last_name"),
        ("firstName", "first_name"),
        ("birth_date", "date_of_birth"),
        ("birthDate", "date_of_birth"),
    ],
)
def test_an_unknown_field_names_the_field_meant(jane: dict[str, Any], given: str, meant: str) -> None:
    jane["participant"]["nickname"] = "J"
    jane["participant"][given] = "x"
    with pytest.raises(InputError) as caught:
        parse_enrollment(json.dumps(jane))
    messages = {p.path: p.message for p in caught.value.problems if p.rule == "unknown-field"}
    assert messages == {
        "participant.nickname": "is not a field of this document; check its spelling",
        f"participant.{given}": f"is not a field of this document; did you mean {meant}?",
    }


def test_a_key_shaped_like_an_ssn_is_masked_in_the_path(jane: dict[str, Any]) -> None:
    jane["dependents"][0]["889-88-9988"] = True
    jane["participant"]["x" * 300] = 1
    with pytest.raises(InputError) as caught:
        parse_enrollment(json.dumps(jane))
    paths = [p.path for p in caught.value.problems]
    assert paths == ["participant." + "x" * 40 + "...", "dependents[0].XXX-XX-9988"]
    assert "889-88-9988" not in str(caught.value) and "889889988" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "rule"),
    [(b"[" * 5000 + b"]" * 5000, "json-depth"), (b'{"a": NaN}', "json-syntax"), (b"\xff\xfe{", "json-syntax")],
)
def test_json_that_cannot_be_read_is_one_problem_at_the_root(text: bytes, rule: str) -> None:
    assert problems(text) == [("$", rule)]


@pytest.mark.parametrize(
    ("path", "longest"),
    [
        # ASC X12 834 sizes (issue 25: 200-letter names made one request cost 25 s of a worker).
        (("participant", "first_name"), 35),
        (("participant", "middle_name"), 25),
        (("participant", "last_name"), 60),
        (("dependents", 0, "last_name"), 60),
        (("participant", "address", "line1"), 55),
        (("participant", "address", "city"), 30),
        (("administrator", "name"), 60),
        (("group", "name"), 60),
        (("elections", "medical", "plan"), 50),
        (("group", "id_card", "rx", "pcn"), 10),
        (("group", "id_card", "rx", "group"), 15),
    ],
)
def test_text_sizes_follow_the_enrollment_transaction(
    jane: dict[str, Any], path: tuple[str | int, ...], longest: int
) -> None:
    target: Any = jane
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = "W" * longest
    parse_enrollment(json.dumps(jane))
    target[path[-1]] = "W" * (longest + 1)
    assert problems(jane) == [(json_path(path), "max-length")]


def test_at_most_fourteen_dependents_and_twenty_claim_lines(jane: dict[str, Any]) -> None:
    jane["dependents"] = [dict(jane["dependents"][1], dependent_id=f"{i:02d}") for i in range(1, 16)]
    jane["claims"] = [
        {
            "account": "medical_spending_account",
            "service_start": "2016-08-01",
            "provider": "P",
            "description": "D",
            "amount": "1.00",
        }
    ] * 21
    jane["group"]["pay_dates"] = ["2016-07-08"] * 367
    assert problems(jane) == [("group.pay_dates", "max-items"), ("dependents", "max-items"), ("claims", "max-items")]


def test_length_messages_speak_as_the_rest(jane: dict[str, Any]) -> None:
    jane["participant"]["first_name"] = "A" * 36
    jane["dependents"] = [jane["dependents"][0]] * 15
    with pytest.raises(InputError) as caught:
        parse_enrollment(json.dumps(jane))
    assert [p.message for p in caught.value.problems] == [
        "must have at most 35 characters",
        "must have at most 14 items, not 15",
    ]


@pytest.mark.parametrize("value", ["-0", "-0.00", -0.0])
def test_a_negative_zero_is_zero(jane: dict[str, Any], value: Any) -> None:
    jane["elections"]["medical_spending_account"]["per_pay_employer"] = value
    flex = parse_enrollment(json.dumps(jane)).elections.medical_spending_account
    assert flex is not None and flex.per_pay_employer == 0 and not flex.per_pay_employer.is_signed()


@pytest.mark.parametrize("key", ["123 45 6789", "123.45.6789", "123456789"])
def test_ssn_shaped_keys_are_masked_whatever_their_separators(jane: dict[str, Any], key: str) -> None:
    jane["participant"][key] = 1
    with pytest.raises(InputError) as caught:
        parse_enrollment(json.dumps(jane))
    assert [p.path for p in caught.value.problems] == ["participant.XXX-XX-6789"]
