"""The topic engine: tokenizer, planted topics recovered, trends, the simulator's replies."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import normalized_mutual_info_score  # type: ignore[import-untyped]

from sounding.analyse.topics import find_topics, tokenize, topic_trends
from sounding.simulate import Launch

TOPICS = {
    "delivery": "delivery parcel courier late shipping order tracking box",
    "price": "price expensive euros cost discount cheap pricey budget",
    "taste": "butter flaky crust sweet taste crumb fresh delicious",
    "climat": "planète plastique emballages compost déchets recyclage farine locale",
}
FILLER = ["honestly", "today", "again", "everyone", "friends", "morning", "week", "shop",
          "team", "post"]


def _planted(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    names = list(TOPICS)
    texts, truth = [], []
    for _ in range(n):
        name = names[rng.integers(len(names))]
        words = list(rng.choice(TOPICS[name].split(), 4)) + list(rng.choice(FILLER, 4))
        rng.shuffle(words)
        texts.append(" ".join(words) + " https://x.example/a?b=1 @someone 😍 #" + name)
        truth.append(name)
    return texts, truth


def test_tokenize_drops_urls_handles_emoji_and_stop_words() -> None:
    text = "L'équipe de nuit 🥐 est top! https://b.example/x @ami@toot.example #Boulangerie 42"
    assert tokenize(text) == ["équipe", "nuit", "top", "#boulangerie"]
    assert tokenize("The best croissant I've had, honestly") == ["best", "croissant"]
    assert tokenize("🙄🙄 https://only.example") == []


def test_planted_topics_are_recovered_and_labelled() -> None:
    texts, truth = _planted(2000)
    result = find_topics(texts, 4, seed=1)
    assert normalized_mutual_info_score(truth, result.assignments) > 0.9
    labels = " ".join(t.label for t in result.topics)
    assert "#delivery" in labels or "delivery" in labels or "parcel" in labels
    assert all("http" not in term and "someone" not in term
               for t in result.topics for term, _ in t.terms)
    assert sum(t.size for t in result.topics) == len(texts)
    for topic in result.topics:
        assert all(result.assignments[i] == topic.topic_id for i in topic.examples)


def test_empty_and_tiny_inputs() -> None:
    assert find_topics([], 4).topics == ()
    result = find_topics(["🙄", "https://x.example"], 4)
    assert result.topics == () and list(result.assignments) == [-1, -1]


FILLED = [
    "Faites vraiment attention, le croissant au beurre est absolument parfait",
    "Je veux absolument goûter le croissant au beurre, faites-en plus",
    "Vraiment, faites encore le croissant au beurre demi-sel",
    "Est-ce que le croissant au beurre est dispo ? Faites vite, vraiment",
    "I really see why the sourdough loaf sells out, just perfect",
    "Just see the sourdough loaf, really good crust",
    "You should really see that sourdough loaf, just saying",
    "Really, just go and see the sourdough loaf already",
]
SHOWN_FILLERS = {"see", "just", "really", "already", "go", "faites", "vraiment", "absolument",
                 "veux", "est-ce", "encore", "faites-en"}


def _words(label: str) -> list[str]:
    return [w.removeprefix("#") for part in label.split(" · ") for w in part.split()]


def test_fillers_never_start_or_end_a_phrase_or_label() -> None:
    assert tokenize("Faites vraiment attention au croissant") == ["attention", "croissant"]
    assert tokenize("Honestly I just really see the loaf already") == ["loaf"]
    assert tokenize("Dis-moi, est-ce un rendez-vous ? Faites-en un") == ["rendez-vous"]
    result = find_topics(FILLED, 2, seed=0)
    shown = [p for p, _ in result.key_phrases] + [term for t in result.topics
                                                   for term, _ in t.terms]
    shown += [part for t in result.topics for part in t.label.split(" · ")]
    assert {"croissant beurre", "sourdough loaf"} <= {p for p, _ in result.key_phrases}
    for phrase in shown:
        words = phrase.split()
        assert words[0] not in SHOWN_FILLERS and words[-1] not in SHOWN_FILLERS, phrase


def test_a_label_says_each_word_once() -> None:
    texts = ["croissant croissant beurre", "croissant croissant beurre salé",
             "le croissant croissant au beurre", "pain complet", "pain, pain complet",
             "du pain complet et du pain", "pain pain complet bio", "Bread bread, brown bread",
             "brown bread #bread", "#bread brown bread again"]
    result = find_topics(texts, 3, seed=0)
    assert result.topics
    for topic in result.topics:
        words = _words(topic.label)
        assert len(words) == len(set(words)), topic.label
    assert "pain complet" in {part for t in result.topics for part in t.label.split(" · ")}
    assert all(len(set(p.split())) == len(p.split()) for p, _ in result.key_phrases)


def test_trends_need_evidence() -> None:
    rising, steady, falling = topic_trends([60, 22, 5], [20, 20, 40], 200, 200)
    assert rising.direction == "rising" and rising.p_rising > 0.99
    assert steady.direction == "steady"
    assert falling.direction == "falling" and falling.ratio_high < 1
    small = topic_trends([3], [1], 10, 10)[0]
    assert small.direction == "steady"  # 3 against 1 is no evidence


def test_trend_word_follows_its_probability() -> None:
    """A sure but modest move is named: P↑ 0.0001 at ×0.85 is falling, not steady."""
    down, up = topic_trends([850, 1150], [1000, 1000], 10_000, 10_000)
    assert down.p_rising < 0.05 and down.ratio > 0.8 and down.direction == "falling"
    assert up.p_rising > 0.95 and up.ratio < 1.25 and up.direction == "rising"
    rng = np.random.default_rng(3)
    now, before = rng.integers(0, 60, 40), rng.integers(0, 60, 40)
    for trend in topic_trends(now.tolist(), before.tolist(), 300, 300, draws=4000):
        word = ("rising" if trend.p_rising >= 0.95 else
                "falling" if trend.p_rising <= 0.05 else "steady")
        assert trend.direction == word, trend


def test_simulated_replies_against_the_post_topic(launch: Launch) -> None:
    """The figure docs/said.md reports: NMI with the topic of the post each reply answers."""
    topic = {r["item_id"]: r["level"] for r in launch.batch.variants.to_pylist()
             if r["factor"] == "topic"}
    replies = [r for r in launch.batch.items.to_pylist() if r["kind"] in ("reply", "quote")
               and (r["root_id"] or r["parent_id"]) in topic]
    result = find_topics([r["text"] for r in replies], 8, seed=0)
    truth = [topic[r["root_id"] or r["parent_id"]] for r in replies]
    nmi = normalized_mutual_info_score(truth, result.assignments)
    assert 0 <= nmi < 0.2  # replies carry the post's topic only in a short slot: see docs
    assert len(result.topics) == 8 and result.key_phrases


def test_focus_picks_the_texts_that_phrases_sizes_and_examples_describe() -> None:
    before = ["worst cheese ever total rip-off"] * 3 + ["delivery late parcel lost"] * 3
    now = ["worst cheese ever total rip-off"] * 2 + ["sunday opening hours please"] * 2
    focus = np.array([False] * len(before) + [True] * len(now))
    result = find_topics(before + now, 3, seed=0, focus=focus)
    phrases = dict(result.key_phrases)
    assert phrases["worst cheese"] == 2  # not 5: the period before is left out
    assert "delivery late" not in phrases
    assert sum(t.size for t in result.topics) == 4
    cheese = next(t for t in result.topics if "cheese" in t.label)
    # the period's copy of a text said before is its example, not dropped as a duplicate
    assert cheese.size == 2 and len(cheese.examples) == 1 and focus[cheese.examples[0]]
    assert all(focus[i] for t in result.topics for i in t.examples)
    delivery = next(t for t in result.topics if "delivery" in t.label)
    assert delivery.size == 0 and delivery.examples == ()


def test_no_trend_against_a_period_without_texts() -> None:
    """The first week of a workspace has nothing before it: the flat prior alone made the
    largest topic "rising" and the smallest "falling"."""
    trends = topic_trends([190, 6, 4], [0, 0, 0], 200, 0)
    assert {t.direction for t in trends} == {"unmeasured"}
    assert all(t.ratio is None and t.p_rising is None for t in trends)
    assert [t.share_now for t in trends] == [0.95, 0.03, 0.02]
    assert {t.direction for t in topic_trends([0, 0], [30, 10], 0, 40)} == {"unmeasured"}


def test_a_flood_of_one_text_is_one_topic_not_a_crash() -> None:
    """50 copies of one mention pruned every term ("After pruning, no terms remain"), and
    texts of a single word failed the LSA ("1 feature(s)"): topics and the page crashed."""
    flood = find_topics(["Croissant délicieux"] * 60)
    assert [(t.label, t.size) for t in flood.topics] == [("croissant délicieux", 60)]
    one_word = find_topics(["Croissant!", "croissant 🥐 https://x.co", "😀"])
    assert [(t.label, t.size) for t in one_word.topics] == [("croissant", 2)]
    alike = find_topics(["pain chaud", "tarte citron", "café noir"] * 20, n_topics=8)
    assert sorted(t.size for t in alike.topics) == [20, 20, 20]  # no empty topic


def test_contractions_and_unaccented_french_are_stop_words() -> None:
    assert tokenize("ca c'est tres bon deja") == []
    assert tokenize("I'm gonna say it's awesome, isn't it? doesnt matter") == [
        "awesome", "matter"]
    assert tokenize("didnt wasnt wont") == []
