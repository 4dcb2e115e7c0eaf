"""Settings: a flag, then the environment, then the config file, then the default.

Each setting is declared once; its environment variable is ``SOUNDING_`` + the key in
capitals. The config file is TOML, at ``$SOUNDING_CONFIG`` or
``~/.config/sounding/config.toml``, outside any repository. A secret is written there as
a reference, ``{"$env": "VARIABLE"}``, and read from the environment when needed.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sounding.errors import ConfigError

__all__ = [
    "SETTINGS",
    "Setting",
    "config_path",
    "resolve",
    "resolve_optional",
    "resolve_seconds",
    "resolve_secret",
]


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its key, default and what it is for."""

    key: str
    default: str | None
    doc: str

    @property
    def env(self) -> str:
        return "SOUNDING_" + self.key.upper().replace("-", "_")


SETTINGS = {
    s.key: s
    for s in (
        Setting("db", "sounding.duckdb", "the workspace file"),
        Setting("lock_wait", "120", "seconds a command waits for a busy workspace"),
        Setting("data", None, "folder of the labelled corpora (for training and eval)"),
        Setting("publish_every", "60", "seconds between the server's publications of due posts"),
        Setting("collect_every", "1800", "seconds between the server's collections (0: off)"),
        Setting("alerts_every", "300", "seconds between the server's alert checks (0: off)"),
        Setting("languages", "", "languages to detect, comma-separated ISO 639-1 codes "
                "(empty: the eight the reaction model was trained on)"),
    )
}


def config_path() -> Path:
    """Where the config file is looked for."""
    explicit = os.environ.get("SOUNDING_CONFIG")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "sounding" / \
        "config.toml"


def _file_values() -> dict[str, Any]:
    path = config_path()
    if not path.is_file():
        if os.environ.get("SOUNDING_CONFIG"):  # named on purpose: ignoring it would mislead
            what = "a folder, not a file" if path.is_dir() else "no such file"
            raise ConfigError(f"$SOUNDING_CONFIG names {path}: {what}",
                              hint="point SOUNDING_CONFIG at a TOML file, or unset it to "
                                   "read the default one")
        return {}
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})",
                          hint="fix the file; see 'sounding --help' for the settings") from exc
    except OSError as exc:  # no permission to read it
        raise ConfigError(f"{path}: cannot read the config file: {exc.strerror or exc}",
                          hint="check the file's permissions") from exc


def _given(key: str, flag: str | None) -> str | None:
    """The value given by the flag, the environment or the config file, in that order."""
    if flag is not None:
        return flag
    env = SETTINGS[key].env
    if env in os.environ:
        return os.environ[env]
    value = _file_values().get(key)
    if isinstance(value, list):  # languages = ["fr", "en"] reads as "fr,en"
        return ",".join(str(v) for v in value)
    return None if value is None else str(resolve_secret(value, key))


def resolve(key: str, flag: str | None = None) -> str:
    """The value of a setting, looking at the flag, the environment, the file, the default."""
    setting = SETTINGS[key]
    value = _given(key, flag)
    if value is not None:
        return value
    if setting.default is None:
        raise ConfigError(
            f"setting '{key}' is not set",
            hint=f"looked at the flag --{key}, ${setting.env} and {config_path()}",
        )
    return setting.default


def resolve_seconds(key: str, flag: str | None = None) -> float:
    """A setting that is a number of seconds (≥ 0, finite): a wait, or a job's interval
    (NaN would run a job without pause, or wait for ever)."""
    value = resolve(key, flag)
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds >= 0):
        raise ConfigError(f"setting '{key}' is {value!r}: expected a number of seconds ≥ 0",
                          hint=f"set ${SETTINGS[key].env} or '{key}' in {config_path()} to "
                               f"a number such as {SETTINGS[key].default}")
    return seconds


def resolve_optional(key: str, flag: str | None = None) -> str | None:
    """Like :func:`resolve`, but None for an unset setting without a default, so the
    caller can fall back on its own (the corpora folder on ``../shared/data``)."""
    value = _given(key, flag)
    return value if value is not None else SETTINGS[key].default


def resolve_secret(value: Any, key: str) -> Any:
    """Follow a ``{"$env": NAME}`` reference; other values are returned as they are."""
    if isinstance(value, dict) and set(value) == {"$env"}:
        name = value["$env"]
        if name not in os.environ:
            raise ConfigError(f"setting '{key}' refers to ${name}, which is not set",
                              hint=f"export {name}=... (it is never stored by sounding)")
        return os.environ[name]
    return value
