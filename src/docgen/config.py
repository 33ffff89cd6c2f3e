"""Settings read once from DOCGEN_* environment variables into a frozen object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

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


SETTINGS = load_settings()
