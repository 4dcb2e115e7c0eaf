"""Write the executive report (HTML, PDF, JSON) and the strategy draft (Markdown, HTML, PDF).

Everything here renders report data already gathered (``report_data``), so a command can
gather it through the server that holds the workspace and render on its own side.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sounding.errors import InputError, cannot_write
from sounding.report.evidence import build_evidence
from sounding.report.executive import render_report_html
from sounding.report.i18n_report import Fmt, check_lang
from sounding.report.pdf import html_to_pdf, pdf_bytes
from sounding.report.strategy import strategy_blocks
from sounding.report.strategy_render import render_strategy_html, render_strategy_md
from sounding.store import Store
from sounding.workflows.reporting import report_data

__all__ = ["REPORT_FORMATS", "STRATEGY_FORMATS", "output_format", "report_document",
           "strategy_text", "write_demo_reports", "write_report", "write_strategy"]

REPORT_FORMATS = ("html", "pdf", "json")
STRATEGY_FORMATS = ("md", "html", "pdf")


_KNOWN_SUFFIXES = frozenset(REPORT_FORMATS) | frozenset(STRATEGY_FORMATS)


def _one_of(formats: tuple[str, ...]) -> str:
    """'.a, .b or .c'."""
    names = [f".{f}" for f in formats]
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


def output_format(path: Path, fmt: str | None, allowed: tuple[str, ...]) -> str:
    """The format asked for, or the file name's; refused when they disagree, so a PDF is
    never written into a file named .html (or the other way round)."""
    suffix = path.suffix.lstrip(".").lower()
    chosen = (fmt or suffix).lower()
    names = ", ".join(allowed)
    if chosen not in allowed:
        what = f"--format {fmt!r}" if fmt else f"{path}: cannot tell the format"
        raise InputError(f"{what}; expected one of {names}",
                         hint=f"name the file {_one_of(allowed)}, or give --format")
    if fmt and suffix in _KNOWN_SUFFIXES and suffix != chosen:
        raise InputError(f"--format {chosen} but {path} is named .{suffix}",
                         hint=f"name the file .{chosen}, or give --format {suffix}")
    return chosen


def report_document(data: dict[str, Any], lang: str, kind: str) -> bytes:
    """The executive report of ``data`` as the bytes of an HTML page, a PDF or its JSON
    evidence (``kind``), for a file or a download."""
    ev = build_evidence(data, check_lang(lang))
    if kind == "json":
        return json.dumps(ev, ensure_ascii=False, indent=1).encode("utf-8")
    html = render_report_html(ev)
    return pdf_bytes(html) if kind == "pdf" else html.encode("utf-8")


def write_report(data: dict[str, Any], path: str | Path, *, lang: str = "en",
                 fmt: str | None = None) -> Path:
    """The executive report of ``data`` as HTML, PDF or its JSON evidence (``fmt``, else
    by suffix)."""
    path = Path(path)
    kind = output_format(path, fmt, REPORT_FORMATS)
    document = report_document(data, lang, kind)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(document)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    return path


def strategy_text(data: dict[str, Any], lang: str = "en", kind: str = "md") -> str:
    """The strategy draft of ``data`` as Markdown or HTML text."""
    ev = build_evidence(data, check_lang(lang))
    blocks = strategy_blocks(ev)
    if kind == "md":
        return render_strategy_md(blocks)
    return render_strategy_html(blocks, lang, Fmt(lang).t("strategy_title"))


def write_strategy(data: dict[str, Any], path: str | Path, *, lang: str = "en",
                   fmt: str | None = None) -> Path:
    """The strategy draft of ``data`` as Markdown, HTML or PDF (``fmt``, else by suffix)."""
    path = Path(path)
    kind = output_format(path, fmt, STRATEGY_FORMATS)
    text = strategy_text(data, lang, "html" if kind == "pdf" else kind)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "pdf":
            return html_to_pdf(text, path)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise cannot_write(path, exc) from None
    return path


def write_demo_reports(store: Store, directory: str | Path, lang: str = "en"
                       ) -> dict[str, Path]:
    """For the demo: ``report.html``, ``report.pdf`` and ``strategy.md`` in ``directory``."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    data = report_data(store)
    return {"report_html": write_report(data, folder / "report.html", lang=lang),
            "report_pdf": write_report(data, folder / "report.pdf", lang=lang),
            "strategy_md": write_strategy(data, folder / "strategy.md", lang=lang)}
