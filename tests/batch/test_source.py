"""Batch input read a record at a time, resumed by position, re-read by locator."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.batch.source import MAX_RECORD_BYTES, Source
from docgen.errors import InputError


def test_lines_are_numbered_as_an_editor_shows_them_and_blank_lines_skipped(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"a": 1}\n\n{"b": 2}\r\n{"c": 3}')
    source = Source(path)
    records = list(source.records(0, 0))
    assert [(r.line, r.data) for r in records] == [(1, b'{"a": 1}\n'), (3, b'{"b": 2}\r\n'), (4, b'{"c": 3}')]
    assert [source.read(r.locator) for r in records] == [r.data for r in records]
    # Resuming after the first record yields exactly the rest.
    rest = list(source.records(records[0].line, records[0].resume_at))
    assert [r.line for r in rest] == [3, 4]


def test_an_oversized_record_is_flagged_not_read(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"x" * (MAX_RECORD_BYTES + 10) + b"\n" + b'{"ok": true}\n')
    records = list(Source(path).records(0, 0))
    assert [(r.line, r.data) for r in records] == [(1, None), (2, b'{"ok": true}\n')]


def test_folder_records_come_in_file_name_order(tmp_path: Path) -> None:
    for name in ("b.json", "a.json", "c.txt"):
        (tmp_path / name).write_text(name)
    source = Source(tmp_path)
    assert [(r.line, r.locator.name, r.data) for r in source.records(0, 0)] == [(1, "a.json", b"a.json"), (2, "b.json", b"b.json")]
    assert [r.locator.name for r in source.records(1, 1)] == ["b.json"]


def test_fingerprint_follows_content(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"a": 1}\n')
    first = Source(path).fingerprint()
    assert Source(path).fingerprint() == first
    path.write_text('{"a": 2}\n')
    assert Source(path).fingerprint() != first


def test_missing_input_is_reported_by_path(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        Source(tmp_path / "missing.jsonl")
    assert [(p.path, p.rule) for p in caught.value.problems] == [("input", "readable-file")]
