"""Write strategy blocks as Markdown or as a self-contained HTML page (for the PDF too).

Text is escaped for its target: Markdown's special characters are backslash-escaped,
HTML goes through Jinja's autoescape. Links only ever point at the document's own anchors.
"""

from __future__ import annotations

import re

from sounding.models import without_controls
from sounding.report.blocks import Block, Span
from sounding.report.executive import environment

__all__ = ["md_escape", "render_strategy_html", "render_strategy_md"]

# ( ) and ! only matter around [ ], which are escaped; - and + only at a line's start
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_ANCHOR = re.compile(r"^#[a-z-]+$")


# every line break Markdown (CommonMark) or a viewer may break on: one would end a table
# row or start a heading
_BREAKS = re.compile("\r\n|[\n\r\u2028\u2029\x0b\x0c\x85]")


def md_escape(text: str) -> str:
    """Text that Markdown shows as is (no emphasis, link, HTML or table cell break)."""
    return _MD_SPECIAL.sub(r"\\\1", without_controls(_BREAKS.sub(" ", text)))


def _safe_href(href: str | None) -> str | None:
    return href if href and _ANCHOR.match(href) else None


def _md_spans(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        href = _safe_href(span.href)
        out.append(f"[{md_escape(span.text.strip())}]({href})" if href
                   else md_escape(span.text))
    return "".join(out).strip()


def _md_block(block: Block) -> list[str]:
    if block.kind.startswith("h"):
        level = int(block.kind[1:])
        anchor = f'<a id="{block.anchor}"></a>\n' if block.anchor else ""
        return [f"{anchor}{'#' * level} {_md_spans(block.spans)}", ""]
    if block.kind == "p":
        return [_md_spans(block.spans), ""]
    if block.kind == "ul":
        return [*(f"- {_md_spans(item)}" for item in block.items), ""]
    if not block.rows:
        return []
    lines = ["| " + " | ".join(md_escape(c) for c in block.header) + " |",
             "|" + "---|" * len(block.header)]
    lines += ["| " + " | ".join(md_escape(c) or " " for c in row) + " |" for row in block.rows]
    return [*lines, ""]


def render_strategy_md(blocks: list[Block]) -> str:
    """The strategy as Markdown."""
    lines: list[str] = []
    for block in blocks:
        lines += _md_block(block)
    return "\n".join(lines).rstrip() + "\n"


def render_strategy_html(blocks: list[Block], lang: str, title: str) -> str:
    """The strategy as one self-contained HTML page."""
    safe = [Block(b.kind, tuple(Span(s.text, _safe_href(s.href)) for s in b.spans),
                  tuple(tuple(Span(s.text, _safe_href(s.href)) for s in item)
                        for item in b.items), b.header, b.rows, b.anchor) for b in blocks]
    return environment().get_template("strategy.html").render(blocks=safe, lang=lang,
                                                               title=title)
