"""`docgen db copy`: a SQLite installation's keys, audit key and rows into PostgreSQL, checked by counts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench.services import PASSWORD, Postgres
from docgen.cli import main
from docgen.store import Store
from tests.store.conftest import RENDER, audit_entry


def test_db_copy_moves_keys_audit_key_and_rows(
    tmp_path: Path, postgres: Postgres, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = Store(tmp_path / "docgen.db")
    key = source.create_key("portal", RENDER)
    source.create_key("old", RENDER)
    source.revoke_key("old")
    secret = source.audit_secret()
    for number in range(7):
        source.record(audit_entry(f"r{number}", None))
    source.close()
    url = postgres.database()
    assert main(["db", "upgrade", "--db", url.url]) == 0
    # --to defaults to DOCGEN_DB: the URL's password stays off the command line.
    monkeypatch.setenv("DOCGEN_DB", url.url)
    assert main(["db", "copy", "--from", str(tmp_path / "docgen.db")]) == 0
    monkeypatch.delenv("DOCGEN_DB")
    out = capsys.readouterr().out
    assert out.endswith("2 keys, 1 secrets, 7 audit rows (counts checked)\n") and PASSWORD not in out
    target = Store(url)
    found = target.authenticate(key)
    assert found is not None and found.name == "portal"
    assert [k.active for k in target.list_keys()] == [False, True]
    assert target.audit_secret() == secret
    assert [row.request_id for row in target.audit_log()] == [f"r{n}" for n in reversed(range(7))]
    target.close()
    # Again into the same database: refused, nothing doubled.
    assert main(["db", "copy", "--from", str(tmp_path / "docgen.db"), "--to", url.url]) == 2
    assert "already holds 2 api_keys, 1 secrets, 7 audit_log [copy-target-empty]" in capsys.readouterr().err
    assert main(["db", "copy", "--from", str(tmp_path / "nothing.db"), "--to", url.url]) == 2
    assert not (tmp_path / "nothing.db").exists()
    assert main(["db", "copy", "--from", str(tmp_path / "docgen.db")]) == 2
    assert "--to: name the target database, or set DOCGEN_DB [copy-target-given]" in capsys.readouterr().err


def test_a_copy_whose_counts_differ_keeps_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The target silently drops one audit row (a trigger its administrator left there): the counts
    # differ, so the copy is refused as a whole, not kept short by one.
    source = Store(tmp_path / "old.db")
    source.create_key("portal", RENDER)
    for number in range(3):
        source.record(audit_entry(f"r{number}", None))
    source.close()
    Store(tmp_path / "new.db").close()
    with sqlite3.connect(tmp_path / "new.db") as db:
        db.execute(
            "CREATE TRIGGER drop_one BEFORE INSERT ON audit_log WHEN NEW.request_id = 'r1'"
            " BEGIN SELECT RAISE(IGNORE); END"
        )
    assert main(["db", "copy", "--from", str(tmp_path / "old.db"), "--to", str(tmp_path / "new.db")]) == 1
    err = capsys.readouterr().err
    assert "copy incomplete, nothing kept: expected {'api_keys': 1, 'secrets': 0, 'audit_log': 3}" in err
    assert "'audit_log': 2}" in err
    target = Store(tmp_path / "new.db")
    assert target.list_keys() == [] and target.audit_log() == []
    target.close()
