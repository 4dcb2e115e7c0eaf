"""Behavioural clusters: the same actors give the same clusters in any order, and a
workspace that gains a few actors keeps its k and its clusters."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score  # type: ignore[import-untyped]

from sounding.analyse.clusters import _kmeans, discover, hashed_samples


def _blobs(centres: int, per: int, spread: float, seed: int = 5
           ) -> tuple[np.ndarray, list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    middle = rng.normal(0, spread, size=(centres, 4))
    x = np.vstack([c + rng.normal(0, 1, size=(per, 4)) for c in middle])
    return x, [f"actor-{i}" for i in range(len(x))], np.repeat(np.arange(centres), per)


def test_a_hashed_sample_keeps_its_members_when_actors_arrive() -> None:
    ids = [f"actor-{i}" for i in range(1000)]
    before = hashed_samples(ids, 200)
    grown = [*ids, "newcomer-1", "newcomer-2"]
    after = hashed_samples(grown, 200)
    for old, new in zip(before, after, strict=True):
        assert len({ids[i] for i in old} & {grown[i] for i in new}) >= 198
    assert len({tuple(sorted(s)) for s in before}) == len(before)  # the salts differ


def test_row_order_changes_nothing() -> None:
    x, ids, _ = _blobs(4, 250, 1.5)
    first = discover(x, ids, sample=300, bootstraps=2)
    perm = np.random.default_rng(1).permutation(len(x))
    again = discover(x[perm], [ids[i] for i in perm], sample=300, bootstraps=2)
    assert again.silhouettes == first.silhouettes
    assert again.k == first.k
    assert adjusted_rand_score(first.labels[perm], again.labels) == 1.0


def test_two_more_actors_keep_k_and_the_clusters() -> None:
    x, ids, _ = _blobs(3, 300, 1.2)
    first = discover(x, ids, sample=400, bootstraps=2)
    extra = np.random.default_rng(9).normal(0, 1, size=(2, 4))
    grown = discover(np.vstack([x, extra]), [*ids, "late-1", "late-2"], sample=400,
                     bootstraps=2)
    assert grown.k == first.k
    assert adjusted_rand_score(first.labels, grown.labels[:len(x)]) > 0.95


def test_well_separated_groups_are_found_and_stable() -> None:
    x, ids, truth = _blobs(3, 200, 8.0)
    found = discover(x, ids, sample=500, bootstraps=3)
    assert found.k == 3
    assert adjusted_rand_score(truth, found.labels) > 0.99
    assert found.stability > 0.95


def test_too_few_actors_make_one_cluster_and_ids_must_match_rows() -> None:
    x, ids, _ = _blobs(1, 3, 1.0)
    assert discover(x, ids).k == 1
    with pytest.raises(ValueError, match="2 ids for 3 rows"):
        discover(x, ids[:2])


def test_clusters_are_numbered_largest_first() -> None:
    rng = np.random.default_rng(2)
    x = np.vstack([rng.normal(0, 1, size=(60, 4)), rng.normal(12, 1, size=(240, 4))])
    found = discover(x, [f"a{i}" for i in range(len(x))], ks=(2,), bootstraps=1)
    assert np.bincount(found.labels).tolist() == [240, 60]
    assert set(found.labels[60:]) == {0}


def test_fewer_distinct_actors_than_clusters_prints_nothing() -> None:
    """sklearn warned on stderr (with its file paths) when a small workspace had fewer
    distinct actors than the k being tried."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fitted = _kmeans(np.zeros((6, 2)), 3, 0)
    assert len(set(fitted.labels_.tolist())) == 1


def test_the_same_input_is_clustered_once_and_any_change_clusters_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The audience page, the report and the strategy each asked for the same clustering
    (seconds each on the demo); one change of a value, an id or a setting is new input."""
    import sounding.analyse.clusters as clusters

    x, ids, _ = _blobs(3, 100, 4.0, seed=11)
    runs: list[int] = []
    real = clusters._discover

    def counted(*args: object) -> object:
        runs.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(clusters, "_discover", counted)
    first = discover(x, ids, bootstraps=1)
    assert discover(x.copy(), list(ids), bootstraps=1) is first and len(runs) == 1
    with pytest.raises(ValueError):
        first.labels[0] = 5  # shared: nobody may change it
    changed = x.copy()
    changed[7, 2] += 1e-9
    discover(changed, ids, bootstraps=1)
    discover(x, [*ids[:-1], "someone-else"], bootstraps=1)
    discover(x, ids, bootstraps=1, seed=1)
    assert len(runs) == 4
