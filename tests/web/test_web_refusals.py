"""What the dashboard refuses, and how: odd periods, unknown filter values and form inputs
give a clear refusal in the reader's language (never a 500, never a command-line flag)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from sounding.report.views_refusals import REFUSALS, Refused
from sounding.web.i18n import _FR

from .conftest import alert_text, sign_in, signed_in

PERIOD_PAGES = ["/overview", "/reactions", "/said", "/learn"]
OTHER_PAGES = ["/items", "/queue", "/audience", "/actors", "/thread?id=bluesky:post-0002"]
ACCEPTED = ["..9999-12-31", "2026-10-01..", "2026-10-01..9999-12-31", "0001-01-01..2026-12-31"]
REFUSED = {"9999-12-31..9999-12-31": "sort des dates", "0001-01-01..0001-12-31": "sort des dates",
           "bogus": "n'est pas une période", "2026-10-31..2026-10-01": "la fin précède",
           "2026-13-01..2026-14-01": "n'est pas une date"}






def test_odd_periods_never_break_a_page(client: TestClient) -> None:
    signed_in(client, "fr")
    for period in ACCEPTED:
        for path in PERIOD_PAGES:
            response = client.get(path, params={"period": period})
            assert response.status_code == 200, (path, period, response.text[:300])
        for path in OTHER_PAGES:
            assert client.get(path, params={"period": period}).status_code < 500
    for period, words in REFUSED.items():
        for path in PERIOD_PAGES:
            response = client.get(path, params={"period": period})
            assert response.status_code == 400, (path, period)
            text = alert_text(response.text)
            assert words in text and "--" not in text, (path, period, text)
            # the message quotes it (or its wrong date), the form is there to correct it
            assert any(part in text for part in (period, *period.split("..")))
            assert 'type="date" name="from"' in response.text
            for side in period.split(".."):
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", side):
                    assert f'value="{side}"' in response.text


def test_open_periods_are_closed_by_the_data_on_the_overview(client: TestClient) -> None:
    sign_in(client, "vi")
    whole = client.get("/overview.json", params={"period": "..9999-12-31"}).json()
    first, last = whole["dates"].split("..")
    assert first < last and last < "2100"
    since = client.get("/overview.json", params={"period": "2026-10-01.."}).json()
    assert since["dates"] == f"2026-10-01..{last}"
    # from 1970 on: a previous period before the dates the pages read, and before the
    # data, is not compared with (it was refused as "too early")
    early = client.get("/overview.json", params={"period": "1970-01-01..2026-01-01"})
    assert early.status_code == 200 and early.json()["previous_before_data"] == first
    assert all(m["delta"] is None for m in early.json()["metrics"])
    everything = client.get("/overview.json", params={"period": ".."}).json()
    assert everything["dates"] == whole["dates"]  # both fields empty: all the data


def test_a_start_before_the_data_is_shown_without_comparison_in_french(
        client: TestClient) -> None:
    signed_in(client, "fr")
    page = client.get("/overview?period=1990-01-01..2026-10-28")
    assert page.status_code == 200
    assert "Rien à comparer : les données commencent le" in page.text


@pytest.mark.parametrize(("path", "name"), [
    ("/items?kind=bogus", "Type"), ("/items?label=bogus", "Étiquette"),
    ("/items?network=myspace", "Réseau"), ("/audience?cluster=abc", "Groupes"),
    ("/learn?metric=bogus", "Indicateur"), ("/said?network=myspace", "Réseau"),
])
def test_unknown_filter_values_are_refused_in_french(client: TestClient, path: str,
                                                     name: str) -> None:
    signed_in(client, "fr", "vi")
    response = client.get(path)
    assert response.status_code == 400
    assert f"n'est pas une valeur connue pour « {name} »" in alert_text(response.text)
    twin = client.get(path.replace("?", ".json?")).json()
    assert twin["key"] == "unknown_value" and "not a known value" in twin["error"]


def test_only_the_typed_value_of_a_refusal_is_cut(client: TestClient) -> None:
    sign_in(client, "vi")
    typed = "myspace" * 100
    values = client.get("/items.json", params={"network": typed}).json()["values"]
    assert values["value"] == typed[:79] + "…"
    assert values["allowed"].split(", ") == sorted(values["allowed"].split(", "))
    assert "bluesky" in values["allowed"] and "mastodon" in values["allowed"]
    long_id = "bluesky:at://did:web:" + "very-long-host-name." * 6 + "example/app.bsky.feed.post/3k"
    missing = client.get("/thread.json", params={"id": long_id}).json()
    assert missing["key"] == "no_item" and missing["values"]["id"] == long_id
    assert long_id in missing["error"]


def test_the_values_allowed_are_listed_whole_however_many() -> None:
    allowed = ", ".join(f"network-{n}" for n in range(30))
    refused = Refused("unknown_value", value="x" * 500, name="network", allowed=allowed)
    assert str(refused).endswith(f"choose one of {allowed}.")
    assert f"'{'x' * 79}…'" in str(refused)


def test_a_page_number_must_be_a_number(client: TestClient) -> None:
    signed_in(client, "fr", "vi")
    assert "n'est pas un nombre" in alert_text(client.get("/items?page=abc").text)
    assert client.get("/items?page=3").status_code == 200


def test_a_period_with_no_post_says_so_in_french(client: TestClient) -> None:
    signed_in(client, "fr", "vi")
    html = client.get("/learn?period=2030-01-01..2030-01-31").text
    notice = unescape(re.search(r'id="learn-error">(.*?)</p>', html, re.S)[1])  # type: ignore[index]
    assert "Aucune publication de la marque" in notice and "--" not in notice


def test_form_refusals_are_in_french_without_flags(client: TestClient) -> None:
    token = signed_in(client, "fr")
    cases = [("/queue/1/edit", {"text": "x" * 5001}, "Le texte doit compter de 1 à 5000"),
             ("/queue/1/edit", {"text": "  "}, "Le texte doit compter"),
             ("/queue/3/schedule", {"when": "2001-01-01T09:30"}, "est passée"),
             ("/queue/3/schedule", {"when": "soon"}, "n'est pas une date et une heure"),
             # 9999-12-31 was taken, then the planner's next day overflowed: 500s
             ("/queue/3/schedule", {"when": "9999-12-31T23:59"}, "est après le 2999-12-31"),
             ("/queue/3/schedule", {"when": "0001-01-01T00:00"}, "0001-01-01 00:00 (UTC)"),
             ("/items/label", {"item_id": "bluesky:xss-0", "label": "love"},
              "n'est pas une valeur connue pour « Étiquette »")]
    for path, form, words in cases:
        response = client.post(path, data={"csrf_token": token, **form})
        assert response.status_code == 400, path
        text = alert_text(response.text)
        assert words in text and "--" not in text, text


def test_an_edited_text_keeps_plain_line_ends(client: TestClient) -> None:
    token = sign_in(client, "ed")
    client.post("/queue/1/edit", data={"csrf_token": token, "text": "one\r\ntwo\rthree\r\n"})
    entry = next(e for e in client.get("/queue.json").json()["entries"] if e["queue_id"] == 1)
    assert entry["text"] == "one\ntwo\nthree"


def test_queue_times_say_utc(client: TestClient) -> None:
    token = sign_in(client, "ed")
    client.post("/queue/3/schedule", data={"csrf_token": token, "when": "2999-01-01T09:30"})
    html = client.get("/queue").text
    assert "(UTC)</th>" in html and "2999-01-01 09:30 UTC" in html
    assert re.search(r'<label class="when">UTC <input type="datetime-local"', html)


def test_every_refusal_has_french_words_with_the_same_blanks() -> None:
    for key, english in REFUSALS.items():
        french = _FR[f"refused.{key}"]
        assert set(re.findall(r"{(\w+)}", french)) == set(re.findall(r"{(\w+)}", english)), key


def _chart_figures(html: str) -> list[str]:
    """The figures a chart writes itself: numeric axis ticks and the ends of its tooltips."""
    ticks = re.findall(r'<text class="tick"[^>]*>(-?\d[^<]*)</text>', html)
    tips = re.findall(r": ([^:<]*)</title>", html)
    return [t for t in ticks + tips if re.match(r"-?\d", t)]


def test_chart_numbers_follow_the_page_language(client: TestClient) -> None:
    signed_in(client, "fr", "vi")
    overview = client.get("/overview?period=2026-10-01..2026-10-28").text
    shares = _chart_figures(overview.split("<h2>Parts des réactions</h2>")[1].split("</svg>")[0])
    assert shares and all(re.fullmatch(r"\d+(,\d)? %", s) for s in shares if s != "0"), shares
    assert any(float(s[:-2].replace(",", ".")) > 1 for s in shares), "shares, not fractions"
    learn = _chart_figures(client.get("/learn").text)
    assert any("," in f for f in learn) and not any(re.search(r"\d\.\d", f) for f in learn)
    client.cookies.clear()
    sign_in(client, "admin")  # whose language is still the browser's: English
    english = client.get("/overview?period=2026-10-01..2026-10-28").text
    assert re.search(r": \d+(\.\d)?%</title>", english)


def test_a_queue_id_that_is_no_number_is_a_page_not_found(client: TestClient) -> None:
    """FastAPI's raw 422 JSON, in English, before any session check."""
    token = signed_in(client, "fr")
    for path in ("/queue/abc/approve", "/queue/1.5/edit", "/queue/%20/schedule",
                 "/queue/x/cancel", "/queue/-/draft"):
        response = client.post(path, data={"csrf_token": token, "when": "2999-01-01T09:30"})
        assert response.status_code == 404, path
        assert "Cette page n&#39;existe pas." in response.text
        assert "int_parsing" not in response.text


@pytest.mark.parametrize(("path", "back"), [
    ("/items?kind=bogus&q=croissant", "/items"), ("/learn?metric=likes", "/learn"),
    ("/said?network=myspace", "/said"), ("/reactions?period=abc", "/reactions"),
    ("/thread?id=nope", "/items"),
])
def test_a_refusal_links_back_to_its_own_page(client: TestClient, path: str, back: str
                                              ) -> None:
    """Every refusal's back link went to /overview, whatever page refused."""
    sign_in(client, "vi")
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert re.findall(r'<a href="([^"]*)" class="back">', response.text) == [back]


def test_a_head_request_gets_the_get_s_headers_without_a_body(client: TestClient) -> None:
    """Link checkers and monitors ask HEAD: every page answered 405."""
    for path in ("/login", "/overview"):
        got = client.get(path, follow_redirects=False)
        head = client.head(path, follow_redirects=False)
        assert head.status_code == got.status_code and head.content == b""
        assert head.headers.get("content-type") == got.headers.get("content-type")
        assert head.headers.get("location") == got.headers.get("location")
    sign_in(client, "vi")
    head = client.head("/overview")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 1000


def test_french_pages_set_a_space_before_a_colon(client: TestClient) -> None:
    signed_in(client, "fr", "vi")
    page = unescape(client.get("/overview").text)
    assert "Période\u202f: " in page and "rapport de la période\u202f: " in page
    assert "Période: " not in page
    signed_in(client, "en", "vi")
    assert "Period: " in unescape(client.get("/overview").text)
