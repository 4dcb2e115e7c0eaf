"""The Mastodon connector: the only module that imports ``Mastodon.py``."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import secrets
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlparse

import dateutil.parser  # type: ignore[import-untyped]  # Mastodon.py's own parser
import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonIllegalArgumentError,
    MastodonNetworkError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from sounding.connectors import mastodon_parse as parse
from sounding.connectors.base import Draft, Image, Page, Published, before_sending
from sounding.connectors.records import Brand, Records
from sounding.connectors.retry import RetryPolicy, with_retries
from sounding.connectors.text import (
    MASTODON_DEFAULT_MAX_CHARS,
    local_mentions,
    mastodon_length,
)
from sounding.connectors.transport import no_answer_reason
from sounding.errors import (
    CredentialRejected,
    NetworkFailure,
    NetworkRefused,
    PostRejected,
    RateLimited,
)

__all__ = ["MastodonConnector", "read_text_limit"]

T = TypeVar("T")
_PAGE = 40
# pages of a post's likers, reposters or quotes read per collect: 1,000 accounts, newest
# first, so a regular collect keeps up with a popular post within the rate limit (300
# requests per 5 minutes); the counters themselves stay exact
_MAX_PAGES = 25
_MAX_MEDIA = 4
_KEY_LIFETIME = timedelta(minutes=55)
_PUBLIC_TIMEOUT = 5  # seconds: `account add` waits no longer for an instance


def _header_time(value: str | None, *, epoch_allowed: bool) -> datetime | None:
    """A rate-limit header's time, read by Mastodon.py's own rule (for the reset, seconds
    since the epoch written as an integer; else anything dateutil's parser reads, UTC when
    it names no zone); None when the header is absent or no time."""
    if value is None:
        return None
    try:
        if epoch_allowed and str(int(value)) == value:
            return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        when: datetime = dateutil.parser.parse(value)
    except (ValueError, OverflowError, TypeError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _readable_time(value: str, *, epoch_allowed: bool) -> bool:
    """Whether Mastodon.py can read a rate-limit header's time."""
    return _header_time(value, epoch_allowed=epoch_allowed) is not None


def _drop_unreadable_times(response: requests.Response, *args: Any, **kwargs: Any
                           ) -> requests.Response:
    """A response hook: Mastodon.py fails a request it was answered (a 200 included) with
    "Rate limit time calculations failed" when ``X-RateLimit-Reset`` or ``Date`` is not a
    time (a proxy rewrote it): such a header is dropped, and a 429 without it waits the
    retry policy's own delay."""
    for name in ("X-RateLimit-Reset", "Date"):
        value = response.headers.get(name)
        if value is not None and not _readable_time(
                value, epoch_allowed=name == "X-RateLimit-Reset"):
            del response.headers[name]
    return response


def _checked_session(session: requests.Session | None) -> requests.Session:
    """The session requests go through, with the header check above."""
    session = session or requests.Session()
    if _drop_unreadable_times not in session.hooks["response"]:
        session.hooks["response"].append(_drop_unreadable_times)
    return session


def _asked_wait(headers: Mapping[str, str]) -> float | None:
    """Seconds a 429 asks to wait, by its own headers: ``Retry-After`` (seconds or an HTTP
    date), else ``X-RateLimit-Reset``. A time is read against the answer's ``Date``, so a
    server clock apart from ours does not matter. None when the answer says neither."""
    after = headers.get("Retry-After", "").strip()
    if after.isascii() and after.isdigit():  # "²" is a digit to Python, not to HTTP
        return float(after)
    try:
        until: datetime | None = parsedate_to_datetime(after)
    except (ValueError, TypeError):
        until = None
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    until = until or _header_time(headers.get("X-RateLimit-Reset"), epoch_allowed=True)
    if until is None:
        return None
    sent = _header_time(headers.get("Date"), epoch_allowed=False) or datetime.now(UTC)
    return max((until - sent).total_seconds(), 0.0)


class _AskedWait:
    """A response hook keeping the wait the latest answer asked for (a 429's own, else
    None): Mastodon.py raises on a 429 without its answer, and its ``ratelimit_reset`` may
    be an earlier answer's."""

    def __init__(self) -> None:
        self.seconds: float | None = None

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any
                 ) -> requests.Response:
        self.seconds = _asked_wait(response.headers) if response.status_code == 429 else None
        return response


def _refusal(exc: MastodonAPIError) -> tuple[int | None, str]:
    """The HTTP status and the instance's reason (its JSON ``error``) of a refused request."""
    args = exc.args
    if len(args) >= 4:  # ('Mastodon API returned error', status, reason, error message)
        return int(args[1]), str(args[3] or args[2] or "no reason given")
    return None, str(args[-1]) if args else type(exc).__name__


def _answer(host: str, call: Callable[[], T]) -> T:
    """A request's answer, or sounding's error for it: a server down, failing or limiting
    the rate is a NetworkFailure (worth a retry); any other refusal (a 4xx, an answer that
    is not JSON) a final NetworkRefused with the instance's reason."""
    try:
        return call()
    except MastodonRatelimitError:
        raise RateLimited(f"mastodon: {host}: rate limited (429)") from None
    except MastodonNetworkError as exc:
        raise NetworkFailure(f"mastodon: {host} did not answer "
                             f"({no_answer_reason(str(exc.args[-1]))})") from None
    except MastodonServerError as exc:  # its error text may be missing (a proxy's page)
        status, reason = _refusal(exc)
        raise NetworkFailure(f"mastodon: {host}: server error ({status}: {reason})") from None
    except MastodonAPIError as exc:
        status, reason = _refusal(exc)
        raise NetworkRefused(f"mastodon: {host} refused the request ({status}: {reason})",
                             status=status, reason=reason) from None


def _read_limit(api: Mastodon, call: Callable[[Callable[[], Any]], Any]) -> int | None:
    """The instance's text limit from ``/api/v2/instance``, else from ``/api/v1/instance``
    (a server before 4.0); None when neither says it. A page refused (404, not JSON) leaves
    the other to try; a server that does not answer raises NetworkFailure."""
    for page in (api.instance_v2, api.instance_v1):
        try:
            limit = parse.max_characters(call(page))
        except NetworkRefused:
            continue
        if limit is not None:
            return limit
    return None


def read_text_limit(instance_url: str, *, session: requests.Session | None = None) -> int | None:
    """The instance's text limit, read from its public pages when an account is added:
    without a token (none is sent), once, waiting at most ``_PUBLIC_TIMEOUT`` seconds.
    None when the instance does not say it; NetworkFailure when it does not answer."""
    api = Mastodon(api_base_url=instance_url, ratelimit_method="throw",
                   version_check_mode="none", session=_checked_session(session),
                   request_timeout=_PUBLIC_TIMEOUT)
    host = urlparse(instance_url).netloc or instance_url
    return _read_limit(api, functools.partial(_answer, host))


def _max_id(entries: list[Any], state: str | None) -> str | None:
    ids = [int(e["id"]) for e in entries]
    return str(max(ids)) if ids else state


_CLOCK_SKEW = timedelta(minutes=5)


def _as_shown(text: str) -> str:
    """A status text as Mastodon shows it, to recognise a draft among published statuses:
    a remote mention by its user name alone (``@ana@other.example`` shows as ``@ana``),
    white space as single spaces."""
    return " ".join(local_mentions(text).split())


class MastodonConnector:
    """A brand account on a Mastodon instance, through its access token."""

    def __init__(self, brand: Brand, token: str, *, credential_env: str, instance_url: str,
                 policy: RetryPolicy | None = None, on_wait: Callable[[str], None] | None = None,
                 session: requests.Session | None = None) -> None:
        self.brand = brand
        self.host = urlparse(instance_url).netloc or instance_url
        self._credential_env = credential_env
        self._asked = _AskedWait()
        session = _checked_session(session)
        session.hooks["response"].append(self._asked)
        self._api = Mastodon(access_token=token, api_base_url=instance_url,
                             ratelimit_method="throw", version_check_mode="none",
                             session=session, request_timeout=30)
        self._policy = policy or RetryPolicy()
        self._on_wait = on_wait
        self._me: dict[str, Any] | None = None
        self._max_chars: int | None = None
        self._limit_read = False
        self._observed_at: datetime | None = None  # the collect's time, given to profile

    def _translate(self, call: Callable[[], T]) -> T:
        return _answer(self.host, lambda: self._as_account(call))

    def _as_account(self, call: Callable[[], T]) -> T:
        """The refusals that concern the account: its rate limit, its token."""
        try:
            return call()
        except MastodonRatelimitError:
            raise RateLimited("mastodon: rate limited (429)",
                              retry_after=self._asked.seconds) from None
        except MastodonUnauthorizedError as exc:
            raise CredentialRejected(
                f"{self.host} refused the access token of {self.brand.handle} ({exc.args[-1]})",
                hint=f"create a new access token and set ${self._credential_env} "
                     "(environment or the [credentials] table of the config file)") from None

    def _call(self, call: Callable[[], T]) -> T:
        return with_retries(lambda: self._translate(call), self._policy, self._on_wait)

    def _account(self) -> dict[str, Any]:
        if self._me is None:
            self._me = dict(self._call(self._api.account_verify_credentials))
            self.brand = dataclasses.replace(self.brand, native_id=str(self._me["id"]))
        return self._me

    # -- collect ---------------------------------------------------------------------
    def profile(self, observed_at: datetime) -> Records:
        self._me = None
        self._observed_at = observed_at
        return parse.parse_verify_credentials(self._account(), self.brand, self.host,
                                              observed_at)

    def _forward(self, fetch: Callable[[], list[Any]], state: str | None,
                 parser: Callable[[list[Any]], Records]) -> Page:
        entries = list(self._call(fetch))
        return Page(parser(entries), _max_id(entries, state), done=len(entries) < _PAGE,
                    fetched=len(entries))

    def posts(self, state: str | None) -> Page:
        """The brand's statuses after the saved id, oldest pages first (``min_id``; from
        the very first on the first collect: without one, the newest 40 came alone).

        Their counters are stamped with the collect's time (the one ``profile`` was given),
        as the engagement stage stamps them: the same counters are one snapshot, not two."""
        me = self._account()
        now = self._observed_at or datetime.now(UTC)
        return self._forward(
            lambda: self._api.account_statuses(me["id"], min_id=state or "0", limit=_PAGE),
            state,
            lambda s: parse.parse_statuses(s, self.brand, self.host, now))

    def notifications(self, state: str | None) -> Page:
        self._account()
        return self._forward(lambda: self._api.notifications(min_id=state or "0", limit=_PAGE),
                             state,
                             lambda n: parse.parse_notifications(n, self.brand, self.host))

    def search(self, query: str, state: str | None) -> Page:
        """A hashtag timeline for ``#tag``, else a full-text status search."""
        self._account()
        if query.startswith("#") and " " not in query:
            def fetch() -> list[Any]:
                return list(self._api.timeline_hashtag(query[1:], min_id=state, limit=_PAGE))
        else:
            def fetch() -> list[Any]:
                found = self._api.search_v2(query, resolve=False, result_type="statuses",
                                            min_id=state, limit=_PAGE)
                return list(found["statuses"])
        return self._forward(fetch, state, lambda s: parse.parse_statuses(
            s, self.brand, self.host, kind="mention"))

    def engagement(self, native_id: str, observed_at: datetime) -> Records:
        """Counters, the reply tree, favourites, reblogs and quotes of one brand status."""
        self._account()
        status_id = native_id.rsplit("/", 1)[-1]
        status = self._call(lambda: self._api.status(status_id))
        out = parse.parse_statuses([status], self.brand, self.host, observed_at)
        context = self._call(lambda: self._api.status_context(status_id))
        out.extend(parse.parse_context(context, status, self.brand, self.host))
        for kind, fetch in (("like", self._api.status_favourited_by),
                            ("repost", self._api.status_reblogged_by)):
            for accounts in self._pages(lambda f=fetch: f(status_id)):  # type: ignore[misc]
                out.extend(parse.parse_accounts(accounts, kind, self.brand, self.host,
                                                status_id, observed_at))
        quotes = self._pages(lambda: self._api.status_quotes(status_id))
        try:
            first = next(quotes, [])
        except NetworkRefused as exc:
            if exc.status != 404:
                raise
            return out  # a server without quote posts (before Mastodon 4.5, or a fork)
        # a later page refused is no missing feature: it fails the post, which is said
        for statuses in itertools.chain([first], quotes):
            out.extend(parse.parse_statuses(statuses, self.brand, self.host, kind="quote"))
        return out

    def _pages(self, first: Callable[[], Any]) -> Iterator[list[Any]]:
        """The pages of a list the instance splits with ``Link`` headers (favourites and
        reblogs come 40 at a time, newest first), until a page is empty, names no next
        page or one already read, or ``_MAX_PAGES`` were read."""
        page = self._call(first)
        seen: list[Any] = []
        while page:
            yield list(page)
            cursor = getattr(page, "_pagination_next", None)
            if not cursor or cursor in seen or len(seen) + 1 >= _MAX_PAGES:
                return
            seen.append(cursor)
            page = self._call(lambda p=page: self._api.fetch_next(p))  # type: ignore[misc]

    # -- publish ---------------------------------------------------------------------
    def text_limit(self) -> int | None:
        """The instance's limit (``configuration.statuses.max_characters`` of its v2, else
        v1, instance page), read once; None when the instance does not say."""
        if not self._limit_read:
            self._max_chars = _read_limit(self._api, self._call)
            self._limit_read = True
        return self._max_chars

    def check(self, draft: Draft) -> None:
        limit = self.text_limit() or MASTODON_DEFAULT_MAX_CHARS  # else Mastodon's default
        length = mastodon_length(draft.text)
        if length > limit:
            raise PostRejected(f"the text has {length} characters; {self.host} allows {limit}",
                               hint="shorten the text")
        if len(draft.images) > _MAX_MEDIA:
            raise PostRejected(f"{len(draft.images)} images; Mastodon allows {_MAX_MEDIA}")
        for image in draft.images:
            if not image.alt.strip():
                raise PostRejected(f"{image.path.name} has no alt text")
            if not image.path.is_file():
                raise PostRejected(f"{image.path}: no such image")

    def new_key(self) -> str:
        return secrets.token_hex(16)

    def publish(self, draft: Draft, idempotency_key: str) -> Published:
        """Post with an ``Idempotency-Key`` header, so a retried request posts once."""
        with before_sending():
            self.check(draft)
            self._account()
            media = [self._upload(image) for image in draft.images]
        try:
            status = self._call(lambda: self._api.status_post(
                draft.text, media_ids=media or None, idempotency_key=idempotency_key))
        except NetworkRefused as exc:
            raise PostRejected(f"{self.host} refused the post: {exc.reason}") from None
        return self._published(status)

    def _upload(self, image: Image) -> Any:
        """One image, as a media attachment; a refusal refuses the post."""
        try:
            return self._call(lambda: self._api.media_post(str(image.path),
                                                            description=image.alt))
        except NetworkRefused as exc:
            raise PostRejected(f"{self.host} refused the image {image.path.name}: "
                               f"{exc.reason}") from None
        except MastodonIllegalArgumentError as exc:  # a file whose type cannot be told
            raise PostRejected(f"{image.path.name}: {exc}") from None

    def _published(self, status: Any) -> Published:
        item_id = parse.status_item_id(self.host, status["id"])
        created = parse.parse_statuses([status], self.brand, self.host).items[item_id]
        return Published(item_id.split(":", 1)[1], str(status.get("url") or status["uri"]),
                         created.created_at)

    def find_published(self, idempotency_key: str, draft: Draft, since: datetime
                       ) -> Published | None:
        """The status an interrupted attempt made, or None when sending again is safe.

        An instance keeps an ``Idempotency-Key`` for an hour and answers a repeated request
        with the status it already made; after that, recent statuses are searched for the text.
        """
        if datetime.now(UTC) - since < _KEY_LIFETIME:
            return None
        me = self._account()
        recent = self._call(lambda: self._api.account_statuses(me["id"], limit=_PAGE))
        wanted = _as_shown(draft.text)
        for status in recent:
            same = _as_shown(parse.html_to_text(str(status.get("content") or ""))) == wanted
            # the instance's clock may run behind ours
            if same and parse.parse_time_any(status["created_at"]) >= since - _CLOCK_SKEW:
                return self._published(status)
        return None
