"""Static word vectors as training features, folded afterwards into a shipped WordTable.

Reads what ``training/static_vectors.py`` exported (MiniLM distilled by model2vec, spaCy's
French vectors) with ``tokenizers`` and ``safetensors``, and the VADER and vader_FR lexicons
(each word's valence split into a positive and a negative part); training time only.

Each of the three feature blocks is the sum of a text's word vectors divided by sqrt(its
word count), scaled so that a typical text has norm 1 (as the n-gram blocks have).
Words are those of ``sounding.enrich.features`` (same normalisation, same hashes), so the
table learnt here is looked up exactly as it was built.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]

from sounding.enrich.features import Words, encode_batch, word_hashes
from sounding.enrich.wordtable import WordTable, word_design

F32 = npt.NDArray[np.float32]
U64 = npt.NDArray[np.uint64]
_SEP = "\x1e"
_LATIN = re.compile(r"[\u0000-\u024f\u2019]+")  # Basic Latin to Latin Extended-B, and ’
_BATCH = 4096
_ALPHA = re.compile(r"[a-zàâçéèêëîïôûùüÿœæ]{4,}")


@dataclass
class StaticVectors:
    """The two exported vector sets, and the vocabulary (word hashes) they are known for."""

    minilm: F32  # (WordPiece tokens, dims)
    french: F32  # (rows, 300)
    keys: U64  # sorted word hashes
    pieces: Any  # sparse (words, tokens): mean over a word's WordPiece tokens
    rows: Any  # sparse (words, french rows): the word's French vector, if any
    lexicon: F32  # (words, 4): VADER valence (positive, negative part), English then French
    scale: tuple[float, float, float] = (1.0, 1.0, 1.0)
    # French words MiniLM does not know whole: their French vector mapped into MiniLM's
    # space (see :func:`align_french`), in place of the mean of their WordPiece pieces.
    aligned_rows: Any = None  # sparse (words, french rows), or None
    mapped: F32 | None = None  # (french rows, MiniLM dims)

    def blocks(self, texts: Sequence[str], max_chars: int) -> F32:
        """Dense feature blocks (MiniLM, French) of a batch of texts, scaled."""
        out = []
        for i in range(0, len(texts), _BATCH):
            batch = texts[i : i + _BATCH]
            codes, doc = encode_batch(batch, max_chars)
            r, c, v = word_design(word_hashes(codes, doc), self.keys, len(batch))
            m = sparse.csr_matrix((v, (r, c)), shape=(len(batch), len(self.keys)))
            minilm = (m @ self.pieces) @ self.minilm
            if self.mapped is not None:
                minilm = minilm + (m @ self.aligned_rows) @ self.mapped
            out.append(np.hstack([minilm * self.scale[0],
                                  (m @ self.rows) @ self.french * self.scale[1],
                                  m @ self.lexicon * self.scale[2]]))  # fmt: skip
        return np.vstack(out).astype(np.float32)

    def fit_scale(self, texts: Sequence[str], max_chars: int) -> None:
        """Scale each block by 1 / its median norm over texts that have one."""
        self.scale = (1.0, 1.0, 1.0)
        x = self.blocks(texts, max_chars)
        d, e = self.minilm.shape[1], self.minilm.shape[1] + self.french.shape[1]
        scale = []
        for block in (x[:, :d], x[:, d:e], x[:, e:]):
            norms = np.linalg.norm(block, axis=1)
            scale.append(float(1.0 / np.median(norms[norms > 0])))
        self.scale = (scale[0], scale[1], scale[2])

    def fold(self, coef: npt.NDArray[np.float64]) -> WordTable:
        """The per-word class scores of the dense blocks' coefficients (dims, classes)."""
        d, e = self.minilm.shape[1], self.minilm.shape[1] + self.french.shape[1]
        scores = (self.pieces @ (self.minilm @ coef[:d]) * self.scale[0]
                  + self.rows @ (self.french @ coef[d:e]) * self.scale[1]
                  + self.lexicon @ coef[e:] * self.scale[2])  # fmt: skip
        if self.mapped is not None:
            scores = scores + self.aligned_rows @ (self.mapped @ coef[:d]) * self.scale[0]
        # Words with a vector of some kind: the same rows whatever the coefficients, so the
        # general and the brand tables of one fit share their keys.
        has = (np.asarray(abs(self.pieces).sum(axis=1)).ravel() > 0) | (
            np.asarray(abs(self.rows).sum(axis=1)).ravel() > 0) | (
            np.abs(self.lexicon).sum(axis=1) > 0)  # fmt: skip
        if self.aligned_rows is not None:
            has |= np.asarray(abs(self.aligned_rows).sum(axis=1)).ravel() > 0
        keep = np.flatnonzero(has)
        return WordTable(keys=self.keys[keep], scores=np.asarray(scores[keep], dtype=np.float32))


def split_words(texts: Sequence[str], max_chars: int) -> tuple[list[str], Words]:
    """The normalised words of a batch as strings, aligned with their hashes."""
    codes, doc = encode_batch(texts, max_chars)
    words = word_hashes(codes, doc)
    joined = codes.astype(np.uint32).tobytes().decode("utf-32-le", errors="surrogatepass")
    strings = [w for w in joined.replace(_SEP, " ").split(" ") if w]
    if len(strings) != len(words.hash):
        raise AssertionError("word strings and hashes are out of step")
    return strings, words


def _vocabulary(candidates: Sequence[str], max_chars: int) -> dict[int, str]:
    """Hash → normalised word for every word of the candidate texts."""
    found: dict[int, str] = {}
    for i in range(0, len(candidates), _BATCH):
        strings, words = split_words(candidates[i : i + _BATCH], max_chars)
        for h, s in zip(words.hash.tolist(), strings, strict=True):
            found.setdefault(h, s)
    return found


def _french_row(word: str, lookup: dict[str, int]) -> int:
    """The French vector row of a word; for "l'appli" that of "appli" (spaCy splits elisions)."""
    row = lookup.get(word, lookup.get(word.replace("’", "'"), -1))
    if row < 0:
        for mark in ("'", "’"):
            if mark in word:
                row = lookup.get(word.rsplit(mark, 1)[1], -1)
    return row


def load_vectors(folder: str | Path, texts: Sequence[str], max_chars: int,
                 align: bool = False) -> StaticVectors:
    """Vectors for the words of the training texts, of the French table and of MiniLM's
    WordPiece vocabulary (so that words unseen in training still get a score).

    With ``align``, French words that are not whole MiniLM tokens get their French vector
    mapped into MiniLM's space (:func:`align_french`) instead of the mean of their pieces,
    so that what the English tweets teach the MiniLM block reaches French words."""
    from safetensors.numpy import load_file  # type: ignore[import-not-found,unused-ignore]
    from tokenizers import Tokenizer  # type: ignore[import-not-found,unused-ignore]

    folder = Path(folder)
    tokenizer = Tokenizer.from_file(str(folder / "minilm_static" / "tokenizer.json"))
    minilm = load_file(str(folder / "minilm_static" / "model.safetensors"))["embeddings"]
    fr = np.load(folder / "fr_vectors.npz")
    fr_words = [str(w) for w in fr["words"]]
    lookup = dict(zip(fr_words, fr["rows"].tolist(), strict=True))
    vocab_tokens = json.loads((folder / "minilm_static" / "tokenizer.json").read_text())
    pieces_vocab = [t for t in vocab_tokens["model"]["vocab"] if not t.startswith(("##", "["))]
    english, french = lexicon_valences()
    words = _vocabulary([*texts, *fr_words, *pieces_vocab, *english, *french], max_chars)
    keys = np.array(sorted(words), dtype=np.uint64)
    strings = [words[int(k)] for k in keys]
    # [UNK] stands for every word of a script MiniLM does not know (Arabic, Devanagari...):
    # its vector would read as a bias for those languages, not as a meaning.
    special = {tokenizer.token_to_id(t) for t in ("[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]")}
    # Likewise MiniLM (English) splits Arabic or Devanagari words into single letters whose
    # vectors mean nothing: only words in Latin script get a MiniLM vector.
    ids = [[i for i in e.ids if i not in special] if _LATIN.fullmatch(word) else []
           for word, e in zip(strings, tokenizer.encode_batch(strings, add_special_tokens=False),
                              strict=True)]  # fmt: skip
    r = np.repeat(np.arange(len(ids)), [len(x) for x in ids])
    v = np.concatenate([np.full(len(x), 1.0 / len(x)) for x in ids if x])
    c = np.concatenate([x for x in ids if x]).astype(np.int64)
    pieces = sparse.csr_matrix((v, (r, c)), shape=(len(keys), minilm.shape[0]))
    fr_rows = np.array([_french_row(s, lookup) for s in strings])
    has = np.flatnonzero(fr_rows >= 0)
    rows = sparse.csr_matrix((np.ones(len(has)), (has, fr_rows[has])),
                             shape=(len(keys), fr["vectors"].shape[0]))  # fmt: skip
    valence = np.array([[english.get(w, 0.0), french.get(w, 0.0)] for w in strings])
    lexicon = np.hstack([np.maximum(valence, 0), np.maximum(-valence, 0)])[:, [0, 2, 1, 3]]
    vectors = StaticVectors(minilm.astype(np.float32), fr["vectors"].astype(np.float32), keys,
                            pieces, rows, lexicon.astype(np.float32))  # fmt: skip
    if align:
        vocab = vocab_tokens["model"]["vocab"]
        french_only = np.array([r >= 0 and s not in vocab for s, r in zip(strings, fr_rows,
                                                                         strict=True)])  # fmt: skip
        keep = sparse.diags((~french_only).astype(np.float64))
        vectors.pieces = (keep @ pieces).tocsr()
        vectors.aligned_rows = (sparse.diags(french_only.astype(np.float64)) @ rows).tocsr()
        vectors.mapped = align_french(fr_words, fr["rows"], fr["vectors"], vocab, minilm)
    return vectors


def align_french(words: Sequence[str], rows: Any, french: Any, vocab: dict[str, int],
                 minilm: Any, ridge: float = 10.0) -> F32:
    """Every French vector mapped into MiniLM's space by a ridge regression fitted on the
    words spelt the same in both vocabularies (alphabetic, 4 letters or more: "service",
    "catastrophe", "restaurant"). No labelled text is involved. The map is good enough
    that "déçu" lands next to "disappointed" and "génial" next to "brilliant"."""
    pairs: dict[str, tuple[int, int]] = {}
    for word, row in zip(words, np.asarray(rows).tolist(), strict=True):
        if word in vocab and _ALPHA.fullmatch(word):
            pairs.setdefault(word, (int(row), vocab[word]))
    x = np.asarray(french, dtype=np.float64)[[r for r, _ in pairs.values()]]
    y = np.asarray(minilm, dtype=np.float64)[[t for _, t in pairs.values()]]
    mx, my = x.mean(axis=0), y.mean(axis=0)
    a = x - mx
    w = np.linalg.solve(a.T @ a + ridge * np.eye(a.shape[1]), a.T @ (y - my))
    mapped: F32 = ((np.asarray(french, dtype=np.float64) - mx) @ w + my).astype(np.float32)
    return mapped


def lexicon_valences() -> tuple[dict[str, float], dict[str, float]]:
    """Word → mean valence (-4…4) in the VADER (English) and vader_FR lexicons (MIT)."""
    out: list[dict[str, float]] = []
    for package, name, separator in [("vaderSentiment", "vader_lexicon.txt", "\t"),
                                     ("vaderSentiment_fr", "fr_lexicon.txt", "->")]:  # fmt: skip
        module = importlib.import_module(package)
        path = Path(str(module.__file__)).parent / name
        found: dict[str, float] = {}
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.strip().split(separator) if separator == "\t" else line.rsplit("->", 1)
            try:
                found.setdefault(parts[0].strip().lower(), float(parts[1]))
            except (IndexError, ValueError):
                continue
        out.append(found)
    return out[0], out[1]
