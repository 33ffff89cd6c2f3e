"""The public API: `__all__` is sorted and names exactly what exists (httpx's own test)."""

import docgen


def test_all_is_sorted_and_complete() -> None:
    exported = docgen.__all__
    assert exported == sorted(exported, key=lambda name: (not name.isupper(), name))
    missing = [name for name in exported if not hasattr(docgen, name)]
    assert missing == []


def test_version_is_a_string() -> None:
    assert docgen.__version__.count(".") == 2
