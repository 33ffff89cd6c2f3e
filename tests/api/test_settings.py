"""The store's settings: DOCGEN_DB as a path or a PostgreSQL URL shown without its password, DOCGEN_INSTANCE."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from docgen.config import PostgresUrl, load_server_settings
from docgen.errors import ConfigError


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
