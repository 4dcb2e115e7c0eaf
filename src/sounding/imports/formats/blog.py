"""What blog sources share: stable keys from permalinks, HTML to text, XML read safely.

A blog post's key is ``blog:`` + its permalink without scheme; a comment's is the post's
plus ``#comment-ID``, the anchor WordPress itself uses, so a WXR file, the REST API and
a comments feed of the same site name the same items.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from sounding.errors import ImportRejected, Problem
from sounding.imports.formats.records import Collector

__all__ = ["BLOG", "anchor_key", "comment_key", "commenter", "html_text", "parse_xml", "post_key",
           "site"]

BLOG = "blog"
_BLOCKS = {"p", "br", "div", "li", "h1", "h2", "h3", "h4", "blockquote", "tr"}


def _bare(url: str) -> str:
    base = url.strip().split("#", 1)[0]
    parts = urlsplit(base)
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.netloc.lower()}{path}{query}" if parts.netloc else base.rstrip("/")


def post_key(url: str) -> str:
    """``blog:host/path`` of a post's permalink."""
    return f"{BLOG}:{_bare(url)}"


def comment_key(post_url: str, comment_id: str) -> str:
    """``blog:host/path#comment-ID``."""
    return f"{BLOG}:{_bare(post_url)}#comment-{comment_id}"


def anchor_key(url: str) -> str:
    """The key of a ``...#comment-ID`` address, or of the post when it has no such anchor."""
    post, sep, ident = url.partition("#comment-")
    return comment_key(post, ident.strip()) if sep and ident.strip() else post_key(url)


def site(c: Collector, url: str, title: str | None = None) -> str:
    """The blog itself as the brand's account (its posts are the brand's posts)."""
    host = urlsplit(url.strip()).netloc.lower() or url.strip()
    return c.account(BLOG, host, title or None)


def commenter(c: Collector, site_url: str, name: str) -> str:
    """A reader who comments, known by name on that site: ``blog:host/~name``."""
    host = urlsplit(site_url.strip()).netloc.lower() or site_url.strip()
    clean = " ".join(name.split()) or "anonymous"
    return c.actor(BLOG, clean, None, native=f"{host}/~{clean.lower()}")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(markup: str | None) -> str:
    """Readable text of an HTML fragment (tags dropped, paragraphs kept as lines)."""
    if not markup:
        return ""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)  # the parser decoded the entities once, as a browser does
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def parse_xml(data: bytes, name: str) -> Element:
    """The root element, refusing entity tricks; ImportRejected names the bad line."""
    try:
        root: Element = fromstring(data, forbid_dtd=False)
    except ParseError as exc:
        line, column = exc.position
        raise ImportRejected([Problem(name, line, None,
                                      f"malformed XML at column {column + 1}: {exc.msg}")]
                             ) from exc
    except DefusedXmlException as exc:
        raise ImportRejected([Problem(name, None, None,
                                      f"refused unsafe XML ({type(exc).__name__})")]) from exc
    except LookupError as exc:  # an encoding declaration naming no codec Python knows
        raise ImportRejected([Problem(name, 1, None, f"the XML declaration names an unknown "
                                      f"encoding ({exc}); expected e.g. UTF-8")]) from exc
    except ValueError as exc:
        raise ImportRejected([Problem(name, None, None, f"unreadable XML: {exc}")]) from exc
    return root
