"""Document blocks (headings, paragraphs, lists, tables) that Markdown and HTML both render."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Block", "Span", "h", "p", "table"]


@dataclass(frozen=True)
class Span:
    """A run of text, a link when ``href`` is set (an anchor of the appendix)."""

    text: str
    href: str | None = None


@dataclass(frozen=True)
class Block:
    """A heading (``h1``/``h2``/``h3``), a paragraph (``p``), a list (``ul``) or a table."""

    kind: str
    spans: tuple[Span, ...] = ()
    items: tuple[tuple[Span, ...], ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    anchor: str | None = None


def p(*spans: Span) -> Block:
    """A paragraph."""
    return Block("p", spans=spans)


def h(level: int, text: str, anchor: str | None = None) -> Block:
    """A heading, optionally an anchor that links point to."""
    return Block(f"h{level}", spans=(Span(text),), anchor=anchor)


def table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> Block:
    """A table of already formatted cells."""
    return Block("table", header=header, rows=tuple(rows))
