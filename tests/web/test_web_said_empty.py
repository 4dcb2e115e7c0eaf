"""The 'What is said' page on a period without any reply, quote or mention says so, and
names the dates the data run over (with a link to them), in the reader's language."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from sounding.store import Store

from .conftest import sign_in, signed_in


def _notice(html: str) -> str:
    match = re.search(r'<p class="note empty-period" role="status">(.*?)</p>', html, re.S)
    assert match, "the page does not say the period is empty"
    return unescape(match[1])


def _data_days(store: Store) -> tuple[str, str]:
    first, last = store.query("SELECT min(created_at)::DATE::VARCHAR, "
                              "max(created_at)::DATE::VARCHAR FROM items").to_pylist()[0].values()
    return str(first), str(last)


def test_an_empty_period_is_said_with_the_datas_dates(client: TestClient,
                                                      web_store: Store) -> None:
    first, last = _data_days(web_store)
    signed_in(client, "fr", "vi")
    french = _notice(client.get("/said?period=2020-01-01..2020-01-31").text)
    assert (f"Aucune réponse, citation ni mention du 2020-01-01 au 2020-01-31 : les données "
            f"vont du {first} au {last}") in french
    assert f'href="/said?period={first}..{last}"' in french
    client.post("/lang", data={"lang": "en", "csrf_token": sign_in(client, "vi"),
                               "next": "/said"})
    english = _notice(client.get("/said?period=2020-01-01..2020-01-31").text)
    assert f"from 2020-01-01 to 2020-01-31: the data run from {first} to {last}" in english
    assert client.get("/said.json?period=2020-01-01..2020-01-31").json()["data_dates"] == \
        {"first": first, "last": last}


def test_a_period_after_the_data_is_empty_not_reversed(client: TestClient,
                                                       web_store: Store) -> None:
    sign_in(client, "vi")
    data = client.get("/said.json?period=2030-01-01..").json()
    assert data["texts"] == 0 and data["period_start"] < data["period_end"]
    assert "from 2030-01-01 to 2030-01-01" in _notice(client.get("/said?period=2030-01-01..").text)


def test_a_period_with_reactions_shows_no_notice(client: TestClient) -> None:
    sign_in(client, "vi")
    page = client.get("/said").text
    assert "empty-period" not in page and client.get("/said.json").json()["texts"] > 0


def test_the_first_week_shows_its_topics_without_a_trend(client: TestClient,
                                                         web_store: Store) -> None:
    """Nothing before the data's first week: no topic may be rising or falling."""
    first, _ = _data_days(web_store)
    sign_in(client, "vi")
    period = f"{first}..{first}"
    data = client.get(f"/said.json?period={period}").json()
    assert data["texts"] > 0 and data["texts_before"] == 0 and data["topics"]
    html = client.get(f"/said?period={period}").text
    assert "no texts the period before" in html
    assert ">rising" not in html and ">falling" not in html


def test_texts_in_no_topic_are_counted_on_the_page(client: TestClient, web_store: Store) -> None:
    with web_store.transaction() as con:  # a reply holding no topic word, in the period
        con.execute("INSERT INTO items (item_id, network, author_id, text, created_at, kind, "
                    "parent_id) SELECT 'bluesky:bare', network, author_id, '😍 !!', created_at, "
                    "'reply', item_id FROM items WHERE kind = 'post' ORDER BY created_at DESC "
                    "LIMIT 1")
    signed_in(client, "fr", "vi")
    data = client.get("/said.json").json()
    assert data["texts_without_topic"] >= 1
    assert data["texts"] == data["texts_without_topic"] + sum(t["size"] for t in data["topics"])
    page = unescape(client.get("/said").text)
    assert ("Textes dans aucun sujet (sans mot de sujet : une simple mention, un emoji) : "
            f"{data['texts_without_topic']}.") in page
