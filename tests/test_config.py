"""DOCGEN_* settings: defaults, overrides, and errors that name the key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docgen.config import isolate_fontconfig, load_settings
from docgen.errors import ConfigError
from tests.conftest import ROOT


def test_default_home_is_the_checkout() -> None:
    settings = load_settings({})
    assert settings.home == ROOT
    assert (settings.templates_dir / "base.html").is_file()
    assert (settings.fonts_dir / "LiberationSans-Regular.ttf").is_file()


def test_home_can_be_moved(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    assert load_settings({"DOCGEN_HOME": str(tmp_path)}).assets_dir == tmp_path / "assets"


def test_a_bad_home_names_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DOCGEN_HOME"):
        load_settings({"DOCGEN_HOME": str(tmp_path / "nowhere")})


def test_fontconfig_sees_only_the_bundled_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FONTCONFIG_FILE", raising=False)
    isolate_fontconfig(ROOT / "fonts", tmp_path)
    conf = (tmp_path / "fonts.conf").read_text()
    assert f"<dir>{ROOT / 'fonts'}</dir>" in conf
    assert "/usr/share/fonts" not in conf and "<include" not in conf
    assert os.environ["FONTCONFIG_FILE"] == str(tmp_path / "fonts.conf")
