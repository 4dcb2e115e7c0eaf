"""The Bluesky connector: the only module that imports the ``atproto`` SDK."""

from __future__ import annotations

import dataclasses
import secrets
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from atproto import Client  # type: ignore[import-untyped]
from atproto_client.exceptions import (  # type: ignore[import-untyped]
    RateLimitExceededError,
    RequestErrorBase,
)
from atproto_client.models.utils import get_model_as_dict  # type: ignore[import-untyped]

from sounding.connectors import bluesky_parse as parse
from sounding.connectors.base import (
    Draft,
    Page,
    Published,
    before_sending,
    newest_first_state,
    walk_cursor,
)
from sounding.connectors.bluesky_post import check_draft, facets, post_record
from sounding.connectors.records import Brand, Records
from sounding.connectors.retry import RetryPolicy, with_retries
from sounding.connectors.text import tid
from sounding.connectors.transport import no_answer_reason
from sounding.errors import (
    CredentialRejected,
    NetworkFailure,
    NetworkRefused,
    PostRejected,
    RateLimited,
    SoundingError,
)

__all__ = ["DEFAULT_SERVICE", "BlueskyConnector"]

DEFAULT_SERVICE = "https://bsky.social"
T = TypeVar("T")
_POST = "app.bsky.feed.post"
_PAGE = 100


def _message(exc: RequestErrorBase) -> str:
    content = getattr(exc.response, "content", None)
    error = getattr(content, "error", None)
    message = getattr(content, "message", None)
    status = getattr(exc.response, "status_code", "no response")
    return f"{status} {error or ''}: {message or exc.__class__.__name__}".strip()


def _no_answer(exc: RequestErrorBase) -> str:
    """Why no answer came: the transport's own error (connection refused, timed out)."""
    cause = exc.__cause__ or exc
    return no_answer_reason(str(cause).strip() or type(cause).__name__)


def _origin(url: str) -> str:
    """A service URL as scheme://host[:port]: no user, password or query can leak."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")


def _retry_after(exc: RateLimitExceededError) -> float | None:
    """Seconds to wait as the server says, or None (the retry's own backoff) when it says
    nothing or no time (a reset in milliseconds lies in the year 56971)."""
    try:
        if exc.retry_after is not None:
            return float(exc.retry_after)
        if exc.reset_at is not None:
            return max(float((exc.reset_at - datetime.now(UTC)).total_seconds()), 0.0)
    except (ValueError, OverflowError, TypeError):
        pass
    return None


_THREAD_DEPTH = 200  # replies below a post read in one thread request


class BlueskyConnector:
    """A brand account on a Bluesky PDS (bsky.social or any other, e.g. a local one)."""

    def __init__(self, brand: Brand, password: str, *, credential_env: str,
                 service_url: str | None = None, policy: RetryPolicy | None = None,
                 on_wait: Callable[[str], None] | None = None) -> None:
        self.brand = brand
        self._password = password
        self._credential_env = credential_env
        self._client = Client(base_url=service_url or DEFAULT_SERVICE)
        self._service = _origin(service_url or DEFAULT_SERVICE)
        self._policy = policy or RetryPolicy()
        self._on_wait = on_wait
        self._did: str | None = None

    # -- calls -----------------------------------------------------------------------
    def _translate(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except RateLimitExceededError as exc:
            raise RateLimited(f"bluesky: rate limited ({_message(exc)})",
                              retry_after=_retry_after(exc)) from None
        except RequestErrorBase as exc:
            raise self._error(exc) from None

    def _error(self, exc: RequestErrorBase) -> SoundingError:
        """401: the credential; other 4xx: a final refusal; else (5xx, no answer): transient.

        The SDK raises 403 as unauthorized and 409/413 as network errors, so the status
        decides, not the class.
        """
        status = getattr(exc.response, "status_code", None)
        if status == 401:
            return self._rejected(_message(exc))
        if status is not None and 400 <= status < 500:
            content = getattr(exc.response, "content", None)
            reason = getattr(content, "message", None) or getattr(content, "error", None)
            return NetworkRefused(f"bluesky refused the request ({_message(exc)})",
                                  status=status, reason=str(reason or status))
        if exc.response:
            return NetworkFailure(f"bluesky: {self._service} failed ({_message(exc)})")
        return NetworkFailure(f"bluesky: {self._service} did not answer ({_no_answer(exc)})")

    def _rejected(self, detail: str) -> CredentialRejected:
        return CredentialRejected(
            f"bluesky refused the app password of {self.brand.handle} ({detail})",
            hint=f"create a new app password and set ${self._credential_env} "
                 "(environment or the [credentials] table of the config file)")

    def _call(self, call: Callable[[], T]) -> T:
        self._login()
        return with_retries(lambda: self._translate(call), self._policy, self._on_wait)

    def _login(self) -> None:
        if self._did is not None:
            return

        def login() -> Any:
            return self._client.login(self.brand.handle, self._password,
                                      fetch_bsky_profile=False)
        try:
            with_retries(lambda: self._translate(login), self._policy, self._on_wait)
        except NetworkRefused as exc:
            raise self._rejected(exc.reason) from None
        session = self._client._session  # the DID of the logged-in account
        self._did = str(session.did) if session else ""
        self.brand = dataclasses.replace(self.brand, native_id=self._did)

    def _query(self, call: Callable[[], Any]) -> dict[str, Any]:
        result: dict[str, Any] = get_model_as_dict(self._call(call))
        return result

    # -- collect ---------------------------------------------------------------------
    def profile(self, observed_at: datetime) -> Records:
        ns = self._client.app.bsky.actor
        payload = self._query(lambda: ns.get_profile({"actor": self.brand.handle}))
        return parse.parse_profile(payload, self.brand, observed_at)

    def posts(self, state: str | None) -> Page:
        """The brand's own posts, oldest first, from its repository (a forward cursor)."""
        self._login()
        params = {"repo": self._did, "collection": _POST, "limit": _PAGE, "reverse": True,
                  "cursor": state}
        ns = self._client.com.atproto.repo
        payload = self._query(lambda: ns.list_records(params))
        records = payload.get("records", [])
        cursor = payload.get("cursor") or (records[-1]["uri"].rsplit("/", 1)[-1]
                                           if records else state)
        return Page(parse.parse_own_records(payload, self.brand), cursor,
                    done=len(records) < _PAGE, fetched=len(records))

    def notifications(self, state: str | None) -> Page:
        ns = self._client.app.bsky.notification
        params = {"limit": _PAGE, "cursor": walk_cursor(state)}
        payload = self._query(lambda: ns.list_notifications(params))
        notes = payload.get("notifications", [])
        new_state, done = newest_first_state(state, [n["indexedAt"] for n in notes],
                                             payload.get("cursor"))
        return Page(parse.parse_notifications(payload, self.brand), new_state, done,
                    fetched=len(notes))

    def search(self, query: str, state: str | None) -> Page:
        ns = self._client.app.bsky.feed
        params = {"q": query, "limit": _PAGE, "sort": "latest", "cursor": walk_cursor(state)}
        payload = self._query(lambda: ns.search_posts(params))
        posts = payload.get("posts", [])
        new_state, done = newest_first_state(state, [p["indexedAt"] for p in posts],
                                             payload.get("cursor"))
        return Page(parse.parse_search(payload, self.brand), new_state, done,
                    fetched=len(posts))

    def _pages(self, method: Callable[[dict[str, Any]], Any], uri: str, items: str
               ) -> Iterator[dict[str, Any]]:
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            params = {"uri": uri, "limit": _PAGE, "cursor": cursor}
            payload = self._query(lambda p=params: method(p))  # type: ignore[misc]
            yield payload
            cursor = payload.get("cursor")
            if not cursor or not payload.get(items) or cursor in seen:
                return  # the last page, or a cursor given twice: it would loop for ever
            seen.add(cursor)

    def engagement(self, native_id: str, observed_at: datetime) -> Records:
        """Counters, the whole reply thread, likes, reposts and quotes of one brand post."""
        feed, out = self._client.app.bsky.feed, Records()
        posts = self._query(lambda: feed.get_posts({"uris": [native_id]}))
        out.extend(parse.parse_posts(posts, self.brand, observed_at))
        # deep enough for any conversation; the SDK fails to read chains of about 250
        thread = self._query(lambda: feed.get_post_thread({"uri": native_id,
                                                           "depth": _THREAD_DEPTH}))
        out.extend(parse.parse_thread(thread, self.brand))
        for payload in self._pages(feed.get_likes, native_id, "likes"):
            out.extend(parse.parse_likes(payload))
        for payload in self._pages(feed.get_reposted_by, native_id, "repostedBy"):
            out.extend(parse.parse_reposted_by(payload, observed_at))
        for payload in self._pages(feed.get_quotes, native_id, "posts"):
            out.extend(parse.parse_quotes(payload, self.brand))
        return out

    # -- publish ---------------------------------------------------------------------
    def text_limit(self) -> int | None:
        """None: Bluesky's limit is the same for every account (300 graphemes)."""
        return None

    def check(self, draft: Draft) -> None:
        check_draft(draft)

    def new_key(self) -> str:
        """A fresh record key (TID), chosen by us so a lost answer can be looked up."""
        return tid(time.time_ns() // 1000, clock_id=secrets.randbelow(1024))

    def _resolve(self, handle: str) -> str | None:
        ns = self._client.com.atproto.identity
        try:
            return str(self._call(lambda: ns.resolve_handle({"handle": handle})).did)
        except NetworkRefused:  # an unknown handle stays plain text
            return None

    def _upload(self, draft: Draft) -> list[tuple[dict[str, Any], str]]:
        out = []
        for image in draft.images:
            data = image.path.read_bytes()
            try:
                blob = self._call(lambda d=data: self._client.upload_blob(d))  # type: ignore[misc]
            except NetworkRefused as exc:
                raise PostRejected(f"bluesky refused the image {image.path.name}: "
                                   f"{exc.reason}") from None
            out.append((get_model_as_dict(blob.blob), image.alt))
        return out

    def publish(self, draft: Draft, idempotency_key: str) -> Published:
        """Create the post under record key ``idempotency_key``."""
        with before_sending():
            check_draft(draft)
            self._login()
            now = datetime.now(UTC)
            record = post_record(draft.text, now, facets(draft.text, self._resolve),
                                 self._upload(draft))
        data = {"repo": self._did, "collection": _POST, "rkey": idempotency_key,
                "record": record}
        repo = self._client.com.atproto.repo
        try:
            made = self._call(lambda: repo.create_record(data))
        except NetworkRefused as exc:
            raise PostRejected(f"bluesky refused the post: {exc.reason}") from None
        return Published(str(made.uri), parse.post_url(self.brand.handle, str(made.uri)), now)

    def find_published(self, idempotency_key: str, draft: Draft, since: datetime
                       ) -> Published | None:
        """The post created under this record key, if the network holds it."""
        self._login()
        params = {"repo": self._did, "collection": _POST, "rkey": idempotency_key}
        repo = self._client.com.atproto.repo
        try:
            found = self._query(lambda: repo.get_record(params))
        except NetworkRefused as exc:
            if exc.status in (400, 404):  # RecordNotFound: nothing was made under this key
                return None
            raise
        uri = found["uri"]
        created = parse.parse_own_records({"records": [found]}, self.brand)
        item = next(iter(created.items.values()))
        return Published(uri, parse.post_url(self.brand.handle, uri), item.created_at)
