"""Behavioural clusters: k-means with a k that does not jump when a few actors arrive.

k is chosen by silhouette on samples of the actors. The samples are drawn by a salted
hash of each actor's id rather than by position, so adding or reordering actors leaves
them nearly unchanged (a new actor enters a sample only if its hash is among the
smallest), and the silhouette is averaged over several samples, keeping the smallest k
within one standard error of the best: a workspace that gains two actors keeps its k.

The last few clusterings are kept by a fingerprint of their input: the dashboard's audience
page, the report and the strategy each ask for the same one, which takes seconds.
"""

from __future__ import annotations

import hashlib
import threading
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Clustering", "discover", "hashed_samples"]

SAMPLES = 3
_KEPT = 4  # clusterings kept by input fingerprint
_kept: OrderedDict[bytes, Clustering] = OrderedDict()
_kept_lock = threading.Lock()


@dataclass(frozen=True)
class Clustering:
    """Behavioural clusters: one label per actor, the chosen k and its stability (ARI)."""

    labels: np.ndarray
    k: int
    stability: float
    silhouettes: dict[int, float] = field(default_factory=dict)


def _kmeans(x: np.ndarray, k: int, seed: int) -> Any:
    from sklearn.cluster import KMeans  # type: ignore[import-untyped]
    from sklearn.exceptions import ConvergenceWarning  # type: ignore[import-untyped]
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    # one thread: on small data, threads oversubscribe and are 5x slower; fewer distinct
    # actors than k is a case the choice of k weighs, not one to print on stderr
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return KMeans(n_clusters=k, n_init=3, random_state=seed).fit(x)


def _hash_ranks(ids: Sequence[str], salt: str) -> np.ndarray:
    """A 64-bit hash of each id under ``salt``: an order no insertion can shuffle."""
    values = [int.from_bytes(hashlib.blake2b(f"{salt}\x00{i}".encode(), digest_size=8)
                             .digest(), "big") for i in ids]
    return np.asarray(values, dtype=np.uint64)


def _hash_orders(ids: Sequence[str], count: int, seed: int) -> list[np.ndarray]:
    """``count`` orders of the row positions, each by a differently salted hash of the ids."""
    return [np.argsort(_hash_ranks(ids, f"{seed}:{s}"), kind="stable") for s in range(count)]


def hashed_samples(ids: Sequence[str], size: int, count: int = SAMPLES, seed: int = 0
                   ) -> list[np.ndarray]:
    """``count`` samples of row positions, each the ``size`` ids of smallest salted hash,
    in hash order (so the rows reach k-means in an order that only the ids decide)."""
    return [order[:size] for order in _hash_orders(ids, count, seed)]


def _choose_k(x: np.ndarray, samples: list[np.ndarray], ks: Sequence[int], seed: int
              ) -> tuple[int, dict[int, float]]:
    """The smallest k whose mean silhouette is within one standard error of the best; 1
    when no k is usable. A k that k-means cannot fill on a sample (fewer distinct rows
    than k: actors who all behave alike) has no silhouette there and is not scored."""
    from sklearn.metrics import silhouette_score  # type: ignore[import-untyped]

    per_k: dict[int, list[float]] = {}
    for idx in samples:
        for k in (k for k in ks if k < len(idx)):
            labels = _kmeans(x[idx], k, seed).labels_
            if len(np.unique(labels)) < max(k, 2):
                continue
            per_k.setdefault(k, []).append(float(silhouette_score(x[idx], labels)))
    means = {k: float(np.mean(v)) for k, v in per_k.items()}
    if not means:
        return 1, means
    best = max(means, key=lambda k: means[k])
    spread = per_k[best]
    error = float(np.std(spread, ddof=1) / np.sqrt(len(spread))) if len(spread) > 1 else 0.0
    return min(k for k in means if means[k] >= means[best] - error), means


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Clusters renumbered largest first (ties: first seen in hash order), so a cluster
    keeps its number from one run to the next rather than k-means' arbitrary one."""
    sizes = np.bincount(labels)
    first = np.array([np.flatnonzero(labels == c)[0] for c in range(len(sizes))])
    rank = np.lexsort((first, -sizes))
    renumber = np.empty_like(rank)
    renumber[rank] = np.arange(len(rank))
    return np.asarray(renumber[labels], dtype=np.int64)


def _fingerprint(x: np.ndarray, ids: Sequence[str], *settings: Any) -> bytes:
    """A digest of everything a clustering depends on: rows, ids and settings."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((x.shape, x.dtype.str, settings)).encode())
    digest.update(np.ascontiguousarray(x).tobytes())
    digest.update("\x00".join(ids).encode())
    return digest.digest()


def discover(x: np.ndarray, ids: Sequence[str], *,
             ks: Sequence[int] = (2, 3, 4, 5, 6, 7, 8), seed: int = 0, bootstraps: int = 8,
             sample: int = 2000) -> Clustering:
    """K-means on the rows of ``x`` (one per id in ``ids``), k by silhouette on hashed
    samples; stability is the mean adjusted Rand index of bootstrap refits. The same
    input twice gives the same clustering, computed once (its labels are read-only)."""
    if len(ids) != len(x):
        raise ValueError(f"{len(ids)} ids for {len(x)} rows")
    key = _fingerprint(x, ids, tuple(ks), seed, bootstraps, sample)
    with _kept_lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    found = _discover(x, ids, ks, seed, bootstraps, sample)
    found.labels.setflags(write=False)
    with _kept_lock:
        _kept[key] = found
        while len(_kept) > _KEPT:
            _kept.popitem(last=False)
    return found


def _discover(x: np.ndarray, ids: Sequence[str], ks: Sequence[int], seed: int,
              bootstraps: int, sample: int) -> Clustering:
    from sklearn.metrics import adjusted_rand_score

    n = len(x)
    if n < 2 * max(2, min(ks)):
        return Clustering(np.zeros(n, dtype=np.int64), 1, 1.0)
    orders = _hash_orders(ids, SAMPLES, seed)  # the first also orders the full fit
    best, scores = _choose_k(x, [order[:sample] for order in orders], ks, seed)
    order = orders[0]
    reference = _kmeans(x[order], best, seed) if best > 1 else None
    if reference is None or len(np.unique(reference.labels_)) < best:
        # no k could be scored, or the full fit leaves a cluster empty: one cluster
        return Clustering(np.zeros(n, dtype=np.int64), 1, 1.0, scores)
    labels = np.empty(n, dtype=np.int64)
    labels[order] = _by_size(np.asarray(reference.labels_, dtype=np.int64))
    rng = np.random.default_rng(seed)
    aris = []
    for b in range(bootstraps):
        refit = _kmeans(x[rng.choice(order, size=n, replace=True)], best, seed + b + 1)
        aris.append(adjusted_rand_score(labels, refit.predict(x)))
    return Clustering(labels, best, float(np.mean(aris)) if aris else 1.0, scores)
