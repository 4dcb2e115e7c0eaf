"""The evaluation function on a tiny corpus folder laid out like the real one."""

from __future__ import annotations

from pathlib import Path

import pytest

from sounding.enrich import ReactionModel
from sounding.enrich.datasets import BRAND_REPLIES, find_data_dir, read_reaction_tsv
from sounding.enrich.evaluate import evaluate, macro_f1, macro_recall
from sounding.errors import ConfigError

POSITIVE = ["I love it, thank you!", "Amazing, best day ever", "so happy with this, great"]
NEGATIVE = ["I hate this, awful", "worst service ever, scammers", "terrible, disgusting"]
NEUTRAL = ["The store opens at 9 on Monday", "Match starts at 8pm", "New episode on Friday"]


def _write(folder: Path, texts: list[str], labels: list[int]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "test_text.txt").write_text("\n".join(texts), encoding="utf-8")
    (folder / "test_labels.txt").write_text("\n".join(map(str, labels)), encoding="utf-8")


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    sentiment = NEGATIVE + NEUTRAL + POSITIVE
    labels = [0] * 3 + [1] * 3 + [2] * 3
    _write(tmp_path / "tweeteval/sentiment", sentiment, labels)
    _write(tmp_path / "umsab/english", sentiment, labels)
    _write(tmp_path / "umsab/french", ["J'adore, merci !", "Nul, honteux", "Le train part à 8h"],
           [2, 0, 1])  # fmt: skip
    for corpus in ("offensive", "hate"):
        _write(tmp_path / "tweeteval" / corpus, NEGATIVE + POSITIVE, [1] * 3 + [0] * 3)
    return tmp_path


def test_metrics() -> None:
    assert macro_recall([0, 0, 1, 1], [0, 1, 1, 1]) == pytest.approx(0.75)
    assert macro_f1([0, 0, 1, 1], [0, 0, 1, 1]) == 1.0
    assert macro_f1([0, 1], [1, 0]) == 0.0


def test_evaluate_layout(data: Path) -> None:
    result = evaluate(ReactionModel.load(), data, languages=["english", "french"])
    assert set(result) == {
        "tweeteval/sentiment", "tweeteval/offensive", "tweeteval/hate",
        "umsab/english", "umsab/french", "brand/en", "brand/fr",
    }  # fmt: skip
    sentiment = result["tweeteval/sentiment"]
    assert sentiment["metric"] == "macro_recall"
    assert sentiment["published"]["RoBERTa-base"] == 71.3
    assert sentiment["sounding"] >= 66.0  # clear-cut tweets
    assert 0.0 <= sentiment["vader"] <= 100.0
    assert "vader_fr" in result["umsab/french"]
    assert result["tweeteval/offensive"]["sounding"] >= 66.0
    brand = result["brand/fr"]  # the shipped held-out replies, scored by both
    assert brand["metric"] == "macro_f1" and brand["published"] == {}
    assert brand["sounding"] > brand["vader_fr"]


def test_data_dir_from_environment(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOUNDING_DATA", str(data))
    assert find_data_dir() == data


def test_missing_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOUNDING_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="no labelled corpora"):
        find_data_dir()
    with pytest.raises(ConfigError, match="nowhere: no tweeteval/ or umsab/ folder in it"):
        find_data_dir(tmp_path / "nowhere")


def test_a_data_folder_named_is_never_swapped_for_another(
        data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--data /tmp ran on $SOUNDING_DATA's corpora instead, saying nothing."""
    monkeypatch.setenv("SOUNDING_DATA", str(data))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(ConfigError, match="no tweeteval/ or umsab/ folder in it"):
        find_data_dir(elsewhere)
    (elsewhere / "tweeteval").mkdir()  # a corpus folder without its splits
    from sounding.enrich.datasets import read_sentiment

    with pytest.raises(ConfigError, match=r"test_text\.txt: missing from the corpus folder"):
        read_sentiment(find_data_dir(elsewhere), "tweeteval/sentiment", "test")


def test_shipped_brand_replies_are_balanced_and_apart_from_training() -> None:
    """The held-out sets ship with the package, one per language, 80 texts per class, and
    none of their texts is among the training replies."""
    training = Path(__file__).parents[2] / "training" / "brand_replies"
    trained = {t for path in training.glob("train_*.tsv") for t in read_reaction_tsv(path).texts}
    assert trained
    for path in BRAND_REPLIES.values():
        held_out = read_reaction_tsv(path)
        assert [held_out.labels.count(c) for c in range(3)] == [80, 80, 80]
        assert not trained & set(held_out.texts)


def test_reaction_tsv_errors_name_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "replies.tsv"
    path.write_text("interest\tlove it\n\nhappy\tso good\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"replies.tsv:3: expected 'label<TAB>text'"):
        read_reaction_tsv(path)
    path.write_text("neutral no tab here\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"replies.tsv:1: "):
        read_reaction_tsv(path)
    path.write_bytes(b"interest\t\xff\xfe\n")
    with pytest.raises(ConfigError, match="UTF-8"):
        read_reaction_tsv(path)
    path.write_text("animosity\tnever again\ninterest\twhen do you open?\n", encoding="utf-8")
    assert read_reaction_tsv(path).labels == [1, 0]


def test_research_corpora_read_in_general_brand_replies_in_brand_context(data: Path) -> None:
    result = evaluate(None, data, languages=["french"], with_vader=False)
    contexts = {name: entry["context"] for name, entry in result.items()}
    assert contexts == {"tweeteval/sentiment": "general", "tweeteval/offensive": "general",
                        "tweeteval/hate": "general", "umsab/french": "general",
                        "brand/en": "brand", "brand/fr": "brand"}  # fmt: skip
    general = ReactionModel.load(context="general")
    alone = evaluate(general, data, languages=["french"], with_vader=False)
    assert {entry["context"] for entry in alone.values()} == {"general"}
    # The brand context reads the held-out replies to brands better than the general one.
    assert result["brand/en"]["sounding"] > alone["brand/en"]["sounding"]
