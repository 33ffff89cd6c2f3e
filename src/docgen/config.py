"""Settings read once from DOCGEN_* environment variables into a frozen object."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from docgen.errors import ConfigError

# The checkout root: src/docgen/config.py -> parents[2]. docgen is installed editable
# (see Makefile), so templates/, fonts/ and assets/ sit beside src/.
_DEFAULT_HOME = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    """Where docgen finds its templates, fonts, assets and golden files."""

    home: Path

    @property
    def templates_dir(self) -> Path:
        return self.home / "templates"

    @property
    def fonts_dir(self) -> Path:
        return self.home / "fonts"

    @property
    def assets_dir(self) -> Path:
        return self.home / "assets"

    @property
    def golden_dir(self) -> Path:
        return self.home / "golden"

    @property
    def examples_dir(self) -> Path:
        return self.home / "examples"


def _read_dir(environ: Mapping[str, str], key: str, default: Path) -> Path:
    raw = environ.get(key)
    if raw is None:
        return default
    path = Path(raw).expanduser().resolve()
    if not (path / "templates").is_dir():
        raise ConfigError(f"{key}={raw!r}: expected a docgen home folder containing templates/")
    return path


_POSTGRES_SCHEMES = ("postgresql://", "postgres://")
# Query parameters of a libpq URL that hold a secret (PostgreSQL docs, "Parameter Key Words").
_SECRET_PARAMETERS = frozenset({"password", "sslpassword"})
REDACTED = "[redacted]"


@dataclass(frozen=True)
class PostgresUrl:
    """A PostgreSQL connection URL (libpq's form); printed, logged or repr'd without its password."""

    url: str = field(repr=False)

    def __str__(self) -> str:
        parts = urlsplit(self.url)
        netloc = parts.netloc
        if parts.password is not None:
            netloc = f"{netloc.rpartition('@')[0].partition(':')[0]}:{REDACTED}@{netloc.rpartition('@')[2]}"
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = urlencode([(k, REDACTED if k in _SECRET_PARAMETERS else v) for k, v in pairs], safe="[]")
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))

    def __repr__(self) -> str:
        return f"PostgresUrl({str(self)!r})"


#: Where keys and the audit log live: a SQLite file, or a PostgreSQL database many instances share.
Database = Path | PostgresUrl
#: DOCGEN_DB's default: a SQLite file in the working directory.
DEFAULT_DATABASE = "docgen.db"


def parse_database(key: str, raw: str) -> Database:
    """A postgresql:// (or postgres://) URL, else a SQLite file's path; ConfigError naming `key` otherwise."""
    if raw.startswith(_POSTGRES_SCHEMES):
        try:
            urlsplit(raw).port  # noqa: B018  (parsing the host and port is the check)
        except ValueError as exc:
            # "Invalid IPv6 URL", a port out of range: said of the setting, the URL unquoted (a password).
            raise ConfigError(f"{key}: not a valid PostgreSQL URL ({exc})") from None
        return PostgresUrl(raw)
    scheme = raw.partition("://")[0]
    if "://" in raw and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        # Only the scheme is repeated: the rest may hold a password.
        raise ConfigError(
            f"{key}: {scheme}:// is not a database docgen uses (a SQLite file path or a postgresql:// URL)"
        )
    return Path(raw)


def load_database(environ: Mapping[str, str] | None = None) -> Database | None:
    """DOCGEN_DB when it is set: the database commands default to (`docgen db copy --to`)."""
    env = os.environ if environ is None else environ
    raw = env.get("DOCGEN_DB")
    return None if raw is None else parse_database("DOCGEN_DB", raw)


# An instance name goes in every audit row and log line: a short, printable token.
_INSTANCE = re.compile(r"[A-Za-z0-9._:@-]{1,100}")


@dataclass(frozen=True)
class ServerSettings:
    """How `docgen serve` listens, where it keeps keys and the audit log, and its limits."""

    host: str
    port: int
    #: A SQLite file (the embedded default) or a PostgreSQL URL shared by many instances.
    db: Database
    #: This instance's name in the audit rows it writes (DOCGEN_INSTANCE; host name and port).
    instance: str
    #: Render worker processes (not HTTP workers: one uvicorn process serves every request).
    workers: int
    #: Requests that may wait for a worker beyond the ones rendering; more get 503.
    queue: int
    #: Largest request body accepted, in bytes; more gets 413.
    body_limit: int
    #: Seconds one render may take before its worker is killed and the request gets 504.
    render_timeout: float
    #: Seconds a client has to send a request's head, then as long for its body; later: 408, connection closed.
    client_timeout: float
    #: Key of the audit log's participant-ID hash; None: generated once and kept in the database.
    audit_key: bytes | None

    @property
    def capacity(self) -> int:
        """Requests admitted at once: one rendering per worker plus the queue."""
        return self.workers + self.queue

    @property
    def store_timeout(self) -> float:
        """Seconds one key or audit database call may take, from the render timeout.

        Half of it, so a request's two calls (key lookup, audit row) add at most one render
        timeout; at most MAX_STORE_TIMEOUT, since a healthy database answers in milliseconds.
        """
        return min(MAX_STORE_TIMEOUT, self.render_timeout / 2)


def _read_int(environ: Mapping[str, str], key: str, default: int, low: int, high: int) -> int:
    raw = environ.get(key)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{key}={raw!r}: must be a whole number from {low} to {high}") from None
    check_range(key, value, low, high)
    return value


def _read_seconds(environ: Mapping[str, str], key: str, default: float) -> float:
    raw = environ.get(key)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{key}={raw!r}: must be a number of seconds, as 30 or 2.5") from None
    check_range(key, value, MIN_TIMEOUT, MAX_TIMEOUT)
    return value


def check_range(name: str, value: float, low: float, high: float) -> None:
    """ConfigError naming the setting (a DOCGEN_* key or a --flag) when value is outside [low, high]."""
    if not low <= value <= high:
        raise ConfigError(f"{name}={value!r}: must be from {low:g} to {high:g}")


def default_workers() -> int:
    """One render worker per core this process may run on (the API's pool, the batch's processes)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, cores or 1)


DEFAULT_BODY_LIMIT = 1024 * 1024
MAX_BODY_LIMIT = 1024 * DEFAULT_BODY_LIMIT
MAX_WORKERS = 64
MAX_QUEUE = 10_000
MIN_TIMEOUT = 0.1
MAX_TIMEOUT = 3600.0
MAX_STORE_TIMEOUT = 5.0


def load_body_limit(environ: Mapping[str, str] | None = None) -> int:
    """DOCGEN_BODY_LIMIT: the largest input in bytes, an API request body or a file the CLI reads."""
    env = os.environ if environ is None else environ
    return _read_int(env, "DOCGEN_BODY_LIMIT", DEFAULT_BODY_LIMIT, 1, MAX_BODY_LIMIT)


def load_server_settings(environ: Mapping[str, str] | None = None) -> ServerSettings:
    """Read the server's DOCGEN_* settings; each may be overridden by a `docgen serve` flag."""
    env = os.environ if environ is None else environ
    workers = _read_int(env, "DOCGEN_WORKERS", default_workers(), 1, MAX_WORKERS)
    audit_key = env.get("DOCGEN_AUDIT_KEY")
    if audit_key is not None and len(audit_key) < 16:
        raise ConfigError("DOCGEN_AUDIT_KEY: must be at least 16 characters (it keys the audit hash)")
    port = _read_int(env, "DOCGEN_PORT", 8000, 0, 65535)
    instance = env.get("DOCGEN_INSTANCE", re.sub(r"[^A-Za-z0-9._:@-]", "-", f"{socket.gethostname()}:{port}")[-100:])
    if not _INSTANCE.fullmatch(instance):
        raise ConfigError("DOCGEN_INSTANCE: must be 1 to 100 letters, digits or . _ : @ -")
    return ServerSettings(
        host=env.get("DOCGEN_HOST", "127.0.0.1"),
        port=port,
        db=parse_database("DOCGEN_DB", env.get("DOCGEN_DB", DEFAULT_DATABASE)),
        instance=instance,
        workers=workers,
        queue=_read_int(env, "DOCGEN_QUEUE", 2 * workers, 0, MAX_QUEUE),
        body_limit=load_body_limit(env),
        render_timeout=_read_seconds(env, "DOCGEN_RENDER_TIMEOUT", 30.0),
        client_timeout=_read_seconds(env, "DOCGEN_CLIENT_TIMEOUT", 30.0),
        audit_key=None if audit_key is None else audit_key.encode("utf-8"),
    )


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read DOCGEN_* settings; `environ` defaults to the process environment."""
    env = os.environ if environ is None else environ
    return Settings(home=_read_dir(env, "DOCGEN_HOME", _DEFAULT_HOME))


def isolate_fontconfig(fonts_dir: Path, cache_dir: Path) -> None:
    """Point fontconfig at a config that knows only the bundled fonts.

    Must run before WeasyPrint first loads fontconfig: with the system config, a glyph
    missing from the bundled fonts would silently fall back to whatever the machine has,
    and the same input would render differently on another machine.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    conf = cache_dir / "fonts.conf"
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{fonts_dir}</dir><cachedir>{cache_dir}</cachedir></fontconfig>\n"
    )
    if not conf.exists() or conf.read_text() != text:
        tmp = conf.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text)
        tmp.replace(conf)
    os.environ["FONTCONFIG_FILE"] = str(conf)


@cache
def get_settings() -> Settings:
    """The process's settings, read from the environment when first asked for (never at import)."""
    return load_settings()


def bundled_fonts_only(cache_dir: Path) -> bool:
    """Whether fontconfig is pointed at the config isolate_fontconfig wrote in `cache_dir`."""
    return os.environ.get("FONTCONFIG_FILE") == str(cache_dir / "fonts.conf")
