"""Defects a tester found in the report and the strategy, each checked on its behaviour."""

from __future__ import annotations

import copy
import html as markup
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sounding.errors import NotFound
from sounding.report import evidence
from sounding.report.documents import strategy_text, write_report
from sounding.report.evidence import THIN, build_evidence, thin_width
from sounding.report.evidence_parts import SHOWN_COMMUNITIES, anchor, risk_levels
from sounding.report.executive import render_report_html
from sounding.report.i18n_report import Fmt
from sounding.report.targets import KPI_METRICS, Target, joint_leaders
from sounding.workflows.reporting import Pseudonyms, _attempt

LANGS = ["en", "fr"]


def _text(html: str) -> str:
    return markup.unescape(re.sub(r"<[^>]+>", " ", html))


def _with_hostile_beyond_table(data: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The report data with one more community, beyond the largest tabled, above the cap
    on plenty of labelled reactions."""
    found = copy.deepcopy(data)
    comms = found["actors"]["communities"]
    while len(comms) < SHOWN_COMMUNITIES:
        comms.append({**copy.deepcopy(comms[0]), "community": 500 + len(comms)})
    number = max(c["community"] for c in comms) + 1
    comms.append({**copy.deepcopy(comms[0]), "community": number, "size": 3, "reactions": 40,
                  "reaction_mix": {"interest": 0.05, "animosity": 0.9, "neutral": 0.05}})
    found["actors"]["cap"] = 0.5
    return found, number


@pytest.mark.parametrize("lang", LANGS)
def test_hostile_communities_beyond_the_table_reach_the_report(data: dict[str, Any],
                                                               lang: str) -> None:
    found, number = _with_hostile_beyond_table(data)
    ev = build_evidence(found, lang)
    name = Fmt(lang).t("community_name", n=Fmt(lang).count(number))
    html = render_report_html(ev)
    summary = _text(html.split('<section id="kpis">')[0])
    assert name in summary  # page one's "who reacts"
    assert name in _text(html.split('<section id="audience">')[1].split("</section>")[0])


def _animosity_level(data: dict[str, Any], n: float) -> tuple[dict[str, Any], str]:
    found = copy.deepcopy(data)
    factor = found["learn"]["analysis"]["factors"][0]
    level = factor["metrics"]["animosity"]["levels"][0]
    level.update(mean=0.95, low=0.5, high=0.99, n=n)
    return found, level["level"]


def test_a_level_without_labelled_reactions_is_no_hotspot(data: dict[str, Any]) -> None:
    fmt = Fmt("en")
    bare, name = _animosity_level(data, 0.0)
    assert name not in [r["level"] for r in risk_levels(fmt, bare["learn"], 0.3)
                        if r["factor"] == bare["learn"]["analysis"]["factors"][0]["factor"]]
    judged, _ = _animosity_level(data, 50.0)
    hot = risk_levels(fmt, judged["learn"], 0.3)
    assert hot[0]["level"] == name and hot[0]["over_cap"] == "yes"


def _target(kpi: str, value: float, low: float, high: float, target: float | None,
            reason: str) -> Target:
    return Target(kpi, KPI_METRICS[kpi][1], value, low, high, 100.0, target, reason)


@pytest.mark.parametrize("lang", LANGS)
def test_too_thin_is_said_with_or_without_a_target_and_at_zero(
        data: dict[str, Any], monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    made = {"engagement_rate_per_follower": _target("engagement_rate_per_follower", 0.30, 0.29,
                                                    0.31, 0.35, ""),
            "interest_share": _target("interest_share", 0.5, 0.2, 0.8, 0.6, ""),
            "animosity_share": _target("animosity_share", 0.0, 0.0, 0.05, None, "no_verdict"),
            "ignored_share": _target("ignored_share", 0.206, 0.152, 0.270, None, "no_verdict")}
    monkeypatch.setattr(evidence, "targets", lambda _: made)
    ev = build_evidence(data, lang)
    rows = {k["key"]: k for k in ev["kpis"]}
    words = Fmt(lang).t("thin_kpi", more="", precision="").split(":")[0]
    for key, t in made.items():
        rel = thin_width(t.value, t.low, t.high)
        assert rel is not None
        assert (words in rows[key]["thin"]) is (rel > THIN), key
    assert rows["ignored_share"]["why"] in rows["ignored_share"]["thin"]
    strategy = strategy_text(data, lang, "md")
    assert strategy.count(rows["ignored_share"]["thin_note"]) >= 2  # objectives and KPIs


@pytest.mark.parametrize("lang", LANGS)
def test_an_analysis_that_could_not_run_is_explained_in_the_document_s_language(
        data: dict[str, Any], lang: str) -> None:
    found = copy.deepcopy(data)

    def no_variants() -> dict[str, Any]:
        raise NotFound("the brand's posts carry no variants")

    def odd() -> dict[str, Any]:
        raise NotFound("an odd reason")
    found["learn"] = found["plan"] = _attempt(no_variants)
    found["segments"] = _attempt(odd)
    ev = build_evidence(found, lang)
    text = strategy_text(found, lang, "md") + _text(render_report_html(ev))
    fmt = Fmt(lang)
    assert fmt.t("reason_no_variants") in text
    assert "an odd reason" in ev["segments_note"]
    assert fmt.t("reason_other", detail="an odd reason") == ev["segments_note"]
    if lang == "fr":
        assert "the brand's posts carry no variants" not in text


def test_anchors_are_unique_stable_and_keep_digits_and_letters() -> None:
    names = ["cta1", "cta2", "cta 1", "cta-1", "thème", "theme", "CTA1"]
    found = [anchor("factor", n) for n in names]
    assert len(set(found[:6])) == 6
    assert found == [anchor("factor", n) for n in names]  # stable
    assert "thème" in anchor("factor", "thème") and "1" in anchor("factor", "cta1")
    assert all(re.fullmatch(r"ev-[\w-]+", a) for a in found)


@pytest.mark.parametrize("lang", LANGS)
def test_without_labelled_reactions_no_cap_is_shown(unlabelled_data: dict[str, Any],
                                                   lang: str) -> None:
    assert unlabelled_data["actors"].get("cap") is None
    found = copy.deepcopy(unlabelled_data)
    found["plan"]["objective"] = "interest"  # drawn from the prior: exploration
    ev = build_evidence(found, lang)
    assert ev["plan"]["cap"] == "" and ev["community_cap"] == ""
    text = strategy_text(found, lang, "md") + _text(render_report_html(ev))
    assert not re.search(r"(cap of|plafond de|same data,|mêmes données,) *\d", text)
    assert "100" + Fmt(lang).pct(1.0)[3:] + (" of reactions" if lang == "en"
                                             else " des réactions") not in text
    assert Fmt(lang).t("plan_explore", objective=ev["plan"]["objective"]) in text


def test_a_sentence_s_closing_period_is_no_part_of_a_handle() -> None:
    names = Pseudonyms("s", {"brand.bsky.social"})
    bob = names.handle("bob.bsky.social")
    assert names.text("hi @bob.bsky.social.") == f"hi {bob}."
    assert names.text("see https://bsky.app/profile/bob.bsky.social.") == f"see {bob}."
    assert names.text("me @brand.bsky.social.") == "me @brand.bsky.social."
    alice = names.handle("alice@mastodon.social")
    assert names.text("x @alice@mastodon.social.") == f"x {alice}."
    assert names.text("y https://mastodon.social/@alice.") == f"y {alice}."


def test_a_profile_address_without_its_scheme_is_pseudonymised_too() -> None:
    """The CRM checks and the customer matching read these forms as people; the report
    left them whole."""
    names = Pseudonyms("s", {"brand.bsky.social"})
    for text, who in (("see bsky.app/profile/bob.bsky.social", "bob.bsky.social"),
                      ("www.instagram.com/bob.smith", "bob.smith"),
                      ("x.com/bobsmith", "bobsmith"),
                      ("linkedin.com/in/bob-smith", "bob-smith"),
                      ("pouet.example/@ann", "ann@pouet.example")):
        assert names.text(text).endswith(names.handle(who)), text
    assert names.text("visit example.com/about") == "visit example.com/about"


@pytest.mark.parametrize("lang", LANGS)
def test_the_joint_fit_the_target_rests_on_is_in_the_appendix(data: dict[str, Any],
                                                              lang: str) -> None:
    ev = build_evidence(data, lang)
    leaders = joint_leaders(data)
    assert leaders and ev["joint"]
    for factor, (level, p) in leaders.items():
        row = next(r for r in ev["joint"] if r["factor"] == factor and r["level"] == level)
        assert row["p_best"] == Fmt(lang).prob(p)
    text = strategy_text(data, lang, "md")
    assert '<a id="ev-joint"></a>' in text and "(#ev-joint)" in text
    table = text.split('<a id="ev-joint"></a>')[1]
    assert all(r["p_above"] in table and r["effect"] in table for r in ev["joint"])


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext")


@pytest.mark.parametrize("lang", LANGS)
def test_the_summary_keeps_its_cells_short(data: dict[str, Any], lang: str) -> None:
    ev = build_evidence(data, lang)
    summary = _text(render_report_html(ev).split('<section id="kpis">')[0])
    for k in ev["kpis"]:
        assert not k["why"] or k["why"] not in summary
        assert not k["thin_note"] or k["thin_note"] not in summary


@needs_poppler
@pytest.mark.parametrize("lang", LANGS)
def test_pdf_page_one_holds_the_whole_summary(data: dict[str, Any], tmp_path: Path,
                                              lang: str) -> None:
    pdf = write_report(data, tmp_path / f"r-{lang}.pdf", lang=lang)
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    first = " ".join(first.split())
    ev = build_evidence(data, lang)
    for k in ev["kpis"]:
        shown = f"{k['direction']} {k['target']}" if k["target"] else k["no_target"]
        assert " ".join(k["name"].split()) in first and " ".join(shown.split()) in first


def test_french_typography(data: dict[str, Any]) -> None:
    found = copy.deepcopy(data)
    leaders = joint_leaders(found)
    for f in found["learn"]["analysis"]["factors"]:
        if f["factor"] in leaders and "engagement" in f["verdicts"]:
            f["verdicts"]["engagement"]["leader"] = "not-" + leaders[f["factor"]][0]
    ev = build_evidence(found, "fr")
    if len(leaders) > 1:
        assert " ; " in ev["joint_differs"] and not re.search(r"\S; ", ev["joint_differs"])
    tips = re.findall(r'class="point"[^>]*><title>([^<]*)</title>', render_report_html(ev))
    assert tips and all("\u202f: " in tip for tip in tips)
    fmt = Fmt("fr")
    line = fmt.t("kpi_line", name="A", definition="b", value=fmt.t("na"), ci="", basis="c",
                 period="d", weeks="4", recent="e")
    assert "  " not in line and " ," not in line
    en = Fmt("en")
    assert "1 more post for" in en.t("thin_kpi", more="1", precision="x", one=en.one(1))
    assert "1 smaller community " in en.t("risk_smaller_communities", n="1", shown="8",
                                          listed="z", one=en.one(1))
    assert "2 smaller communities" in en.t("risk_smaller_communities", n="2", shown="8",
                                           listed="z", one=en.one(2))


@pytest.mark.parametrize("lang", LANGS)
def test_every_reason_the_workflows_give_is_translated(lang: str) -> None:
    """The reasons are the workflows' own constants, so a reworded error cannot fall back
    to English in a French document unnoticed."""
    from sounding.workflows.learn import NO_VARIANTS_HERE
    from sounding.workflows.reporting import _REASONS

    fmt = Fmt(lang)
    for reason, code in _REASONS.items():
        said = _attempt(lambda reason=reason: (_ for _ in ()).throw(NotFound(reason)))
        assert said["code"] == code
        assert fmt.t(f"reason_{code}") and "reason_" not in fmt.t(f"reason_{code}")
    assert NO_VARIANTS_HERE in _REASONS
