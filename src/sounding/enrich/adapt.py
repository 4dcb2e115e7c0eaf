"""Adapt the shipped reaction model to a workspace's human labels: warm start, held-out gain.

The adapted model keeps the shipped features and continues fitting the linear layer on
the corrected texts, with an L2 penalty pulling every weight back toward the shipped one
(so a few hundred labels nudge the model instead of replacing it); the penalty is chosen
and the softmax temperature refitted on out-of-fold scores of the training share only.
:func:`adapt_with_holdout` keeps a seeded share of the labels aside and scores both the
shipped and the adapted model on it, so the gain is measured on texts neither has seen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from sounding.enrich.calibration import fit_temperature, softmax
from sounding.enrich.datasets import REACTIONS
from sounding.enrich.features import encode_batch, word_hashes
from sounding.enrich.linear import HashedLinear, hashed_design
from sounding.enrich.reaction import ReactionModel
from sounding.enrich.text import FORCED_NEUTRAL, clean_texts

__all__ = [
    "Adaptation",
    "ReactionAdapter",
    "Scores",
    "adapt_with_holdout",
    "holdout_split",
    "score_reactions",
]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
PENALTIES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03)


@dataclass(frozen=True)
class Scores:
    """Accuracy and macro-F1 of a model on labelled texts (fractions, not percents)."""

    accuracy: float
    macro_f1: float
    n: int

    def as_dict(self) -> dict[str, Any]:
        return {"accuracy": self.accuracy, "macro_f1": self.macro_f1, "n": self.n}


def score_labels(truth: Sequence[int], predicted: Sequence[int]) -> Scores:
    """Accuracy and macro-F1 over the classes found in the truth or the predictions."""
    y, p = np.asarray(truth, dtype=np.int64), np.asarray(predicted, dtype=np.int64)
    if len(y) == 0:
        return Scores(0.0, 0.0, 0)
    f1s = []
    for c in np.union1d(y, p):
        tp = float(np.sum((p == c) & (y == c)))
        denominator = float(np.sum(p == c) + np.sum(y == c))
        f1s.append(2 * tp / denominator if denominator else 0.0)
    return Scores(float(np.mean(y == p)), float(np.mean(f1s)), len(y))


def score_reactions(model: ReactionModel, texts: Sequence[object], labels: Sequence[int]
                    ) -> Scores:
    """Score a model through its full prediction path (cleaning, forced neutral included)."""
    batch = model.predict_batch(texts, detect_language=False)
    return score_labels(labels, batch.probabilities.argmax(axis=1).tolist())


def holdout_split(labels: Sequence[int], *, share: float = 0.25, minimum: int = 10,
                  seed: int = 0) -> tuple[I64, I64]:
    """Seeded, class-stratified (train, held-out) indices; at least ``minimum`` held out."""
    n = len(labels)
    n_test = min(n - 1, max(minimum, round(share * n)))
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    # Grouping the shuffled indices by class and taking evenly spaced positions gives
    # each class its share of the held-out set.
    order = order[np.argsort(np.asarray(labels)[order], kind="stable")]
    picked = np.zeros(n, dtype=bool)
    picked[order[np.linspace(0, n - 1, n_test).round().astype(np.int64)]] = True
    return np.flatnonzero(~picked), np.flatnonzero(picked)


def _folds(labels: I64, k: int, seed: int) -> I64:
    """A fold number per row, classes spread evenly over the folds."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(labels), dtype=np.int64)
    for c in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == c))
        fold[members] = (np.arange(len(members)) + rng.integers(k)) % k
    return fold


@dataclass(frozen=True)
class _Problem:
    """The training texts restricted to the buckets they use, with the shipped weights."""

    design: Any  # scipy CSR, rows x used buckets, values idf / block norm
    used: I64
    coef: F64  # shipped coefficients of the used buckets (weights / idf)
    bias: F64
    offset: F64  # rows x classes: the shipped word-vector scores, kept fixed
    temperature: float


def _problem(scorer: HashedLinear, temperature: float, texts: Sequence[str]) -> _Problem:
    from scipy import sparse  # type: ignore[import-untyped]

    idf = np.sqrt(scorer.idf2.astype(np.float64))
    rows, cols, values = hashed_design(texts, idf.astype(np.float32), bits=scorer.bits,
                                       char_sizes=scorer.char_sizes, max_chars=scorer.max_chars)
    used, local = np.unique(cols, return_inverse=True)
    design = sparse.csr_matrix((values.astype(np.float64), (rows, local)),
                               shape=(len(texts), len(used)))
    coef = scorer.weights[used].astype(np.float64) / idf[used, None]
    offset = np.zeros((len(texts), len(scorer.bias)))
    if scorer.words is not None:
        codes, doc = encode_batch(texts, scorer.max_chars)
        offset = scorer.words.logits(word_hashes(codes, doc), len(texts)).astype(np.float64)
    return _Problem(design, used, coef, scorer.bias.astype(np.float64), offset, temperature)


def _fit_delta(problem: _Problem, rows: I64, labels: I64, penalty: float, max_iter: int
               ) -> tuple[F64, F64]:
    """Weight and bias changes minimising weighted log-loss + penalty/2 · |change|²."""
    from scipy.optimize import minimize  # type: ignore[import-untyped]
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped,unused-ignore]

    x = problem.design[rows]
    n_used, k = problem.coef.shape
    onehot = np.eye(k)[labels]
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    weight = (len(labels) / (k * np.maximum(counts, 1.0)))[labels]  # balanced classes
    weight /= weight.sum()
    base = x @ problem.coef + problem.bias + problem.offset[rows]

    def loss(theta: F64) -> tuple[float, F64]:
        delta, delta_bias = theta[:-k].reshape(n_used, k), theta[-k:]
        z = (base + x @ delta + delta_bias) / problem.temperature
        p = softmax(z).astype(np.float64)
        nll = -np.sum(weight * np.log(np.clip(p[np.arange(len(labels)), labels], 1e-12, 1)))
        grad_z = weight[:, None] * (p - onehot) / problem.temperature
        grad = np.concatenate([(x.T @ grad_z).ravel(), grad_z.sum(axis=0)]) + penalty * theta
        return float(nll + 0.5 * penalty * theta @ theta), grad

    theta0 = np.zeros(n_used * k + k)
    # One BLAS thread: on these small problems more threads only fight (10x slower on 2 cores).
    with threadpool_limits(1):
        found = minimize(loss, theta0, jac=True, method="L-BFGS-B",
                         options={"maxiter": max_iter})
    theta = np.asarray(found.x, dtype=np.float64)
    return theta[:-k].reshape(n_used, k), theta[-k:]


def _logits(problem: _Problem, rows: I64, delta: F64, delta_bias: F64) -> F64:
    out: F64 = (problem.design[rows] @ (problem.coef + delta) + problem.bias + delta_bias
                + problem.offset[rows])
    return out


class ReactionAdapter:
    """Warm-start the shipped linear layer on labelled texts (scikit-learn style).

    ``fit`` picks the penalty among ``penalties`` by out-of-fold macro-F1 (ties go to
    the stronger penalty, closer to the shipped weights), refits the temperature on the
    out-of-fold logits, then fits on all the given texts. Fitted: ``model_``,
    ``penalty_``, ``temperature_``, ``cv_macro_f1_``.
    """

    def __init__(self, base: ReactionModel, *, penalties: Sequence[float] = PENALTIES,
                 folds: int = 4, seed: int = 0, max_iter: int = 300) -> None:
        self.base = base
        self.penalties = tuple(penalties)
        self.folds = folds
        self.seed = seed
        self.max_iter = max_iter

    def fit(self, texts: Sequence[object], labels: Sequence[int]) -> ReactionAdapter:
        """Adapt to ``texts`` labelled with ``labels`` (indices into ``REACTIONS``)."""
        cleaned = clean_texts(texts, self.base.max_chars)
        # Texts with nothing to read are forced to neutral at prediction: nothing to learn.
        keep = [i for i, f in enumerate(cleaned.flags) if not FORCED_NEUTRAL & set(f)]
        if not keep:
            raise ValueError("no readable text among the labelled items")
        y = np.asarray(labels, dtype=np.int64)[keep]
        problem = _problem(self.base._fitted(), self.base.temperature_,
                           [cleaned.texts[i] for i in keep])
        self.penalty_, oof, self.cv_macro_f1_ = self._choose(problem, y)
        self.temperature_ = fit_temperature(oof, y.tolist())
        delta, delta_bias = _fit_delta(problem, np.arange(len(y)), y, self.penalty_,
                                       self.max_iter)
        self.model_ = self._model(problem, delta, delta_bias, len(y))
        return self

    def _choose(self, problem: _Problem, y: I64) -> tuple[float, F64, float]:
        fold = _folds(y, self.folds, self.seed)
        best: tuple[float, F64, float] | None = None
        for penalty in sorted(self.penalties, reverse=True):
            oof = np.zeros((len(y), len(REACTIONS)))
            for f in np.unique(fold):
                train, test = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
                delta, delta_bias = _fit_delta(problem, train, y[train], penalty,
                                               self.max_iter)
                oof[test] = _logits(problem, test, delta, delta_bias)
            f1 = score_labels(y.tolist(), oof.argmax(axis=1).tolist()).macro_f1
            if best is None or f1 > best[2]:
                best = (penalty, oof, f1)
        if best is None:
            raise ValueError("no penalty to try")
        return best

    def _model(self, problem: _Problem, delta: F64, delta_bias: F64, n: int) -> ReactionModel:
        shipped = self.base._fitted()
        idf = np.sqrt(shipped.idf2[problem.used].astype(np.float64))
        weights = shipped.weights.copy()
        weights[problem.used] = ((problem.coef + delta) * idf[:, None]).astype(np.float32)
        scorer = dataclasses.replace(
            shipped, weights=weights, bias=(problem.bias + delta_bias).astype(np.float32))
        model = ReactionModel(languages=self.base.languages,
                              uncertain_below=self.base.uncertain_below,
                              max_chars=self.base.max_chars, batch_size=self.base.batch_size)
        model.scorer_, model.temperature_ = scorer, self.temperature_
        model.context_ = self.base.context_  # the corrections were read the same way
        model.head_ = self.base.head_  # same hashed features: the language head still reads them
        model.metadata_ = {**self.base.metadata_, "adapted": {
            "texts": n, "penalty": self.penalty_, "temperature": self.temperature_,
            "cv_macro_f1": self.cv_macro_f1_}}
        return model


@dataclass(frozen=True)
class Adaptation:
    """An adapted model and how it and the shipped one did on the held-out labels."""

    model: ReactionModel
    shipped: Scores
    adapted: Scores
    n_train: int
    n_heldout: int
    penalty: float
    temperature: float

    @property
    def not_worse(self) -> bool:
        """The adapted model is at least as good on held-out accuracy and macro-F1."""
        return (self.adapted.accuracy >= self.shipped.accuracy
                and self.adapted.macro_f1 >= self.shipped.macro_f1)


def adapt_with_holdout(base: ReactionModel, texts: Sequence[object], labels: Sequence[int],
                       *, share: float = 0.25, minimum: int = 10, seed: int = 0
                       ) -> Adaptation:
    """Adapt on a seeded share of the labels, score shipped and adapted on the rest."""
    train, test = holdout_split(labels, share=share, minimum=minimum, seed=seed)
    adapter = ReactionAdapter(base, seed=seed).fit([texts[i] for i in train],
                                                   [labels[i] for i in train])
    held_texts, held_labels = [texts[i] for i in test], [labels[i] for i in test]
    return Adaptation(
        model=adapter.model_,
        shipped=score_reactions(base, held_texts, held_labels),
        adapted=score_reactions(adapter.model_, held_texts, held_labels),
        n_train=len(train), n_heldout=len(test),
        penalty=adapter.penalty_, temperature=adapter.temperature_,
    )
