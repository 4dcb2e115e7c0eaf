"""HTML to PDF through WeasyPrint (a dependency, imported only here: it needs the system's
Pango library, which a machine without it reports on the first PDF)."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Any

from sounding.errors import ConfigError

__all__ = ["INSTALL", "can_make_pdf", "html_to_pdf", "pdf_bytes"]

INSTALL = "pip install 'weasyprint>=60'"
PANGO = ("install Pango (Debian or Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0), "
         "or write the report as HTML (-o report.html)")


def _weasyprint() -> Any:
    try:
        import weasyprint  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError as exc:
        raise ConfigError(f"writing a PDF needs WeasyPrint ({exc})", hint=INSTALL) from exc
    except OSError as exc:  # WeasyPrint is there, the Pango library it loads is not
        raise ConfigError(f"writing a PDF needs the Pango library ({exc})",
                          hint=PANGO) from exc
    return weasyprint


@cache
def can_make_pdf() -> bool:
    """Whether this machine can write a PDF (WeasyPrint and Pango load): a page offers a
    PDF only then."""
    try:
        _weasyprint()
    except ConfigError:
        return False
    return True


def pdf_bytes(html: str) -> bytes:
    """A self-contained HTML page rendered as a PDF; no resource is fetched."""
    weasyprint = _weasyprint()
    logging.getLogger("fontTools").setLevel(logging.WARNING)

    def refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"external resource refused: {url[:80]}")

    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=refuse).write_pdf()
    return pdf


def html_to_pdf(html: str, path: str | Path) -> Path:
    """Render a self-contained HTML page to a PDF file."""
    target = Path(path)
    target.write_bytes(pdf_bytes(html))
    return target
