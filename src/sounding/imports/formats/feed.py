"""RSS 2.0 and Atom feeds of a blog: its posts, and comments from a comments feed.

An entry is a comment when it answers another (Atom threading, ``thr:in-reply-to``) or
its link is a ``#comment-ID`` anchor, as WordPress comment feeds write them. Counters:
``slash:comments`` or ``thr:total`` → replies.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.etree.ElementTree import Element

from sounding.errors import Problem
from sounding.imports.formats.blog import (
    BLOG,
    anchor_key,
    commenter,
    html_text,
    parse_xml,
    post_key,
    site,
)
from sounding.imports.formats.records import Collector, Parsed
from sounding.imports.formats.source import export_date
from sounding.imports.formats.values import TIME_EXPECTED, parse_count, parse_time
from sounding.models import Item

__all__ = ["ENTRY_TAGS", "parse_feed"]

_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "thr": "http://purl.org/syndication/thread/1.0",
}
# our name -> (RSS 2.0 tags, Atom tags), first found wins
ENTRY_TAGS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "link": (("link", "guid"), ("atom:link",)),
    "title": (("title",), ("atom:title",)),
    "body": (("content:encoded", "description"), ("atom:content", "atom:summary")),
    "author": (("dc:creator", "author"), ("atom:author/atom:name",)),
    "date": (("pubDate", "dc:date"), ("atom:published", "atom:updated")),
    "replies": (("slash:comments", "thr:total"), ("thr:total",)),
    "ident": (("guid",), ("atom:id",)),
}


@dataclass(frozen=True)
class _Entry:
    link: str
    title: str
    body: str
    author: str
    date: str
    replies: str
    ident: str
    reply_to: str


def _first(element: Element, tags: tuple[str, ...]) -> str:
    for tag in tags:
        found = element.find(tag, _NS)
        if found is None:
            continue
        if tag == "atom:link":
            return _atom_link(element)
        if found.text and found.text.strip():
            return found.text.strip()
    return ""


def _atom_link(entry: Element) -> str:
    for link in entry.findall("atom:link", _NS):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link.get("href"))
    return ""


def _entry(element: Element, atom: bool) -> _Entry:
    pick = 1 if atom else 0
    values = {name: _first(element, tags[pick]) for name, tags in ENTRY_TAGS.items()}
    thread = element.find("thr:in-reply-to", _NS)
    reply_to = ""
    if thread is not None:
        reply_to = str(thread.get("href") or thread.get("ref") or "")
    return _Entry(reply_to=reply_to, **values)


def _add(c: Collector, e: _Entry, brand: str, created: datetime, observed: datetime,
         site_url: str) -> None:
    is_comment = bool(e.reply_to) or "#comment-" in e.link
    if not is_comment:
        key = post_key(e.link)
        c.item(Item(key, BLOG, brand, f"{e.title}\n\n{html_text(e.body)}".strip(), created,
                    "post", url=e.link, account_id=brand))
        # a feed's comment count is a hint, not a reason to refuse; one dated before its
        # post (a stale lastBuildDate) cannot be that post's
        with suppress(ValueError):
            if observed >= created:
                c.counters(key, observed, replies=parse_count(e.replies))
        return
    root = post_key(e.link)  # the anchor dropped: the post the comment is under
    parent = _address_key(e.reply_to) if e.reply_to.startswith("http") else None
    author = commenter(c, site_url, e.author or "anonymous")
    own = _address_key(e.link)
    if own == root:  # its address is its post's: told apart by its feed id
        own = f"{root}#{e.ident or f'{e.author}@{e.date}'}"
    c.item(Item(own, BLOG, author,
                html_text(e.body), created, "comment", parent_id=parent or root,
                root_id=root, url=e.link))


def _address_key(url: str) -> str:
    """The key of an address: ``#comment-ID`` as WordPress writes it, another anchor kept
    as it is (``#c1``), the post's without one."""
    base, sep, fragment = url.partition("#")
    if not (sep and fragment.strip()) or fragment.startswith("comment-"):
        return anchor_key(url)
    return f"{post_key(base)}#{fragment.strip()}"


def parse_feed(path: Path, *, as_of: datetime | None = None,
               account: str | None = None) -> Parsed:
    """An RSS 2.0 or Atom file: posts of the blog, or comments of a comments feed."""
    name = str(path)
    root = parse_xml(path.read_bytes(), name)
    atom = root.tag == f"{{{_NS['atom']}}}feed"
    channel = root if atom else root.find("channel")
    if channel is None:
        return Parsed("feed", (name,), Collector().batch(), 0, 0,
                      [Problem(name, None, "channel", "expected an RSS <channel> or Atom <feed>")])
    site_url = account or (_atom_link(channel) if atom else _first(channel, ("link",)))
    if not site_url:  # never the file's path: the same feed elsewhere would be another blog
        return Parsed("feed", (name,), Collector().batch(), 0, 0, [Problem(
            name, None, "link", "the feed names no site (its <link>): pass --account with "
            "the blog's address")])
    c = Collector()
    problems: list[Problem] = []
    brand = site(c, site_url)  # a comments feed's title is not the blog's name
    updated = parse_time(_first(channel, ("atom:updated",) if atom else ("lastBuildDate",)))
    observed = export_date(path, as_of or updated)
    entries = channel.findall("atom:entry" if atom else "item", _NS)
    for index, element in enumerate(entries, 1):
        e = _entry(element, atom)
        created = parse_time(e.date)
        where = f"{'entry' if atom else 'item'} {index}"
        if not e.link:
            problems.append(Problem(name, None, "link", f"{where}: a value is required here"))
        elif created is None:
            problems.append(Problem(name, None, "pubDate" if not atom else "published",
                                    f"{where}: expected {TIME_EXPECTED}, found {e.date!r}"))
        else:
            _add(c, e, brand, created, observed, site_url)
    return Parsed("feed", (name,), c.batch(), len(entries), len(problems), problems, observed)
