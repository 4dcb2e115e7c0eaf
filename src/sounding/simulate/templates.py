"""Slot-filled French and English texts for simulated replies, quotes, mentions and posts."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import numpy as np

from sounding.simulate import texts_en, texts_fr

__all__ = ["LANGS", "post_texts", "reaction_texts"]

LANGS: dict[str, ModuleType] = {"fr": texts_fr, "en": texts_en}

EMOJIS = {
    "interest": ("😍", "🥐", "🤤", "👏", "❤️", "✨", "🙌", "😋"),
    "animosity": ("🙄", "😡", "👎", "🤡", "😤", "💸", "🤦"),
    "neutral": ("🙂", "👀", "📍", "🤔", "", ""),
    "brand": ("🥐", "🍞", "✨", "😄", "🌾", "🧈"),
}
URLS = (
    "https://briochebramble.example/news",
    "https://local-news.example/bakery-opening",
    "https://briochebramble.example/shop",
    "https://maps.example/briochebramble",
)
SITE = "https://briochebramble.example/"
_DRAWS = 8  # uniform draws per text: template, product, thing, place, emoji, tag, url, style


def _pick(options: Sequence[str], u: float) -> str:
    return options[min(int(u * len(options)), len(options) - 1)]


def _fill(template: str, texts: ModuleType, topic: str, mood: str, u: np.ndarray) -> str:
    return template.format(
        product=_pick(texts.PRODUCTS, u[1]),
        thing=_pick(texts.THINGS[topic], u[2]),
        place=_pick(texts.PLACES, u[3]),
        emoji=_pick(EMOJIS[mood], u[4]),
        tag=_pick(texts.TAGS.get(mood, texts.TAGS["interest"]), u[5]),
        url=_pick(URLS, u[6]),
    ).strip()


def _mention(text: str, handle: str, u: float) -> str:
    """Put the brand's handle where people put it: in front, at the end or mid-sentence."""
    if u < 0.5:
        return f"@{handle} {text}"
    if u < 0.8:
        return f"{text} @{handle}"
    return f"{text} (cc @{handle})"


def reaction_texts(
    rng: np.random.Generator,
    langs: Sequence[str],
    reactions: Sequence[str],
    topics: Sequence[str],
    mentions: Sequence[str | None],
) -> list[str]:
    """One text per reply, quote or mention; a non-None mention is the handle to tag."""
    draws = rng.random((len(langs), _DRAWS))
    out: list[str] = []
    for lang, reaction, topic, handle, u in zip(
        langs, reactions, topics, mentions, draws, strict=True
    ):
        texts = LANGS[lang]
        text = _fill(_pick(texts.REPLIES[reaction], u[0]), texts, topic, reaction, u)
        if handle is not None:
            text = _mention(text, handle, u[7])
        elif u[7] < 0.1:
            text = text.lower()  # some people never use capitals
        out.append(text)
    return out


def post_texts(
    rng: np.random.Generator,
    langs: Sequence[str],
    topics: Sequence[str],
    tones: Sequence[str],
    formats: Sequence[str],
    brand: str,
) -> list[str]:
    """One text per brand post, in the post's language, with a link for link posts."""
    draws = rng.random((len(langs), _DRAWS))
    out: list[str] = []
    for lang, topic, tone, fmt, u in zip(langs, topics, tones, formats, draws, strict=True):
        texts = LANGS[lang]
        body = _pick(texts.POSTS[topic][tone], u[0]).format(
            product=_pick(texts.PRODUCTS, u[1]),
            emoji=_pick(EMOJIS["brand"], u[4]),
            url=f"{SITE}{topic}",
        )
        tag = "#" + "".join(w for w in brand.split() if w.isalnum()) if u[5] < 0.6 else (
            "#boulangerie" if lang == "fr" else "#bakery")
        if fmt == "link" and SITE not in body:
            body = f"{body} {SITE}{lang}/{topic}"
        out.append(f"{body} {tag}")
    return out
