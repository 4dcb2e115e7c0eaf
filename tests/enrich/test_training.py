"""Fitting the hashed linear scorer: class weights fixed apart from soft-labelled rows."""

from __future__ import annotations

import numpy as np
import pytest

from sounding.enrich.linear import HashedLinear
from sounding.enrich.reaction import ReactionModel
from sounding.enrich.training import LinearFit, build_design

TEXTS = ["I love it", "great stuff", "awful service", "I hate this", "it is a phone",
         "the shop opens at nine", "love love love", "worst ever"]  # fmt: skip
LABELS = [0, 0, 1, 1, 2, 2, 0, 1]


def _fit(class_weight: dict[int, float] | str) -> HashedLinear:
    design, idf = build_design(TEXTS, bits=12)
    return LinearFit(class_weight=class_weight, alpha=1e-4, epochs=5, bits=12).fit(
        design, idf, LABELS
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


def test_emphasis_scales_indicative_buckets_and_still_fits() -> None:
    """Naive-Bayes emphasis: buckets that mark a class are scaled up (never down), and the
    folded scorer still ranks each training text's own class first."""
    pytest.importorskip("sklearn")
    from sounding.enrich.training import _emphasis

    design, idf = build_design(TEXTS, bits=12)
    positive = np.asarray(LABELS) == 0
    scale = _emphasis(design, positive, 1 << 12, 0.5)
    assert scale.shape == (design.shape[1],) and scale.min() >= 1.0
    used = np.flatnonzero(np.asarray(design.sum(axis=0)).ravel())
    love = build_design(["love"], bits=12)[0].indices  # only in class 0 texts
    assert scale[love].mean() > np.median(scale[used])
    scorer = LinearFit(alpha=1e-4, epochs=20, bits=12, emphasis=0.5).fit(design, idf, LABELS)
    model = ReactionModel()
    model.scorer_ = scorer
    scores = model.decision_function(TEXTS)
    assert (scores.argmax(axis=1) == np.asarray(LABELS)).mean() >= 0.75


def test_context_copy_learns_what_differs_in_that_context_only() -> None:
    """Feature augmentation: questions are neutral in the general texts and interest in
    the brand ones; the general scorer keeps the general reading, the brand scorer
    (general + brand copy) learns the brand one, and both agree where the data agree."""
    pytest.importorskip("sklearn")
    general = [("is it open on sunday ?", 2), ("what time is the match ?", 2),
               ("where is the station ?", 2), ("is it raining ?", 2),
               ("I love it", 0), ("great stuff", 0), ("awful service", 1), ("I hate this", 1),
               ("the shop opens at nine", 2), ("it is a phone", 2)]  # fmt: skip
    brand = [("do you deliver on sunday ?", 0), ("is there a vegan one ?", 0),
             ("when do you open ?", 0), ("can I book a table ?", 0),
             ("love love love", 0), ("worst ever", 1)]  # fmt: skip
    texts = [t for t, _ in general + brand]
    labels = [y for _, y in general + brand]
    in_context = np.array([False] * len(general) + [True] * len(brand))
    design, idf = build_design(texts, bits=12)
    plain, contextual = LinearFit(alpha=1e-4, epochs=30, bits=12).fit_with_context(
        design, idf, labels, in_context)
    probe = ["is it sunny ?", "where is it ?"]  # words of both sets
    as_general = plain.logits(probe).argmax(axis=1)
    as_brand = contextual.logits(probe).argmax(axis=1)
    assert list(as_general) == [2, 2]  # questions read as neutral in general
    assert list(as_brand) == [0, 0]  # and as interest in replies to a brand
    both = ["I love it", "awful service"]
    assert list(plain.logits(both).argmax(axis=1)) == [0, 1]
    assert list(contextual.logits(both).argmax(axis=1)) == [0, 1]
