"""The dashboard in-process: sign-in, roles, CSRF, pages and their JSON twins, escaping."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient

from sounding.errors import InputError
from sounding.report import VIEWS
from sounding.store import Store
from sounding.workflows import labels, users

from .conftest import PASSWORD, PWN, TOKEN, XSS_HANDLE, csrf_of, sign_in, signed_in

PAGES = ["/overview", "/reactions", "/items", "/queue", "/thread?id=bluesky:post-0002"]


def test_pages_need_a_session(client: TestClient) -> None:
    response = client.get("/items?q=x", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fitems%3Fq%3Dx"
    assert client.get("/items.json").status_code == 401


def test_session_cookie_is_httponly_and_lax(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "vi", "password": PASSWORD,
                                           "csrf_token": token}, follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "sounding_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie.split("sounding_login_csrf")[0]


def test_secure_cookie_over_https(web_store: Store) -> None:
    from sounding.web.app import create_app
    client = TestClient(create_app(web_store, TOKEN), base_url="https://dash.example")
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "vi", "password": PASSWORD,
                                           "csrf_token": token}, follow_redirects=False)
    assert "secure" in response.headers["set-cookie"].lower()


def test_login_refuses_wrong_password_and_missing_csrf(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    wrong = client.post("/login", data={"username": "ed", "password": "nope-nope",
                                        "csrf_token": token})
    assert wrong.status_code == 401
    assert client.post("/login", data={"username": "ed", "password": PASSWORD}
                       ).status_code == 403


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", "Ce formulaire a expiré : saisissez à nouveau votre nom et votre mot de passe."),
    ("en", "This form has expired: enter your name and password again.")])
def test_an_expired_login_form_is_shown_again_in_the_readers_language(
        client: TestClient, lang: str, words: str) -> None:
    """A sign-in form left open past its token's hour: the form again, in the reader's
    words, not a line of English."""
    client.get(f"/login?lang={lang}")
    client.cookies.delete("sounding_login_csrf")
    answer = client.post("/login", data={"username": "ed", "password": PASSWORD,
                                         "csrf_token": "old", "next": "/queue"})
    assert answer.status_code == 403 and "sounding_session" not in answer.cookies
    assert unescape(re.search(r'role="alert">(.*?)</p>', answer.text)[1]) == words
    retry = client.post("/login", data={"username": "ed", "password": PASSWORD,
                                        "csrf_token": csrf_of(answer.text), "next": "/queue"})
    assert retry.status_code == 200 and 'data-status="draft"' in retry.text


def test_open_redirect_is_refused(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "ed", "password": PASSWORD,
                                           "csrf_token": token, "next": "//evil.example/x"},
                           follow_redirects=False)
    assert response.headers["location"] == "/overview"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_and_its_json_twin(client: TestClient, path: str) -> None:
    sign_in(client, "vi")
    page = client.get(path)
    assert page.status_code == 200, page.text[:300]
    assert "Content-Security-Policy" in page.headers
    base, _, query = path.partition("?")
    twin = client.get(f"{base}.json" + (f"?{query}" if query else ""))
    assert twin.status_code == 200
    slug = base.strip("/")
    from sounding.report import VIEWS
    expected = VIEWS[slug].build(client.app.state.store, dict(twin.request.url.params))
    assert twin.json() == json.loads(json.dumps(expected, default=str))


def test_overview_compares_with_the_previous_period(client: TestClient) -> None:
    sign_in(client, "vi")
    data = client.get("/overview.json?period=2026-10-01..2026-10-28").json()
    assert data["previous_period"] == "2026-09-03..2026-09-30"
    posts = next(m for m in data["metrics"] if m["key"] == "posts")
    assert posts["value"] > 0 and posts["delta"] == posts["value"] - posts["previous"]


def test_a_period_from_the_first_data_day_has_nothing_to_compare_with(
        client: TestClient) -> None:
    """The previous period lies before any data: no change is shown against its zeros,
    and the page says why (where it said "+60 posts")."""
    signed_in(client, "fr")
    whole = client.get("/overview.json?period=..9999-12-31").json()
    first = whole["dates"].split("..")[0]
    day = date.fromisoformat(first)
    period = f"{day}..{day + timedelta(days=27)}"
    data = client.get(f"/overview.json?period={period}").json()
    assert data["previous_before_data"] == first
    posts = next(m for m in data["metrics"] if m["key"] == "posts")
    assert posts["value"] > 0
    assert all(m["previous"] is None and m["delta"] is None for m in data["metrics"])
    html = client.get(f"/overview?period={period}").text
    assert f"Rien à comparer : les données commencent le {first}" in html
    assert "card-change up" not in html and "card-change down" not in html
    later = client.get(f"/overview.json?period={day + timedelta(days=1)}.."
                       f"{day + timedelta(days=28)}").json()
    assert later["previous_before_data"] is None  # one day of data before it: compared
    assert "Rien à comparer" not in client.get("/overview?period=2026-10-01..2026-10-28").text


def test_overview_colours_a_change_by_whether_it_is_good_news(client: TestClient) -> None:
    sign_in(client, "vi")
    query = "?period=2026-10-01..2026-10-28"
    metrics = client.get(f"/overview.json{query}").json()["metrics"]
    html = client.get(f"/overview{query}").text
    checked = 0
    for m in metrics:
        if not m["delta"]:
            continue
        good = (m["delta"] > 0) != (m["key"] in ("ignored_share", "share_animosity"))
        card = re.search(rf'data-metric="{m["key"]}">.*?class="card-change (up|down)"', html,
                         re.S)
        assert card and card[1] == ("up" if good else "down"), m["key"]
        checked += 1
    assert checked >= 5
    share = next(m for m in metrics if m["key"] == "share_animosity")
    assert f"{100 * abs(share['delta']):.1f} pts" in html  # a share moves in points


def test_reactions_count_labels_and_ignored_posts(client: TestClient) -> None:
    sign_in(client, "vi")
    data = client.get("/reactions.json").json()
    assert set(data["networks"]) == {"bluesky", "mastodon"}
    assert data["totals"]["interest"] > 0 and data["totals"]["posts"] == 180
    assert 0 < data["totals"]["ignored"] < data["totals"]["posts"]


def test_items_filter_by_kind_network_label_and_text(client: TestClient) -> None:
    sign_in(client, "vi")
    data = client.get("/items.json?kind=reply&network=mastodon&label=animosity").json()
    assert data["items"] and data["has_next"]
    assert all(i["kind"] == "reply" and i["network"] == "mastodon"
               and i["reaction"]["label"] == "animosity" for i in data["items"])
    found = client.get("/items.json?q=pwn-svg").json()["items"]
    assert [i["item_id"] for i in found] == ["bluesky:xss-2"]
    assert client.get("/items.json?q=100%25_").json()["items"] == []


def test_links_are_only_http(client: TestClient) -> None:
    sign_in(client, "vi")
    found = client.get("/items.json?q=pwn").json()["items"]
    assert {i["url"] for i in found} == {None, "https://example.org/<script>"}
    assert "javascript:" not in client.get("/items?q=pwn").text.replace(
        "javascript:alert(1)&#34;&gt;click", "")


def test_hostile_text_is_escaped(client: TestClient) -> None:
    sign_in(client, "ed")
    for path in ("/items?q=pwn", "/thread?id=bluesky:xss-0", "/queue"):
        html = client.get(path).text
        assert "<script>window" not in html and "<img src=x" not in html, path
        assert "<svg onload" not in html
    assert "&lt;script&gt;" in client.get("/thread?id=bluesky:xss-0").text
    assert XSS_HANDLE not in client.get("/items?q=pwn").text
    assert PWN in client.get("/items?q=pwn").text  # shown as text, inert


def test_editor_corrects_a_label_and_it_wins_everywhere(client: TestClient) -> None:
    token = sign_in(client, "ed")
    item = client.get("/items.json?kind=reply&label=interest").json()["items"][0]
    response = client.post("/items/label", data={"item_id": item["item_id"], "label":
                                                 "animosity", "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303
    thread = client.get(f"/thread.json?id={item['item_id']}").json()["items"]
    mine = next(i for i in thread if i["item_id"] == item["item_id"])
    assert mine["reaction"] == {"item_id": item["item_id"], "label": "animosity",
                                "source": "human", "model_label": "interest"}
    again = client.get("/items.json?label=animosity&q=" + item["text"][:30]).json()["items"]
    assert item["item_id"] in [i["item_id"] for i in again]


def test_label_correction_needs_csrf_and_a_known_label(client: TestClient) -> None:
    token = sign_in(client, "ed")
    data = {"item_id": "bluesky:reply-000001", "label": "animosity"}
    forged = client.post("/items/label", data={**data, "csrf_token": "forged"})
    assert forged.status_code == 403 and "opened before your last sign-in" in forged.text
    missing = client.post("/items/label", data=data)  # was told it came from an old page
    assert missing.status_code == 403
    assert "came without its security token" in unescape(missing.text)
    assert client.post("/items/label", data={**data, "csrf_token": token, "label": "joy"}
                       ).status_code == 400
    assert client.post("/items/label", data={**data, "csrf_token": token, "item_id": "nope"}
                       ).status_code == 404


def test_viewer_sees_no_edit_controls_and_cannot_post(client: TestClient) -> None:
    token = sign_in(client, "vi")
    for path in ("/items", "/queue", "/thread?id=bluesky:post-0002"):
        html = client.get(path).text
        assert "label-form" not in html and "/approve" not in html and "<textarea" not in html
    assert client.post("/items/label", data={"item_id": "bluesky:reply-000001",
                                             "label": "neutral", "csrf_token": token}
                       ).status_code == 403
    assert client.post("/queue/1/approve", data={"csrf_token": token}).status_code == 403


def test_queue_edit_approve_schedule_and_back(client: TestClient) -> None:
    token = sign_in(client, "ed")

    def status(qid: int) -> str:
        entries = client.get("/queue.json").json()["entries"]
        return str(next(e for e in entries if e["queue_id"] == qid)["status"])

    assert client.post("/queue/1/approve", data={"csrf_token": token}).status_code == 200
    assert status(1) == "approved"
    assert client.post("/queue/1/schedule", data={"csrf_token": token,
                                                  "when": "2999-01-01T09:30"}).status_code == 200
    assert status(1) == "scheduled"
    assert client.post("/queue/1/schedule", data={"csrf_token": token,
                                                  "when": "2001-01-01T09:30"}).status_code == 400
    assert client.post("/queue/1/edit", data={"csrf_token": token, "text": "New text"}
                       ).status_code == 200
    assert status(1) == "draft"
    assert client.post("/queue/4/approve", data={"csrf_token": token}).status_code == 400
    variant = next(e["variant"] for e in client.get("/queue.json").json()["entries"]
                   if e["variant"])
    shown = " · ".join(f"{k}={v}" for k, v in json.loads(variant).items())
    assert shown in client.get("/queue").text.replace("&#39;", "'")
    assert client.post("/queue/99/approve", data={"csrf_token": token}).status_code == 404


def test_language_from_browser_then_from_the_user(client: TestClient) -> None:
    assert "Se connecter" in client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}
                                        ).text
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "de, en;q=0.5"}).text
    token = sign_in(client, "vi")
    client.post("/lang", data={"lang": "fr", "csrf_token": token, "next": "/overview"})
    client.cookies.delete("sounding_lang")
    page = client.get("/overview").text
    assert 'lang="fr"' in page and "Réactions" in page
    refused = client.post("/lang", data={"lang": "en", "next": "/items"}, follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"] == "/items"
    assert 'lang="fr"' in client.get("/overview").text  # no token: the language is kept


def test_french_pages_name_segments_roles_and_kinds_in_french(client: TestClient) -> None:
    token = sign_in(client, "ed")
    client.post("/lang", data={"lang": "fr", "csrf_token": token, "next": "/overview"})
    audience = client.get("/audience").text
    assert "langue fr" in audience and "sur bluesky" in audience
    assert "language fr" not in audience and "on bluesky" not in audience
    assert "groupe de comportement 1" in audience and "activité ×" in audience
    items = client.get("/items?kind=reply").text
    assert "(édition)" in items and '<td data-label="Type">réponse</td>' in items
    link = re.search(r'href="(/thread\?id=[^"]+)#focus"', items)
    assert link, "thread links should open on the item"
    assert 'id="focus"' in client.get(unescape(link[1])).text
    learn = client.get("/learn").text
    verdicts = re.findall(r'<li data-factor="[^"]+" class="[^"]+">([^<]+)</li>', learn)
    assert "observationnel : les publications" in learn
    assert verdicts and all(" : " in v and " sur l&#39;intérêt" in v for v in verdicts), \
        verdicts
    assert all(re.search(r"P = \d,\d\d, [+-]\d+,\d pts \[-?\d+,\d ; -?\d+,\d\]", v)
               for v in verdicts), verdicts


def test_an_unknown_address_is_a_page_for_people_and_json_for_programs(
        client: TestClient) -> None:
    sign_in(client, "vi")
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "There is no such page." in page.text
    assert "text/html" in page.headers["content-type"]
    assert client.get("/no-such-page.json").json() == {"detail": "Not Found"}
    assert client.get("/api/nothing").status_code == 404


def test_logout_ends_the_session(client: TestClient) -> None:
    token = sign_in(client, "vi")
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/overview", follow_redirects=False).status_code == 303


def test_ops_api_still_needs_the_token(client: TestClient) -> None:
    assert client.post("/api/ops/status", json={}).status_code == 403
    ok = client.post("/api/ops/status", json={}, headers={"X-Sounding-Token": TOKEN})
    assert ok.json()["result"]["tables"]["items"] > 0


def test_users_are_validated_and_hashed(web_store: Store) -> None:
    with pytest.raises(InputError):
        users.add_user(web_store, "ed", PASSWORD, "editor")
    with pytest.raises(InputError):
        users.add_user(web_store, "new", "short", "editor")
    with pytest.raises(InputError):
        users.add_user(web_store, "new", PASSWORD, "root")
    stored = web_store.query("SELECT password_hash FROM users WHERE username = 'ed'")
    assert stored[0][0].as_py().startswith("$argon2id$")
    assert users.authenticate(web_store, "ed", PASSWORD)
    assert not users.authenticate(web_store, "ghost", PASSWORD)


def test_human_label_overrides_in_the_view(web_store: Store) -> None:
    labels.correct_label(web_store, "bluesky:reply-000001", "neutral", "ed")
    labels.correct_label(web_store, "bluesky:reply-000001", "interest", "ed")
    row = web_store.query("SELECT label, source FROM item_reactions "
                          "WHERE item_id = 'bluesky:reply-000001'").to_pylist()
    assert row == [{"label": "interest", "source": "human"}]


def test_registry_has_the_pages() -> None:
    assert [v.slug for v in VIEWS.values() if v.nav] == ["overview", "reactions", "items",
                                                          "queue", "audience", "actors",
                                                          "learn", "said"]


def test_signing_in_and_choosing_a_language_keep_the_cache(client: TestClient) -> None:
    token = sign_in(client, "vi")
    client.get("/queue.json")
    cache = client.app.state.cache
    assert ("queue", ()) in cache and ("json", ("queue", ())) in cache
    client.post("/lang", data={"lang": "fr", "csrf_token": token, "next": "/queue"})
    assert ("queue", ()) in cache and ("json", ("queue", ())) in cache
    refused = client.post("/items/label", data={"csrf_token": token, "label": "neutral",
                                                "item_id": "bluesky:reply-000001"})
    assert refused.status_code == 403  # a viewer: nothing written, nothing forgotten
    assert ("queue", ()) in cache
    editor = TestClient(client.app, base_url="http://127.0.0.1")
    written = editor.post("/items/label", data={"csrf_token": sign_in(editor, "ed"),
                                                "label": "neutral",
                                                "item_id": "bluesky:reply-000001"},
                          follow_redirects=False)
    assert written.status_code == 303 and len(cache) == 0  # a write: every page forgotten


def test_warm_up_builds_in_the_background() -> None:
    from sounding.web.cache import ViewCache, Warmer

    cache = ViewCache()

    def broken() -> dict[str, int]:
        raise InputError("no data")

    warmer = Warmer(cache, [(("a", ()), lambda: {"a": 1}), (("b", ()), broken),
                            (("c", ()), lambda: {"c": 3})])
    warmer.start()
    assert warmer.done.wait(10)
    assert cache.get(("c", ()), lambda: {"c": 0}) == {"c": 3} and len(cache) == 2
    cache.clear()
    warmer.start()
    assert warmer.done.wait(10) and len(cache) == 2


def test_a_rendered_page_is_never_served_to_another_session(client: TestClient) -> None:
    """Pages are cached rendered, but per session: each carries its own CSRF token and
    the controls of its own role."""
    other = TestClient(client.app, base_url="http://127.0.0.1")
    viewer, editor = sign_in(client, "vi"), sign_in(other, "ed")
    seen_by_viewer, seen_by_editor = client.get("/items").text, other.get("/items").text
    assert viewer in seen_by_viewer and editor not in seen_by_viewer
    assert editor in seen_by_editor and viewer not in seen_by_editor
    assert client.get("/items").text == seen_by_viewer  # the cached copy, same session
    assert 'action="/items/label"' in seen_by_editor
    assert 'action="/items/label"' not in seen_by_viewer


def test_signed_in_pages_and_json_are_never_stored(client: TestClient) -> None:
    """Back after sign-out must not show data from the browser's cache."""
    sign_in(client, "vi")
    for path in ("/overview", "/overview.json", "/items", "/audience.json", "/no-such-page"):
        response = client.get(path)
        assert response.headers.get("cache-control") == "no-store", path
    static = client.get("/static/style.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")


def test_control_characters_never_reach_a_page(client: TestClient, web_store: Store) -> None:
    with web_store.transaction() as con:
        con.execute("UPDATE items SET text = 'ctl\x1b[31m\x07\x00 reply' "
                    "WHERE item_id = 'bluesky:xss-0'")
        con.execute("UPDATE actors SET handle = 'rtl\u202ex.example' "
                    "WHERE actor_id = 'bluesky:evil'")  # turned the date line around
    sign_in(client, "vi")
    for path in ("/items?q=ctl", "/thread?id=bluesky%3Axss-0"):
        page = client.get(path).text
        assert "ctl[31m reply" in page, path
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e]", page), path
    assert "rtlx.example" in client.get("/thread?id=bluesky%3Axss-0").text
