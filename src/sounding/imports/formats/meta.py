"""Meta Business Suite exports (Facebook Page, Instagram): the posts CSV and a comments CSV.

Column maps: ``POST_FIELDS`` and ``COMMENT_FIELDS`` below, English and French names.
Counters map onto sounding's: reactions (or likes) → likes, shares → reposts,
comments → replies, impressions (renamed "views" in 2025) → impressions; reach, saves
and clicks are stored as they are.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sounding.errors import Problem
from sounding.imports.formats.columns import (
    Field,
    Header,
    convert_row,
    format_level,
    missing_problems,
    resolve,
)
from sounding.imports.formats.records import Collector, Parsed
from sounding.imports.formats.source import (
    CsvRows,
    dated_by,
    decode,
    export_date,
    read_csv,
    too_early,
)
from sounding.models import Item

__all__ = ["COMMENT_FIELDS", "POST_FIELDS", "parse_meta_comments", "parse_meta_posts"]

POST_FIELDS: tuple[Field, ...] = (
    Field("id", "id", True, ("Post ID", "Media ID", "ID"),
          ("Identifiant de la publication", "ID de la publication", "ID du contenu")),
    Field("page_id", "id", False, ("Page ID", "Account ID"),
          ("Identifiant de la Page", "ID de la Page", "Identifiant du compte", "ID du compte")),
    Field("handle", "id", False, ("Account username", "Page name", "Account name"),
          ("Nom d'utilisateur du compte", "Nom de la Page", "Nom du compte")),
    Field("text", "text", False, ("Description", "Title", "Message", "Caption"),
          ("Description", "Titre", "Légende")),
    Field("created_at", "time", True, ("Publish time", "Published time", "Created time"),
          ("Heure de publication", "Date de publication", "Publié le")),
    Field("post_type", "id", False, ("Post type", "Media type"),
          ("Type de publication", "Type de contenu")),
    Field("url", "text", False, ("Permalink", "Link"), ("Lien permanent", "Permalien", "Lien")),
    Field("impressions", "count", False, ("Impressions", "Views"), ("Impressions", "Vues")),
    Field("reach", "count", False, ("Reach",), ("Couverture", "Portée")),
    Field("likes", "count", False, ("Reactions", "Likes"),
          ("Réactions", "J'aime", "Mentions J'aime")),
    Field("replies", "count", False, ("Comments",), ("Commentaires",)),
    Field("reposts", "count", False, ("Shares",), ("Partages",)),
    Field("saves", "count", False, ("Saves",), ("Enregistrements",)),
    Field("clicks", "count", False, ("Total clicks", "Clicks", "Link clicks"),
          ("Total des clics", "Clics", "Clics sur le lien")),
)

COMMENT_FIELDS: tuple[Field, ...] = (
    Field("id", "id", True, ("Comment ID",), ("Identifiant du commentaire", "ID du commentaire")),
    Field("post_id", "id", True, ("Post ID",),
          ("Identifiant de la publication", "ID de la publication")),
    Field("parent_id", "id", False, ("Parent comment ID", "Reply to"),
          ("Identifiant du commentaire parent", "ID du commentaire parent", "En réponse à")),
    Field("author", "id", True, ("Author", "Author name", "Username", "Commenter"),
          ("Auteur", "Nom de l'auteur", "Nom d'utilisateur")),
    Field("text", "text", False, ("Comment", "Message", "Text"),
          ("Commentaire", "Message", "Texte")),
    Field("created_at", "time", True, ("Created time", "Publish time", "Date"),
          ("Heure de création", "Heure de publication", "Date")),
    Field("likes", "count", False, ("Reactions", "Likes"), ("Réactions", "J'aime")),
    Field("network", "id", False, ("Platform",), ("Plateforme",)),
)


def _network(header: Header, rows: CsvRows) -> str:
    if "Account username" in header.found.values() or any(
            "instagram.com" in r.get(header.found.get("url", ""), "") for _, r in rows.rows[:5]):
        return "instagram"
    return "facebook"


# Instagram names its commenters by username, as its posts file names the account by
# "Account username"; Facebook by name
_USERNAME_HEADERS = frozenset({"username", "nom d'utilisateur"})


def _comments_network(header: Header) -> str:
    """The network of a comments file without a Platform column, by its author column."""
    author = header.found.get("author", "")
    return "instagram" if author.strip().lower() in _USERNAME_HEADERS else "facebook"


def _read(path: Path, fields: tuple[Field, ...], encoding: str) -> tuple[CsvRows, Header]:
    name = str(path)
    rows = read_csv(decode(path.read_bytes(), name, encoding), name)
    return rows, resolve(rows.header, fields)


def _add_post(c: Collector, v: dict[str, Any], network: str, account: str,
              observed: datetime) -> None:
    item_id = f"{network}:{v['id']}"
    c.item(Item(item_id, network, account, v.get("text") or "", v["created_at"], "post",
                url=v.get("url"), account_id=account))
    c.counters(item_id, observed, likes=v.get("likes"), reposts=v.get("reposts"),
               replies=v.get("replies"), impressions=v.get("impressions"),
               reach=v.get("reach"), saves=v.get("saves"), clicks=v.get("clicks"))
    if v.get("post_type"):
        c.variant(item_id, "format", format_level(v["post_type"]))


def parse_meta_posts(path: Path, *, as_of: datetime | None = None,
                     account: str | None = None, encoding: str = "utf-8") -> Parsed:
    """A Meta Business Suite posts export (Facebook Page or Instagram account)."""
    name = str(path)
    rows, header = _read(path, POST_FIELDS, encoding)
    observed = export_date(path, as_of)
    fatal = missing_problems(header, name, 1)
    if not (account or "handle" in header.found or "page_id" in header.found):
        fatal.append(Problem(name, 1, "Page name", "no column names the page or account "
                             "(Page name, Account username, Page ID): pass --account"))
    problems = list(rows.problems) + fatal
    c = Collector()
    rejected = len(rows.problems)
    if fatal:
        return Parsed("meta-posts", (name,), c.batch(), len(rows.rows) + rejected,
                      len(rows.rows) + rejected, problems, observed)
    network = _network(header, rows)
    said_by = dated_by(path, as_of)
    for line, row in rows.rows:
        v, bad = convert_row(row, header, POST_FIELDS, name, line)
        bad = bad or too_early(v["created_at"], observed, said_by, name, line,
                               header.found["created_at"])
        if bad:
            problems += bad
            rejected += 1
            continue
        handle = account or v.get("handle") or v.get("page_id")
        if not handle:  # the column is there, this row's cell is blank
            problems.append(Problem(name, line, "Page name", "no page or account named on "
                                    "this row: fill it in, or pass --account"))
            rejected += 1
            continue
        _add_post(c, v, network, c.account(network, handle), observed)
    return Parsed("meta-posts", (name,), c.batch(), len(rows.rows) + len(rows.problems),
                  rejected, problems, observed)


def _add_comment(c: Collector, v: dict[str, Any], network: str, observed: datetime) -> None:
    post = f"{network}:{v['post_id']}"
    parent = f"{network}:{v['parent_id']}" if v.get("parent_id") else post
    item_id = f"{network}:{v['id']}"
    author = c.actor(network, v["author"])
    c.item(Item(item_id, network, author, v.get("text") or "", v["created_at"], "comment",
                parent_id=parent, root_id=post))
    c.counters(item_id, observed, likes=v.get("likes"))


def parse_meta_comments(path: Path, *, as_of: datetime | None = None,
                        account: str | None = None, encoding: str = "utf-8") -> Parsed:
    """A comments CSV of a Facebook Page or Instagram account (one row per comment)."""
    del account  # comments carry their own authors
    name = str(path)
    rows, header = _read(path, COMMENT_FIELDS, encoding)
    observed = export_date(path, as_of)
    problems = list(rows.problems) + missing_problems(header, name, 1)
    c = Collector()
    rejected = len(rows.problems)
    if header.missing:
        return Parsed("meta-comments", (name,), c.batch(), len(rows.rows) + rejected,
                      len(rows.rows) + rejected, problems, observed)
    said_by = dated_by(path, as_of)
    default_network = _comments_network(header)
    for line, row in rows.rows:
        v, bad = convert_row(row, header, COMMENT_FIELDS, name, line)
        bad = bad or too_early(v["created_at"], observed, said_by, name, line,
                               header.found["created_at"], "comment")
        if bad:
            problems += bad
            rejected += 1
            continue
        network = (v.get("network") or default_network).lower()
        if network not in ("facebook", "instagram"):
            problems.append(Problem(name, line, header.found["network"],
                                    f"expected facebook or instagram, found {network[:40]!r}"))
            rejected += 1
            continue
        _add_comment(c, v, network, observed)
    return Parsed("meta-comments", (name,), c.batch(), len(rows.rows) + len(rows.problems),
                  rejected, problems, observed)
