"""Segments: cluster rules by the number shown, customers on several networks, the
customer base's index, clusters of actors who all behave alike, and rule messages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sounding.analyse.clusters import discover
from sounding.analyse.segment_rules import Condition, SegmentRule
from sounding.analyse.segments import evaluate, frames, measure_segments
from sounding.errors import InputError
from sounding.store import Store
from sounding.workflows.audience import load_rules, segments
from sounding.workflows.customers import import_customers

from .conftest import IDS, KEEP


def test_actors_who_all_behave_alike_make_one_cluster() -> None:
    """silhouette_score raised "Number of labels is 1" on 20 or more identical actors."""
    found = discover(np.ones((25, 4)), [f"a{i}" for i in range(25)], bootstraps=1)
    assert found.k == 1 and set(found.labels.tolist()) == {0}


def test_a_k_kmeans_cannot_fill_is_skipped() -> None:
    x = np.vstack([np.zeros((15, 3)), np.full((15, 3), 5.0)])  # two distinct rows only
    found = discover(x, [f"a{i}" for i in range(30)], bootstraps=1)
    assert found.k == 2 and sorted(np.bincount(found.labels).tolist()) == [15, 15]
    assert set(found.silhouettes) == {2}


def _rules(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "segments.toml"
    path.write_text(f'[segment.fr]\nlang = "fr"\n\n[segment.picked]\n{body}\n',
                    encoding="utf-8")
    return path


def test_a_cluster_rule_names_the_cluster_shown(filled: Store, crm_file: Path,
                                                tmp_path: Path) -> None:
    """``cluster = 1`` gave cluster_2's members: the rule read the 0-based label."""
    import_customers(filled, str(crm_file), IDS, KEEP)
    report = segments(filled, str(_rules(tmp_path, "cluster = 1")))
    by = {s.name: s for s in report.segments}
    assert report.clusters >= 2
    assert by["picked"].size == by["cluster_1"].size > 0
    picked, first = by["picked"].representation, by["cluster_1"].representation
    assert (picked.engaged, picked.customers, picked.index) == (
        first.engaged, first.customers, first.index)
    last = report.clusters
    report = segments(filled, str(_rules(tmp_path, f"cluster = [{last}]")))
    by = {s.name: s for s in report.segments}
    assert by["picked"].size == by[f"cluster_{last}"].size > 0
    for body in (f"cluster = {last + 1}", "cluster = 0", f"cluster = {{ min = {last + 1} }}"):
        with pytest.raises(InputError) as caught:
            segments(filled, str(_rules(tmp_path, body)))
        assert str(caught.value).startswith(
            f"{tmp_path / 'segments.toml'}, line 5: segment 'picked', field 'cluster': ")
        assert f"cluster_1 to cluster_{last}" in str(caught.value)


def test_a_cluster_rule_without_clusters_is_refused(filled: Store, tmp_path: Path) -> None:
    path = _rules(tmp_path, "cluster = 1")
    with pytest.raises(InputError, match=r"line 5: segment 'picked', field 'cluster': there "
                                         r"are no behavioural clusters: clustering is off"):
        segments(filled, str(path), cluster=False)


def test_a_customer_on_two_networks_counts_in_both() -> None:
    profiles = pd.DataFrame({"actor_id": ["bluesky:ann", "mastodon:ann@m.example", "bluesky:bob"],
                             "network": ["bluesky", "mastodon", "bluesky"],
                             "lang": ["fr", "fr", "en"], "engagements": [3, 2, 1]})
    actors = profiles.drop(columns="engagements").assign(followers=[10, 2000, 5])
    customers = pd.DataFrame({"customer_key": ["k-ann", "k-bob", "k-cy"],
                              "attributes": ['{"plan": "weekly"}'] * 3})
    link = {"bluesky:ann": "k-ann", "mastodon:ann@m.example": "k-ann", "bluesky:bob": "k-bob"}
    _, people = frames(profiles, actors, customers, link, weeks=1.0)
    for network, members in (("bluesky", [True, True, False]),
                             ("mastodon", [True, False, False])):
        member, known = evaluate(SegmentRule(network, network,
                                             (Condition("network", (network,)),)), people)
        assert member.tolist() == members
        assert known.tolist() == [True, True, False]  # k-cy matches no actor
    big = SegmentRule("big", "big", (Condition("followers", low=1000),))
    assert evaluate(big, people)[0].tolist() == [True, False, False]
    # one account must meet the whole rule: ann is big on Mastodon, not on Bluesky
    for conditions, ann in (((Condition("network", ("bluesky",)), Condition("followers",
                                                                            low=1000)), False),
                            ((Condition("network", ("mastodon",)), Condition("followers",
                                                                             low=1000)), True)):
        member, _ = evaluate(SegmentRule("r", "r", conditions), people)
        assert member.tolist() == [ann, False, False]
    assert "accounts_matched" in people  # how many accounts each customer has, not a field


def test_the_customer_base_index_is_the_share_of_engaged_who_are_customers(
        filled: Store, crm_file: Path) -> None:
    from sounding.cli.audience import segment_table

    import_customers(filled, str(crm_file), IDS, KEEP)
    report = segments(filled, cluster=False)
    base = next(s for s in report.segments if s.name == "customers")
    engaged_customers = base.representation.engaged / report.engaged_actors
    assert base.representation.index == pytest.approx(100 * engaged_customers)
    assert base.representation.index != pytest.approx(100 * report.match_rate, rel=0.05)
    table = segment_table(report.as_dict())
    notes = table.columns[-1]._cells
    said = next(str(n) for n, name in zip(notes, table.columns[0]._cells, strict=True)
                if str(name) == "customers")
    assert "share of engaged actors who are known customers" in said
    assert "match rate" not in said


def test_a_segment_without_customers_has_no_interval() -> None:
    actors = pd.DataFrame({"lang": ["fr"] * 5 + ["de"], "engagements": [2] * 6,
                           "interest": 1, "animosity": 0, "neutral": 0})
    customers = pd.DataFrame({"lang": ["fr"] * 30})
    figures = measure_segments([SegmentRule("de", "de", (Condition("lang", ("de",)),))],
                               actors, customers, weeks=1.0)
    rep = figures[0].as_dict()["representation"]
    assert rep["index"] is None
    assert (rep["low"], rep["high"], rep["p_over"]) == (None, None, None)


def test_a_label_error_spells_the_value_as_toml_does(tmp_path: Path) -> None:
    path = tmp_path / "segments.toml"
    path.write_text('[segment.fr]\nlabel = true\nlang = "fr"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"expected a text, found true$"):
        load_rules(path)

