"""Tell an export's format from its content (first bytes, XML root, CSV header, sheets)."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

from sounding.errors import InputError, missing_file
from sounding.imports.formats.columns import resolve
from sounding.imports.formats.feed import parse_feed
from sounding.imports.formats.linkedin import parse_linkedin
from sounding.imports.formats.meta import (
    COMMENT_FIELDS,
    POST_FIELDS,
    parse_meta_comments,
    parse_meta_posts,
)
from sounding.imports.formats.records import Parsed
from sounding.imports.formats.wxr import parse_wxr
from sounding.imports.formats.x_archive import find_tweets, parse_x_archive
from sounding.imports.scan import mark_codec, sniff_delimiter

__all__ = ["FORMATS", "Parser", "detect", "detect_files", "find_archive", "parser_for"]

Parser = Callable[..., Parsed]
FORMATS = ("meta-posts", "meta-comments", "x-archive", "linkedin", "wxr", "feed")
_HEAD = 64 * 1024
_XML_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(rss|feed|RDF)\b[^>]*>", re.S)
_WXR_NS = b"wordpress.org/export/"


def parser_for(fmt: str) -> Parser:
    """The parse function of a format name."""
    parsers: dict[str, Parser] = {
        "meta-posts": parse_meta_posts, "meta-comments": parse_meta_comments,
        "x-archive": parse_x_archive, "linkedin": parse_linkedin, "wxr": parse_wxr,
        "feed": parse_feed,
    }
    if fmt not in parsers:
        raise InputError(f"unknown format '{fmt}'", hint=f"use one of {', '.join(FORMATS)}")
    return parsers[fmt]


def _header_text(head: bytes) -> str:
    """The first line of a CSV: UTF-16 when its mark says so, else UTF-8, else read as
    Windows-1252 (a file Excel re-saved), whose parser then names the line to fix."""
    marked = mark_codec(head[:4])
    if marked:
        return head.decode(marked[:6], "replace").split("\n", 1)[0]
    line = head.split(b"\n", 1)[0]
    try:
        return line.decode("utf-8-sig")
    except UnicodeDecodeError:
        return line.decode("cp1252", "replace")


def _csv_format(head: bytes) -> str | None:
    # a lone carriage return ends a line too (the csv module refuses one inside a field)
    first = (_header_text(head).splitlines() or [""])[0]
    header = [h.strip() for h in next(csv.reader([first], delimiter=sniff_delimiter(first)))]
    if len(header) < 2:
        return None
    if not resolve(header, COMMENT_FIELDS).missing:
        return "meta-comments"
    posts = resolve(header, POST_FIELDS)
    if not posts.missing and {"url", "impressions", "reach", "likes"} & set(posts.found):
        return "meta-posts"
    return None


def _sniff(path: Path) -> str | None:
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"PK\x03\x04"):
        return "linkedin" if path.suffix.lower() in (".xlsx", ".xls", "") or b"xl/" in head \
            else None
    if stripped.startswith(b"window.YTD.tweets") or stripped.startswith(b"window.YTD.tweet."):
        return "x-archive"
    if stripped.startswith(b"["):
        return "x-archive" if re.match(rb'\[\s*\{\s*"tweet"\s*:', stripped) else None
    if stripped.startswith(b"<"):
        root = _XML_ROOT.search(stripped)
        if root is None:
            return None
        return "wxr" if _WXR_NS in stripped else "feed"
    return _csv_format(head)


def detect(path: Path) -> str:
    """The format of one export file or archive folder; InputError when unknown."""
    if path.is_dir():
        if find_archive(path):
            return "x-archive"
        raise InputError(f"{path}: a folder that is not an X archive",
                         hint="point at the export files themselves")
    if not path.is_file():
        raise missing_file(path)
    fmt = _sniff(path)
    if fmt is None:
        raise InputError(
            f"{path}: not an export sounding knows",
            hint="sounding reads Meta posts/comments CSV, the X archive, LinkedIn XLSX, "
                 "WordPress WXR and RSS/Atom; for other files use 'sounding import items'")
    return fmt


def detect_files(path: Path) -> tuple[list[tuple[Path, str]], list[Path]]:
    """Exports to read under a path, with their formats, and the files skipped."""
    if path.is_file() or find_archive(path):
        return [(path, detect(path))], []
    if not path.is_dir():
        raise missing_file(path, "file or folder")
    found: list[tuple[Path, str]] = []
    skipped: list[Path] = []
    for child in sorted(p for p in path.iterdir() if not p.name.startswith(".")):
        if child.is_dir() and find_archive(child):
            found.append((child, "x-archive"))
        elif child.is_file():
            try:
                found.append((child, detect(child)))
            except InputError:
                skipped.append(child)
    if not found:
        raise InputError(f"{path}: no export sounding knows in this folder",
                         hint="sounding reads Meta CSV, X archives, LinkedIn XLSX, WXR, RSS")
    return found, skipped


def find_archive(path: Path) -> bool:
    """Whether a folder is an X archive."""
    return path.is_dir() and bool(find_tweets(path))

