"""The server's log lines: URL passwords, credential-named query values and docgen keys redacted."""

from __future__ import annotations

from docgen.api.server import redact


def test_a_url_password_is_redacted_even_when_it_holds_an_at_sign() -> None:
    shown = "db postgresql://u:[redacted]@db.internal/docgen down"
    assert redact("db postgresql://u:p@ss@db.internal/docgen down") == shown
    shown = "postgresql://u:[redacted]@h:5432/d and mailto:x@y"
    assert redact("postgresql://u:secret@h:5432/d and mailto:x@y") == shown
    assert redact("postgresql://docgen@h/d") == "postgresql://docgen@h/d"  # no password: nothing to hide


def test_query_credentials_and_keys_are_redacted() -> None:
    line = '"GET /v1/documents/dgk_0123456789abcdef_s3cret?token=abc&member=01 HTTP/1.1" 405'
    assert redact(line) == '"GET /v1/documents/dgk_[redacted]?token=[redacted]&member=01 HTTP/1.1" 405'
