"""DOCGEN_* settings: defaults, overrides, and errors that name the key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docgen.config import (
    default_workers,
    isolate_fontconfig,
    load_server_settings,
    load_settings,
)
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


def test_server_defaults() -> None:
    settings = load_server_settings({})
    assert (settings.host, settings.port, settings.db) == ("127.0.0.1", 8000, Path("docgen.db"))
    assert settings.workers == default_workers() >= 1
    assert settings.queue == 2 * settings.workers and settings.capacity == 3 * settings.workers
    assert settings.body_limit == 1024 * 1024 and settings.render_timeout == 30.0 and settings.client_timeout == 30.0
    assert settings.audit_key is None


def test_server_settings_from_the_environment() -> None:
    settings = load_server_settings(
        {
            "DOCGEN_HOST": "0.0.0.0",
            "DOCGEN_PORT": "9000",
            "DOCGEN_DB": "/srv/docgen.db",
            "DOCGEN_WORKERS": "3",
            "DOCGEN_BODY_LIMIT": "2048",
            "DOCGEN_RENDER_TIMEOUT": "2.5",
            "DOCGEN_AUDIT_KEY": "k" * 32,
            "DOCGEN_CLIENT_TIMEOUT": "4",
        }
    )
    assert (settings.host, settings.port, settings.db) == ("0.0.0.0", 9000, Path("/srv/docgen.db"))
    assert (settings.workers, settings.queue) == (3, 6)  # the queue follows the workers
    assert (settings.body_limit, settings.render_timeout, settings.audit_key) == (2048, 2.5, b"k" * 32)
    assert settings.client_timeout == 4.0
    assert load_server_settings({"DOCGEN_QUEUE": "0"}).queue == 0


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("DOCGEN_PORT", "http", "DOCGEN_PORT='http': must be a whole number"),
        ("DOCGEN_PORT", "70000", "DOCGEN_PORT=70000: must be from 0 to 65535"),
        ("DOCGEN_WORKERS", "0", "DOCGEN_WORKERS=0: must be from 1 to 64"),
        ("DOCGEN_QUEUE", "-1", "DOCGEN_QUEUE=-1: must be from 0"),
        ("DOCGEN_BODY_LIMIT", "1MB", "DOCGEN_BODY_LIMIT='1MB': must be a whole number"),
        ("DOCGEN_RENDER_TIMEOUT", "soon", "DOCGEN_RENDER_TIMEOUT='soon': must be a number of seconds"),
        ("DOCGEN_RENDER_TIMEOUT", "0", "DOCGEN_RENDER_TIMEOUT=0.0: must be from 0.1"),
        ("DOCGEN_CLIENT_TIMEOUT", "slow", "DOCGEN_CLIENT_TIMEOUT='slow': must be a number of seconds"),
        ("DOCGEN_CLIENT_TIMEOUT", "7200", "DOCGEN_CLIENT_TIMEOUT=7200.0: must be from 0.1 to 3600"),
        ("DOCGEN_AUDIT_KEY", "short", "DOCGEN_AUDIT_KEY: must be at least 16 characters"),
    ],
)
def test_a_bad_server_setting_names_its_key(key: str, raw: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_server_settings({key: raw})
    assert str(caught.value).startswith(message)
    assert raw not in str(caught.value) or key != "DOCGEN_AUDIT_KEY"
