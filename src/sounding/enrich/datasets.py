"""Read the labelled research corpora (TweetEval, UMSAB) from a data folder, mapped to reactions."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sounding.errors import ConfigError

__all__ = [
    "BRAND_REPLIES",
    "REACTIONS",
    "UMSAB_LANGUAGES",
    "Split",
    "find_data_dir",
    "read_binary",
    "read_reaction_tsv",
    "read_sentiment",
]

# Class order used everywhere in sounding's reaction model.
REACTIONS: tuple[str, str, str] = ("interest", "animosity", "neutral")
INTEREST, ANIMOSITY, NEUTRAL = 0, 1, 2

# TweetEval and UMSAB label ids: 0 negative, 1 neutral, 2 positive.
_SENTIMENT_TO_REACTION = {0: ANIMOSITY, 1: NEUTRAL, 2: INTEREST}

# The project's own held-out brand replies (language code -> file), shipped with the package
# so that every install can check the model on the kind of text it is used for.
BRAND_REPLIES: dict[str, Path] = {
    lang: Path(__file__).parent / "brand_replies" / f"eval_{lang}.tsv" for lang in ("en", "fr")
}

UMSAB_LANGUAGES: dict[str, str] = {
    "arabic": "ar",
    "english": "en",
    "french": "fr",
    "german": "de",
    "hindi": "hi",
    "italian": "it",
    "portuguese": "pt",
    "spanish": "es",
}


@dataclass(frozen=True)
class Split:
    """Texts and integer labels of one split of one corpus."""

    texts: list[str]
    labels: list[int]


def find_data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The corpora folder: the argument, else ``$SOUNDING_DATA``, else ``../shared/data``."""
    tried: list[str] = []
    if path is not None and str(path) != "":  # a folder named is the one meant
        folder = Path(path).expanduser()
        if (folder / "tweeteval").is_dir() or (folder / "umsab").is_dir():
            return folder
        raise ConfigError(f"{folder}: no tweeteval/ or umsab/ folder in it",
                          hint="the folder that holds the labelled corpora (tweeteval/, "
                               "umsab/)")
    for candidate in (os.environ.get("SOUNDING_DATA"), "../shared/data"):
        if candidate is None or candidate == "":
            continue
        folder = Path(candidate).expanduser()
        tried.append(str(folder))
        if (folder / "tweeteval").is_dir() or (folder / "umsab").is_dir():
            return folder
    raise ConfigError(
        "no labelled corpora folder found (looked in: " + ", ".join(tried) + ")",
        hint="pass the data folder, or set SOUNDING_DATA to the folder with tweeteval/ and umsab/",
    )


def _read_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: missing from the corpus folder",
                          hint="each split is a pair of files, SPLIT_text.txt and "
                               "SPLIT_labels.txt") from None
    lines = text.split("\n")
    if lines and lines[-1].strip() == "":
        lines = lines[:-1]
    return [line.strip() for line in lines]


def _read_split(folder: Path, split: str) -> tuple[list[str], list[int]]:
    texts = _read_lines(folder / f"{split}_text.txt")
    labels = [int(x) for x in _read_lines(folder / f"{split}_labels.txt")]
    if len(texts) != len(labels):
        raise ConfigError(f"{folder}/{split}: {len(texts)} texts but {len(labels)} labels")
    return texts, labels


def read_sentiment(data_dir: Path, corpus: str, split: str) -> Split:
    """A 3-class sentiment split (``tweeteval/sentiment`` or ``umsab/<language>``) as reactions."""
    texts, labels = _read_split(data_dir / corpus, split)
    return Split(texts, [_SENTIMENT_TO_REACTION[y] for y in labels])


def read_binary(data_dir: Path, corpus: str, split: str) -> Split:
    """A binary split (``tweeteval/offensive`` or ``tweeteval/hate``): 1 = offensive or hateful."""
    texts, labels = _read_split(data_dir / corpus, split)
    return Split(texts, labels)


def read_reaction_tsv(path: Path) -> Split:
    """A file of ``label<TAB>text`` lines, the label one of ``interest``, ``animosity``,
    ``neutral`` (the format of the project's own brand-reply sets); blank lines are skipped."""
    texts: list[str] = []
    labels: list[int] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it as UTF-8 text ({exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        label, tab, text = line.partition("\t")
        if not tab or label not in REACTIONS or not text.strip():
            raise ConfigError(
                f"{path}:{number}: expected 'label<TAB>text' with label one of "
                f"{', '.join(REACTIONS)}, got {line[:60]!r}")
        texts.append(text.strip())
        labels.append(REACTIONS.index(label))
    return Split(texts, labels)
