"""Train the language head: eight languages from the reaction scorer's hashed n-grams.

    PYTHONPATH=src .venv/bin/python training/train_language.py --data ../shared/data \\
        --out src/sounding/enrich/model

Labels come free with the corpora: each UMSAB train split is its language, every TweetEval
train split is English; every val and test text is removed from training first. The words
of the VADER (en) and vader_FR (fr) lexicons, installed with ``vaderSentiment`` and
``vaderSentiment_fr``, are one-word examples of their language, each weighing
``--vocabulary-weight`` of a text (0 drops them). Every text is read without its URLs and
mentions (``features.unmarked``), as the head reads texts at run time: they carry no
language, so they get no weight. The penalty and the vocabulary weight are chosen by mean
per-language accuracy on the validation splits; the threshold is the lowest (not under
``--min-threshold``) at which, for every validation language, the texts the head keeps are
named at least as accurately as lingua names them. The test splits are only scored: head +
lingua and lingua alone, in the same run, through ``ReactionModel.predict_batch``.
Needs scikit-learn and scipy (training only).
"""

from __future__ import annotations

import argparse
import dataclasses
import glob
import re
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from lexicons import lexicon_lines
from sklearn.linear_model import LogisticRegression

from sounding.enrich import ReactionModel
from sounding.enrich.calibration import softmax
from sounding.enrich.datasets import UMSAB_LANGUAGES, find_data_dir, read_sentiment
from sounding.enrich.features import unmarked
from sounding.enrich.langhead import LanguageHead, load_head, save_head
from sounding.enrich.language import DEFAULT_LANGUAGES, UNDETERMINED
from sounding.enrich.text import clean_texts

SPLITS = ("train", "val", "test")
TWEETEVAL = "en (TweetEval)"
LEXICONS = (("vaderSentiment", "vader_lexicon.txt", "\t", "en"),
            ("vaderSentiment_fr", "fr_lexicon.txt", "->", "fr"))  # fmt: skip
_LETTERS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def corpora(data: Path) -> dict[tuple[str, str], list[str]]:
    """Texts per (group, split): one group per UMSAB language, plus all TweetEval (English)."""
    out: dict[tuple[str, str], list[str]] = {}
    for name, code in UMSAB_LANGUAGES.items():
        for split in SPLITS:
            out[(code, split)] = read_sentiment(data, f"umsab/{name}", split).texts
    for split in SPLITS:
        texts: list[str] = []
        for path in sorted(glob.glob(str(data / "tweeteval" / "**" / f"{split}_text.txt"),
                                     recursive=True)):
            lines = Path(path).read_text(encoding="utf-8").split("\n")
            texts += [line.strip() for line in lines if line.strip()]
        out[(TWEETEVAL, split)] = texts
    held = {t for (_, split), texts in out.items() if split != "train" for t in texts}
    for key in [k for k in out if k[1] == "train"]:
        out[key] = [t for t in out[key] if t not in held]
    return out


def vocabulary() -> dict[str, list[str]]:
    """Lexicon words per language: letters only (an emoticon has no language), none shared."""
    found: dict[str, set[str]] = {}
    for package, name, separator, code in LEXICONS:
        lines = lexicon_lines(package, name)
        if lines is None:
            continue
        words = {line.rsplit(separator, 1)[0].split("\t")[0].strip().lower() for line in lines}
        found[code] = {w for w in words if _LETTERS.fullmatch(w)}
    shared = set.intersection(*found.values()) if len(found) > 1 else set()
    return {code: sorted(words - shared) for code, words in found.items()}


def truth(group: str) -> str:
    return "en" if group.startswith("en ") else group


def design(model: ReactionModel, head: LanguageHead, texts: list[str]) -> sp.csr_matrix:
    """The head's feature matrix, built by the same code that scores at run time."""
    scorer, rows, cols, values = model._fitted(), [], [], []
    clean = [unmarked(t) for t in clean_texts(texts, model.max_chars).texts]
    for start in range(0, len(clean), model.batch_size):
        r, c, v = head.design(scorer.encode(clean[start : start + model.batch_size]))
        rows.append(r + start)
        cols.append(c)
        values.append(v)
    shape = (len(texts), 2**head.bits)
    return sp.csr_matrix((np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
                         shape=shape)


def fit(x: sp.csr_matrix, y: np.ndarray, weight: np.ndarray, c: float,
        skeleton: LanguageHead) -> LanguageHead:
    clf = LogisticRegression(C=c, max_iter=400).fit(x, y, sample_weight=weight)
    return dataclasses.replace(skeleton, weights=np.ascontiguousarray(clf.coef_.T, np.float32),
                               bias=clf.intercept_.astype(np.float32))


def outputs(model: ReactionModel, head: LanguageHead, texts: list[str]) -> dict[str, Any]:
    """Per text: lingua alone, the head alone (threshold 0) and the head's top probability."""
    model.head_ = None
    lingua = np.array(model.predict_batch(texts).lang)
    model.head_ = dataclasses.replace(head, threshold=0.0)
    guessed = np.array(model.predict_batch(texts).lang)
    logits = model._scores(clean_texts(texts, model.max_chars).texts, head)[1]
    top = softmax(logits).max(axis=1) if logits is not None else np.zeros(0)
    return {"lingua": lingua, "head": guessed, "top": top, "ok": guessed != UNDETERMINED}


def accepted(out: dict[str, Any], threshold: float) -> np.ndarray:
    mask: np.ndarray = out["ok"] & (out["top"] >= threshold)
    return mask


def choose_threshold(val: dict[str, dict[str, Any]], lowest: float) -> float:
    """The lowest threshold at which the head is at least lingua's equal on what it keeps."""
    for threshold in np.round(np.arange(lowest, 1.0, 0.01), 2):
        if all(
            (o["head"][m] == truth(g)).sum() >= (o["lingua"][m] == truth(g)).sum()
            for g, o in val.items()
            for m in [accepted(o, float(threshold))]
        ):
            return float(threshold)
    return 1.0


def score(groups: dict[str, dict[str, Any]], threshold: float) -> dict[str, dict[str, float]]:
    """Accuracy (percent) of lingua alone and of head + lingua, and the share sent to lingua."""
    table = {}
    for group, o in groups.items():
        keep = accepted(o, threshold)
        combined = np.where(keep, o["head"], o["lingua"])
        table[group] = {
            "texts": len(combined),
            "lingua": round(100 * float(np.mean(o["lingua"] == truth(group))), 1),
            "head_lingua": round(100 * float(np.mean(combined == truth(group))), 1),
            "head_alone": round(100 * float(np.mean(o["head"] == truth(group))), 1),
            "to_lingua": round(100 * float(np.mean(o["ok"] & ~keep)), 1),
        }
    return table


def print_table(title: str, table: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}\n| language | texts | lingua alone | head + lingua | head alone "
          "| sent to lingua |\n|---|---|---|---|---|---|")
    for g, r in table.items():
        print(f"| {g} | {r['texts']} | {r['lingua']} | {r['head_lingua']} | {r['head_alone']} "
              f"| {r['to_lingua']} % |")


def training_set(model: ReactionModel, skeleton: LanguageHead, data: dict[tuple[str, str],
                 list[str]], english_weight: float) -> tuple[sp.csr_matrix, np.ndarray,
                                                             np.ndarray, np.ndarray]:
    """Design, labels, text weights and which rows are lexicon words (weighed apart)."""
    classes = skeleton.classes
    train = [(g, data[(g, "train")]) for g in [*classes, TWEETEVAL]]
    train += [(code, words) for code, words in vocabulary().items()]
    x = sp.vstack([design(model, skeleton, texts) for _, texts in train]).tocsr()
    y = np.concatenate([np.full(len(t), classes.index(truth(g))) for g, t in train])
    words = np.zeros(len(y), dtype=bool)
    words[sum(len(data[(g, "train")]) for g in [*classes, TWEETEVAL]):] = True
    weight = np.ones(len(y))
    english = (y == classes.index("en")) & ~words
    weight[english] = english_weight * len(data[("fr", "train")]) / english.sum()
    return x, y, weight, words


def search(model: ReactionModel, skeleton: LanguageHead, data: dict[tuple[str, str], list[str]],
           args: argparse.Namespace) -> tuple[float, float, LanguageHead, int]:
    """The penalty and lexicon-word weight whose head is best on validation (head alone),
    and the number of training texts (lexicon words not counted)."""
    x, y, weight, words = training_set(model, skeleton, data, args.english_weight)
    groups = [*skeleton.classes, TWEETEVAL]
    best: tuple[float, float, float, LanguageHead] | None = None
    for c in (float(v) for v in args.C.split(",")):
        for w in (float(v) for v in args.vocabulary_weight.split(",")):
            started = time.perf_counter()
            head = fit(x, y, np.where(words, w, weight), c, skeleton)
            val = {g: outputs(model, head, data[(g, "val")]) for g in groups}
            mean = float(np.mean([np.mean(o["head"] == truth(g)) for g, o in val.items()]))
            print(f"C={c}, vocabulary weight {w}: mean validation accuracy of the head alone "
                  f"{100 * mean:.2f} ({time.perf_counter() - started:.0f} s)", flush=True)
            if best is None or mean > best[0]:
                best = (mean, c, w, head)
    assert best is not None
    return best[1], best[2], best[3], int((~words).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--out", default="src/sounding/enrich/model")
    parser.add_argument("--C", default="3,10,30", help="inverse L2 penalties to try")
    parser.add_argument("--vocabulary-weight", default="0,0.01,0.03",
                        help="weights of one lexicon word (a text weighs 1) to try")
    parser.add_argument("--bits", type=int, default=16)
    parser.add_argument("--english-weight", type=float, default=4.0,
                        help="all English texts together weigh this many UMSAB languages")
    parser.add_argument("--min-threshold", type=float, default=0.5)
    args = parser.parse_args()
    data = corpora(find_data_dir(args.data))
    model = ReactionModel.load(args.out)
    classes = DEFAULT_LANGUAGES
    skeleton = LanguageHead(classes=classes, weights=np.zeros((2**args.bits, len(classes)),
                            np.float32), bias=np.zeros(len(classes), np.float32), bits=args.bits,
                            source_bits=model._fitted().bits, kinds=("char3", "word"),
                            threshold=1.0)
    c, w, head, n = search(model, skeleton, data, args)
    # Choose the threshold with the weights as stored (float16), so it is what ships.
    save_head(args.out, head)
    stored = load_head(args.out)
    assert stored is not None
    groups = [*classes, TWEETEVAL]
    val = {g: outputs(model, stored, data[(g, "val")]) for g in groups}
    threshold = choose_threshold(val, args.min_threshold)
    test = {g: outputs(model, stored, data[(g, "test")]) for g in groups}
    metadata = {
        "trained_on": [f"umsab/{name} (train)" for name in UMSAB_LANGUAGES]
        + ["tweeteval/* (train, English)", "VADER and vader_FR lexicon words (en, fr)"],
        "stripped": "URLs and mentions (features.unmarked)",
        "training_texts": n, "vocabulary_words": sum(len(v) for v in vocabulary().values()),
        "C": c, "vocabulary_weight": w,
        "english_weight": args.english_weight, "min_threshold": args.min_threshold,
        "validation": score(val, threshold), "test": score(test, threshold),
    }
    save_head(args.out, dataclasses.replace(stored, threshold=threshold, metadata=metadata))
    print(f"\nC={c}, vocabulary weight {w}, threshold {threshold}, {n} training texts")
    print_table("Validation (percent)", metadata["validation"])
    print_table("Test (percent)", metadata["test"])
    size = sum((Path(args.out) / f).stat().st_size for f in ("language.npz", "language.json"))
    print(f"\nwrote {args.out}/language.npz and language.json ({size / 2**20:.2f} MiB)")


if __name__ == "__main__":
    main()
