"""Score the reaction model and VADER side by side on the official test splits of the corpora
and on the project's own held-out replies to brands."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sounding.enrich.datasets import (
    ANIMOSITY,
    BRAND_REPLIES,
    INTEREST,
    NEUTRAL,
    UMSAB_LANGUAGES,
    find_data_dir,
    read_binary,
    read_reaction_tsv,
    read_sentiment,
)
from sounding.enrich.reaction import ReactionModel

__all__ = ["PUBLISHED", "evaluate", "macro_f1", "macro_recall"]

Labeller = Callable[[Sequence[str]], list[int]]

# From data/README.md (same test sets); percent.
PUBLISHED: dict[str, dict[str, float]] = {
    "tweeteval/sentiment": {
        "SVM": 62.9, "FastText": 62.9, "BLSTM": 58.3, "RoBERTa-base": 71.3,
        "RoBERTa-Twitter": 72.8, "BERTweet": 73.4, "TimeLMs-2021": 73.7,
    },
    "tweeteval/offensive": {"SVM": 52.3, "FastText": 73.4, "RoBERTa-base": 79.5, "TimeLMs": 82.2},
    "tweeteval/hate": {"SVM": 36.7, "FastText": 50.6, "BERTweet": 56.4},
    "umsab/french": {"FastText": 54.8, "XLM-R": 72.0, "XLM-T multilingual": 71.2},
}  # fmt: skip
_UMSAB_ALL = {"FastText (all languages)": 51.0, "XLM-T multilingual (all languages)": 69.4}


def macro_recall(truth: Sequence[int], predicted: Sequence[int]) -> float:
    """Mean over the classes present in ``truth`` of the share of each class found."""
    y, p = np.asarray(truth), np.asarray(predicted)
    return float(np.mean([np.mean(p[y == c] == c) for c in np.unique(y)]))


def macro_f1(truth: Sequence[int], predicted: Sequence[int]) -> float:
    """Mean F1 over the union of true and predicted classes."""
    y, p = np.asarray(truth), np.asarray(predicted)
    scores = []
    for c in np.union1d(np.unique(y), np.unique(p)):
        tp = float(np.sum((y == c) & (p == c)))
        denominator = float(np.sum(y == c) + np.sum(p == c))
        scores.append(2 * tp / denominator if denominator else 0.0)
    return float(np.mean(scores))


def _vader(language: str) -> Labeller | None:
    """A VADER labeller (compound ±0.05 thresholds), or None when the package is missing."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if language == "fr":
                from vaderSentiment_fr.vaderSentiment import (  # type: ignore[import-untyped]
                    SentimentIntensityAnalyzer,
                )
            else:
                from vaderSentiment.vaderSentiment import (  # type: ignore[import-untyped]
                    SentimentIntensityAnalyzer,
                )
    except ImportError:
        return None
    analyzer = SentimentIntensityAnalyzer()

    def label(texts: Sequence[str]) -> list[int]:
        out = []
        for text in texts:
            compound = float(analyzer.polarity_scores(text)["compound"])
            if compound >= 0.05:
                out.append(INTEREST)
            else:
                out.append(ANIMOSITY if compound <= -0.05 else NEUTRAL)
        return out

    return label


def _model_labeller(model: ReactionModel) -> Labeller:
    def label(texts: Sequence[str]) -> list[int]:
        return [int(i) for i in model.predict_proba(texts).argmax(axis=1)]

    return label


def _score(
    texts: Sequence[str], labels: Sequence[int], labellers: dict[str, Labeller | None], metric: str
) -> dict[str, float | None]:
    """Each labeller's score in percent (None when its package is missing)."""
    out: dict[str, float | None] = {}
    for name, labeller in labellers.items():
        if labeller is None:
            out[name] = None
            continue
        predicted = labeller(texts)
        if metric == "macro_recall":
            value = macro_recall(labels, predicted)
        elif metric == "macro_f1":
            value = macro_f1(labels, predicted)
        else:  # animosity vs everything else, against a binary gold label
            value = macro_f1(labels, [int(p == ANIMOSITY) for p in predicted])
        out[name] = round(100 * value, 1)
    return out


def _entry(
    metric: str, scores: dict[str, float | None], published: dict[str, float],
    context: str,
) -> dict[str, Any]:
    return {"metric": metric, **scores, "published": published, "context": context}


def evaluate(
    model: ReactionModel | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    split: str = "test",
    with_vader: bool = True,
    languages: Sequence[str] | None = None,
    brand_model: ReactionModel | None = None,
) -> dict[str, dict[str, Any]]:
    """Metrics in percent per dataset: ``sounding``, ``vader`` (and ``vader_fr``),
    ``published``, and ``context``, how sounding's model read the texts.

    ``model`` reads the research corpora, ``brand_model`` the replies to brands (default:
    the shipped model in the general and the brand context; a given ``model`` alone reads
    both). Mind that ``ReactionModel.load()`` reads in the brand context: pass
    ``ReactionModel.load(path, context="general")`` to score a model as it was trained
    for the research corpora; each entry's ``context`` says how it was read."""
    folder: Path = find_data_dir(data_dir)
    if model is None:
        model = ReactionModel.load(context="general")
        brand_model = brand_model or ReactionModel.load(context="brand")
    brand_model = brand_model or model
    ours = _model_labeller(model)
    vader_en = _vader("en") if with_vader else None
    results: dict[str, dict[str, Any]] = {}
    s = read_sentiment(folder, "tweeteval/sentiment", split)
    both = {"sounding": ours, "vader": vader_en}
    scores = _score(s.texts, s.labels, both, "macro_recall")
    published = PUBLISHED["tweeteval/sentiment"]
    results["tweeteval/sentiment"] = _entry("macro_recall", scores, published, model.context_)
    for corpus in ("tweeteval/offensive", "tweeteval/hate"):
        b = read_binary(folder, corpus, split)
        scores = _score(b.texts, b.labels, both, "animosity_f1")
        results[corpus] = _entry("macro_f1_animosity_vs_not", scores, PUBLISHED[corpus],
                                 model.context_)
    for language in languages if languages is not None else sorted(UMSAB_LANGUAGES):
        u = read_sentiment(folder, f"umsab/{language}", split)
        labellers = dict(both)
        if language == "french" and with_vader:
            labellers["vader_fr"] = _vader("fr")
        scores = _score(u.texts, u.labels, labellers, "macro_f1")
        published = PUBLISHED.get(f"umsab/{language}", {}) | _UMSAB_ALL
        results[f"umsab/{language}"] = _entry("macro_f1", scores, published, model.context_)
    for code, path in BRAND_REPLIES.items():
        b = read_reaction_tsv(path)
        labellers = dict(both)
        if code == "fr" and with_vader:
            labellers["vader_fr"] = _vader("fr")
        labellers["sounding"] = _model_labeller(brand_model)
        scores = _score(b.texts, b.labels, labellers, "macro_f1")
        results[f"brand/{code}"] = _entry("macro_f1", scores, {}, brand_model.context_)
    return results
