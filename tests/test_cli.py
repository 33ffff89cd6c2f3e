"""The `docgen` command: exit statuses, problems on stderr, no half-written output."""

from __future__ import annotations

import hashlib
import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from docgen.cli import main
from docgen.store import Store
from tests.conftest import JANE, MARY, ROOT, break_in_every_layer

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
    # The schema problem and the rules it does not touch, in one answer (issue 16).
    assert lines == [
        "dependents[1].date_of_birth: must be a real calendar date, YYYY-MM-DD [iso-date]",
        "elections.dental.elected: dental requires medical to be elected [dental-requires-medical]",
        "elections.vision.elected: vision requires medical to be elected [vision-requires-medical]",
    ]
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


def test_notice_languages_prints_a_multi_state_plan_s_list_for_its_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["notice-languages", "MI", "OH", "--ranking"]) == 0
    lines = capsys.readouterr().out.splitlines()
    chosen = json.loads(lines[-1])["language_assistance"]
    assert len(chosen) == 15 and chosen[:2] == ["es", "ar"] and "syr" in chosen and "pdc" in chosen
    assert main(["notice-languages", "OK", "--ranking"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.split()[1:3] == ["-", "Cherokee"] for line in lines[:-1])  # passed over, with why
    # A territory has no Census figures: a usage error naming the choices.
    with pytest.raises(SystemExit) as caught:
        main(["notice-languages", "GU"])
    assert caught.value.code == 2 and "invalid choice: 'GU'" in capsys.readouterr().err


def test_examples_renders_each_kind_per_example(tmp_path: Path) -> None:
    examples = tmp_path / "examples"
    examples.mkdir()
    (examples / "jane.json").write_bytes(JANE.read_bytes())
    assert main(["examples", str(examples), "--out", str(tmp_path / "out")]) == 0
    cards = [f"id-card-{code}{suffix}" for code in ("00", "01", "02") for suffix in ("-back.png", "-front.png", ".pdf")]
    assert sorted(p.name for p in (tmp_path / "out" / "jane").iterdir()) == sorted(
        [
            "confirmation.pdf",
            "dependent-care-claim.pdf",
            "health-fsa-claim.pdf",
            "summary.pdf",
            *cards,
            "id-card-sheet.pdf",
        ]
    )


def test_examples_skips_the_form_of_a_declined_account(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    examples = tmp_path / "examples"
    examples.mkdir()
    (examples / "solo.json").write_bytes((ROOT / "examples" / "participant-only.json").read_bytes())
    assert main(["examples", str(examples), "--out", str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out" / "solo").iterdir()) == [
        "confirmation.pdf",
        "health-fsa-claim.pdf",
        "id-card-00-back.png",
        "id-card-00-front.png",
        "id-card-00.pdf",
        "id-card-sheet.pdf",
        "summary.pdf",
    ]
    assert capsys.readouterr().err.splitlines() == [
        f"{examples / 'solo.json'} (dependent-care-claim): skipped: elections.day_care_spending_account.elected:"
        " the participant declined the Dependent Care FSA, so there is no Dependent Care FSA to claim from"
        " [claim-account-elected]"
    ]


def test_claim_form_of_a_declined_account_exits_2(
    tmp_path: Path, jane: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    jane["elections"]["medical_spending_account"] = {"elected": False}
    out = tmp_path / "h.pdf"
    assert main(["render", "health-fsa-claim", str(write(tmp_path, jane)), "-o", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "elections.medical_spending_account.elected: the participant declined the Health FSA,"
        " so there is no Health FSA to claim from [claim-account-elected]"
    ]
    assert not out.exists()


def test_bad_expense_line_exits_2_with_its_path(
    tmp_path: Path, jane: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    line = {
        "account": "medical_spending_account",
        "service_start": "2016-08-01",
        "provider": "Clinic",
        "description": "Visit",
        "amount": "25.00",
    }
    jane["claims"] = [line, line, {**line, "amount": "25.005"}, {**line, "service_start": "2017-08-01"}]
    assert main(["validate", "health-fsa-claim", str(write(tmp_path, jane))]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "claims[2].amount: must have at most two decimal places [money-cents]",
    ]
    jane["claims"][2]["amount"] = "25.00"
    assert main(["validate", "health-fsa-claim", str(write(tmp_path, jane))]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "claims[3].service_start: must fall inside the Health FSA coverage period 2016-07-01 to 2017-06-30"
        " (the run-out is only for submitting) [claim-in-plan-year]",
    ]


def test_console_script_is_deterministic_across_processes(tmp_path: Path) -> None:
    digests = set()
    for attempt in range(2):
        out = tmp_path / f"c{attempt}.pdf"
        done = subprocess.run(
            [str(DOCGEN), "render", "confirmation", str(JANE), "-o", str(out)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
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


def test_render_tax_savings(tmp_path: Path) -> None:
    out = tmp_path / "tax-savings.pdf"
    assert main(["render", "tax-savings", str(MARY), "-o", str(out)]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "$1,548" in text and "$129" in text


def test_examples_render_each_shape_only_as_its_kinds(tmp_path: Path) -> None:
    examples = tmp_path / "examples"
    examples.mkdir()
    (examples / "jane.json").write_bytes(JANE.read_bytes())
    (examples / "mary.json").write_bytes(MARY.read_bytes())
    assert main(["examples", str(examples), "--out", str(tmp_path / "out")]) == 0
    jane_files = {p.name for p in (tmp_path / "out" / "jane").iterdir()}
    assert {"confirmation.pdf", "summary.pdf", "id-card-00.pdf"} <= jane_files
    assert "tax-savings.pdf" not in jane_files
    assert sorted(p.name for p in (tmp_path / "out" / "mary").iterdir()) == ["tax-savings.pdf"]


def test_wrong_shape_is_one_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.pdf"
    assert main(["render", "summary", str(MARY), "-o", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "$: this is an illustration input; summary takes an enrollment input [input-shape]"
    ]
    assert not out.exists()


def test_illustration_limit_problem_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(MARY.read_bytes())
    data["expenses"][1]["amount"] = "300.00"
    out = tmp_path / "t.pdf"
    assert main(["render", "tax-savings", str(write(tmp_path, data)), "-o", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "expenses[1].amount: brings the annual total to 3,600.00 (12 pay periods), over the plan's"
        " health FSA maximum of 3,300.00 [health-fsa-max]"
    ]
    assert not out.exists()


def test_schema_of_the_illustration_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "illustration"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"pay", "tax", "expenses"} <= set(schema["required"])
    assert "overrides" in schema["properties"]


@pytest.mark.parametrize("kind", ["health-fsa-claim", "dependent-care-claim"])
def test_pdftotext_sees_the_claim_forms_acceptance(tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"{kind}.pdf"
    assert main(["render", kind, str(JANE), "-o", str(out)]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("779901618322", "07/01/2016 – 06/30/2017", "1-877-828-3329", "09/28/2017"):
        assert expected in text, expected


def test_keys_create_prints_the_key_alone_on_the_last_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "keys.db"
    assert (
        main(["keys", "create", "portal", "--scope", "documents:render", "--scope", "metrics:read", "--db", str(db)])
        == 0
    )
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
    assert main(["keys", "revoke", "nobody", "--db", db]) == 2
    assert "name: no key is named 'nobody' [key-name-known]" in capsys.readouterr().err


def test_keys_need_a_known_scope(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["keys", "create", "portal", "--scope", "everything", "--db", str(tmp_path / "k.db")])
    assert caught.value.code == 2


def test_serve_refuses_a_bad_setting_before_starting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "70000", "--db", str(tmp_path / "s.db")]) == 1
    assert "DOCGEN_PORT=70000: must be from 0 to 65535" in capsys.readouterr().err
    assert main(["serve", "--client-timeout", "0", "--db", str(tmp_path / "s.db")]) == 1
    assert "DOCGEN_CLIENT_TIMEOUT=0.0: must be from 0.1 to 3600" in capsys.readouterr().err
    assert not (tmp_path / "s.db").exists()


def test_a_closed_pipe_is_not_a_traceback() -> None:
    done = subprocess.run(f"{DOCGEN} schema | head -1", shell=True, capture_output=True, text=True, check=False)
    assert done.stdout == "{\n" and done.stderr == ""


def test_validate_lists_schema_and_rule_problems_in_one_answer(
    tmp_path: Path, jane: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    expected = break_in_every_layer(jane)
    assert main(["validate", "confirmation", str(write(tmp_path, jane))]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert [(line.split(":", 1)[0], line.rsplit("[", 1)[1].rstrip("]")) for line in lines] == expected


def test_deeply_nested_json_is_a_problem_not_a_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "deep.json"
    source.write_text("[" * 10_000 + "]" * 10_000)
    assert main(["validate", "summary", str(source)]) == 2
    assert capsys.readouterr().err.splitlines() == ["$: is nested too deeply to be a docgen input [json-depth]"]


def test_keys_take_db_before_or_after_the_action(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a --db that went unread would create ./docgen.db here
    before, after = str(tmp_path / "before.db"), str(tmp_path / "after.db")
    assert main(["keys", "--db", before, "create", "portal", "--scope", "documents:render"]) == 0
    assert main(["keys", "create", "reports", "--scope", "metrics:read", "--db", after]) == 0
    capsys.readouterr()
    assert main(["keys", "--db", before, "list"]) == 0
    assert capsys.readouterr().out.startswith("portal ")
    assert main(["keys", "list", "--db", after]) == 0
    assert capsys.readouterr().out.startswith("reports ")
    # Given in both places, the action's --db wins.
    assert main(["keys", "--db", before, "revoke", "reports", "--db", after]) == 0
    assert main(["keys", "--db", after, "list"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["after.db", "before.db"]


@pytest.mark.parametrize("option", ["-o", "--html"])
@pytest.mark.parametrize("where", ["proc", "through-a-file"])
def test_an_unwritable_output_is_a_problem_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, where: str
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    folder = Path("/proc") if where == "proc" else a_file
    target = folder / ("a.pdf" if option == "-o" else "a.html")
    # Before issue 25: a FileNotFoundError or FileExistsError traceback.
    assert main(["render", "summary", str(JANE), option, str(target)]) == 2
    name = "output" if option == "-o" else "html"
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"{name}: cannot write {target}: ") and line.endswith(" [output-writable]")
    assert "Not a directory" in line or where == "proc"
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"] and a_file.read_text() == "not a folder"


def test_a_write_cut_short_leaves_nothing_behind(tmp_path: Path) -> None:
    """A file-size limit (RLIMIT_FSIZE, POSIX setrlimit) fails the write midway, as a full disk would."""
    out = tmp_path / "out" / "summary.html"

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    done = subprocess.run(
        [str(DOCGEN), "render", "summary", str(JANE), "--html", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        preexec_fn=small_files,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"html: cannot write {out}: File too large [output-writable]\n"
    assert list(out.parent.iterdir()) == []  # no .part file left


@pytest.mark.parametrize("command", ["render", "validate"])
def test_an_endless_input_stops_at_the_size_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    target = ["-o", str(tmp_path / "x.pdf")] if command == "render" else []
    # Before issue 25: read until memory ran out.
    assert main([command, "summary", "/dev/zero", *target]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "$: /dev/zero is larger than the 1048576-byte input limit (DOCGEN_BODY_LIMIT) [input-size]"
    ]
    assert list(tmp_path.iterdir()) == []


def test_the_input_limit_is_the_apis_body_limit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    size = len(JANE.read_bytes())
    monkeypatch.setenv("DOCGEN_BODY_LIMIT", str(size))
    assert main(["validate", "summary", str(JANE)]) == 0
    monkeypatch.setenv("DOCGEN_BODY_LIMIT", str(size - 1))
    assert main(["validate", "summary", str(JANE)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"$: {JANE} is larger than the {size - 1}-byte input limit (DOCGEN_BODY_LIMIT) [input-size]"
    ]


def test_examples_reports_an_oversized_example_and_an_unwritable_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    examples = tmp_path / "examples"
    examples.mkdir()
    (examples / "mary.json").write_bytes(MARY.read_bytes())
    (examples / "zero.json").write_bytes(b" " * 2048)
    monkeypatch.setenv("DOCGEN_BODY_LIMIT", "2047")
    out = tmp_path / "out"
    assert main(["examples", str(examples), "--out", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{examples / 'zero.json'}: $: {examples / 'zero.json'} is larger than the 2047-byte input limit"
        " (DOCGEN_BODY_LIMIT) [input-size]"
    ]
    assert [p.name for p in (out / "mary").iterdir()] == ["tax-savings.pdf"]
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    assert main(["examples", str(examples), "--out", str(a_file)]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"out: cannot write {a_file / 'mary' / 'tax-savings.pdf'}: Not a directory [output-writable]"
    )


def test_control_characters_reach_stderr_escaped(
    tmp_path: Path, jane: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    jane["participant"]["x\x1b[2J\u202e"] = "F"  # clears the screen, then reverses what follows
    assert main(["validate", "summary", str(write(tmp_path, jane))]) == 2
    err = capsys.readouterr().err
    [line] = err.splitlines()
    assert line.startswith("participant.x\\x1b[2J\\u202e: ") and line.endswith(" [unknown-field]")
    missing = tmp_path / "in\x1b]0;title\x07\u2066.json"
    assert main(["validate", "summary", str(missing)]) == 2
    err += capsys.readouterr().err
    assert "in\\x1b]0;title\\x07\\u2066.json: No such file" in err
    with pytest.raises(SystemExit):
        main(["kinds", "\x9b31m\x7f"])
    err += capsys.readouterr().err
    assert "unrecognized arguments: \\x9b31m\\x7f" in err
    assert not any(char in err for char in "\x1b\x07\x7f\x9b\u202e\u2066")


def test_control_characters_in_a_logged_file_name_are_escaped(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(DOCGEN), "-v", "render", "summary", str(JANE), "--html", "s\x1b[31m.html"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "docgen: wrote s\\x1b[31m.html\n"
    assert (tmp_path / "s\x1b[31m.html").is_file()


def test_file_names_on_stdout_show_control_characters_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "jane\x1b[2J.json"
    source.write_bytes(JANE.read_bytes())
    assert main(["validate", "summary", str(source)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "jane\\x1b[2J.json: valid for summary" in out


def test_golden_update_into_an_unwritable_folder_names_it(tmp_path: Path) -> None:
    # A checkout whose golden/ cannot be written (here a file stands in its place, which stops root
    # too): one problem naming the file, exit 2, never a traceback.
    home = tmp_path / "home"
    home.mkdir()
    for part in ("templates", "fonts", "assets", "locales"):
        (home / part).symlink_to(ROOT / part)
    (home / "examples").mkdir()
    (home / "examples" / "participant-only.json").write_bytes(
        (ROOT / "examples" / "participant-only.json").read_bytes()
    )
    (home / "golden").write_text("not a folder")
    result = subprocess.run(
        [DOCGEN, "golden", "--update", "--only", "summary"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DOCGEN_HOME": str(home)},
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "--update: cannot write" in result.stderr and "golden/participant-only" in result.stderr
    assert "[output-writable]" in result.stderr
