"""HTML to PDF through WeasyPrint, an optional dependency imported only here."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sounding.errors import ConfigError

__all__ = ["INSTALL", "html_to_pdf"]

INSTALL = "pip install 'weasyprint>=60'"


def _weasyprint() -> Any:
    try:
        import weasyprint  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except (ImportError, OSError) as exc:  # OSError: pango or its friends are missing
        raise ConfigError(f"writing a PDF needs WeasyPrint ({exc})", hint=INSTALL) from exc
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
