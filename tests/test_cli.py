"""The `docgen` command: exit statuses, problems on stderr, no half-written output."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from docgen.cli import main
from docgen.store import Store
from tests.conftest import JANE, ROOT

DOCGEN = Path(sys.executable).with_name("docgen")


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data))
    return path


def test_render_writes_a_pdf(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "summary.pdf"
    assert main(["render", "summary", str(JANE), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in out.parent.iterdir()] == ["summary.pdf"]


def test_html_option_writes_the_final_html(tmp_path: Path) -> None:
    out = tmp_path / "statement.html"
    assert main(["render", "confirmation", str(JANE), "--html", str(out)]) == 0
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and "0000020131" in html and "889-88-9988" not in html


def test_bad_input_exits_2_with_one_problem_per_line(
    tmp_path: Path, jane: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    jane["elections"]["medical"] = {"elected": False}
    jane["dependents"][1]["date_of_birth"] = "1994-13-11"
    out = tmp_path / "c.pdf"
    assert main(["render", "confirmation", str(write(tmp_path, jane)), "-o", str(out)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["dependents[1].date_of_birth: must be a real calendar date, YYYY-MM-DD [iso-date]"]
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.json"]


def test_rule_problems_are_listed_together(
    tmp_path: Path, jane: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    jane["elections"]["medical"] = {"elected": False}
    assert main(["validate", "summary", str(write(tmp_path, jane))]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "elections.dental.elected: dental requires medical to be elected [dental-requires-medical]",
        "elections.vision.elected: vision requires medical to be elected [vision-requires-medical]",
    ]


def test_failed_render_keeps_an_existing_file(tmp_path: Path, jane: dict[str, Any]) -> None:
    out = tmp_path / "c.pdf"
    out.write_bytes(b"previous")
    jane["participant"]["participant_id"] = "1"
    assert main(["render", "confirmation", str(write(tmp_path, jane)), "-o", str(out)]) == 2
    assert out.read_bytes() == b"previous"


def test_missing_input_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "summary", str(tmp_path / "nope.json"), "-o", str(tmp_path / "x.pdf")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_unknown_kind_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["render", "brochure", str(JANE), "-o", str(tmp_path / "x.pdf")])
    assert caught.value.code == 2


def test_examples_renders_each_kind_per_example(tmp_path: Path) -> None:
    examples = tmp_path / "examples"
    examples.mkdir()
    (examples / "jane.json").write_bytes(JANE.read_bytes())
    assert main(["examples", str(examples), "--out", str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out" / "jane").iterdir()) == ["confirmation.pdf", "summary.pdf"]


def test_console_script_is_deterministic_across_processes(tmp_path: Path) -> None:
    digests = set()
    for attempt in range(2):
        out = tmp_path / f"c{attempt}.pdf"
        done = subprocess.run(
            [str(DOCGEN), "render", "confirmation", str(JANE), "-o", str(out)],
            capture_output=True, text=True, cwd=ROOT, check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""  # no warnings, no logs
        digests.add(hashlib.sha256(out.read_bytes()).hexdigest())
    assert len(digests) == 1


def test_pdftotext_sees_what_the_acceptance_asks(tmp_path: Path) -> None:
    out = tmp_path / "c.pdf"
    assert main(["render", "confirmation", str(JANE), "-o", str(out)]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("001067577990161832220160415140752", "0000020131", "XXX-XX-9988", "1,300.00", "2,600.00"):
        assert expected in text
    assert "889-88-9988" not in text


def test_keys_create_prints_the_key_alone_on_the_last_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "keys.db"
    assert main(["keys", "create", "portal", "--scope", "documents:render", "--scope", "metrics:read", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    key = lines[-1]
    assert key.startswith("dgk_") and " " not in key and "shown once" in lines[0]
    assert Store(db).authenticate(key) is not None


def test_keys_list_and_revoke(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "keys.db")
    assert main(["keys", "create", "portal", "--scope", "documents:render", "--db", db]) == 0
    key = capsys.readouterr().out.splitlines()[-1]
    assert main(["keys", "list", "--db", db]) == 0
    listing = capsys.readouterr().out
    assert listing.startswith("portal ") and "documents:render" in listing and "active" in listing
    assert key not in listing and key.split("_")[1] not in listing
    assert main(["keys", "revoke", "portal", "--db", db]) == 0
    assert main(["keys", "list", "--db", db]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["keys", "revoke", "nobody", "--db", db]) == 1
    assert "no key is named 'nobody'" in capsys.readouterr().err


def test_keys_need_a_known_scope(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["keys", "create", "portal", "--scope", "everything", "--db", str(tmp_path / "k.db")])
    assert caught.value.code == 2


def test_serve_refuses_a_bad_setting_before_starting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "70000", "--db", str(tmp_path / "s.db")]) == 1
    assert "DOCGEN_PORT=70000: must be from 0 to 65535" in capsys.readouterr().err
    assert not (tmp_path / "s.db").exists()
