"""The executive report downloaded from the overview: the period shown, the reader's
language, a file name, hostile text escaped, a PDF where this machine can write one."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from sounding.report.pdf import can_make_pdf
from sounding.store import Store
from sounding.workflows.labels import correct_label

from .conftest import PWN, XSS_TEXTS, alert_text, sign_in, signed_in


def _hostile_quote(store: Store) -> None:
    """The newest reply to a brand post says something hostile, and a person labelled it
    (the report quotes reactions a person labelled first)."""
    newest = store.query(
        "SELECT r.item_id FROM items r JOIN items p ON r.parent_id = p.item_id "
        "WHERE r.kind = 'reply' AND r.account_id IS NULL AND p.account_id IS NOT NULL "
        "ORDER BY r.created_at DESC LIMIT 1").column(0)[0].as_py()
    with store.transaction() as con:
        con.execute("UPDATE items SET text = ? WHERE item_id = ?", [XSS_TEXTS[0], newest])
    correct_label(store, newest, "animosity", "ed")


def _links(html: str) -> dict[str, str]:
    return {kind: unescape(href) for href, kind in
            re.findall(r'<a href="(/report\.[a-z]+\?period=[^"]+)" download>([A-Z]+)</a>', html)}


def test_the_overview_offers_the_report_of_its_period(client: TestClient,
                                                      web_store: Store) -> None:
    _hostile_quote(web_store)
    signed_in(client, "fr", "vi")
    page = client.get("/overview").text
    dates = client.get("/overview.json").json()["dates"]
    assert "Télécharger le rapport de la période" in unescape(page)
    links = _links(page)
    assert links["HTML"] == f"/report.html?period={dates}"
    assert ("PDF" in links) == can_make_pdf()
    answer = client.get(links["HTML"])
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    start, end = dates.split("..")
    assert answer.headers["content-disposition"] == \
        f'attachment; filename="sounding-report-{start}_{end}.html"'
    assert "script-src" not in answer.headers["content-security-policy"]
    body = answer.text
    assert '<html lang="fr"' in body and f"{start}" in body
    assert "&lt;script&gt;" in body and f"<script>{PWN}" not in body


def test_the_report_as_pdf(client: TestClient) -> None:
    sign_in(client, "vi")
    answer = client.get("/report.pdf")
    if not can_make_pdf():  # no WeasyPrint here: refused, with the install line
        assert answer.status_code == 400 and "WeasyPrint" in alert_text(answer.text)
        return
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert re.fullmatch(r'attachment; filename="sounding-report-\d{4}-\d\d-\d\d_'
                        r'\d{4}-\d\d-\d\d\.pdf"', answer.headers["content-disposition"])


def test_a_report_needs_a_session_and_a_period_with_posts(client: TestClient) -> None:
    gone = client.get("/report.html?period=2020-01-01..2020-01-31", follow_redirects=False)
    assert gone.status_code == 303
    assert gone.headers["location"].startswith("/login?next=%2Freport.html%3Fperiod%3D")
    signed_in(client, "fr", "vi")
    empty = client.get("/report.html?period=2020-01-01..2020-01-31")
    assert empty.status_code == 404 and "content-disposition" not in empty.headers
    assert "Aucune publication de la marque" in alert_text(empty.text)
    bad = client.get("/report.pdf?period=bogus")
    assert bad.status_code == 400 and "n'est pas une période" in alert_text(bad.text)
