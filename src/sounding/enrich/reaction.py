"""The default reaction model: interest, animosity or neutral, with calibrated probabilities.

::

    model = ReactionModel.load()                 # the artifact shipped in the package
    [r] = model.predict(["I love this, where can I buy it?"])
    r.reaction, r.p_interest, r.lang, r.flags    # 'interest', 0.9…, 'en', ()

``predict_batch`` is the vectorised path (numpy arrays, ``to_arrow()``) for millions of
texts; ``predict`` wraps it into one :class:`Reaction` per text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from sounding.enrich.artifact import DEFAULT_MODEL_DIR, load_scorer, save_scorer
from sounding.enrich.calibration import softmax
from sounding.enrich.datasets import REACTIONS
from sounding.enrich.langhead import LanguageHead, load_head, save_head
from sounding.enrich.language import DEFAULT_LANGUAGES, UNDETERMINED, LanguageDetector
from sounding.enrich.linear import HashedLinear
from sounding.enrich.text import FORCED_NEUTRAL, MAX_CHARS, clean_texts

__all__ = ["Reaction", "ReactionBatch", "ReactionModel"]

F32 = npt.NDArray[np.float32]
_NEUTRAL = REACTIONS.index("neutral")
_NO_LANGUAGE = frozenset({"empty", "only_urls", "only_mentions", "only_emoji", "not_text"})


@dataclass(frozen=True)
class Reaction:
    """The reaction read in one text."""

    lang: str
    reaction: str
    p_interest: float
    p_animosity: float
    p_neutral: float
    uncertain: bool
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReactionBatch:
    """Vectorised results: column arrays in input order (probability columns: ``REACTIONS``)."""

    lang: list[str]
    probabilities: F32
    uncertain: npt.NDArray[np.bool_]
    flags: list[tuple[str, ...]]
    classes: tuple[str, ...] = field(default=REACTIONS)

    @property
    def labels(self) -> list[str]:
        """The most probable reaction of each text."""
        return [self.classes[i] for i in self.probabilities.argmax(axis=1)]

    def __len__(self) -> int:
        return len(self.lang)

    def __iter__(self) -> Iterator[Reaction]:
        p = self.probabilities.astype(np.float64)
        for i, label in enumerate(self.labels):
            yield Reaction(
                lang=self.lang[i],
                reaction=label,
                p_interest=float(p[i, 0]),
                p_animosity=float(p[i, 1]),
                p_neutral=float(p[i, 2]),
                uncertain=bool(self.uncertain[i]),
                flags=self.flags[i],
            )

    def to_arrow(self) -> Any:
        """A ``pyarrow.Table`` with one row per text (pyarrow imported here only)."""
        import pyarrow as pa

        return pa.table(
            {
                "lang": pa.array(self.lang, pa.string()),
                "reaction": pa.array(self.labels, pa.string()),
                "p_interest": pa.array(self.probabilities[:, 0]),
                "p_animosity": pa.array(self.probabilities[:, 1]),
                "p_neutral": pa.array(self.probabilities[:, 2]),
                "uncertain": pa.array(self.uncertain),
                "flags": pa.array([list(f) for f in self.flags], pa.list_(pa.string())),
            }
        )


class ReactionModel:
    """Hashed word and character n-grams, a linear layer and a fitted softmax temperature.

    Fitted attributes (scikit-learn style) end in ``_``: ``scorer_`` holds the weights,
    ``temperature_`` the calibration, ``metadata_`` what the training run recorded,
    ``context_`` how the weights read texts (``brand`` or ``general``, see :meth:`load`),
    ``head_`` the language head that names most texts' language from the same hashed
    features (None: lingua reads every text, as it also does when ``languages`` is not
    a subset of the head's).
    """

    def __init__(
        self,
        *,
        languages: Sequence[str] = DEFAULT_LANGUAGES,
        uncertain_below: float = 0.55,
        max_chars: int = MAX_CHARS,
        batch_size: int = 4096,
    ) -> None:
        self.languages = tuple(languages)
        self.uncertain_below = uncertain_below
        self.max_chars = max_chars
        self.batch_size = batch_size
        self.scorer_: HashedLinear | None = None
        self.temperature_: float = 1.0
        self.metadata_: dict[str, Any] = {}
        self.context_: str = "general"
        self.head_: LanguageHead | None = None
        self._detector = LanguageDetector(self.languages)

    @classmethod
    def load(cls, path: str | None = None, *, context: str = "brand", **options: Any
             ) -> ReactionModel:
        """The model saved at ``path`` (a folder); by default the one shipped with sounding.

        ``context`` says how texts are read: ``brand`` (the default) for replies and
        mentions addressed to a brand, where a question or a request is interest;
        ``general`` for texts about anything, as the research corpora label them. A model
        trained without a brand context reads both ways the general way (``context_``).
        """
        model = cls(**options)
        model.scorer_, model.temperature_, model.metadata_, model.context_ = load_scorer(
            path, context
        )
        head = load_head(path if path is not None else DEFAULT_MODEL_DIR)
        if head is not None and head.fits(model.scorer_.bits, model.scorer_.char_sizes):
            model.head_ = head
        return model

    def save(self, path: str) -> None:
        """Write the weights and metadata to the folder ``path`` (one context: this one's)."""
        save_scorer(path, self._fitted(), self.temperature_, self.metadata_,
                    context=self.context_)  # fmt: skip
        if self.head_ is not None:
            save_head(path, self.head_)

    def _fitted(self) -> HashedLinear:
        if self.scorer_ is None:
            raise ValueError("this ReactionModel is not fitted: call fit() or load() first")
        return self.scorer_

    def decision_function(self, texts: Sequence[str]) -> F32:
        """Uncalibrated class scores of already clean texts."""
        return self._scores(texts, None)[0]

    def _scores(self, texts: Sequence[str], head: LanguageHead | None) -> tuple[F32, F32 | None]:
        """Reaction scores and, with a head, language scores: each batch is hashed once."""
        scorer = self._fitted()
        parts: list[F32] = []
        languages: list[F32] = []
        for i in range(0, len(texts), self.batch_size):
            batch = texts[i : i + self.batch_size]
            encoded = scorer.encode(batch)
            parts.append(scorer.logits_of(encoded))
            if head is not None:
                languages.append(head.read(batch, encoded, scorer.encode))
        if not parts:
            return np.zeros((0, len(REACTIONS)), dtype=np.float32), None
        return np.concatenate(parts), np.concatenate(languages) if languages else None

    def _usable_head(self) -> LanguageHead | None:
        """The head, where it covers every allowed language (more than one)."""
        allowed = self._detector.languages
        head = self.head_
        if head is None or len(allowed) < 2 or not set(allowed) <= set(head.classes):
            return None
        return head

    def predict_proba(self, texts: Sequence[str]) -> F32:
        """Calibrated probabilities of already clean texts, columns in ``REACTIONS`` order."""
        return softmax(self.decision_function(texts), self.temperature_)

    def predict_batch(
        self, texts: Sequence[object], *, detect_language: bool = True
    ) -> ReactionBatch:
        """Reactions for a batch of raw texts (str, bytes or None), as column arrays."""
        cleaned = clean_texts(texts, self.max_chars)
        head = self._usable_head() if detect_language else None
        logits, head_logits = self._scores(cleaned.texts, head)
        probabilities = softmax(logits, self.temperature_)
        forced = np.array([bool(FORCED_NEUTRAL.intersection(f)) for f in cleaned.flags], dtype=bool)
        if forced.any():
            probabilities[forced] = 0.0
            probabilities[forced, _NEUTRAL] = 1.0
        uncertain = (probabilities.max(axis=1) < self.uncertain_below) | forced
        langs = self._languages(cleaned.texts, cleaned.flags, detect_language, head_logits)
        flags = cleaned.flags
        if detect_language:
            flags = [
                (*f, "language_unclear") if lang == UNDETERMINED and not _NO_LANGUAGE & set(f)
                else f
                for f, lang in zip(cleaned.flags, langs, strict=True)
            ]
        return ReactionBatch(langs, probabilities, uncertain, flags)

    def _languages(
        self, texts: list[str], flags: list[tuple[str, ...]], detect: bool,
        head_logits: F32 | None,
    ) -> list[str]:
        if not detect:
            return [UNDETERMINED] * len(texts)
        readable = [i for i, f in enumerate(flags) if not _NO_LANGUAGE & set(f)]
        guesses = None
        if head_logits is not None and self.head_ is not None:
            guesses = self.head_.guesses(head_logits[readable], self._detector.languages)
        found = self._detector.detect([texts[i] for i in readable], guesses)
        langs = [UNDETERMINED] * len(texts)
        for i, lang in zip(readable, found, strict=True):
            langs[i] = lang
        return langs

    def predict(self, texts: Sequence[object], *, detect_language: bool = True) -> list[Reaction]:
        """One :class:`Reaction` per raw text, in order."""
        return list(self.predict_batch(texts, detect_language=detect_language))
