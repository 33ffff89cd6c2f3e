"""The PostgreSQL engine: the password in no output, an unreachable or frozen server fails each call in time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bench.services import PASSWORD, Postgres, free_port
from docgen.cli import main
from docgen.config import PostgresUrl
from docgen.errors import StoreError, StoreUnavailable
from docgen.store import Store
from docgen.store.database import open_engine
from docgen.store.schema import upgrade
from tests.store.conftest import RENDER


def test_the_password_is_in_no_output_or_error(postgres: Postgres, capsys: pytest.CaptureFixture[str]) -> None:
    url = postgres.database()
    assert main(["db", "upgrade", "--db", url.url]) == 0
    assert main(["keys", "create", "portal", "--scope", "documents:render", "--db", url.url]) == 0
    assert main(["keys", "list", "--db", url.url]) == 0
    wrong = url.url.replace(PASSWORD, PASSWORD + "-wrong")
    assert main(["keys", "list", "--db", wrong]) == 1
    assert main(["db", "upgrade", "--db", wrong]) == 1
    out, err = capsys.readouterr()
    assert "portal" in out and err.count("password authentication failed") == 2
    assert PASSWORD not in out + err and "[redacted]" in out + err
    assert repr(url) == str(url).join(("PostgresUrl('", "')")) and PASSWORD not in repr(url)


def test_an_unreachable_server_is_store_unavailable_quickly(postgres: Postgres) -> None:
    url = PostgresUrl(f"postgresql://docgen:{PASSWORD}@127.0.0.1:{free_port()}/docgen")
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as raised:
        Store(url)
    assert time.monotonic() - started < 5
    assert isinstance(raised.value, StoreError) and PASSWORD not in str(raised.value)


def test_a_frozen_server_fails_each_call_by_its_deadline_then_serves_again(postgres: Postgres) -> None:
    # SIGSTOP: the server's kernel still acknowledges every packet, so no TCP time-out fires and
    # the server's own statement_timeout never runs; only the store's deadline ends the call.
    url = postgres.database()
    engine = open_engine(url)
    upgrade(engine)
    engine.close()
    store = Store(url, timeout=1.0)
    key = store.create_key("portal", RENDER)
    try:
        with postgres.frozen():
            for _ in range(3):  # the first waits out its deadline; the next fail at once
                started = time.monotonic()
                with pytest.raises(StoreUnavailable):
                    store.authenticate(key)
                assert time.monotonic() - started < 1.5
                time.sleep(0.6)  # past the pause after a failure: each call reaches the server again
        thawed = time.monotonic()
        while True:
            try:
                assert store.authenticate(key) is not None
                break
            except StoreUnavailable:
                assert time.monotonic() - thawed < 5, "not back within 5 s of SIGCONT"
                time.sleep(0.1)
    finally:
        store.close()


def test_the_password_may_come_from_a_password_file(
    postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # deploy.md's way to keep the password off every command line: a URL without it, and libpq's
    # password file (PostgreSQL docs, "The Password File"), which psycopg's connections read.
    url = postgres.database()
    bare = url.url.replace(f":{PASSWORD}@", "@")
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{postgres.port}:*:docgen:{PASSWORD}\n")
    passfile.chmod(0o600)  # libpq ignores a file others can read
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    assert main(["db", "upgrade", "--db", bare]) == 0
    assert main(["keys", "create", "portal", "--scope", "documents:render", "--db", bare]) == 0
    store = Store(PostgresUrl(bare))
    assert [key.name for key in store.list_keys()] == ["portal"]
    store.close()
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    assert main(["keys", "list", "--db", bare]) == 1
    assert "no password supplied" in capsys.readouterr().err
