"""The executive report: self-contained HTML, escaped and pseudonymised, and its PDF."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sounding.errors import InputError
from sounding.report.documents import strategy_text, write_report
from sounding.report.evidence import build_evidence
from sounding.report.executive import render_report_html
from sounding.store import Store
from sounding.workflows.reporting import Pseudonyms, report_data

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None or
                                   shutil.which("pdftotext") is None,
                                   reason="needs poppler-utils (pdftoppm, pdftotext)")


def test_html_is_self_contained_and_escaped(data: dict[str, Any],
                                            labelled: tuple[Store, str]) -> None:
    html = render_report_html(build_evidence(data, "en"))
    assert "<script" not in html and "javascript:" not in html.replace(
        "[link](javascript:alert(1))", "")
    assert "&lt;script&gt;alert(" in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)""", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert html.count("<svg") >= 4
    handle = labelled[1]
    assert handle and handle not in html
    assert "@victim.example" not in html and "@user-" in html
    # a quote is isolated: a right-to-left override in it cannot turn what follows around
    quoted = re.findall(r'<td class="quote">(.*?)</td>', html, re.S)
    assert quoted and all(q.startswith("<bdi>") and q.endswith("</bdi>") for q in quoted)
    assert re.search(r"<i>« <bdi>.*?</bdi> »</i> — <bdi>", html)


def test_summary_first_then_sections(data: dict[str, Any]) -> None:
    html = render_report_html(build_evidence(data, "en"))
    order = [html.index(s) for s in ("What happened", "What is said", "Who reacts",
                                     "What works", 'id="kpis"', 'id="reactions"',
                                     'id="audience"', 'id="works"', 'id="plan"')]
    assert order == sorted(order)


def test_every_figure_states_its_period_and_interval(data: dict[str, Any]) -> None:
    ev = build_evidence(data, "en")
    assert ev["period"] == f"{data['period']['start']} to {data['period']['end']}"
    for kpi in ev["kpis"]:
        assert kpi["period"] == ev["period"]
        assert kpi["interval"].startswith("[") and kpi["recent"].endswith("%")
        assert kpi["target"] or kpi["thin"].startswith("No target")
    html = render_report_html(ev)
    assert html.count(f"Period: {ev['period']}") >= 4


def test_no_pseudonymise_shows_handles(labelled: tuple[Store, str]) -> None:
    store, handle = labelled
    clear = report_data(store, pseudonymise=False)
    assert any(q["author"] == f"@{handle}" for q in clear["quotes"])


def test_pseudonyms_are_stable_salted_and_keep_the_brand() -> None:
    names = Pseudonyms("salt", {"brand.example"})
    assert names.handle("@alice") == names.handle("alice") != Pseudonyms("other", set()
                                                                         ).handle("alice")
    assert re.fullmatch(r"@user-[0-9a-f]{6}", names.handle("alice"))
    assert names.handle("brand.example") == "@brand.example"
    assert names.text("hi @bob and @brand.example") == (
        f"hi {names.handle('bob')} and @brand.example")


@pytest.mark.parametrize("written", [
    "https://bsky.app/profile/alice.bsky.social", "alice.bsky.social", "@alice.bsky.social"])
def test_a_person_named_without_an_at_is_pseudonymised_too(written: str) -> None:
    """Only @mentions were replaced: a profile address, a bare Bluesky handle or an
    address showed the person in a pseudonymised report. Each way gives one pseudonym."""
    names = Pseudonyms("salt", {"brand.example"})
    said = names.text(f"ask {written}, or dave@pouet.example (https://pouet.example/@dave, "
                      "https://pouet.example/users/dave) or ann+x@mail.example; "
                      "see https://brand.example/shop")
    alice, dave = names.handle("alice.bsky.social"), names.handle("dave@pouet.example")
    assert said == (f"ask {alice}, or {dave} ({dave}, {dave}) or "
                    f"{names.handle('ann+x@mail.example')}; see https://brand.example/shop")


def test_dids_and_profile_links_of_every_network_are_pseudonymised() -> None:
    """A DID stayed after '@user-…:' and X, Instagram, Facebook and LinkedIn profile
    links stayed whole: each named a person in a pseudonymised report."""
    names = Pseudonyms("salt", {"brand.example"})
    did = "did:plc:z72i7hdynmk6r22z27h6tvur"
    said = names.text(f"see https://bsky.app/profile/{did}/post/3k, {did}, "
                      "https://x.com/mary_doe/status/1, https://twitter.com/Mary_Doe, "
                      "https://www.instagram.com/jane.doe/ https://www.facebook.com/"
                      "profile.php?id=100012345 https://www.linkedin.com/in/jane-doe")
    mary = names.handle("mary_doe")
    assert said == (f"see {names.handle(did)}/post/3k, {names.handle(did)}, {mary}/status/1, "
                    f"{mary}, {names.handle('jane.doe')} {names.handle('100012345')} "
                    f"{names.handle('jane-doe')}")
    assert not re.search(r"did:|x\.com|instagram|facebook|linkedin|jane|mary", said)


@pytest.mark.parametrize(("link", "kept"), [
    ("https://www.linkedin.com/company/atelier-lumen/", True),
    ("https://x.com/hashtag/BlackFriday", True),
    ("https://www.instagram.com/p/Cxyz123/", True),
    ("https://www.facebook.com/groups/bakers/", True),
    ("https://www.linkedin.com/posts/jane-doe_launch-activity-7123456/", False),
    ("https://www.facebook.com/people/Jane-Doe/100012345678/", False),
    ("https://www.instagram.com/stories/jane.doe/123/", False),
])
def test_a_site_s_own_pages_are_no_person(link: str, kept: bool) -> None:
    """A company page, a hashtag or a post's address was taken for a profile, and the
    person a post's address names (LinkedIn /posts/NAME_…, Facebook /people/NAME/) kept."""
    said = Pseudonyms("salt", set()).text(link)
    assert (said == link) is kept
    assert "jane" not in said.lower()


def _spaces(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _pdf_pages(pdf: Path, tmp: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp / pdf.stem)],
                   check=True, timeout=60)
    return sorted(tmp.glob(f"{pdf.stem}*.png"))


def _ink(png: Path) -> float:
    from PIL import Image

    with Image.open(png) as image:
        grey = image.convert("L")
        dark = sum(grey.histogram()[:200])
        return dark / (grey.width * grey.height)


@needs_poppler
@pytest.mark.parametrize(("lang", "words"), [("en", ("What happened", "Key figures")),
                                             ("fr", ("Ce qui s'est passé", "Chiffres clés"))])
def test_pdf_pages_and_text(data: dict[str, Any], tmp_path: Path, lang: str,
                            words: tuple[str, str]) -> None:
    pdf = write_report(data, tmp_path / f"report-{lang}.pdf", lang=lang)
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = _pdf_pages(pdf, tmp_path)
    assert len(pages) >= 4
    assert all(_ink(p) > 0.005 for p in pages[:4])
    text = _spaces(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                  text=True, check=True).stdout)
    ev = build_evidence(data, lang)
    for expected in (*words, ev["kpis"][0]["value"], ev["counts"][0]["value"]):
        assert _spaces(expected) in text


def test_json_twin_is_the_evidence(data: dict[str, Any], tmp_path: Path) -> None:
    path = write_report(data, tmp_path / "r.json", lang="fr")
    assert json.loads(path.read_text("utf-8"))["kpis"] == build_evidence(data, "fr")["kpis"]


def test_without_labels_the_report_says_what_is_missing(
        unlabelled_data: dict[str, Any]) -> None:
    ev = build_evidence(unlabelled_data, "en")
    shares = {k["key"]: k for k in ev["kpis"]}
    assert "no labelled reaction" in shares["interest_share"]["thin"]
    assert not shares["interest_share"]["target"]
    # modelled, labels or not: the planner's joint fit of the engagement rate sets its target
    engagement = shares["engagement_rate_per_follower"]
    assert engagement["target"].endswith("%") and engagement["thin"] == ""
    assert ev["plan"]["ok"] and not ev["plan"]["guardrail"]
    assert "no labelled reaction" in render_report_html(ev)


def test_bad_format_and_language(data: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(InputError):
        write_report(data, tmp_path / "r.docx")
    with pytest.raises(InputError):
        write_report(data, tmp_path / "r.html", lang="de")


def test_examples_are_those_a_person_labelled_then_the_surest(tmp_path: Path) -> None:
    import pyarrow as pa

    from sounding.store.enrich_store import put_enrichments
    from sounding.workflows import labels

    from .conftest import fill

    store, _ = fill(tmp_path / "q.duckdb", scale=0.2, with_labels=True)
    replies = [r for r in labels.find_items(store, label="interest", limit=400)
               if r["kind"] == "reply" and r["account_id"] is None]
    texts: dict[str, str] = {}
    picked = []
    for r in replies[::-1]:  # oldest first: recency alone would not choose them
        if r["text"] not in texts.values():
            texts[r["item_id"]] = r["text"]
            picked.append(r["item_id"])
        if len(picked) == 3:
            break
    put_enrichments(store, pa.table({"item_id": picked, "label": ["interest"] * 3,
                                     "p_interest": [0.97, 0.99, 0.4]}),
                    enricher="reaction", version="test")
    labels.correct_label(store, picked[2], "interest", "ana")
    quotes = [q["text"] for q in report_data(store, pseudonymise=False)["quotes"]
              if q["label"] == "interest"]
    assert quotes == [texts[picked[2]], texts[picked[1]], texts[picked[0]]]
    assert len(set(quotes)) == len(quotes)
    store.close()


def test_french_report_names_and_describes_segments_in_french(data: dict[str, Any]) -> None:
    names = [s["name"] for s in build_evidence(data, "fr")["segments"]]
    assert "langue fr" in names and "clients connus" in names
    clusters = [s for s in build_evidence(data, "fr")["segments"]
                if s["name"].startswith("groupe de comportement")]
    assert clusters and all("activité ×" in s["label"] for s in clusters)
    english = [s["name"] for s in build_evidence(data, "en")["segments"]]
    assert "language fr" in english


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_segments_are_never_named_by_their_ids(data: dict[str, Any], lang: str,
                                               tmp_path: Path) -> None:
    """The reader sees 'language en', not the id 'lang_en' (nor cluster_1, customers)."""
    ids = re.compile(r"\b(lang_[a-z]+|network_[a-z]+|cluster_\d+)\b")
    assert not ids.findall(render_report_html(build_evidence(data, lang)))
    assert not ids.findall(strategy_text(data, lang, "md").replace("\\_", "_"))


def test_a_missing_pango_library_is_named_with_its_install(monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    """WeasyPrint installs with sounding; what a machine can lack is the Pango it loads."""
    import builtins
    import sys

    from sounding.errors import ConfigError
    from sounding.report.pdf import html_to_pdf

    real_import = builtins.__import__

    def no_pango(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(ConfigError, match="needs the Pango library") as caught:
        html_to_pdf("<p>x</p>", tmp_path / "r.pdf")
    assert "apt-get install libpango" in caught.value.hint
    assert "pip install" not in caught.value.hint


def test_control_characters_never_reach_a_document() -> None:
    """A quoted reaction's NUL or ESC, a variant level's BEL, went raw into report.html and
    strategy.md (a terminal showing the file ran the escape sequence)."""
    from sounding.report.executive import environment
    from sounding.report.strategy_render import md_escape

    hostile = "red\x1b[31m\x07\x00 text\x0b\x0c<b>\ufffe"
    page = environment().from_string("<p>{{ text }}</p>").render(text=hostile)
    assert page == "<p>red[31m text&lt;b&gt;</p>"
    assert md_escape(hostile) == "red\\[31m text  \\<b\\>"  # VT and FF break lines
    assert md_escape("line one\x0bline two") == "line one line two"  # Word's line break


@pytest.mark.parametrize(("lang", "followers", "impressions"), [
    ("en", "engagements per thousand followers", "engagements per thousand impressions"),
    ("fr", "interactions pour mille abonnés", "interactions pour mille impressions")])
def test_the_engagement_rate_is_named_by_the_exposure_measured(
        data: dict[str, Any], lang: str, followers: str, impressions: str) -> None:
    """An imported workspace measured per impression was reported 'per thousand followers',
    beside a key figure saying follower counts were unknown."""
    assert followers in render_report_html(build_evidence(data, lang))
    analysis = {**data["learn"]["analysis"], "exposure_kind": "impressions"}
    by_impressions = {**data, "learn": {**data["learn"], "analysis": analysis}}
    report = render_report_html(build_evidence(by_impressions, lang))
    for text in (report, strategy_text(by_impressions, lang)):
        assert impressions in text and followers not in text
