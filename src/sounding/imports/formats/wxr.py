"""WordPress export files (WXR): published posts and their approved comments, threaded.

Tag map (``POST_TAGS``, ``COMMENT_TAGS``): WXR 1.1/1.2 names. Comments become items of
kind ``comment`` whose parent is the comment they answer (``wp:comment_parent``) or the
post, and whose root is the post. Comments by registered users (``wp:comment_user_id``
above 0) are the site's staff: they are stored as the blog's own replies.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from xml.etree.ElementTree import Element

from sounding.errors import Problem
from sounding.imports.formats.blog import (
    BLOG,
    comment_key,
    commenter,
    html_text,
    parse_xml,
    post_key,
    site,
)
from sounding.imports.formats.records import Collector, Parsed
from sounding.imports.formats.source import export_date
from sounding.imports.formats.values import TIME_EXPECTED, parse_time
from sounding.models import Item

__all__ = ["COMMENT_TAGS", "POST_TAGS", "parse_wxr"]

_NS = {
    "wp": "http://wordpress.org/export/1.2/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
POST_TAGS: dict[str, tuple[str, ...]] = {
    "id": ("wp:post_id",), "type": ("wp:post_type",), "status": ("wp:status",),
    "date": ("wp:post_date_gmt", "wp:post_date", "pubDate"), "link": ("link",),
    "title": ("title",), "body": ("content:encoded",)}
COMMENT_TAGS: dict[str, tuple[str, ...]] = {
    "id": ("wp:comment_id",), "parent": ("wp:comment_parent",),
    "author": ("wp:comment_author",), "user": ("wp:comment_user_id",),
    "date": ("wp:comment_date_gmt", "wp:comment_date"),
    "approved": ("wp:comment_approved",), "type": ("wp:comment_type",),
    "body": ("wp:comment_content",)}


def _ns(root: Element) -> dict[str, str]:
    """The namespaces as this file declares them (1.0, 1.1 or 1.2 for wp)."""
    spaces = dict(_NS)
    for element in root.iter():
        if element.tag.startswith("{") and "wordpress.org/export/" in element.tag:
            spaces["wp"] = element.tag[1:].split("}", 1)[0]
            break
    return spaces


def _text(element: Element, tag: str, ns: dict[str, str]) -> str:
    found = element.find(tag, ns)
    return (found.text or "").strip() if found is not None else ""


def _date(element: Element, tags: tuple[str, ...], ns: dict[str, str]
          ) -> tuple[datetime | None, str, str]:
    for tag in tags:
        raw = _text(element, tag, ns)
        if raw and not raw.startswith("0000"):
            return parse_time(raw), tag, raw
    return None, tags[0], ""


class _Reader:
    """One WXR file being read: where things are, what was found, what was wrong."""

    def __init__(self, name: str, text: str, ns: dict[str, str]) -> None:
        self.name, self.text, self.ns = name, text, ns
        self.c = Collector()
        self.problems: list[Problem] = []
        self.rows = self.rejected = 0

    def line(self, tag: str, value: str) -> int | None:
        prefix, local = tag.split(":")
        at = self.text.find(f"<{prefix}:{local}>{value}</")
        return self.text.count("\n", 0, at) + 1 if at >= 0 else None

    def bad(self, tag: str, ident: str, column: str, message: str) -> None:
        self.problems.append(Problem(self.name, self.line(tag, ident), column, message))
        self.rejected += 1

    def post(self, item: Element, account: str) -> None:
        ns = self.ns
        if _text(item, "wp:post_type", ns) not in ("post", "") or \
                _text(item, "wp:status", ns) not in ("publish", ""):
            return
        self.rows += 1
        ident, link = _text(item, "wp:post_id", ns), _text(item, "link", ns)
        created, tag, raw = _date(item, POST_TAGS["date"], ns)
        if not link:
            return self.bad("wp:post_id", ident, "link", "a value is required here")
        if created is None:
            return self.bad("wp:post_id", ident, tag, f"expected {TIME_EXPECTED}, found {raw!r}")
        title, body = _text(item, "title", ns), html_text(_text(item, "content:encoded", ns))
        key = post_key(link)
        self.c.item(Item(key, BLOG, account, f"{title}\n\n{body}".strip(), created, "post",
                         url=link, account_id=account))
        for comment in item.findall("wp:comment", ns):
            self.comment(comment, link, key, account)

    def comment(self, comment: Element, link: str, post: str, account: str) -> None:
        ns = self.ns
        if _text(comment, "wp:comment_approved", ns) != "1" or \
                _text(comment, "wp:comment_type", ns) not in ("", "comment"):
            return
        self.rows += 1
        ident = _text(comment, "wp:comment_id", ns)
        created, tag, raw = _date(comment, COMMENT_TAGS["date"], ns)
        if not ident:
            return self.bad("wp:comment_id", ident, "wp:comment_id", "a value is required here")
        if created is None:
            return self.bad("wp:comment_id", ident, tag,
                            f"expected {TIME_EXPECTED}, found {raw!r}")
        parent = _text(comment, "wp:comment_parent", ns)
        staff = _text(comment, "wp:comment_user_id", ns) not in ("", "0")
        author = account if staff else commenter(
            self.c, link, _text(comment, "wp:comment_author", ns))
        self.c.item(Item(
            comment_key(link, ident), BLOG, author,
            html_text(_text(comment, "wp:comment_content", ns)), created, "comment",
            parent_id=comment_key(link, parent) if parent not in ("", "0") else post,
            root_id=post, url=f"{link.split('#')[0]}#comment-{ident}",
            account_id=account if staff else None))


def parse_wxr(path: Path, *, as_of: datetime | None = None,
              account: str | None = None) -> Parsed:
    """A WordPress export (Tools → Export): posts, comments and their threads."""
    name = str(path)
    data = path.read_bytes()
    root = parse_xml(data, name)
    channel = root.find("channel")
    if channel is None:
        return Parsed("wxr", (name,), Collector().batch(), 0, 0,
                      [Problem(name, None, "channel", "expected an RSS <channel> element")])
    ns = _ns(root)
    reader = _Reader(name, data.decode("utf-8", "replace"), ns)
    site_url = account or _text(channel, "wp:base_blog_url", ns) or _text(channel, "link", ns)
    if not site_url:
        reader.problems.append(Problem(name, None, "link", "the channel has no site address"))
        return Parsed("wxr", (name,), reader.c.batch(), 0, 0, reader.problems)
    brand = site(reader.c, site_url, _text(channel, "title", ns))
    for item in channel.findall("item"):
        reader.post(item, brand)
    built = parse_time(_text(channel, "pubDate", ns))
    return Parsed("wxr", (name,), reader.c.batch(), reader.rows, reader.rejected,
                  reader.problems, export_date(path, as_of or built))
