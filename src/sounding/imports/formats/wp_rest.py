"""WordPress REST API payloads (``/wp/v2/posts``, ``/wp/v2/comments``) → a Batch.

Field map (``POST_KEYS``, ``COMMENT_KEYS``) follows the WP REST API reference. Keys are
the same as a WXR export of the same site gives (see ``blog``). Comments written by a
registered user (``author`` above 0) are the site's staff, stored as the blog's replies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sounding.errors import Problem
from sounding.imports.formats.blog import (
    BLOG,
    anchor_key,
    comment_key,
    commenter,
    html_text,
    post_key,
    site,
)
from sounding.imports.formats.records import Collector, Parsed
from sounding.imports.formats.values import TIME_EXPECTED, parse_time
from sounding.models import Item

__all__ = ["COMMENT_KEYS", "POST_KEYS", "parse_wp_rest"]

POST_KEYS = ("id", "date_gmt", "date", "link", "title.rendered", "content.rendered", "status")
COMMENT_KEYS = ("id", "post", "parent", "author", "author_name", "date_gmt", "date",
                "content.rendered", "link", "status", "type")


def _rendered(value: object) -> str:
    if isinstance(value, Mapping):
        value = value.get("rendered")
    return value if isinstance(value, str) else ""


def _when(obj: Mapping[str, Any]) -> datetime | None:
    return parse_time(obj.get("date_gmt")) or parse_time(obj.get("date"))


def _post(c: Collector, post: Mapping[str, Any], brand: str) -> str | None:
    created, link = _when(post), post.get("link")
    if created is None or not isinstance(link, str) or not link:
        return None
    title, body = html_text(_rendered(post.get("title"))), html_text(_rendered(post.get("content")))
    c.item(Item(post_key(link), BLOG, brand, f"{title}\n\n{body}".strip(), created, "post",
                url=link, account_id=brand))
    return link


def _comment(c: Collector, com: Mapping[str, Any], links: Mapping[str, str], brand: str,
             site_url: str) -> str | None:
    created, ident = _when(com), str(com.get("id", ""))
    link = com.get("link") if isinstance(com.get("link"), str) else ""
    post_link = links.get(str(com.get("post"))) or str(link).partition("#comment-")[0]
    if created is None:
        return "date_gmt"
    if not ident or not post_link:
        return "link"
    root = post_key(post_link)
    parent = str(com.get("parent") or "0")
    staff = str(com.get("author") or "0") != "0"
    author = brand if staff else commenter(c, site_url, str(com.get("author_name") or ""))
    key = anchor_key(str(link)) if "#comment-" in str(link) else comment_key(post_link, ident)
    c.item(Item(key, BLOG, author, html_text(_rendered(com.get("content"))), created,
                "comment", parent_id=comment_key(post_link, parent) if parent != "0" else root,
                root_id=root, url=str(link) or None, account_id=brand if staff else None))
    return None


def parse_wp_rest(site_url: str, posts: Sequence[object], comments: Sequence[object], *,
                  observed_at: datetime, site_name: str | None = None) -> Parsed:
    """Posts and approved comments fetched from a WordPress site's REST API."""
    c = Collector()
    brand = site(c, site_url, site_name)
    problems: list[Problem] = []
    links: dict[str, str] = {}
    for index, post in enumerate(posts, 1):
        link = _post(c, post, brand) if isinstance(post, Mapping) else None
        if link is None or not isinstance(post, Mapping):
            problems.append(Problem(f"{site_url} posts", None, "date_gmt",
                                    f"post {index}: expected {TIME_EXPECTED} and a link"))
            continue
        links[str(post.get("id"))] = link
    for index, com in enumerate(comments, 1):
        if not isinstance(com, Mapping):
            problems.append(Problem(f"{site_url} comments", None, None,
                                    f"comment {index}: expected a JSON object"))
            continue
        if com.get("status", "approved") != "approved" or \
                com.get("type", "comment") not in ("comment", ""):
            continue
        bad = _comment(c, com, links, brand, site_url)
        if bad:
            problems.append(Problem(f"{site_url} comments", None, bad,
                                    f"comment {com.get('id', index)}: expected "
                                    f"{TIME_EXPECTED if bad == 'date_gmt' else 'a post link'}"))
    return Parsed("wordpress", (site_url,), c.batch(), len(posts) + len(comments),
                  len(problems), problems, observed_at)
