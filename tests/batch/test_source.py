"""Batch input read a record at a time, resumed by position, re-read by locator."""

from __future__ import annotations

import os
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
    assert [(r.line, r.locator.name, r.data) for r in source.records(0, 0)] == [
        (1, "a.json", b"a.json"),
        (2, "b.json", b"b.json"),
    ]
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


def _written_earlier(*paths: Path) -> None:
    """As an input is written before its run: without this, an edit right after could share the
    previous write's timestamps on a kernel with coarse (clock-tick) file times."""
    for path in paths:
        past = path.stat().st_mtime_ns - 3600 * 10**9
        os.utime(path, ns=(past, past))


def _edit_same_length(path: Path, old: bytes, new: bytes) -> None:
    assert len(old) == len(new)
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new))


def test_a_record_edited_after_the_scan_is_refused_not_read(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"name": "ann"}\n{"name": "bob"}\n')
    scanned = list(Source(path).records(0, 0))
    _edit_same_length(path, b"bob", b"rob")
    # A run opened after the edit (its stat stamps agree) still refuses: the content differs from the scan.
    with pytest.raises(InputError) as caught:
        Source(path).read(scanned[1].locator)
    assert [(p.path, p.rule) for p in caught.value.problems] == [("input", "batch-input-changed")]
    assert str(path) in str(caught.value)


def test_any_write_to_the_input_after_it_was_opened_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"name": "ann"}\n{"name": "bob"}\n')
    _written_earlier(path)
    source = Source(path)
    first, second = source.records(0, 0)
    source.verify([first.locator, second.locator])
    _edit_same_length(path, b"bob", b"rob")
    with pytest.raises(InputError, match="batch-input-changed"):
        source.verify([first.locator])
    # Even the record whose bytes did not change: the file is no longer the input the job was keyed to.
    with pytest.raises(InputError, match="batch-input-changed"):
        source.read(first.locator)
    with pytest.raises(InputError, match="batch-input-changed"):
        source.fingerprint()


def test_a_folder_input_notices_an_edited_or_added_record_but_not_other_files(tmp_path: Path) -> None:
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(f'"{name}"')
        _written_earlier(tmp_path / name)
    source = Source(tmp_path)
    a, b = source.records(0, 0)
    (tmp_path / "notes.txt").write_text("not a record")
    source.verify_all()
    (tmp_path / "c.json").write_text('"c.json"')
    with pytest.raises(InputError, match="batch-input-changed"):
        source.verify_all()
    (tmp_path / "c.json").unlink()
    source.verify_all()
    _edit_same_length(tmp_path / "b.json", b"b.json", b"B.json")
    source.verify([a.locator])
    with pytest.raises(InputError, match="batch-input-changed"):
        source.read(b.locator)
