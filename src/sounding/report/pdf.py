"""HTML to PDF through WeasyPrint (a dependency, imported only here: it needs the system's
Pango library, which a machine without it reports on the first PDF)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sounding.errors import ConfigError

__all__ = ["INSTALL", "html_to_pdf"]

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


def html_to_pdf(html: str, path: str | Path) -> Path:
    """Render a self-contained HTML page to a PDF file; no resource is fetched."""
    weasyprint = _weasyprint()
    logging.getLogger("fontTools").setLevel(logging.WARNING)

    def refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"external resource refused: {url[:80]}")

    target = Path(path)
    weasyprint.HTML(string=html, url_fetcher=refuse).write_pdf(target)
    return target
