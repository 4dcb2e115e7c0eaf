"""The dashboard in Debian's Chromium through Playwright: what a person sees and does."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sounding.store import Store

from .conftest import PASSWORD, TOKEN, XSS_HANDLE

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboard"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="browser tests need Debian's Chromium at /usr/bin/chromium "
                              "(apt-get install -y chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live(seeded_workspace: Path, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[tuple[str, Store]]:
    """The real server (uvicorn, in a thread) on a copy of the seeded demo workspace."""
    path = tmp_path_factory.mktemp("live") / "live.duckdb"
    shutil.copy(seeded_workspace, path)
    yield from _serving(path)


def _serving(path: Path) -> Iterator[tuple[str, Store]]:
    import uvicorn

    from sounding.web.app import create_app

    store = Store.open(path)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(store, TOKEN), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", store
    server.should_exit = True
    thread.join(timeout=10)
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _page(browser: Any, base: str, user: str, locale: str = "en-GB", **options: Any) -> Any:
    context = browser.new_context(locale=locale, base_url=base, **options)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/overview")
    return page


def _go(page: Any, selector: str) -> None:
    """Click a link or a GET form's button and wait until the next page has loaded: a
    click alone returns once the navigation starts, before the page is parsed."""
    with page.expect_navigation():
        page.click(selector)


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_every_page_shows_the_demo(browser: Any, live: tuple[str, Store]) -> None:
    page = _page(browser, live[0], "vi")
    assert page.locator(".card").count() >= 10
    assert page.locator("svg.chart rect").count() > 0
    _shot(page, "overview")
    _go(page, "nav a[href='/reactions']")
    assert page.locator("section.network").count() == 2
    assert page.locator("section.network svg.chart rect").count() > 20
    _shot(page, "reactions")
    _go(page, "nav a[href='/items']")
    assert page.locator("table.items tbody tr").count() == 50
    page.select_option("select[name=kind]", "post")
    _go(page, "#item-filters button")
    assert page.locator("table.items tbody tr").first.locator("td").nth(2).inner_text(
        ).startswith("post")
    _shot(page, "items")
    page.locator("table.items a", has_text="thread").first.click()
    assert page.locator("ol.thread li").count() >= 1
    _shot(page, "thread")
    _go(page, "nav a[href='/queue']")
    assert page.locator("table.queue tbody tr").count() == 4
    _shot(page, "queue-viewer")
    page.context.close()


def test_editor_corrects_a_label_and_it_persists(browser: Any, live: tuple[str, Store]
                                                 ) -> None:
    page = _page(browser, live[0], "ed")
    page.goto("/items?kind=reply&label=interest")
    row = page.locator("table.items tbody tr").first
    item_id = row.get_attribute("data-item")
    row.locator("select[name=label]").select_option("animosity")
    row.locator(".label-form button").click()
    page.wait_for_load_state()
    page.goto(f"/thread?id={item_id}")
    mine = page.locator(f"li[data-item='{item_id}']")
    assert mine.locator(".label").inner_text() == "animosity"
    assert mine.locator(".source").inner_text() == "human"
    _shot(page, "label-corrected")
    found = live[1].query("SELECT label, source FROM item_reactions WHERE item_id = ?",
                          [item_id]).to_pylist()
    assert found == [{"label": "animosity", "source": "human"}]
    page.context.close()


def test_editor_approves_a_queued_post(browser: Any, live: tuple[str, Store]) -> None:
    page = _page(browser, live[0], "ed")
    page.goto("/queue")
    page.locator("tr[data-queue='1'] button.approve").click()
    page.wait_for_url("**/queue")
    assert page.locator("tr[data-queue='1']").get_attribute("data-status") == "approved"
    _shot(page, "queue-approved")
    page.context.close()


def test_language_switch(browser: Any, live: tuple[str, Store]) -> None:
    page = _page(browser, live[0], "admin")
    assert page.locator("nav a[href='/overview']").inner_text() == "Overview"
    page.click("button[data-lang=fr]")
    page.wait_for_url("**/overview")
    assert page.locator("nav a[href='/overview']").inner_text() == "Vue d'ensemble"
    page.goto("/items")
    assert page.locator("nav a[href='/items']").inner_text() == "Contenus"
    _shot(page, "overview-fr")
    page.click("button[data-lang=en]")
    page.context.close()
    french = browser.new_context(locale="fr-FR", base_url=live[0]).new_page()
    french.goto("/login")
    assert french.locator("h1").inner_text() == "Se connecter"
    french.context.close()


def test_viewer_cannot_edit(browser: Any, live: tuple[str, Store]) -> None:
    page = _page(browser, live[0], "vi")
    for path in ("/items", "/queue", "/thread?id=bluesky:post-0002"):
        page.goto(path)
        assert page.locator("form.label-form, button.approve, textarea").count() == 0
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post("/queue/2/approve", form={"csrf_token": token})
    assert refused.status == 403
    refused = page.request.post("/items/label", form={"csrf_token": token, "label": "neutral",
                                                      "item_id": "bluesky:reply-000001"})
    assert refused.status == 403
    page.context.close()


def test_hostile_content_never_runs(browser: Any, live: tuple[str, Store]) -> None:
    page = _page(browser, live[0], "ed")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ("/items?q=pwn", "/thread?id=bluesky:xss-0", "/queue", "/items.json?q=pwn",
                 "/actors", "/audience", "/learn", "/actors.json", "/said"):
        page.goto(path)
        page.wait_for_load_state("load")
        page.mouse.move(300, 300)
        for link in page.locator("a").all():
            href = link.get_attribute("href") or ""
            assert not href.strip().lower().startswith("javascript:"), href
        assert page.evaluate("typeof window.__pwned") == "undefined", path
    page.goto("/thread?id=bluesky:xss-0")
    text = page.locator("ol.thread").inner_text()
    assert "<script>window.__pwned=1</script>" in text
    assert page.locator("ol.thread script, ol.thread img, ol.thread svg").count() == 0
    assert page.title().startswith("Thread")
    _shot(page, "hostile-thread")
    _hover_hostile_actor(page)
    assert dialogs == []
    page.context.close()


def _hover_hostile_actor(page: Any) -> None:
    """The hostile handle on the actor map: drawn, hovered, shown as text, never run."""
    page.goto("/actors")
    page.wait_for_selector("#actor-map[data-ready]")
    index = page.evaluate("JSON.parse(document.getElementById('actor-map').dataset.graph)"
                          ".nodes.findIndex(n => n.label.includes('onerror'))")
    assert index >= 0, "the hostile actor is not on the map"
    # dispatched rather than hovered: neighbours drawn on top may cover the dot
    page.locator(f"#actor-map circle[data-i='{index}']").dispatch_event("pointerover")
    tip = page.locator("#map-tip")
    assert tip.is_visible() and XSS_HANDLE in tip.inner_text()
    assert page.locator("#map-tip *").evaluate_all("els => els.map(e => e.tagName)") == [
        "STRONG", "DIV"]
    assert page.locator("table.communities img, ol.top-actors script").count() == 0
    assert XSS_HANDLE in page.locator("table.communities").inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    _shot(page, "hostile-actors")


def test_audience_actors_and_learn_pages(browser: Any, live: tuple[str, Store]) -> None:
    page = _page(browser, live[0], "vi")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _go(page, "nav a[href='/audience']")
    assert page.locator("#index-chart svg circle.estimate").count() >= 5
    assert page.locator("table.segments tbody tr").count() >= 6
    assert page.locator("table.active tbody tr").count() >= 5
    _shot(page, "audience")
    _go(page, "nav a[href='/actors']")
    page.wait_for_selector("#actor-map[data-ready]")
    assert page.locator("#actor-map circle.node").count() >= 100
    assert page.locator("#actor-map line").count() >= 100
    assert page.locator("table.communities tbody tr").count() >= 5
    box = page.locator("#actor-map").bounding_box()
    before = page.locator("#actor-map").get_attribute("viewBox")
    page.click("#zoom-in")
    zoomed = page.locator("#actor-map").get_attribute("viewBox")
    assert zoomed != before
    page.mouse.move(box["x"] + 200, box["y"] + 200)
    page.mouse.down()
    page.mouse.move(box["x"] + 260, box["y"] + 240, steps=4)
    page.mouse.up()
    assert page.locator("#actor-map").get_attribute("viewBox") != zoomed
    page.click("#zoom-reset")
    page.locator("#actor-map circle.node").first.hover(force=True)
    assert page.locator("#map-tip").is_visible()
    _shot(page, "actors")
    _go(page, "nav a[href='/learn']")
    assert page.locator("section.factor").count() == 4
    assert page.locator("section.factor svg.chart circle.estimate").count() >= 12
    assert page.locator("ul.verdicts li").count() == 4
    assert page.locator("table.plan tbody tr").count() == 10
    _shot(page, "learn")
    page.select_option("select[name=metric]", "engagement")
    _go(page, "#learn-filters button")
    assert "metric=engagement" in page.url
    assert page.locator("section.factor").count() == 4
    assert errors == [], errors
    page.context.close()


def test_new_pages_in_french(browser: Any, live: tuple[str, Store]) -> None:
    page = _page(browser, live[0], "vi", "fr-FR")
    page.goto("/learn")
    assert page.locator("h1").inner_text() == "Tester et apprendre"
    _shot(page, "learn-fr")
    page.goto("/audience")
    assert "Indice de représentation" in page.locator("main").inner_text()
    page.context.close()


PHONE_PAGES = ["/overview", "/reactions", "/items", "/thread?id=bluesky:post-0002", "/queue",
               "/audience", "/actors", "/learn", "/said", "/overview?period=bogus",
               "/no-such-page"]


# Each table cell holding only a number, with how many lines its text takes on screen.
_NUMBER_LINES = """() => {
  const out = {};
  for (const td of document.querySelectorAll("main table td")) {
    const text = td.textContent.trim();
    if (!/^[0-9][0-9\u202f\u00a0 ,.]*[0-9]$/.test(text)) continue;
    const walk = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    const tops = new Set();
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width) tops.add(Math.round(r.top));
    }
    out[text] = tops.size;
  }
  return out;
}"""


# The size on screen, in CSS pixels, of each text of the charts a person can see.
_CHART_TEXT_PX = """() => [...document.querySelectorAll("svg.chart")]
  .filter(svg => svg.getBoundingClientRect().width > 0)
  .flatMap(svg => [...svg.querySelectorAll("text")].map(
    text => svg.getScreenCTM().a * parseFloat(getComputedStyle(text).fontSize)))"""


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
def test_no_page_scrolls_sideways_on_a_phone(browser: Any, live: tuple[str, Store],
                                             locale: str) -> None:
    page = _page(browser, live[0], "ed", locale, viewport={"width": 390, "height": 844})
    wide = {}
    for path in PHONE_PAGES:
        page.goto(path)
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[path] = width
            _shot(page, f"phone-{locale}-{path.strip('/').split('?')[0]}")
    assert wide == {}, wide
    for path in ("/audience", "/actors", "/learn", "/said"):  # tables scroll, numbers stay whole
        page.goto(path)
        lines = page.evaluate(_NUMBER_LINES)
        assert lines and {k: n for k, n in lines.items() if n > 1} == {}, path
    for path in ("/overview", "/audience", "/learn", "/reactions"):  # chart text readable
        page.goto(path)
        sizes = page.evaluate(_CHART_TEXT_PX)
        assert sizes and min(sizes) >= 10, (path, sorted(sizes)[:5])
    page.goto("/items")  # the items and the queue become labelled cards
    cell = page.locator("table.items tbody tr").first.locator("td").first
    assert page.locator("table.items thead").is_hidden()
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label.strip('"') in ("Date",), label
    _shot(page, f"phone-{locale}-items")
    page.goto("/queue")
    assert page.locator("table.queue thead").is_hidden()
    _shot(page, f"phone-{locale}-queue")
    page.context.close()


def test_the_map_speaks_french_and_colours_one_community_each(browser: Any,
                                                               live: tuple[str, Store]) -> None:
    page = _page(browser, live[0], "vi", "fr-FR")
    page.goto("/actors")
    page.wait_for_selector("#actor-map[data-ready]")
    owners = page.evaluate("""() => {
        const graph = JSON.parse(document.getElementById('actor-map').dataset.graph);
        const seen = {};
        document.querySelectorAll('#actor-map circle.node').forEach(c => {
            const n = graph.nodes[Number(c.dataset.i)];
            const cls = [...c.classList].find(k => /^c-\\d+$/.test(k));
            if (cls) { (seen[cls] = seen[cls] || new Set()).add(n.community); }
        });
        return Object.values(seen).map(s => s.size);
    }""")
    assert owners and all(n == 1 for n in owners), owners
    assert page.locator("#actor-map circle.node.minor").count() > 0
    page.locator("#actor-map circle.node").first.dispatch_event("pointerover")
    tip = page.locator("#map-tip").inner_text()
    assert ("Communauté" in tip or "Hors communauté" in tip) and "community" not in tip, tip
    assert "PageRank 0," in tip, tip
    _shot(page, "actors-fr")
    page.context.close()


def test_editor_discards_only_after_confirming(browser: Any, live: tuple[str, Store]) -> None:
    page = _page(browser, live[0], "ed")
    page.goto("/queue")
    page.locator("tr[data-queue='2'] button.discard").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Discard queue entry 2?"
    assert "<script>window.__pwned=1</script>" in page.locator("blockquote").inner_text()
    page.click("a.back")
    page.wait_for_url("**/queue")
    assert page.locator("tr[data-queue='2']").get_attribute("data-status") == "draft"
    page.locator("tr[data-queue='2'] button.discard").click()
    page.click("form.confirm-discard button")
    page.wait_for_url("**/queue")
    assert page.locator("tr[data-queue='2']").count() == 0
    _shot(page, "queue-discarded")
    page.context.close()


def test_language_chosen_at_sign_in_and_the_report_download(browser: Any,
                                                            live: tuple[str, Store]) -> None:
    page = browser.new_context(locale="en-GB", base_url=live[0]).new_page()
    page.goto("/login")
    page.click("p.langs a:text('FR')")
    assert page.locator("h1").inner_text() == "Se connecter"
    page.fill("input[name=username]", "vi")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/overview")
    assert page.locator("nav a[href='/overview']").inner_text() == "Vue d'ensemble"
    with page.expect_download() as got:
        page.click("p.download a:text('HTML')")
    download = got.value
    assert download.suggested_filename.startswith("sounding-report-")
    assert download.suggested_filename.endswith(".html")
    assert '<html lang="fr"' in Path(download.path()).read_text(encoding="utf-8")
    page.context.close()


def test_the_period_is_picked_with_two_dates(browser: Any, live: tuple[str, Store]) -> None:
    """Two date fields, as the browser draws them: the page comes back on that period,
    its address saying period=A..B, the fields keeping the dates; on the learn page the
    metric chosen beside them is kept too."""
    page = _page(browser, live[0], "vi")
    page.fill("#period-filters input[name=from]", "2026-10-01")
    page.fill("#period-filters input[name=to]", "2026-10-28")
    _go(page, "#period-filters button")
    assert page.url.endswith("/overview?period=2026-10-01..2026-10-28")
    assert page.input_value("input[name=from]") == "2026-10-01"
    assert page.input_value("input[name=to]") == "2026-10-28"
    assert "2026-10-01..2026-10-28" in page.locator("main").inner_text()
    _go(page, "nav a[href='/learn']")
    page.fill("#learn-filters input[name=from]", "2026-09-15")
    page.select_option("select[name=metric]", "engagement")
    _go(page, "#learn-filters button")
    assert page.url.endswith("/learn?metric=engagement&period=2026-09-15..")
    assert page.locator("section.factor").count() == 4
    _shot(page, "period-dates")
    page.context.close()


def test_a_long_unbroken_name_does_not_squeeze_the_texts(
        browser: Any, seeded_workspace: Path, tmp_path: Path) -> None:
    """One 300-letter handle made the author column 2,700 px wide and the texts beside it
    52 px, on a desktop screen: names break anywhere now, texts keep their room."""
    from datetime import timedelta

    from sounding.models import Actor, Batch, Item

    path = tmp_path / "long.duckdb"
    shutil.copy(seeded_workspace, path)
    with Store.open(path) as store:
        root = "bluesky:post-0002"
        at = store.query("SELECT created_at FROM items WHERE item_id = ?", [root])[0][0]
        actor = Actor("bluesky:long", "bluesky", "x" * 300)
        item = Item("bluesky:long-0", "bluesky", actor.actor_id, "an ordinary reply",
                    at.as_py() + timedelta(days=400), kind="reply", parent_id=root,
                    root_id=root)
        store.write(Batch.from_records(actors=[actor], items=[item]), kind="test",
                    source="long")
    for base, _ in _serving(path):
        page = _page(browser, base, "ed", viewport={"width": 1280, "height": 900})
        page.goto("/items?q=ordinary")
        widths = page.evaluate("""() => {
            const row = document.querySelector('table.items tbody tr');
            const cell = n => row.querySelector(`td:nth-child(${n})`).getBoundingClientRect().width;
            return [cell(4), cell(5), document.documentElement.scrollWidth];
        }""")
        author, text, page_width = widths
        assert author < 300 and text > 200 and page_width <= 1280, widths
        page.context.close()
