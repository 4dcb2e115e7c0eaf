"""The X (Twitter) account archive: ``data/tweets.js`` (a large archive splits it into
``tweets-part1.js``, ``tweets-part2.js``...) and, beside it, ``account.js`` (the handle)
and ``manifest.js`` (when the archive was generated).

Column map: ``TWEET_FIELDS`` (JSON keys, with the names older archives used). Counters:
favorite_count → likes, retweet_count → reposts, reply_count → replies, quote_count →
quotes, impression_count → impressions, where the archive has them.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sounding.errors import ImportRejected, InputError, Problem, invalid_json
from sounding.imports.formats.columns import Field, convert_row, resolve
from sounding.imports.formats.records import Collector, Parsed
from sounding.imports.formats.source import dated_by, decode, export_date, too_early
from sounding.imports.formats.values import parse_time
from sounding.models import Item

__all__ = ["TWEET_FIELDS", "find_tweets", "parse_x_archive", "read_js"]

_PREFIX = re.compile(r"^\s*window\.(?:YTD\.[A-Za-z0-9_]+\.part\d+|__THAR_CONFIG)\s*=\s*")
_PART = re.compile(r"-part(\d+)\.js$")
_QUOTED_URL = re.compile(r"(?:twitter|x)\.com/[A-Za-z0-9_]+/status/(\d+)")

TWEET_FIELDS: tuple[Field, ...] = (
    Field("id", "id", True, ("id_str", "id")),
    Field("text", "text", False, ("full_text", "text")),
    Field("created_at", "time", True, ("created_at",)),
    Field("parent_id", "id", False, ("in_reply_to_status_id_str", "in_reply_to_status_id")),
    Field("quoted_id", "id", False, ("quoted_status_id_str", "quoted_status_id")),
    Field("likes", "count", False, ("favorite_count", "like_count")),
    Field("reposts", "count", False, ("retweet_count", "repost_count")),
    Field("replies", "count", False, ("reply_count",)),
    Field("quotes", "count", False, ("quote_count",)),
    Field("impressions", "count", False, ("impression_count", "impressions")),
)


def _parts(folder: Path, base: str) -> list[Path]:
    """``tweets.js`` then ``tweets-part1.js``, ``tweets-part2.js``... as they are there."""
    numbered = []
    for child in folder.glob(f"{base}-part*.js"):
        found = _PART.search(child.name)
        if found and child.is_file():
            numbered.append((int(found[1]), child))
    main = folder / f"{base}.js"
    return ([main] if main.is_file() else []) + [p for _, p in sorted(numbered)]


def find_tweets(path: Path) -> list[Path]:
    """The tweets files of an archive folder, every part of them (or the file itself);
    empty when there are none."""
    if path.is_file():
        return [path]
    for folder in (path / "data", path):
        for base in ("tweets", "tweet"):
            if found := _parts(folder, base):
                return found
    return []


def read_js(path: Path, encoding: str = "utf-8") -> Any:
    """The JSON value of an archive ``.js`` file, its ``window.YTD... =`` prefix removed."""
    name = str(path)
    text = decode(path.read_bytes(), name, encoding)
    match = _PREFIX.match(text)
    body = text[match.end():] if match else text
    offset = text[:match.end()].count("\n") if match else 0
    try:
        return json.loads(body.rstrip().rstrip(";"))
    except json.JSONDecodeError as exc:
        raise ImportRejected([Problem(name, exc.lineno + offset, None,
                                      invalid_json(exc) + "; expected the archive's JSON "
                                      "array")]) from exc


def _handle(folder: Path, account: str | None) -> str:
    if account:
        return account
    path = folder / "account.js"
    if path.is_file():
        data = read_js(path)
        try:
            return str(data[0]["account"]["username"])
        except (LookupError, TypeError):
            pass
    raise InputError(f"{folder}: cannot tell whose archive this is (no account.js)",
                     hint="import the whole archive folder, or pass --account HANDLE")


def _generated(folder: Path) -> datetime | None:
    path = folder / "manifest.js"
    if not path.is_file():
        return None
    found = re.search(r'"generationDate"\s*:\s*"([^"]+)"', path.read_text("utf-8", "replace"))
    return parse_time(found.group(1)) if found else None


def _matches_by_line(pattern: str, text: str) -> Iterator[tuple[re.Match[str], int]]:
    """Each match of ``pattern`` with its line, in one pass: JSON parsers keep no
    positions, and a search from the top for each tweet would take the square of the
    archive's size."""
    line, done = 1, 0
    for found in re.finditer(pattern, text):
        line += text.count("\n", done, found.start())
        done = found.start()
        yield found, line


def _id_lines(text: str) -> dict[str, int]:
    """The line of each ``id_str`` (its first)."""
    lines: dict[str, int] = {}
    for found, line in _matches_by_line(r'"id_str"\s*:\s*"([^"]+)"', text):
        lines.setdefault(found.group(1), line)
    return lines


def _entry_lines(text: str) -> list[int]:
    """The line where each ``{"tweet": ...}`` entry opens, in order: where a tweet with no
    id (or an id the id lines miss) is."""
    return [line for _, line in _matches_by_line(r'\{\s*"tweet"\s*:', text)]


def _quoted(tweet: dict[str, Any], v: dict[str, Any]) -> str | None:
    if v.get("quoted_id"):
        return str(v["quoted_id"])
    entities = tweet.get("entities")
    urls = (entities.get("urls") if isinstance(entities, dict) else None) or []
    for url in urls if isinstance(urls, list) else []:
        found = _QUOTED_URL.search(str(url.get("expanded_url", "")) if isinstance(url, dict)
                                   else "")
        if found:
            return found.group(1)
    return None


def _add_tweet(c: Collector, tweet: dict[str, Any], v: dict[str, Any], account: str,
               observed: datetime) -> None:
    text = html.unescape(v.get("text") or "")  # the archive writes &amp; &lt; &gt;
    item_id = f"x:{v['id']}"
    quoted = _quoted(tweet, v)
    kind, parent = "post", None
    if v.get("parent_id"):
        kind, parent = "reply", f"x:{v['parent_id']}"
    elif text.startswith("RT @"):
        kind = "repost"
    elif quoted:
        kind, parent = "quote", f"x:{quoted}"
    c.item(Item(item_id, "x", account, text, v["created_at"], kind, parent_id=parent,
                url=f"https://x.com/{account.removeprefix('x:')}/status/{v['id']}",
                account_id=account))
    c.counters(item_id, observed, likes=v.get("likes"), reposts=v.get("reposts"),
               replies=v.get("replies"), quotes=v.get("quotes"),
               impressions=v.get("impressions"))


def _read_tweets(c: Collector, path: Path, encoding: str, account_id: str,
                 observed: tuple[datetime, str]) -> tuple[int, int, list[Problem]]:
    """Add one tweets file's tweets; returns its entries, those rejected and why."""
    name = str(path)
    data = read_js(path, encoding)
    if not isinstance(data, list):
        raise ImportRejected([Problem(name, 1, None, "expected a JSON array of tweets")])
    text = path.read_text("utf-8", "replace")
    lines, entries = _id_lines(text), _entry_lines(text)
    if len(entries) != len(data):  # entries without the "tweet" wrapper: no line to give
        entries = []
    problems: list[Problem] = []
    rejected = 0
    for index, entry in enumerate(data):
        tweet = entry.get("tweet", entry) if isinstance(entry, dict) else None
        if not isinstance(tweet, dict):
            problems.append(Problem(name, None, None,
                                    f"entry {index + 1}: expected an object with a tweet"))
            rejected += 1
            continue
        # a null says nothing: "id_str": null must not hide the "id" beside it
        flat = {k: val for k, val in tweet.items()
                if val is not None and not isinstance(val, dict | list)}
        header = resolve(list(flat), TWEET_FIELDS)
        line = lines.get(str(flat.get("id_str") or flat.get("id") or ""))
        if line is None:
            line = entries[index] if entries else None
        v, bad = convert_row(flat, header, TWEET_FIELDS, name, line)
        bad += [Problem(name, line, f.en[0], "required field is missing")
                for f in header.missing]
        bad = bad or too_early(v["created_at"], *observed, name, line,
                               header.found["created_at"], "tweet")
        if line is None:  # say which entry instead of a line
            bad = [Problem(p.file, None, p.column, f"entry {index + 1}: {p.message}")
                   for p in bad]
        if bad:
            problems += bad
            rejected += 1
            continue
        _add_tweet(c, tweet, v, account_id, observed[0])
    return len(data), rejected, problems


def parse_x_archive(path: Path, *, as_of: datetime | None = None,
                    account: str | None = None, encoding: str = "utf-8") -> Parsed:
    """An X archive folder (``tweets.js`` and its parts) or one tweets file: the account's
    posts, replies and quotes."""
    files = find_tweets(path)
    if not files:
        raise InputError(f"{path}: no data/tweets.js in this folder",
                         hint="point at the unzipped archive folder or its tweets.js")
    folder = files[0].parent
    generated = _generated(folder)
    observed = export_date(files[0], as_of or generated)
    said_by = dated_by(files[0], as_of, "the archive's manifest" if generated else None)
    c = Collector()
    account_id = c.account("x", _handle(folder, account))
    rows, rejected = 0, 0
    problems: list[Problem] = []
    for file in files:
        n, bad_rows, bad = _read_tweets(c, file, encoding, account_id, (observed, said_by))
        rows, rejected, problems = rows + n, rejected + bad_rows, problems + bad
    return Parsed("x-archive", tuple(str(f) for f in files), c.batch(), rows, rejected,
                  problems, observed)
