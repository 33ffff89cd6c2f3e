"""DOCGEN_* settings: defaults, overrides, and errors that name the key."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from docgen.config import (
    PostgresUrl,
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


def test_db_is_a_sqlite_path_by_default_or_a_postgresql_url() -> None:
    assert load_server_settings({}).db == Path("docgen.db")
    assert load_server_settings({"DOCGEN_DB": "/var/lib/docgen/docgen.db"}).db == Path("/var/lib/docgen/docgen.db")
    url = "postgresql://docgen:pa%3Ass@db.internal:5432/docgen?sslmode=require&password=other"
    settings = load_server_settings({"DOCGEN_DB": url})
    assert settings.db == PostgresUrl(url)
    shown = "postgresql://docgen:[redacted]@db.internal:5432/docgen?sslmode=require&password=[redacted]"
    assert str(settings.db) == shown and repr(settings.db) == f"PostgresUrl('{shown}')"
    assert "pa%3Ass" not in repr(settings) and "other" not in repr(settings)


def test_another_url_scheme_is_refused_naming_only_the_scheme() -> None:
    with pytest.raises(ConfigError) as refused:
        load_server_settings({"DOCGEN_DB": "mysql://root:hunter2@db/docgen"})
    assert str(refused.value).startswith("DOCGEN_DB: mysql:// is not a database docgen uses")
    assert "hunter2" not in str(refused.value)


def test_the_instance_is_named_by_host_and_port_unless_set() -> None:
    assert load_server_settings({"DOCGEN_PORT": "8001"}).instance.endswith(f"{socket.gethostname()[-90:]}:8001")
    assert load_server_settings({"DOCGEN_INSTANCE": "app1:8001"}).instance == "app1:8001"
    for bad in ("", "two words", "x" * 101, "tab\there"):
        with pytest.raises(ConfigError, match="DOCGEN_INSTANCE: must be 1 to 100"):
            load_server_settings({"DOCGEN_INSTANCE": bad})


def test_the_store_time_limit_is_half_the_render_timeout_at_most_5_s() -> None:
    assert load_server_settings({}).store_timeout == 5.0
    assert load_server_settings({"DOCGEN_RENDER_TIMEOUT": "4"}).store_timeout == 2.0
    assert load_server_settings({"DOCGEN_RENDER_TIMEOUT": "3600"}).store_timeout == 5.0


def test_a_malformed_postgresql_url_is_a_config_error_naming_the_setting() -> None:
    for bad in ("postgresql://u:hunter2@[::1/db", "postgresql://u:hunter2@h:99999/db"):
        with pytest.raises(ConfigError, match=r"^DOCGEN_DB: not a valid PostgreSQL URL") as refused:
            load_server_settings({"DOCGEN_DB": bad})
        assert "hunter2" not in str(refused.value)
