"""What may empty or fill the dashboard's cache: only a request that wrote empties it, and
a page is cached by the parameters its view reads, whatever else the address carries."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from sounding.report import VIEWS
from sounding.workflows.said import said_periods

from .conftest import sign_in


def test_requests_that_write_nothing_keep_the_cache(client: TestClient) -> None:
    """Anyone reaching the port could empty the cache (and restart the warm-up) with a
    POST to any address: refused, unknown or signed out, nothing is written now."""
    sign_in(client, "vi")
    client.get("/queue.json")
    cache = client.app.state.cache
    filled = len(cache)
    assert filled >= 2
    stranger = TestClient(client.app, base_url="http://127.0.0.1")
    assert stranger.post("/no-such-thing").status_code == 404
    assert stranger.post("/items/label", data={"label": "neutral"}).status_code in (401, 403)
    assert stranger.post("/api/ops/kpis", json={}).status_code in (401, 403)
    assert len(cache) == filled


def test_a_page_is_cached_by_what_its_view_reads(client: TestClient) -> None:
    sign_in(client, "vi")
    cache = client.app.state.cache
    first = client.get("/reactions.json?junk=1&period=2026-10-01..2026-10-28").json()
    size = len(cache)
    again = client.get("/reactions.json?period=2026-10-01..2026-10-28&junk=2").json()
    assert again == first and len(cache) == size  # the same entry, not a second build
    # a repeated parameter is read as its last value, in the key as in the view
    one = client.get("/overview.json?period=2026-08-01..2026-08-07"
                     "&period=2026-09-01..2026-09-07").json()
    other = client.get("/overview.json?period=2026-09-01..2026-09-07"
                       "&period=2026-08-01..2026-08-07").json()
    assert (one["dates"], other["dates"]) == ("2026-09-01..2026-09-07",
                                              "2026-08-01..2026-08-07")
    assert VIEWS["items"].params({"page": "2", "junk": "x", "q": "pain"}) == {
        "q": "pain", "page": "2"}


def test_refused_addresses_leave_no_build_gate_behind(client: TestClient) -> None:
    sign_in(client, "vi")
    cache = client.app.state.cache
    for n in range(20):
        assert client.get(f"/said.json?period=bad{n}").status_code == 400
    assert cache._building == {}


def test_json_twins_and_downloads_take_the_two_dates_too(client: TestClient) -> None:
    sign_in(client, "vi")
    for address, where in (
            ("/overview.json?from=2026-09-01&to=2026-09-07",
             "/overview.json?period=2026-09-01..2026-09-07"),
            ("/report.html?from=2026-10-01&to=2026-10-28",
             "/report.html?period=2026-10-01..2026-10-28")):
        response = client.get(address, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, where)


def test_a_1970_start_on_what_is_said_is_a_start(client: TestClient) -> None:
    """Only a side left empty is open: 1970-06-01 was read as no start (the last 7 days)."""
    store = client.app.state.store
    _, start, end = said_periods(store, "1970-06-01..2026-12-04")
    assert (start.date(), end.date()) == (date(1970, 6, 1), date(2026, 12, 5))
    _, open_start, _ = said_periods(store, "..2026-12-04")
    first = store.scalar("SELECT min(created_at) FROM items WHERE account_id IS NULL "
                         "AND kind IN ('reply', 'quote', 'comment', 'mention')")
    assert open_start.date() == first.date()  # a side left empty is no limit
