"""Verdicts the design cannot support read as such in the report and the strategy: a
factor confounded with the period is told to vary, not to post "about N more"."""

from __future__ import annotations

from pathlib import Path

from tests.learn.test_small_designs import _workspace

from sounding.report.evidence_parts import factors, pillars
from sounding.report.i18n_report import Fmt
from sounding.workflows.learn import learn


def _learnt(tmp_path: Path) -> dict[str, object]:
    rows = [("p0", "photo", 150, 3000), ("p1", "video", 60, 3000)]
    with _workspace(tmp_path, rows) as store:
        return {"ok": True, **learn(store, metric="engagement").as_dict()}


def test_a_confounded_factor_is_said_confounded_in_both_languages(tmp_path: Path) -> None:
    learnt = _learnt(tmp_path)
    english = factors(Fmt("en"), learnt)[0]["verdict"]
    french = factors(Fmt("fr"), learnt)[0]["verdict"]
    assert "its levels went out with the period" in english and "more posts" not in english
    assert "confondus avec la période" in french and "publications de plus" not in french


def test_a_confounded_leader_is_no_pillar_to_post_more_of(tmp_path: Path) -> None:
    fmt = Fmt("en")
    pillar = pillars(fmt, _learnt(tmp_path), None)[0]
    assert pillar["status"] == "confounded" and pillar["level"] == "photo"
    text = fmt.t(f"pillar_{pillar['status']}", **{k: pillar[k] for k in (
        "factor", "level", "metric", "value", "ci", "animosity", "about", "min")},
        p=pillar["p_best"], more=pillar["more_posts"])
    assert "not proven: its levels went out with the period" in text


def test_a_factor_of_one_level_reads_as_nothing_to_compare(tmp_path: Path) -> None:
    rows = [(f"p{i}", "photo", 100 + 7 * i, 3000) for i in range(6)]
    with _workspace(tmp_path, rows) as store:
        learnt = {"ok": True, **learn(store, metric="engagement").as_dict()}
    for lang, said in (("en", "format: only photo was tried, so there is nothing to compare "
                              "it with on"),
                       ("fr", "format : seul le niveau photo a été essayé, rien à quoi le "
                              "comparer sur")):
        fmt = Fmt(lang)
        assert factors(fmt, learnt)[0]["verdict"].startswith(said)
        pillar = pillars(fmt, learnt, None)[0]
        assert pillar["status"] == "one_level"
        text = fmt.t(f"pillar_{pillar['status']}", **{k: pillar[k] for k in (
            "factor", "level", "metric", "value", "ci", "animosity", "about", "min")},
            p=pillar["p_best"], more=pillar["more_posts"])
        assert text.startswith("format = photo: " if lang == "en" else "format = photo : ")
        assert ("the only level tried" if lang == "en" else "le seul niveau essayé") in text
