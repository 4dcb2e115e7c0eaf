"""Segments: rules on both sides, clusters with stability, rankings, truth recovery."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sounding.analyse.segment_rules import Condition, SegmentRule, parse_rules
from sounding.analyse.segments import evaluate, measure_segments, rankings
from sounding.errors import InputError
from sounding.simulate import Launch
from sounding.store import Store
from sounding.workflows.audience import audience_data, load_rules, nmi, segments
from sounding.workflows.customers import import_customers

from .conftest import IDS, KEEP


def test_rules_parse_and_evaluate_with_unknowns() -> None:
    rules = parse_rules({"segment": {
        "fr": {"label": "French", "lang": "FR"},
        "big": {"followers": {"min": 100}},
        "loyal": {"plan": ["loyalty-card", "weekly"], "customer": True},
    }})
    frame = pd.DataFrame({"lang": ["fr", "en", None], "followers": [50, 500, 100],
                          "plan": ["weekly", None, "occasional"],
                          "customer": [True, False, True]})
    member, known = evaluate(rules[0], frame)
    assert member.tolist() == [True, False, False] and known.tolist() == [True, True, False]
    assert evaluate(rules[1], frame)[0].tolist() == [False, True, True]
    member, known = evaluate(rules[2], frame)
    assert member.tolist() == [True, False, False] and known.tolist() == [True, False, True]


def test_a_words_rule_reads_bios_as_words_in_any_case_and_accent() -> None:
    rule = parse_rules({"segment": {"pros": {"bio": {"words": ["Pâtissier", "chef"]}}}})[0]
    frame = pd.DataFrame({"bio": ["Chef patissier à Lyon", "head CHEF", "chefs' table",
                                  "Pâtissière", "Climate first", None, "   "]})
    member, known = evaluate(rule, frame)
    assert member.tolist() == [True, True, False, False, False, False, False]
    assert known.tolist() == [True, True, True, True, True, False, False]


@pytest.mark.parametrize("doc", [{}, {"segment": {"x": {}}}, {"segment": {"x": {"a": []}}},
                                 {"segment": {"x": {"a": {"above": 3}}}},
                                 {"segment": {"x": {"bio": {"words": []}}}},
                                 {"segment": {"x": {"bio": {"words": [3]}}}},
                                 {"segment": {"x": {"bio": {"words": ["a"], "min": 1}}}}])
def test_bad_rules_are_refused(doc: dict[str, object]) -> None:
    with pytest.raises(InputError):
        parse_rules(doc)


def test_rules_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "segments.toml"
    path.write_text("[segment.x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"segments\.toml"):
        load_rules(path)


def test_tiny_segments_are_flagged_not_ranked() -> None:
    actors = pd.DataFrame({"lang": ["fr"] * 50 + ["en"] * 3, "engagements": [2] * 53,
                           "interest": 1, "animosity": 0, "neutral": 0})
    customers = pd.DataFrame({"lang": ["fr"] * 40 + ["en"] * 20})
    rules = [SegmentRule(v, v, (Condition("lang", (v,)),)) for v in ("fr", "en")]
    figures = measure_segments(rules, actors, customers, weeks=2.0)
    ranks = rankings(figures)
    assert ranks["best_represented"] == ["fr"] and ranks["too_small"] == ["en"]
    assert figures[0].activity.rate == pytest.approx(1.0)
    assert figures[0].representation.index == pytest.approx(100 * (50 / 53) / (40 / 60))


def test_truth_segments_index_matches_truth(filled: Store, crm_file: Path,
                                            launch: Launch, tmp_path: Path) -> None:
    """Language segments of the simulated launch: index and interval against the truth."""
    import_customers(filled, str(crm_file), IDS, KEEP)
    rules = tmp_path / "segments.toml"
    rules.write_text('[segment.fr]\nlang = "fr"\n[segment.en]\nlang = "en"\n'
                     '[segment.weekly]\nplan = "weekly-subscription"\n', encoding="utf-8")
    report = segments(filled, str(rules), cluster=True)
    by = {s.name: s for s in report.segments}
    truth, segs = launch.truth, {s["name"]: s["lang"] for s in launch.truth["segments"]}
    for lang in ("fr", "en"):
        engaged = sum(v for k, v in truth["engaged_mix"].items() if segs[k] == lang)
        base = sum(v for k, v in truth["customer_mix"].items() if segs[k] == lang)
        rep = by[lang].representation
        assert rep.index == pytest.approx(100 * engaged / base, rel=0.02)
        assert rep.low is not None and rep.high is not None
        assert rep.low <= 100 * engaged / base <= rep.high
    assert by["en"].representation.index > 100 > by["fr"].representation.index
    weekly = by["weekly"].representation
    assert weekly.engaged_known < report.engaged_actors  # a CRM field: matched actors only
    assert report.rankings["best_represented"][0] == "en"
    assert report.stability is not None and report.stability > 0.8
    assert nmi(report.cluster_labels, truth["actor_segment"]) > 0.5
    assert 0.3 < report.match_rate < 0.4


def test_the_customer_base_is_measured_but_not_ranked_as_represented(
        filled: Store, crm_file: Path) -> None:
    import_customers(filled, str(crm_file), IDS, KEEP)
    report = segments(filled, cluster=False)
    base = next(s for s in report.segments if s.name == "customers")
    assert base.representation.rankable and base.source == "customer base"
    assert "customers" not in report.rankings["best_represented"]
    assert "customers" in report.rankings["most_active"]


def test_a_bio_segment_is_measured_among_those_with_a_bio(filled: Store, crm_file: Path,
                                                          launch: Launch, tmp_path: Path) -> None:
    import_customers(filled, str(crm_file), IDS, KEEP)
    rules = tmp_path / "segments.toml"
    rules.write_text('[segment.pros]\nbio = { words = ["chef", "restaurant", "culinary"] }\n',
                     encoding="utf-8")
    pros = next(s for s in segments(filled, str(rules), cluster=False).segments)
    data = audience_data(filled)
    with_bio = data.profiles["bio"].notna()
    assert pros.representation.engaged_known == int(with_bio.sum())
    members = data.profiles.loc[with_bio, "actor_id"]
    planted = members.map(launch.truth["actor_segment"])
    assert pros.size > 0 and (planted[data.profiles.loc[with_bio, "bio"].str.contains(
        "chef|restaurant|culinary", case=False)] == "food_pros").all()
    # the customer side: only customers matched to an actor with a bio are known
    assert 0 < pros.representation.customers_known < len(launch.customers)


def test_language_from_enrichments_wins(filled: Store) -> None:
    import pyarrow as pa

    from sounding.store.audience_store import put_labels

    data = audience_data(filled)
    writer = data.profiles[data.profiles["written"] > 0].iloc[0]
    items = filled.query("SELECT item_id FROM items WHERE author_id = ?",
                         [writer["actor_id"]]).column(0).to_pylist()
    put_labels(filled, pa.table({"item_id": items, "label": ["de"] * len(items)}),
               enricher="language", version="t")
    again = audience_data(filled).profiles.set_index("actor_id")
    assert again.loc[writer["actor_id"], "lang"] == "de"


def test_a_tie_between_languages_is_broken_the_same_way_every_time(filled: Store) -> None:
    import pyarrow as pa

    from sounding.store.audience_store import put_labels

    profiles = audience_data(filled).profiles
    writer = profiles[profiles["written"] == 2].iloc[0]["actor_id"]
    items = filled.query("SELECT item_id FROM items WHERE author_id = ? ORDER BY item_id",
                         [writer]).column(0).to_pylist()
    put_labels(filled, pa.table({"item_id": items, "label": ["it", "de"]}),
               enricher="language", version="t")
    for _ in range(3):
        again = audience_data(filled).profiles.set_index("actor_id")
        assert again.loc[writer, "lang"] == "de"


def test_an_undetermined_language_is_no_language_segment(filled: Store) -> None:
    import pyarrow as pa

    from sounding.store.audience_store import put_labels
    from sounding.workflows.audience import default_rules

    profiles = audience_data(filled).profiles
    writer = profiles[profiles["written"] > 0].iloc[0]["actor_id"]
    items = filled.query("SELECT item_id FROM items WHERE author_id = ?",
                         [writer]).column(0).to_pylist()
    put_labels(filled, pa.table({"item_id": items, "label": ["und"] * len(items)}),
               enricher="language", version="t")
    with filled.transaction() as con:
        con.execute("UPDATE actors SET lang = 'und' WHERE actor_id = ?", [writer])
    data = audience_data(filled)
    assert data.profiles.set_index("actor_id")["lang"].isna()[writer]
    names = [r.name for r in default_rules(data)]
    assert "lang_und" not in names and any(n.startswith("lang_") for n in names)


@pytest.mark.parametrize(("rule", "said"), [
    ('followers = "1000"', 'it holds a number, found a text "1000"'),
    ('customer = "yes"', 'it holds true or false, found a text "yes"'),
    ("lang = true", "it holds a text, found true"),
    ("lang = 1", "it holds a text, found a number 1"),
    ("lang = 1234567", "it holds a text, found a number 1234567"),
    ("lang = { min = 1 }", "a range needs numbers; it holds a text"),
    ('followers = { words = ["chef"] }', "words are looked for in text; it holds a number"),
    ("age_band = 25", "it holds a text, found a number 25"),
])
def test_a_condition_its_field_can_never_meet_is_refused(
        filled: Store, crm_file: Path, tmp_path: Path, rule: str, said: str) -> None:
    """A rule of the wrong kind of value matched nobody, silently: an empty segment."""
    import_customers(filled, str(crm_file), IDS, KEEP)
    rules = tmp_path / "segments.toml"
    rules.write_text(f'[segment.fr]\nlang = "fr"\n\n[segment.odd]\n{rule}\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        segments(filled, str(rules), cluster=False)
    field = rule.split(" ", 1)[0]
    assert str(caught.value).startswith(
        f"{rules}, line 5: segment 'odd', field '{field}': this condition matches nobody: {said}")
    rules.write_text('[segment.fr]\nlang = ["fr", 1]\nfollowers = { min = 10 }\n'
                     'customer = false\n', encoding="utf-8")
    assert [s.name for s in segments(filled, str(rules), cluster=False).segments] == ["fr"]


def test_one_and_zero_still_read_as_true_and_false(filled: Store, crm_file: Path,
                                                   tmp_path: Path) -> None:
    """``customer = 1`` always matched the customers (1 equals true): it is no mismatch."""
    import_customers(filled, str(crm_file), IDS, KEEP)
    rules = tmp_path / "segments.toml"
    sizes = []
    for value in ("1", "true"):
        rules.write_text(f"[segment.c]\ncustomer = {value}\n", encoding="utf-8")
        sizes.append(segments(filled, str(rules), cluster=False).segments[0].size)
    assert sizes[0] == sizes[1] > 0


def test_a_rule_on_customer_is_not_ranked_against_the_customer_base(
        filled: Store, crm_file: Path, tmp_path: Path) -> None:
    """``customer = true`` was ranked "under-represented" (its index a match rate) and
    ``customer = false`` got an interval of [54,690, 312,894,754]."""
    import_customers(filled, str(crm_file), IDS, KEEP)
    rules = tmp_path / "segments.toml"
    rules.write_text('[segment.known]\ncustomer = true\n[segment.strangers]\ncustomer = false\n'
                     '[segment.fr]\nlang = "fr"\n[segment.fr_known]\nlang = "fr"\ncustomer = 1\n',
                     encoding="utf-8")
    report = segments(filled, str(rules), cluster=False)
    ranked = {n for key in ("best_represented", "on_par", "under_represented")
              for n in report.rankings[key]}
    assert ranked == {"fr"}
    compared = {s.name: s.compared for s in report.segments}
    assert compared == {"known": False, "strangers": False, "fr": True, "fr_known": False}
    from sounding.cli.audience import segment_table
    from sounding.report.evidence_parts import segments as report_segments
    from sounding.report.i18n_report import Fmt

    notes = {r["name"]: r["note"] for r in report_segments(Fmt("en"), {"ok": True,
                                                                        **report.as_dict()})}
    assert notes["strangers"].startswith("not ranked: the rule picks customers or non-")
    assert notes["fr"] == ""
    from rich.console import Console

    console = Console(width=250, record=True)
    console.print(segment_table(report.as_dict()))
    assert console.export_text().count("the rule picks customers or not") == 3
