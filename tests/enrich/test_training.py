"""Fitting the hashed linear scorer: class weights fixed apart from soft-labelled rows."""

from __future__ import annotations

import numpy as np
import pytest

from sounding.enrich.linear import HashedLinear
from sounding.enrich.training import build_design, fit_hashed_linear

TEXTS = ["I love it", "great stuff", "awful service", "I hate this", "it is a phone",
         "the shop opens at nine", "love love love", "worst ever"]  # fmt: skip
LABELS = [0, 0, 1, 1, 2, 2, 0, 1]


def _fit(class_weight: dict[int, float] | str) -> HashedLinear:
    design, idf = build_design(TEXTS, bits=12)
    return fit_hashed_linear(
        design, idf, LABELS, class_weight=class_weight, alpha=1e-4, epochs=5, bits=12
    )


def test_balanced_dict_from_label_counts_matches_balanced() -> None:
    # train_reaction.py passes this dict so that soft-labelled rows (one per class) leave
    # the balanced weights of the labelled texts unchanged.
    pytest.importorskip("sklearn")
    counts = np.bincount(LABELS, minlength=3)
    balanced = {c: len(LABELS) / (3 * int(counts[c])) for c in range(3)}
    a, b = _fit("balanced"), _fit(balanced)
    assert np.allclose(a.weights, b.weights)
    assert np.allclose(a.bias, b.bias)
