"""A 429 waits what its own answer asks; a collect stamps each status' counters once; an
account's secret counts as set when the config file holds it. Mastodon is answered by the
recorded responses of the documented entities (mastodon_http.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from sounding.store import Store
from sounding.workflows.accounts import add_account
from sounding.workflows.collect import collect
from sounding.workflows.listen import add_query

from .mastodon_http import RecordedMastodon

TOKEN = "recorded-token-7f3a9c"
ENV = "SOUNDING_MASTODON_KETTLECO_SOCIAL_EXAMPLE_TOKEN"
NOW = datetime(2026, 11, 22, tzinfo=UTC)
LIKERS = "/api/v1/statuses/113000000000000001/favourited_by"
SECRET = "config-file-secret-51d0"


class _Trimmed(RecordedMastodon):
    """The recorded instance behind a proxy that answers without some headers: those in
    ``without`` on every answer, and those a route names in its own ``without``."""

    without: tuple[str, ...] = ()

    def _response(self, request: requests.PreparedRequest, spec: dict[str, Any]
                  ) -> requests.Response:
        response: requests.Response = super()._response(request, spec)
        for name in (*self.without, *spec.get("without", ())):
            response.headers.pop(name, None)
        return response


@pytest.fixture
def mastodon_http() -> RecordedMastodon:
    """The conftest's recorded instance, able to leave headers out (see _Trimmed)."""
    return _Trimmed()


@pytest.fixture
def brand(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv(ENV, TOKEN)
    add_account(store, "mastodon", "kettleco", service_url="https://social.example")
    add_query(store, "#kettle")
    return store


def _http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


_SERVER = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)  # its clock is behind


@pytest.mark.parametrize(("headers", "without", "waited"), [
    ({"Retry-After": "7"}, ("X-RateLimit-Reset",), 7.0),
    ({"Retry-After": _http_date(_SERVER + timedelta(seconds=60)), "Date": _http_date(_SERVER)},
     ("X-RateLimit-Reset",), 60.0),
    ({"Retry-After": "7", "Date": _http_date(_SERVER),
      "X-RateLimit-Reset": (_SERVER + timedelta(seconds=250)).isoformat()}, (), 7.0),
    ({}, ("X-RateLimit-Reset",), 1.0),  # nothing asked: the policy's own first delay
    ({"Retry-After": "3600"}, (), 300.0),  # the policy's cap
], ids=["seconds", "http-date", "before-reset", "nothing-asked", "capped"])
def test_a_429_waits_what_its_own_answer_asks_not_an_earlier_reset(
        brand: Store, mastodon_connect: Any, mastodon_http: Any, headers: dict[str, str],
        without: tuple[str, ...], waited: float) -> None:
    """The 200s before it said the limit resets in 5 minutes; the 429 says otherwise."""
    mastodon_http.route("GET", LIKERS, {"error": "Too many requests"}, status=429,
                        headers={"X-RateLimit-Remaining": "0", **headers}, without=without,
                        times=1)
    result = collect(brand, connect_fn=mastodon_connect, now=NOW)
    assert not result["failed"], result["failed"]
    assert mastodon_connect.sleeps == [waited]


def test_a_429_asking_a_minute_is_waited_a_minute_each_time(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    """An instance whose answers carry no rate-limit reset at all (a proxy limits it)."""
    mastodon_http.without = ("X-RateLimit-Reset",)
    mastodon_http.route("GET", LIKERS, {"error": "Too many requests"}, status=429,
                        headers={"Retry-After": "60"}, times=2)
    result = collect(brand, connect_fn=mastodon_connect, now=NOW)
    assert not result["failed"], result["failed"]
    assert mastodon_connect.sleeps == [60.0, 60.0]
    liked = brand.scalar("SELECT count(*) FROM interactions WHERE kind = 'like'")
    assert liked == 1


def test_one_collect_stores_one_counter_snapshot_per_status(
        brand: Store, mastodon_connect: Any) -> None:
    collect(brand, connect_fn=mastodon_connect, now=NOW)
    rows = brand.query("SELECT item_id, count(*) AS n, min(observed_at) AS at "
                       "FROM metric_snapshots GROUP BY item_id").to_pylist()
    assert rows and {r["n"] for r in rows} == {1}
    assert {r["at"].astimezone(UTC) for r in rows} == {NOW}


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file of the person's, named by $SOUNDING_CONFIG; MY_VAR is not exported."""
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SOUNDING_CONFIG", str(path))
    monkeypatch.delenv("MY_VAR", raising=False)
    monkeypatch.delenv("OTHER_VAR", raising=False)
    return path


@pytest.mark.parametrize(("credentials", "exported", "is_set"), [
    (f'MY_VAR = "{SECRET}"', {}, True),
    ('MY_VAR = { "$env" = "OTHER_VAR" }', {"OTHER_VAR": SECRET}, True),
    ('SOMETHING_ELSE = "x"', {}, False),
], ids=["value", "reference", "absent"])
def test_a_secret_in_the_config_file_counts_as_set(
        store: Store, config_file: Path, monkeypatch: pytest.MonkeyPatch, credentials: str,
        exported: dict[str, str], is_set: bool) -> None:
    config_file.write_text(f"[credentials]\n{credentials}\n")
    for name, value in exported.items():
        monkeypatch.setenv(name, value)
    added = add_account(store, "bluesky", "brand.test", credential_env="MY_VAR")
    assert added["credential_set"] is is_set
    assert SECRET not in repr(added)


def test_account_add_says_the_secret_is_set_and_never_prints_it(
        cli: Any, config_file: Path) -> None:
    config_file.write_text(f'[credentials]\nMY_VAR = "{SECRET}"\n')
    result = cli("account", "add", "bluesky", "--handle", "brand.test",
                 "--password-env", "MY_VAR")
    assert result.code == 0, result.err
    assert "its secret is read from $MY_VAR (is set)" in result.out
    assert SECRET not in result.out + result.err


def test_a_retry_after_of_unicode_digits_is_no_number_of_seconds() -> None:
    """"²" is a digit to Python: float() then raised inside the response hook."""
    from sounding.connectors.mastodon import _asked_wait

    assert _asked_wait({"Retry-After": "²"}) is None
    assert _asked_wait({"Retry-After": "12"}) == 12.0
