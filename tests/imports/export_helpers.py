"""Shared test helpers: fixture paths and a fingerprint of everything a store holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sounding.store import TABLES, Store

FIXTURES = Path(__file__).parent / "fixtures"
META_MARCH = FIXTURES / "Mar-01-2026_Mar-31-2026_1043818357722486.csv"
META_APRIL = FIXTURES / "Apr-01-2026_Apr-30-2026_1043818357722486.csv"
INSTAGRAM = FIXTURES / "instagram-posts-2026-03-31.csv"
META_COMMENTS = FIXTURES / "commentaires-facebook-2026-04-30.csv"
X_ARCHIVE = FIXTURES / "x-archive"
WXR = FIXTURES / "atelier-lumen.wordpress.2026-04-02.xml"
RSS = FIXTURES / "journal-feed.rss"
ATOM = FIXTURES / "journal-comments.atom"
POST = "blog:journal.atelier-lumen.example/2026/03/teindre-a-la-main"


def fingerprint(store: Store) -> str:
    """Everything stored but the audit of runs, to show that a refused import changed nothing."""
    parts = [json.dumps({k: v for k, v in store.counts().items() if k != "runs"})]
    for table in TABLES:
        if table != "runs":
            parts.append(str(store.query(f"SELECT * FROM {table} ORDER BY ALL").to_pylist()))
    return "\n".join(parts)


def copy(source: Path, target: Path) -> Path:
    """A fixture copied to ``target`` (a file or an archive folder)."""
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copyfile(source, target)
    return target
