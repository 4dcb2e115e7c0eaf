"""Optional reaction model: a local Hugging Face sequence-classification folder (``--model``).

Needs the ``transformers`` and ``torch`` packages, imported only when such a model is
loaded. The model's labels are mapped to reactions by name (negative/offensive/hate →
animosity, positive → interest, neutral/not-* → neutral); it returns the same
:class:`~sounding.enrich.reaction.ReactionBatch` as the default model.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from sounding.enrich.datasets import REACTIONS
from sounding.enrich.language import DEFAULT_LANGUAGES, LanguageDetector
from sounding.enrich.reaction import ReactionBatch
from sounding.enrich.text import FORCED_NEUTRAL, MAX_CHARS, clean_texts
from sounding.errors import ConfigError

__all__ = ["INSTALL_LINE", "HuggingFaceReactionModel", "reaction_of_label"]

INSTALL_LINE = "pip install 'transformers>=4.40' 'torch>=2.2'"
_ANIMOSITY_WORDS = ("neg", "offensive", "hate", "anger", "toxic", "against")
_INTEREST_WORDS = ("pos", "joy", "optimism", "favor", "love")


def reaction_of_label(label: str) -> str:
    """Map a model's label name (``LABEL_0``, ``negative``, ``Pos``…) to a reaction."""
    name = label.lower()
    if name.startswith(("not", "non")) or "neutral" in name or name == "none":
        return "neutral"
    if any(word in name for word in _ANIMOSITY_WORDS):
        return "animosity"
    if any(word in name for word in _INTEREST_WORDS):
        return "interest"
    return "neutral"


def _import_backend() -> tuple[Any, Any]:
    try:
        import torch  # type: ignore[import-not-found,unused-ignore]
        import transformers  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:
        raise ConfigError(
            f"a Hugging Face model needs transformers and torch ({exc.name} is missing)",
            hint=f"install them with: {INSTALL_LINE}",
        ) from exc
    return torch, transformers


class HuggingFaceReactionModel:
    """A local sequence-classification model, run on CPU in batches, offline."""

    def __init__(
        self, path: str, *, batch_size: int = 32, languages: Sequence[str] = DEFAULT_LANGUAGES
    ) -> None:
        if not os.path.isdir(path):
            raise ConfigError(f"no model folder at {path}", hint="pass a local model folder")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self.torch_, transformers = _import_backend()
        self.tokenizer_ = transformers.AutoTokenizer.from_pretrained(path)
        self.model_ = transformers.AutoModelForSequenceClassification.from_pretrained(path)
        self.model_.eval()
        labels = self.model_.config.id2label
        self.mapping_ = [REACTIONS.index(reaction_of_label(labels[i])) for i in range(len(labels))]
        self.batch_size = batch_size
        positions = getattr(self.model_.config, "max_position_embeddings", None) or 512
        self.max_length_ = min(256, int(positions), int(self.tokenizer_.model_max_length))
        self._detector = LanguageDetector(languages)

    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Probabilities summed into the three reactions, columns in ``REACTIONS`` order."""
        out = np.zeros((len(texts), len(REACTIONS)), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            chunk = list(texts[start : start + self.batch_size])
            encoded = self.tokenizer_(
                chunk, padding=True, truncation=True, max_length=self.max_length_,
                return_tensors="pt"
            )
            with self.torch_.no_grad():
                p = self.torch_.softmax(self.model_(**encoded).logits, dim=-1).numpy()
            for j, reaction in enumerate(self.mapping_):
                out[start : start + len(chunk), reaction] += p[:, j]
        return out

    def predict_batch(
        self, texts: Sequence[object], *, detect_language: bool = True
    ) -> ReactionBatch:
        """Same contract as :meth:`ReactionModel.predict_batch`."""
        cleaned = clean_texts(texts, MAX_CHARS)
        p = self.predict_proba([t if t.strip() else "." for t in cleaned.texts])
        forced = np.array([bool(FORCED_NEUTRAL & set(f)) for f in cleaned.flags], dtype=bool)
        p[forced] = np.eye(len(REACTIONS), dtype=np.float32)[REACTIONS.index("neutral")]
        langs = self._detector.detect(cleaned.texts) if detect_language else ["und"] * len(p)
        return ReactionBatch(langs, p, (p.max(axis=1) < 0.55) | forced, cleaned.flags)
