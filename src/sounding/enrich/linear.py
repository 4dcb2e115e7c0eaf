"""The hashed n-gram linear scorer: logits for a batch from shipped weights, numpy only."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sounding.enrich.features import encode_batch, hash_batch, hash_codes, word_hashes
from sounding.enrich.wordtable import WordTable

__all__ = ["HashedLinear", "hashed_design"]

F32 = npt.NDArray[np.float32]


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

    def logits(self, texts: Sequence[str]) -> F32:
        """Raw class scores, one row per text."""
        n, k = len(texts), self.weights.shape[1]
        sums = np.zeros((2, n, k + 1), dtype=np.float64)
        wanted = np.arange(n)
        if n == 0:
            return np.zeros((0, k), dtype=np.float32)
        codes, doc = encode_batch(texts, self.max_chars)
        words = word_hashes(codes, doc)
        for occ in hash_codes(codes, doc, words, bits=self.bits, char_sizes=self.char_sizes):
            if len(occ.doc) == 0:
                continue
            # Occurrences come sorted by text, so one reduceat sums each text's rows.
            starts = np.searchsorted(occ.doc, wanted)
            present = np.diff(np.append(starts, len(occ.doc))) > 0
            summed = np.add.reduceat(self._table[occ.bucket], starts[present], axis=0)
            sums[occ.block, present] += summed
        norm = np.sqrt(np.maximum(sums[:, :, k], 1e-12))
        scores = (sums[:, :, :k] / norm[:, :, None]).sum(axis=0)
        if self.words is not None:
            scores += self.words.logits(words, n)
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
