"""The Hugging Face door, run for real on a tiny random BERT written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sounding.enrich import REACTIONS
from sounding.enrich.hf import INSTALL_LINE, HuggingFaceReactionModel

torch = pytest.importorskip("torch", reason=f"needs torch: {INSTALL_LINE}")
transformers = pytest.importorskip("transformers", reason=f"needs transformers: {INSTALL_LINE}")

WORDS = ["i", "love", "this", "bread", "worst", "service", "ever", "open", "on", "sunday",
         "merci", "nul", "##s", "##ing", "!", "?", ",", "."]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1-layer, 16-wide BERT with a 23-token WordPiece vocabulary and 4 labels.

    512 positions, as real BERTs have: hf.py truncates at 256 tokens whatever the model.
    """
    folder = tmp_path_factory.mktemp("tiny-bert")
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n",
                     encoding="utf-8")
    torch.manual_seed(0)
    labels = {0: "negative", 1: "neutral", 2: "positive", 3: "offensive"}
    config = transformers.BertConfig(
        vocab_size=5 + len(WORDS), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=512, num_labels=len(labels),
        id2label=labels, label2id={v: k for k, v in labels.items()})
    transformers.BertForSequenceClassification(config).save_pretrained(folder)
    transformers.BertTokenizerFast(vocab_file=str(vocab)).save_pretrained(folder)
    return folder


def test_tiny_bert_predicts_a_reaction_batch(tiny_model: Path) -> None:
    texts: list[object] = ["I love this bread!", "Worst service ever", "open on sunday?",
                           "", None, b"merci", "unknown words only " * 80, "https://x.example"]
    model = HuggingFaceReactionModel(str(tiny_model), batch_size=3)
    assert model.mapping_ == [1, 2, 0, 1]  # negative, neutral, positive, offensive
    batch = model.predict_batch(texts, detect_language=False)
    assert len(batch) == len(texts) and batch.probabilities.shape == (len(texts), 3)
    assert batch.probabilities.dtype == np.float32
    assert np.allclose(batch.probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert (batch.probabilities >= 0).all()
    assert set(batch.labels) <= set(REACTIONS)
    forced = [i for i, f in enumerate(batch.flags) if {"empty", "only_urls"} & set(f)]
    assert forced == [3, 4, 7]
    assert all(batch.labels[i] == "neutral" and batch.uncertain[i] for i in forced)
    again = model.predict_batch(texts, detect_language=False)
    assert np.array_equal(again.probabilities, batch.probabilities)  # eval mode, no dropout
    assert [r.reaction for r in batch] == batch.labels
