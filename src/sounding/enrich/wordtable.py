"""Per-word class scores learnt from static word vectors: a sorted table, numpy lookups only.

Training reads each text as the sum of its words' vectors divided by the square root of
its word count, and fits a linear layer on that. A linear layer over a sum is the sum of
the layer applied to each word, so training folds vectors and layer into one row of class
scores per known word: at run time there are no vectors, only a lookup and a ``bincount``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sounding.enrich.features import Words

__all__ = ["WordTable", "word_design"]

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]


def _lookup(keys: U64, hashes: U64) -> I64:
    """Index of each hash in the sorted ``keys``, or -1 where it is not there."""
    if len(keys) == 0:
        return np.full(len(hashes), -1, dtype=np.int64)
    # Searching the distinct hashes in sorted order is 3x faster than searching them all
    # as they come: the binary searches then walk the table's memory in one direction.
    distinct, inverse = np.unique(hashes, return_inverse=True)
    idx = np.minimum(np.searchsorted(keys, distinct), len(keys) - 1)
    found = np.where(keys[idx] == distinct, idx, -1).astype(np.int64)
    return found[inverse.reshape(-1)]


def word_design(words: Words, keys: U64, n_texts: int) -> tuple[I64, I64, F32]:
    """COO triplets (text, key index, 1/sqrt(word count)) of the known words of a batch.

    Unknown words add no entry but count in the denominator, as at run time.
    """
    idx = _lookup(keys, words.hash)
    count = np.bincount(words.doc, minlength=n_texts)
    hit = idx >= 0
    values = 1.0 / np.sqrt(np.maximum(count[words.doc[hit]], 1))
    return words.doc[hit], idx[hit], values.astype(np.float32)


@dataclass(frozen=True)
class WordTable:
    """``logits = Σ scores[word] over a text's known words / sqrt(its word count)``."""

    keys: U64  # sorted raw word hashes (``features.word_hashes``)
    scores: F32  # (len(keys), n_classes)

    def logits(self, words: Words, n_texts: int) -> F32:
        """Class scores, one row per text of the batch the words came from."""
        rows, cols, values = word_design(words, self.keys, n_texts)
        k = self.scores.shape[1]
        out = np.zeros((n_texts, k), dtype=np.float32)
        picked = self.scores[cols] * values[:, None]
        for c in range(k):
            out[:, c] = np.bincount(rows, weights=picked[:, c], minlength=n_texts)
        return out
