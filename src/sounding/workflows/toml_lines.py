"""Where a key is set in a TOML text: tomllib gives values without their lines."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from typing import Any

__all__ = ["key_line"]

_PART = r"""(?:[\w-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_HEADER = re.compile(rf"\s*\[\[?\s*({_PART}(?:\s*\.\s*{_PART})*)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(rf"\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")


def _dotted(text: str) -> tuple[str, ...] | None:
    """The parts of a dotted key, quotes and escapes read by tomllib itself."""
    try:
        node: Any = tomllib.loads(f"{text} = 0")
    except tomllib.TOMLDecodeError:
        return None
    parts: list[str] = []
    while isinstance(node, dict):
        ((name, node),) = node.items()
        parts.append(name)
    return tuple(parts)


def _opens_or_closes_string(line: str, inside: str | None) -> str | None:
    """The multi-line string delimiter still open after ``line``, if any."""
    for quotes in ('"""', "'''"):
        if (inside in (None, quotes)) and line.count(quotes) % 2:
            return None if inside else quotes
    return inside


def key_line(text: str, key: Sequence[str]) -> int | None:
    """The 1-based line of the first table header or ``key = value`` line that sets
    ``key`` or something inside it (``[segment.big]`` for ``("segment", "big")``,
    ``followers = ...`` under it for ``("segment", "big", "followers")``); None when
    no line does, e.g. for a key written inside an inline table."""
    wanted = tuple(key)
    table: tuple[str, ...] = ()
    inside: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if inside is not None:  # a line of a multi-line string sets nothing
            inside = _opens_or_closes_string(line, inside)
            continue
        path: tuple[str, ...] | None = None
        if (header := _HEADER.match(line)) and (path := _dotted(header.group(1))) is not None:
            table = path
        elif (setting := _KEY.match(line)) and (keys := _dotted(setting.group(1))):
            path = (*table, *keys)
            inside = _opens_or_closes_string(line, None)
        if wanted and path is not None and path[:len(wanted)] == wanted:
            return number
    return None
