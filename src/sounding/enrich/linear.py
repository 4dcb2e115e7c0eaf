"""The hashed n-gram linear scorer: logits for a batch from shipped weights, numpy only."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sounding.enrich.features import (
    Occurrences,
    Words,
    encode_batch,
    hash_batch,
    hash_codes,
    word_hashes,
)
from sounding.enrich.wordtable import WordTable

__all__ = ["Encoded", "HashedLinear", "hashed_design", "segment_sums"]

F32 = npt.NDArray[np.float32]
BOOL = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Encoded:
    """A batch hashed once: its words and every feature occurrence, for any head to score."""

    n: int
    words: Words
    occurrences: list[Occurrences]


def segment_sums(table: F32, occ: Occurrences, n: int) -> tuple[BOOL, F32]:
    """Which of ``n`` texts have occurrences, and the sum of their rows of ``table``.

    Occurrences come sorted by text, so one ``reduceat`` sums each text's rows.
    ``np.take`` rather than ``table[bucket]``: the same values, gathered 4-6x faster.
    """
    starts = np.searchsorted(occ.doc, np.arange(n))
    present = np.diff(np.append(starts, len(occ.doc))) > 0
    rows = np.take(table, occ.bucket, axis=0)
    summed: F32 = np.add.reduceat(rows, starts[present], axis=0)
    return present, summed


@dataclass(frozen=True)
class HashedLinear:
    """``logits = Σ_blocks Σ idf·w over occurrences / sqrt(Σ idf² over occurrences) + bias``.

    Character n-grams and words form two blocks, each normalised on its own (as a
    union of two TF-IDF vectorisers would be). ``words``, when present, adds the scores
    learnt from static word vectors (see :mod:`sounding.enrich.wordtable`).

    ``weights`` already holds ``idf × coefficient`` per bucket, ``idf2`` holds ``idf²``,
    so scoring is a gather plus a ``bincount`` per class: no sparse matrix, no sort.
    """

    weights: F32  # (2**bits, n_classes)
    idf2: F32  # (2**bits,)
    bias: F32  # (n_classes,)
    bits: int
    char_sizes: tuple[int, ...]
    max_chars: int
    words: WordTable | None = None

    @functools.cached_property
    def _table(self) -> F32:
        """Weights and idf² side by side: one gather per occurrence fetches all four."""
        return np.ascontiguousarray(np.column_stack([self.weights, self.idf2]), dtype=np.float32)

    def encode(self, texts: Sequence[str]) -> Encoded:
        """Hash a batch once; :meth:`logits_of` and a language head both read the result."""
        if not texts:
            return Encoded(0, Words(np.zeros(0, np.uint64), np.zeros(0, np.int64)), [])
        codes, doc = encode_batch(texts, self.max_chars)
        words = word_hashes(codes, doc)
        occurrences = hash_codes(codes, doc, words, bits=self.bits, char_sizes=self.char_sizes)
        return Encoded(len(texts), words, occurrences)

    def logits(self, texts: Sequence[str]) -> F32:
        """Raw class scores, one row per text."""
        return self.logits_of(self.encode(texts))

    def logits_of(self, encoded: Encoded) -> F32:
        """Raw class scores of an already hashed batch, one row per text."""
        n, k = encoded.n, self.weights.shape[1]
        if n == 0:
            return np.zeros((0, k), dtype=np.float32)
        sums = np.zeros((2, n, k + 1), dtype=np.float64)
        for occ in encoded.occurrences:
            if len(occ.doc) == 0:
                continue
            present, summed = segment_sums(self._table, occ, n)
            sums[occ.block, present] += summed
        norm = np.sqrt(np.maximum(sums[:, :, k], 1e-12))
        scores = (sums[:, :, :k] / norm[:, :, None]).sum(axis=0)
        if self.words is not None:
            scores += self.words.logits(encoded.words, n)
        out: F32 = (scores + self.bias).astype(np.float32)
        return out


def hashed_design(
    texts: Sequence[str], idf: F32 | None, *, bits: int, char_sizes: Sequence[int], max_chars: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], F32]:
    """COO triplets (row, bucket, value) of the training design matrix for the same scorer.

    With ``idf=None`` every occurrence counts 1 (used to count document frequencies).
    """
    occ = hash_batch(texts, bits=bits, char_sizes=char_sizes, max_chars=max_chars)
    if not occ:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    rows = np.concatenate([o.doc for o in occ])
    cols = np.concatenate([o.bucket for o in occ])
    if idf is None:
        return rows, cols, np.ones(len(rows), dtype=np.float32)
    block = np.concatenate([np.full(len(o.doc), o.block, dtype=np.int64) for o in occ])
    values = idf[cols].astype(np.float64)
    key = block * len(texts) + rows
    norm = np.bincount(key, weights=values**2, minlength=2 * len(texts))
    scaled = (values / np.sqrt(np.maximum(norm[key], 1e-12))).astype(np.float32)
    return rows, cols, scaled
