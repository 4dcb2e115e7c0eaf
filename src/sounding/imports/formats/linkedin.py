"""LinkedIn company-page exports (XLSX): the content sheet and the followers sheet.

Column maps: ``POST_FIELDS`` (sheet "All posts" / "Toutes les publications"; its header
is on the first row that names the fields, LinkedIn puts a note above it) and
``FOLLOWER_FIELDS`` (sheet "New followers" / "Nouveaux abonnés"). Counters: likes
(reactions) → likes, reposts → reposts, comments → replies, impressions → impressions,
clicks → clicks. The followers sheet gives new followers per day: with
the page's total follower count (``followers``) the history of the total is rebuilt.
LinkedIn's file holds no export date: counters dated (by ``--as-of`` or the file name)
before a post was created are refused, since they cannot be that post's.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sounding.errors import ImportRejected, Problem
from sounding.imports.formats.columns import (
    Field,
    Header,
    convert_row,
    format_level,
    missing_problems,
    resolve,
)
from sounding.imports.formats.records import Collector, Parsed
from sounding.imports.formats.source import dated_by, export_date, too_early
from sounding.models import AccountSnapshot, Item

__all__ = ["FOLLOWER_FIELDS", "POST_FIELDS", "parse_linkedin"]

POST_FIELDS: tuple[Field, ...] = (
    Field("url", "text", True, ("Post link", "Update link"),
          ("Lien du post", "Lien de la publication", "Lien de la mise à jour")),
    Field("text", "text", False, ("Post title", "Update title"),
          ("Titre du post", "Titre de la publication", "Titre de la mise à jour")),
    Field("post_type", "id", False, ("Content Type", "Post type"),
          ("Type de contenu", "Type de post", "Type de publication")),
    Field("created_at", "time", True, ("Created date", "Date"),
          ("Date de création", "Date")),
    Field("impressions", "count", False, ("Impressions",), ("Impressions",)),
    Field("clicks", "count", False, ("Clicks",), ("Clics",)),
    Field("likes", "count", False, ("Likes", "Reactions"), ("J'aime", "Réactions")),
    Field("replies", "count", False, ("Comments",), ("Commentaires",)),
    Field("reposts", "count", False, ("Reposts", "Shares"), ("Republications", "Partages")),
)
FOLLOWER_FIELDS: tuple[Field, ...] = (
    Field("date", "time", True, ("Date",), ("Date",)),
    Field("new", "count", True, ("Total followers", "New followers"),
          ("Total des abonnés", "Nouveaux abonnés", "Total abonnés")),
)
_SCAN_ROWS = 6
# a browser's second download of it adds " (1)"
_LINKEDIN_NAME = re.compile(r"(.+?)_[A-Za-z]+_\d{10,}(\s*\(\d+\))?(\.xlsx?)?", re.IGNORECASE)


def _table(rows: list[tuple[Any, ...]], fields: Sequence[Field]
           ) -> tuple[int, Header] | None:
    """The row holding the header (0-based) among the first ones, and its match."""
    for index, row in enumerate(rows[:_SCAN_ROWS]):
        header = resolve([str(c) for c in row if c is not None], fields)
        if not header.missing:
            return index, header
    return None


def _sheets(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's rows. Read from the open file: LinkedIn names its XLSX downloads
    ``.xls``, and openpyxl refuses a file name that does not end in ``.xlsx``."""
    from openpyxl import load_workbook  # imported here: only LinkedIn files need it

    name = str(path)
    with path.open("rb") as fh:
        try:
            book = load_workbook(fh, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            raise ImportRejected([Problem(name, None, None, f"not a readable XLSX workbook "
                                          f"({type(exc).__name__}: {str(exc)[:80]})")]) from exc
        try:
            return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
        finally:
            book.close()


def _page(path: Path, account: str | None) -> str:
    """The page the export is of: ``--account``, else the name LinkedIn gives the file
    (``atelier-lumen_content_1774915200000.xls``); the workbook itself never says it."""
    if account:
        return account
    named = _LINKEDIN_NAME.fullmatch(path.name)
    if named is None:
        raise ImportRejected([Problem(str(path), None, None, (
            "the workbook does not name its LinkedIn page, and the file's name is not "
            "LinkedIn's (PAGE_content_NUMBER.xls): pass --account PAGE"))])
    return named[1]


def _rows(rows: list[tuple[Any, ...]], at: int) -> list[tuple[int, dict[str, Any]]]:
    header = [str(c) if c is not None else "" for c in rows[at]]
    return [(at + 2 + i, dict(zip(header, row, strict=False)))
            for i, row in enumerate(rows[at + 1:]) if any(c not in (None, "") for c in row)]


def _posts(c: Collector, found: tuple[int, Header], rows: list[tuple[Any, ...]], sheet: str,
           account: str, observed: tuple[datetime, str]) -> tuple[int, list[Problem]]:
    """The posts sheet; ``observed``: the counters' date and where it came from."""
    at, header = found
    problems: list[Problem] = []
    data = _rows(rows, at)
    for line, row in data:
        v, bad = convert_row(row, header, POST_FIELDS, sheet, line)
        bad = bad or too_early(v["created_at"], *observed, sheet, line,
                               header.found["created_at"])
        if bad:
            problems += bad
            continue
        # the post's own address: a link copied with "?utm_…" or "#…" is the same post
        native = v["url"].split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        item_id = f"linkedin:{native}"
        c.item(Item(item_id, "linkedin", account, v.get("text") or "", v["created_at"],
                    "post", url=v["url"], account_id=account))
        c.counters(item_id, observed[0], likes=v.get("likes"), reposts=v.get("reposts"),
                   replies=v.get("replies"), impressions=v.get("impressions"),
                   clicks=v.get("clicks"))
        if v.get("post_type"):
            c.variant(item_id, "format", format_level(v["post_type"]))
    return len(data), problems


def _followers(c: Collector, found: tuple[int, Header], rows: list[tuple[Any, ...]],
               sheet: str, account: str, total: int | None) -> tuple[int, list[Problem]]:
    at, header = found
    problems: list[Problem] = []
    gains: list[tuple[datetime, int]] = []
    data = _rows(rows, at)
    for line, row in data:
        v, bad = convert_row(row, header, FOLLOWER_FIELDS, sheet, line)
        problems += bad
        if not bad:
            gains.append((v["date"], v["new"] or 0))
    if total is not None and not problems:
        after = 0
        for day, gain in sorted(gains, reverse=True):  # total at the end of each day
            end = day + timedelta(days=1, seconds=-1)
            c.account_snapshots.append(AccountSnapshot(account, end, max(total - after, 0)))
            after += gain
    return len(data), problems


def parse_linkedin(path: Path, *, as_of: datetime | None = None, account: str | None = None,
                   followers: int | None = None) -> Parsed:
    """A LinkedIn page export: posts with counters, and follower growth when ``followers``
    (the page's follower count on the export's date) is given."""
    name = str(path)
    sheets = _sheets(path)
    observed = export_date(path, as_of)
    c = Collector()
    brand = c.account("linkedin", _page(path, account))
    rows, known = 0, False
    problems: list[Problem] = []
    for title, values in sheets.items():
        sheet = f"{name} [{title}]"
        posts, gains = _table(values, POST_FIELDS), _table(values, FOLLOWER_FIELDS)
        if posts is not None:
            n, bad = _posts(c, posts, values, sheet, brand, (observed, dated_by(path, as_of)))
        elif gains is not None:
            n, bad = _followers(c, gains, values, sheet, brand, followers)
        else:
            continue
        known, rows, problems = True, rows + n, problems + bad
    if not known:
        first = resolve([], POST_FIELDS)
        problems = missing_problems(first, name, None)
    rejected = len({(p.file, p.line) for p in problems})
    return Parsed("linkedin", (name,), c.batch(), rows, rejected, problems, observed)
