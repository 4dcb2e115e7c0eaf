"""WordPress sites through the REST API: posts and approved comments, page by page.

Fetching only: the payloads are parsed by ``sounding.imports.formats.wp_rest``. Pages
are walked with ``page``/``per_page`` until ``X-WP-TotalPages`` says they are done, or,
where a site does not send it, until a page is empty or past the end.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import httpx

from sounding.connectors.retry import RetryPolicy, with_retries
from sounding.connectors.transport import no_answer_reason
from sounding.errors import InputError, NetworkFailure, RateLimited

__all__ = ["HttpClient", "WordPressDump", "api_root", "fetch_wordpress"]

HttpClient = httpx.Client  # callers pass one (tests: a mock transport) without importing httpx

_TIMEOUT = httpx.Timeout(30.0)
_USER_AGENT = "sounding WordPress import"


@dataclass(frozen=True)
class WordPressDump:
    """What a site gave: its address and name, its posts and its comments (raw JSON)."""

    site: str
    name: str | None
    posts: list[Any] = field(default_factory=list)
    comments: list[Any] = field(default_factory=list)


def api_root(url: str) -> str:
    """The REST root of a site: ``https://example.org`` → ``https://example.org/wp-json``."""
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise InputError(f"'{url}' is not a web address", hint="use https://your-blog.example")
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:  # it would be printed
        raise InputError("the site's address holds a user name or password",
                         hint="give the address alone: the REST API's public posts and "
                              "comments need no sign-in")
    return url if url.endswith("/wp-json") else f"{url}/wp-json"


def _get(client: httpx.Client, url: str, params: dict[str, Any]) -> httpx.Response:
    try:
        response = client.get(url, params=params)
    except httpx.TransportError as exc:
        raise NetworkFailure(f"{url} did not answer "
                             f"({no_answer_reason(str(exc) or type(exc).__name__)})") from exc
    if response.status_code == 429:
        after = response.headers.get("Retry-After", "")
        raise RateLimited(f"{url}: too many requests",
                          retry_after=float(after) if after.isdigit() else None)
    if response.status_code >= 500:
        raise NetworkFailure(f"{url}: the site answered {response.status_code}")
    return response


def _json(response: httpx.Response, what: str) -> Any:
    if response.status_code in (401, 403):
        raise InputError(f"{what}: the site refused access ({response.status_code})",
                         hint="its REST API may be restricted to logged-in users")
    if response.status_code == 404:
        raise InputError(f"{what}: no WordPress REST API here (404)",
                         hint="check the address; the site may have the REST API disabled")
    if response.status_code >= 400:
        raise InputError(f"{what}: the site answered {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise InputError(f"{what}: the answer is not JSON",
                         hint="is this a WordPress site? try its home page address") from exc


def _total_pages(response: httpx.Response, url: str) -> int | None:
    """The page count the site announces; None when it does not say (some caches and
    security plugins strip ``X-WP-TotalPages``)."""
    value = response.headers.get("X-WP-TotalPages", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise InputError(f"{url}: X-WP-TotalPages is {value[:40]!r}, expected a whole number")
    return int(value)


def _walk(client: httpx.Client, url: str, per_page: int, policy: RetryPolicy,
          max_pages: int | None, progress: Callable[[str], None] | None) -> list[Any]:
    """Every row of a list. Without a page count, pages are read until one is empty, is
    refused as past the end (400), or brings nothing new (a site ignoring ``page``)."""
    rows: list[Any] = []
    seen: set[str] = set()
    page, total = 1, None
    while (total is None or page <= total) and (max_pages is None or page <= max_pages):
        params = {"page": page, "per_page": per_page, "orderby": "id", "order": "asc"}
        response = with_retries(partial(_get, client, url, params), policy, progress)
        if response.status_code == 400 and page > 1:
            break  # rest_post_invalid_page_number: past the end, or the list shrank
        body = _json(response, f"{url}?page={page}")
        if not isinstance(body, list):
            raise InputError(f"{url}?page={page}: expected a JSON list")
        total = _total_pages(response, f"{url}?page={page}")
        if total is None:  # an uncounted list ends on an empty page or the same rows again
            keys = {json.dumps(row, sort_keys=True) for row in body}
            if not keys - seen:
                break
            seen |= keys
        rows.extend(body)
        if progress:
            progress(f"{url}: page {page}" + (f" of {total}" if total is not None else ""))
        page += 1
    return rows


def fetch_wordpress(site: str, *, client: HttpClient | None = None, per_page: int = 100,
                    max_pages: int | None = None, policy: RetryPolicy | None = None,
                    progress: Callable[[str], None] | None = None) -> WordPressDump:
    """Every published post and approved comment of a site (public endpoints, no login)."""
    root = api_root(site)
    policy = policy or RetryPolicy(tries=3)
    own = client is None
    http = client or httpx.Client(timeout=_TIMEOUT, follow_redirects=True,
                                  headers={"User-Agent": _USER_AGENT})
    try:
        info = _json(with_retries(partial(_get, http, f"{root}/", {}), policy, progress), root)
        name = info.get("name") if isinstance(info, dict) else None
        home = info.get("home") if isinstance(info, dict) else None
        posts = _walk(http, f"{root}/wp/v2/posts", per_page, policy, max_pages, progress)
        comments = _walk(http, f"{root}/wp/v2/comments", per_page, policy, max_pages, progress)
    finally:
        if own:
            http.close()
    return WordPressDump(str(home or root.removesuffix("/wp-json")),
                         str(name) if name else None, posts, comments)
