"""Blogs: WordPress exports (WXR), RSS/Atom feeds and the WordPress REST API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from sounding.errors import ImportRejected, InputError
from sounding.imports.formats import detect
from sounding.store import Store
from sounding.workflows.import_auto import import_export, import_wordpress

from .export_helpers import ATOM, FIXTURES, POST, RSS, WXR, copy, fingerprint

SITE = "blog:journal.atelier-lumen.example"


def _threads(store: Store) -> dict[str, tuple[str | None, str | None, str]]:
    rows = store.query("SELECT item_id, parent_id, root_id, author_id FROM items "
                       "WHERE kind = 'comment'").to_pylist()
    return {r["item_id"].rsplit("-", 1)[-1]: (r["parent_id"], r["root_id"], r["author_id"])
            for r in rows}


def test_wxr_posts_and_threaded_comments(store: Store) -> None:
    report = import_export(store, WXR)
    assert (report.formats, report.new, report.rejected) == (["wxr"], 5, 0)  # spam, draft, page out
    threads = _threads(store)
    assert threads == {
        "101": (POST, POST, f"{SITE}/~camille roux"),
        "102": (f"{POST}#comment-101", POST, SITE),  # a registered user: the blog answering
        "103": (POST, POST, f"{SITE}/~marc d."),
        "104": (f"{POST}#comment-103", POST, f"{SITE}/~inès"),
    }
    post = store.query("SELECT text, account_id FROM items WHERE item_id = ?", [POST])
    text = post.column("text")[0].as_py()
    assert text.startswith("Pourquoi nous teignons encore à la main\n\nChaque mètre")
    assert "<strong>" not in text and post.column("account_id")[0].as_py() == SITE
    names = store.query("SELECT display_name FROM actors WHERE actor_id = ?", [SITE])
    assert names.column(0).to_pylist() == ["Le journal de l'Atelier Lumen"]
    assert store.scalar("SELECT count(*) FROM interactions WHERE kind = 'reply'") == 4


def test_entities_are_decoded_once_as_a_browser_shows_them() -> None:
    from sounding.imports.formats.blog import html_text

    # a post about HTML writes its tags escaped: "&amp;lt;b&amp;gt;" is shown "&lt;b&gt;"
    assert html_text("<p>Write &amp;lt;b&amp;gt; and &amp;amp;</p>") == "Write &lt;b&gt; and &amp;"
    assert html_text("<p>Caf&eacute; &lt;3 &#128512;</p>") == "Café <3 \U0001F600"


def test_feeds_name_the_same_items_as_the_export(store: Store) -> None:
    import_export(store, WXR)
    rss = import_export(store, RSS)
    atom = import_export(store, ATOM)
    assert (rss.new, rss.unchanged) == (1, 1)  # the second post is not in the export
    assert (atom.new, atom.unchanged) == (0, 2)
    replies = store.scalar("SELECT replies FROM metric_snapshots WHERE item_id = ?", [POST])
    assert replies == 4  # slash:comments


def test_atom_comments_alone_are_threaded(store: Store) -> None:
    import_export(store, ATOM)
    threads = _threads(store)
    assert threads["101"][:2] == (POST, POST)
    assert threads["104"][:2] == (f"{POST}#comment-103", POST)


@pytest.mark.parametrize(("source", "fmt"), [(WXR, "wxr"), (RSS, "feed"), (ATOM, "feed")])
def test_blog_files_are_detected_by_content(source: Path, fmt: str, tmp_path: Path) -> None:
    assert detect(copy(source, tmp_path / "download")) == fmt


def test_malformed_xml_names_the_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "cut.xml"
    lines = WXR.read_text("utf-8").splitlines()
    path.write_text("\n".join(lines[:40]), encoding="utf-8")
    before = fingerprint(store)
    with pytest.raises(ImportRejected) as info:
        import_export(store, path)
    assert str(info.value.problems[0]).startswith(f"{path}, line 40: malformed XML")
    assert fingerprint(store) == before


@pytest.mark.parametrize("name", ["feed.rss", "export.xml"])
def test_unknown_declared_encoding_names_the_declaration(store: Store, tmp_path: Path,
                                                         name: str) -> None:
    path = tmp_path / name
    text = RSS.read_text("utf-8")
    assert 'encoding="UTF-8"' in text
    path.write_text(text.replace('encoding="UTF-8"', 'encoding="U1F-8"', 1), encoding="utf-8")
    before = fingerprint(store)
    with pytest.raises(ImportRejected) as info:
        import_export(store, path)
    assert str(info.value.problems[0]).startswith(
        f"{path}, line 1: the XML declaration names an unknown encoding")
    assert fingerprint(store) == before


def test_entity_expansion_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;">]><rss><channel><title>&b;</title>'
                    '<link>https://x.example</link></channel></rss>', encoding="utf-8")
    with pytest.raises(ImportRejected, match="problem") as info:
        import_export(store, path)
    assert "refused unsafe XML" in str(info.value.problems[0])


def test_bad_comment_date_is_located(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text(WXR.read_text("utf-8").replace("2026-03-11 07:45:00", "hier soir"), "utf-8")
    with pytest.raises(ImportRejected) as info:
        import_export(store, path)
    problem = info.value.problems[0]
    assert (problem.line, problem.column) == (60, "wp:comment_date_gmt")  # the comment's id
    assert "found 'hier soir'" in problem.message


class _WordPress(BaseHTTPRequestHandler):
    """Serves the recorded answers of a WordPress site, two pages per list; without
    ``count_pages``, no X-WP-TotalPages header, and past the last page what ``past_end``
    says: WordPress's 400 (rest_post_invalid_page_number), or an empty list; with
    ``ignore_page``, the first page whatever page is asked."""

    folder = FIXTURES / "wp-rest"
    seen: list[str] = []  # noqa: RUF012  (the requests, for the test to read)
    count_pages = True
    past_end = "400"
    ignore_page = False

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self.seen.append(self.path)
        page = "1" if self.ignore_page else parse_qs(url.query).get("page", ["1"])[0]
        names = {"/wp-json/": "index.json", "/wp-json/wp/v2/posts": f"posts-{page}.json",
                 "/wp-json/wp/v2/comments": f"comments-{page}.json"}
        path = self.folder / names.get(url.path, "missing")
        if not path.is_file() and url.path.endswith(("/posts", "/comments")):
            if self.past_end == "400":
                self._send(400, {"code": "rest_post_invalid_page_number", "data": {}})
            else:
                self._send(200, [])
            return
        if not path.is_file():
            self._send(404, {"code": "rest_no_route", "message": "No route", "data": {}})
            return
        pages = {"X-WP-TotalPages": "2"} if self.count_pages else {}
        self._send(200, json.loads(path.read_text("utf-8")), pages)

    def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def wordpress() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WordPress)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _WordPress.seen.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_wordpress_rest_walks_pages_and_matches_the_export(store: Store, wordpress: str
                                                          ) -> None:
    report = import_wordpress(store, wordpress, per_page=2)
    assert (report.rows, report.new, report.rejected) == (6, 6, 0)
    pages = [p for p in _WordPress.seen if "comments" in p]
    assert len(pages) == 2 and "page=2" in pages[1] and "per_page=2" in pages[1]
    threads = _threads(store)
    assert threads["102"] == (f"{POST}#comment-101", POST, SITE)  # author 1: the blog
    assert threads["104"][:2] == (f"{POST}#comment-103", POST)
    # the same site's export names the same items: nothing new, nothing changed
    again = import_export(store, WXR)
    assert (again.new, again.updated) == (0, 0)
    assert import_wordpress(store, wordpress, per_page=2).unchanged == 6


@pytest.mark.parametrize("past_end", ["400", "empty"])
def test_wordpress_without_a_page_count_walks_to_the_end(
        store: Store, wordpress: str, monkeypatch: pytest.MonkeyPatch, past_end: str) -> None:
    monkeypatch.setattr(_WordPress, "count_pages", False)
    monkeypatch.setattr(_WordPress, "past_end", past_end)
    report = import_wordpress(store, wordpress, per_page=2)
    assert (report.rows, report.new, report.rejected, report.duplicates) == (6, 6, 0, 0)
    pages = [p for p in _WordPress.seen if "comments" in p]
    assert len(pages) == 3 and "page=3" in pages[2]  # the third page said: no more
    assert import_wordpress(store, wordpress, per_page=2).unchanged == 6


def test_wordpress_ignoring_the_page_number_stops(store: Store, wordpress: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A site that answers every page with the first one ends the walk at the repeat."""
    monkeypatch.setattr(_WordPress, "count_pages", False)
    monkeypatch.setattr(_WordPress, "ignore_page", True)
    report = import_wordpress(store, wordpress, per_page=2)
    assert (report.rows, report.duplicates) == (3, 0)  # page 1: one post, two comments
    assert len([p for p in _WordPress.seen if "comments" in p]) == 2


def test_wordpress_without_rest_api_is_a_clear_error(store: Store, wordpress: str) -> None:
    with pytest.raises(InputError, match="404") as info:
        import_wordpress(store, f"{wordpress}/elsewhere")
    assert "REST API" in info.value.hint
    with pytest.raises(InputError, match="not a web address"):
        import_wordpress(store, "journal.example")


def test_comments_whose_addresses_are_not_wordpress_anchors_stay_apart(
        store: Store, tmp_path: Path) -> None:
    """A comments feed anchoring its comments as ``#c1`` (or giving each its post's own
    address): every comment took the post's key, the post became the last comment and
    the other comments were lost."""
    post = tmp_path / "post.atom"
    post.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        '<link rel="alternate" href="https://b.example/"/><updated>2026-04-02T09:00:00Z'
        '</updated><entry><link rel="alternate" href="https://b.example/post"/><title>Bread'
        '</title><published>2026-03-30T10:00:00Z</published><content>Our bread</content>'
        "</entry></feed>", encoding="utf-8")
    comments = tmp_path / "comments.atom"
    entries = "".join(
        f'<entry><id>tag:b.example,2026:comment-{n}</id><link rel="alternate" href="{link}"/>'
        f"<author><name>{who}</name></author><published>2026-04-01T1{n}:00:00Z</published>"
        f'<content>comment {n}</content><thr:in-reply-to href="https://b.example/post"/>'
        "</entry>"
        for n, link, who in ((1, "https://b.example/post#c1", "Ann"),
                             (2, "https://b.example/post#c2", "Bob"),
                             (3, "https://b.example/post", "Cy")))
    comments.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:thr="http://purl.org/syndication/thread/1.0"><link rel="alternate" '
        f'href="https://b.example/"/><updated>2026-04-02T09:00:00Z</updated>{entries}</feed>',
        encoding="utf-8")
    import_export(store, post)
    import_export(store, comments)
    import_export(store, comments)  # again: nothing new
    rows = store.query("SELECT item_id, kind, parent_id FROM items ORDER BY item_id").to_pylist()
    assert rows == [
        {"item_id": "blog:b.example/post", "kind": "post", "parent_id": None},
        {"item_id": "blog:b.example/post#c1", "kind": "comment",
         "parent_id": "blog:b.example/post"},
        {"item_id": "blog:b.example/post#c2", "kind": "comment",
         "parent_id": "blog:b.example/post"},
        {"item_id": "blog:b.example/post#tag:b.example,2026:comment-3", "kind": "comment",
         "parent_id": "blog:b.example/post"}]


def test_a_feed_without_its_site_needs_the_account(store: Store, tmp_path: Path) -> None:
    """The file's path became the blog: the same feed in two folders made two blogs."""
    text = RSS.read_text("utf-8").replace(
        "\t<link>https://journal.atelier-lumen.example</link>\n", "", 1)
    path = tmp_path / "feed.rss"
    path.write_text(text, "utf-8")
    with pytest.raises(ImportRejected) as info:
        import_export(store, path)
    assert str(info.value.problems[0]) == (
        f"{path}, column 'link': the feed names no site (its <link>): pass --account with "
        "the blog's address")
    report = import_export(store, path, account="https://journal.atelier-lumen.example")
    assert report.new == 2
    assert store.query("SELECT account_id FROM accounts").to_pylist() == [
        {"account_id": SITE}]


def test_a_feed_comment_count_dated_before_its_post_is_left_out(store: Store,
                                                                tmp_path: Path) -> None:
    """A stale lastBuildDate stored a count read before the post existed."""
    path = tmp_path / "early.rss"
    path.write_text(RSS.read_text("utf-8").replace("Thu, 02 Apr 2026 09:00:00 +0000",
                                                   "Sun, 01 Mar 2026 09:00:00 +0000"), "utf-8")
    assert import_export(store, path).new == 2
    early = store.scalar("SELECT count(*) FROM metric_snapshots s JOIN items i "
                         "USING (item_id) WHERE s.observed_at < i.created_at")
    assert early == 0
