"""The period is chosen with two date fields; the address keeps it as ``period=A..B``, so
links, downloads and the JSON twins read one parameter."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import alert_text, sign_in, signed_in


def _location(client: TestClient, address: str) -> str:
    response = client.get(address, follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    return str(response.headers["location"])


def test_the_two_dates_become_the_period_other_parameters_kept(client: TestClient) -> None:
    sign_in(client, "vi")
    assert _location(client, "/overview?from=2026-10-01&to=2026-10-28") == \
        "/overview?period=2026-10-01..2026-10-28"
    assert _location(client, "/learn?from=2026-10-01&to=&metric=engagement") == \
        "/learn?metric=engagement&period=2026-10-01.."
    assert _location(client, "/said?from=&to=2026-11-30&period=2026-01-01..") == \
        "/said?period=..2026-11-30"  # the fields win over an older period
    assert _location(client, "/reactions?from=&to=") == "/reactions?period=.."  # all dates
    page = client.get("/overview?from=2026-10-01&to=2026-10-28")
    assert page.status_code == 200 and str(page.url).endswith(
        "/overview?period=2026-10-01..2026-10-28")
    assert 'type="date" name="from" value="2026-10-01"' in page.text
    assert 'type="date" name="to" value="2026-10-28"' in page.text
    # without a period the overview shows its last 4 weeks, and its fields say which
    shown = client.get("/overview.json").json()["period"]
    start, end = shown.split("..")
    overview = client.get("/overview").text
    assert f'name="from" value="{start}"' in overview and f'name="to" value="{end}"' in overview


def test_dates_the_page_cannot_take_are_refused_as_any_odd_period(client: TestClient) -> None:
    signed_in(client, "fr")
    reversed_ = client.get("/overview?from=2026-10-31&to=2026-10-01")
    assert reversed_.status_code == 400
    assert "la fin précède le début" in alert_text(reversed_.text)
    # the form comes back with the two dates, to be corrected
    assert 'type="date" name="from" value="2026-10-31"' in reversed_.text
    assert 'type="date" name="to" value="2026-10-01"' in reversed_.text
    typed = client.get("/learn?from=31/10/2026&to=")  # a browser without a date picker
    assert typed.status_code == 400
    assert "31/10/2026" in alert_text(typed.text)
    french = client.get("/overview?period=2026-10-01..2026-10-28").text
    assert "<legend>Période</legend>" in french
    assert '>Du <input type="date"' in french and '>Au <input type="date"' in french


def test_the_json_twin_and_the_download_keep_reading_period(client: TestClient) -> None:
    """The fields are a form's; what a script or a link asks for stays ``period``."""
    sign_in(client, "vi")
    data = client.get("/overview.json?period=2026-10-01..2026-10-28").json()
    assert data["dates"] == "2026-10-01..2026-10-28"
    html = client.get("/overview?period=2026-10-01..2026-10-28").text
    assert 'href="/report.html?period=2026-10-01..2026-10-28"' in html


def test_the_fields_show_the_period_as_the_page_read_it(client: TestClient) -> None:
    """A period written without dashes is read as dates: the fields show those dates (an
    empty field would widen the period at the next Apply)."""
    sign_in(client, "vi")
    html = client.get("/reactions?period=20261001..20261028").text
    assert 'name="from" value="2026-10-01"' in html and 'name="to" value="2026-10-28"' in html


def test_applying_a_period_keeps_the_pages_other_filters(client: TestClient) -> None:
    """The said page's network, and the learn page's metric from its refusal page, travel
    with the dates as hidden fields."""
    sign_in(client, "vi")
    said = client.get("/said?network=mastodon&period=2026-10-01..").text
    assert '<input type="hidden" name="network" value="mastodon">' in said
    assert 'type="hidden" name="period"' not in said
    refused = client.get("/learn?metric=engagement&period=bogus")
    assert refused.status_code == 400
    assert '<input type="hidden" name="metric" value="engagement">' in refused.text
    hostile = client.get('/said?network=mastodon&x="><script>alert(1)</script>').text
    assert "<script>alert(1)</script>" not in hostile
