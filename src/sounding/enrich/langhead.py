"""A language head over the reaction scorer's own hashed n-grams: lingua's cost, mostly avoided.

Lingua costs about 125 µs a text on one core, five times the reaction model. The reaction
scorer has already hashed every character n-gram and word of the text, so a small linear
layer over some of those buckets (character 3-grams and words, folded to ``2**bits``
buckets by keeping their top bits) names the language for a few µs more. Its probability
is trusted only at or above ``threshold``, chosen on validation data so that the texts it
keeps are named at least as accurately as lingua names them; the rest still go to lingua.
URLs and mentions say nothing about a language, so the head reads texts without them: the
few texts holding one are hashed again, stripped, and training strips every text the same
way. Trained by ``training/train_language.py``.
"""

from __future__ import annotations

import functools
import json
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sounding.enrich.calibration import softmax
from sounding.enrich.features import Occurrences, Words, encode_batch, unmarked, word_hashes
from sounding.enrich.linear import Encoded, segment_sums
from sounding.errors import ConfigError

__all__ = ["HEAD_FILES", "LanguageHead", "load_head", "marked_texts", "save_head"]

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
FORMAT = "sounding-language-head/1"
HEAD_FILES = ("language.json", "language.npz")


@functools.cache
def _mark_hashes() -> npt.NDArray[np.uint64]:
    """Hashes of the words the scorer puts in place of a URL (``http``) and a mention."""
    return word_hashes(*encode_batch(["http @user"])).hash


def marked_texts(words: Words) -> I64:
    """Indices of the texts of a hashed batch that hold a URL or a mention."""
    found: I64 = np.unique(words.doc[np.isin(words.hash, _mark_hashes())])
    return found


@dataclass(frozen=True)
class LanguageHead:
    """``logits = Σ_blocks Σ w[bucket] / sqrt(occurrences in the block) + bias``, per language.

    ``kinds`` names the occurrences read (``features.Occurrences.kind``); a bucket of the
    scorer (``source_bits`` bits) maps to ``bucket >> (source_bits - bits)`` here, which is
    exactly the bucket a ``bits``-bit hash would give, so training needs no scorer.
    """

    classes: tuple[str, ...]
    weights: F32  # (2**bits, len(classes))
    bias: F32  # (len(classes),)
    bits: int
    source_bits: int
    kinds: tuple[str, ...]
    threshold: float
    metadata: dict[str, Any] = field(default_factory=dict)

    def fits(self, source_bits: int, char_sizes: Sequence[int]) -> bool:
        """Whether a scorer hashing with these settings yields every bucket the head reads."""
        kinds = {f"char{n}" for n in char_sizes} | {"word", "bigram"}
        return source_bits == self.source_bits and set(self.kinds) <= kinds

    def _selected(self, encoded: Encoded) -> Iterator[tuple[Occurrences, I64]]:
        shift = self.source_bits - self.bits
        for occ in encoded.occurrences:
            if occ.kind in self.kinds and len(occ.doc) > 0:
                yield occ, occ.bucket >> shift

    def _norms(self, encoded: Encoded) -> npt.NDArray[np.float64]:
        """1/sqrt(occurrences read) per block and text (1 where there are none)."""
        counts = np.zeros((2, encoded.n), dtype=np.float64)
        for occ, _ in self._selected(encoded):
            counts[occ.block] += np.bincount(occ.doc, minlength=encoded.n)
        norms: npt.NDArray[np.float64] = 1.0 / np.sqrt(np.maximum(counts, 1.0))
        return norms

    def logits_of(self, encoded: Encoded) -> F32:
        """Raw language scores of a hashed batch, one row per text, columns ``classes``."""
        k = len(self.classes)
        sums = np.zeros((2, encoded.n, k), dtype=np.float64)
        for occ, buckets in self._selected(encoded):
            folded = Occurrences(occ.doc, buckets, occ.block, occ.kind)
            present, summed = segment_sums(self.weights, folded, encoded.n)
            sums[occ.block, present] += summed
        scores = (sums * self._norms(encoded)[:, :, None]).sum(axis=0) + self.bias
        out: F32 = scores.astype(np.float32)
        return out

    def read(
        self, texts: Sequence[str], encoded: Encoded, encode: Callable[[Sequence[str]], Encoded]
    ) -> F32:
        """Language scores of ``texts`` (hashed as ``encoded``) read without URLs and mentions.

        Only the texts that hold one are hashed again (by ``encode``, the scorer's own), so
        a URL or mention changes nothing and most batches cost no more.
        """
        logits = self.logits_of(encoded)
        redo = marked_texts(encoded.words)
        if len(redo) > 0:
            logits[redo] = self.logits_of(encode([unmarked(texts[i]) for i in redo]))
        return logits

    def design(self, encoded: Encoded) -> tuple[I64, I64, F32]:
        """COO triplets (text, bucket, value) of the same features, for training (hash texts
        already stripped by ``features.unmarked``, as :meth:`read` reads them)."""
        norms = self._norms(encoded)
        parts = [(occ.doc, buckets, norms[occ.block, occ.doc])
                 for occ, buckets in self._selected(encoded)]
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32)
        rows, cols, values = (np.concatenate(p) for p in zip(*parts, strict=True))
        return rows, cols, values.astype(np.float32)

    def guesses(self, logits: F32, languages: Sequence[str]) -> list[str | None]:
        """The language of each text where the head's top class over all its classes is
        one of ``languages`` with probability at or above ``threshold``; None elsewhere.

        Not renormalised over ``languages``: the threshold was chosen over all classes, and
        a French text the head hesitates on between English and German would otherwise
        come out English, surely, once German is not allowed."""
        if len(logits) == 0:
            return []
        allowed = {self.classes.index(code) for code in languages}
        p = softmax(logits)
        best, sure = p.argmax(axis=1), p.max(axis=1) >= self.threshold
        return [self.classes[b] if ok and b in allowed else None
                for b, ok in zip(best, sure, strict=True)]


def save_head(folder: str | Path, head: LanguageHead) -> None:
    """Write ``language.npz`` (float16 weights) and ``language.json`` beside a model."""
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path / "language.npz", weights=head.weights.astype(np.float16),
                        bias=head.bias.astype(np.float32))
    description = {
        "format": FORMAT, "classes": list(head.classes), "bits": head.bits,
        "source_bits": head.source_bits, "kinds": list(head.kinds),
        "threshold": head.threshold, "metadata": head.metadata,
    }
    (path / "language.json").write_text(json.dumps(description, indent=2) + "\n", "utf-8")


def load_head(folder: str | Path) -> LanguageHead | None:
    """The head saved in ``folder``, or None where there is none (lingua alone then)."""
    path = Path(folder)
    if not all((path / name).is_file() for name in HEAD_FILES):
        return None
    try:
        description = json.loads((path / "language.json").read_text(encoding="utf-8"))
        arrays = np.load(path / "language.npz", allow_pickle=False)
        if description.get("format") != FORMAT:
            raise ValueError(f"format {description.get('format')!r} is not {FORMAT}")
        return LanguageHead(
            classes=tuple(description["classes"]),
            weights=np.ascontiguousarray(arrays["weights"], dtype=np.float32),
            bias=arrays["bias"].astype(np.float32),
            bits=int(description["bits"]),
            source_bits=int(description["source_bits"]),
            kinds=tuple(description["kinds"]),
            threshold=float(description["threshold"]),
            metadata=dict(description.get("metadata", {})),
        )
    except (OSError, ValueError, KeyError, EOFError, TypeError, zipfile.BadZipFile) as exc:
        raise ConfigError(  # EOFError: an empty archive; BadZipFile: a cut one
            f"cannot read the language head in {path}: {type(exc).__name__}: {exc}",
            hint="delete language.json and language.npz there to detect language with lingua "
                 "alone, or write them again with training/train_language.py",
        ) from exc
