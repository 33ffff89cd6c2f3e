import pytest

from docgen.privacy import SSN


def test_only_last_four_are_kept() -> None:
    ssn = SSN("889-88-9988")
    assert ssn.last4 == "9988"
    assert ssn.masked == "XXX-XX-9988"
    assert str(ssn) == repr(ssn).split("'")[1] == "XXX-XX-9988"
    # Nothing but the last four survives parsing: no attribute holds the rest.
    assert [getattr(ssn, slot) for slot in SSN.__slots__] == ["9988"]


def test_unformatted_digits_are_accepted() -> None:
    assert SSN("998771234").masked == "XXX-XX-1234"


@pytest.mark.parametrize(
    "raw",
    [
        "12-345-6789",
        "88988998",
        "889-88-99881",
        "abc-de-fghi",
        "000-12-3456",
        "666-12-3456",
        "123-00-4567",
        "123-45-0000",
    ],
)
def test_impossible_numbers_are_refused_without_echoing_them(raw: str) -> None:
    with pytest.raises(ValueError) as caught:
        SSN(raw)
    assert raw not in str(caught.value)
