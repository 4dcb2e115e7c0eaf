"""The word table: folded word-vector scores, looked up by the same word hashes as n-grams."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from sounding.enrich.artifact import load_scorer, save_scorer
from sounding.enrich.features import encode_batch, word_hashes
from sounding.enrich.linear import HashedLinear
from sounding.enrich.wordtable import WordTable, word_design


def _words(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    words = word_hashes(*encode_batch(texts))
    return words.hash, words.doc


def _table(scores: dict[str, list[float]]) -> WordTable:
    hashes = {word: int(_words([word])[0][0]) for word in scores}
    keys = np.array(sorted(hashes.values()), dtype=np.uint64)
    by_hash = {h: scores[w] for w, h in hashes.items()}
    rows = np.array([by_hash[int(k)] for k in keys], dtype=np.float32)
    return WordTable(keys=keys, scores=rows)


def test_known_words_sum_over_sqrt_of_all_words() -> None:
    table = _table({"great": [2.0, 0.0, 0.0], "awful": [0.0, 3.0, 0.0]})
    texts = ["Great", "great awful", "great unknown words here", "", "nothing known"]
    words = word_hashes(*encode_batch(texts))
    logits = table.logits(words, len(texts))
    expected = np.array([[2, 0, 0], [2 / np.sqrt(2), 3 / np.sqrt(2), 0],
                         [2 / 2, 0, 0], [0, 0, 0], [0, 0, 0]])  # fmt: skip
    assert np.allclose(logits, expected, atol=1e-6)


def test_word_design_matches_table() -> None:
    table = _table({"merci": [1.0, 0.0, 0.0], "nul": [0.0, 1.0, 0.0]})
    texts = ["merci beaucoup", "c'est nul, nul"]
    words = word_hashes(*encode_batch(texts))
    rows, cols, values = word_design(words, table.keys, len(texts))
    dense = np.zeros((len(texts), len(table.keys)))
    np.add.at(dense, (rows, cols), values)
    assert np.allclose(dense @ table.scores, table.logits(words, len(texts)), atol=1e-6)


def test_empty_table_adds_nothing() -> None:
    table = WordTable(keys=np.zeros(0, dtype=np.uint64), scores=np.zeros((0, 3), np.float32))
    words = word_hashes(*encode_batch(["anything at all"]))
    assert np.array_equal(table.logits(words, 1), np.zeros((1, 3), np.float32))


def _scorer(words: WordTable | None) -> HashedLinear:
    rng = np.random.default_rng(0)
    return HashedLinear(
        weights=rng.normal(size=(2**10, 3)).astype(np.float32),
        idf2=np.ones(2**10, dtype=np.float32), bias=np.zeros(3, dtype=np.float32),
        bits=10, char_sizes=(2, 3), max_chars=2000, words=words,
    )  # fmt: skip


def test_artifact_round_trip_keeps_the_table(tmp_path: Path) -> None:
    scorer = _scorer(_table({"great": [2.0, 0.0, 0.0]}))
    save_scorer(tmp_path, scorer, 1.5, {})
    again, temperature, _, _ = load_scorer(tmp_path)
    texts = ["great stuff", "bof"]
    assert temperature == 1.5 and again.words is not None
    assert np.allclose(again.logits(texts), scorer.logits(texts), atol=1e-2)
    assert not np.allclose(again.logits(texts), _scorer(None).logits(texts), atol=1e-2)


def test_format_1_artifact_reads_without_table(tmp_path: Path) -> None:
    save_scorer(tmp_path, _scorer(None), 1.0, {})
    description = json.loads((tmp_path / "model.json").read_text())
    description["format"] = "sounding-reaction-hashed-linear/1"
    (tmp_path / "model.json").write_text(json.dumps(description))
    scorer, _, _, _ = load_scorer(tmp_path)
    assert scorer.words is None


def test_shipped_model_has_a_word_table() -> None:
    scorer, _, metadata, _ = load_scorer()
    assert scorer.words is not None and len(scorer.words.keys) > 100_000
    assert np.all(np.diff(scorer.words.keys.astype(np.float64)) >= 0)
    assert metadata.get("word_vectors")


def test_brand_scorer_is_stored_as_a_difference_and_read_back(tmp_path: Path) -> None:
    general = _scorer(_table({"great": [2.0, 0.0, 0.0], "late": [0.0, 1.0, 0.0]}))
    assert general.words is not None
    extra = np.zeros_like(general.weights)
    extra[:50] = 1.5  # the brand copy touches few buckets
    brand = HashedLinear(
        weights=general.weights + extra, idf2=general.idf2, bias=general.bias + 0.5,
        bits=10, char_sizes=(2, 3), max_chars=2000,
        words=WordTable(general.words.keys, general.words.scores + 0.25),
    )  # fmt: skip
    save_scorer(tmp_path, general, 1.5, {"note": "x"}, brand=(brand, 1.2))
    texts = ["great stuff", "late again", "bof"]
    read_general, t_general, _, context_general = load_scorer(tmp_path, "general")
    read_brand, t_brand, metadata, context_brand = load_scorer(tmp_path, "brand")
    assert (context_general, t_general) == ("general", 1.5)
    assert (context_brand, t_brand, metadata) == ("brand", 1.2, {"note": "x"})
    assert np.allclose(read_general.logits(texts), general.logits(texts), atol=2e-2)
    assert np.allclose(read_brand.logits(texts), brand.logits(texts), atol=2e-2)
    assert not np.allclose(read_brand.logits(texts), read_general.logits(texts), atol=0.1)


def test_model_without_brand_copy_reads_brand_texts_the_general_way(tmp_path: Path) -> None:
    save_scorer(tmp_path, _scorer(None), 1.0, {})
    scorer, _, _, context = load_scorer(tmp_path, "brand")
    assert context == "general"
    assert np.allclose(scorer.weights, _scorer(None).weights, atol=1e-2)


def test_unknown_context_is_a_clear_error(tmp_path: Path) -> None:
    import pytest

    from sounding.errors import ConfigError

    save_scorer(tmp_path, _scorer(None), 1.0, {})
    with pytest.raises(ConfigError, match="unknown reading context 'tweets'"):
        load_scorer(tmp_path, "tweets")
    with pytest.raises(ValueError, match="share the general one"):
        save_scorer(tmp_path, _scorer(None), 1.0, {},
                    brand=(_scorer(_table({"great": [1.0, 0.0, 0.0]})), 1.0))
