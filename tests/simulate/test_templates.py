"""The simulator's own French and English templates: enough of them, and all renderable."""

from __future__ import annotations

import numpy as np
import pytest

from sounding.models import REACTIONS
from sounding.simulate.config import TONES, TOPICS
from sounding.simulate.templates import LANGS, post_texts, reaction_texts

SLOTS = {"product": "x", "thing": "x", "place": "x", "emoji": "x", "tag": "x", "url": "x"}


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_each_reaction_class_has_many_distinct_renderable_templates(lang: str) -> None:
    texts = LANGS[lang]
    for reaction in REACTIONS:
        templates = texts.REPLIES[reaction]
        assert len(set(templates)) >= 20, (lang, reaction)
        for template in templates:
            assert template.format(**SLOTS)  # no unknown slot


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_every_topic_and_tone_has_brand_posts(lang: str) -> None:
    posts = LANGS[lang].POSTS
    for topic in TOPICS:
        assert set(LANGS[lang].THINGS) >= {topic}
        for tone in TONES:
            for template in posts[topic][tone]:
                assert template.format(product="x", emoji="x", url="x")


def test_mentions_carry_the_handle_and_replies_do_not() -> None:
    rng = np.random.default_rng(0)
    n = 200
    texts = reaction_texts(rng, ["fr", "en"] * (n // 2), ["interest"] * n, ["recipe"] * n,
                           ["brand.bsky.social", None] * (n // 2))
    assert all("@brand.bsky.social" in t for t in texts[::2])
    assert not any("@brand" in t for t in texts[1::2])
    assert len(set(texts)) > 50


def test_link_posts_carry_a_link() -> None:
    rng = np.random.default_rng(1)
    texts = post_texts(rng, ["fr", "en"] * 10, ["product"] * 20, ["humour"] * 20,
                       ["link"] * 20, "Brioche & Bramble")
    assert all("https://" in t for t in texts)
    assert all("#" in t for t in texts)
