"""Test and learn on a small simulated launch stored in a fresh workspace."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sounding.analyse.variants import LearnSettings, PostOutcomes, analyse_variants
from sounding.errors import InputError, NotFound
from sounding.store import Store
from sounding.workflows.learn import learn, plan


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory,
              store_launch: Callable[[Path, int], Store]) -> Store:
    return store_launch(tmp_path_factory.mktemp("learn") / "w.duckdb", 3)


def test_verdicts_recover_the_planted_best_level(workspace: Store) -> None:
    result = learn(workspace)
    fmt = result.analysis.factor("format")
    assert fmt.verdict.decided and fmt.verdict.leader == "video"
    assert fmt.verdict.text.startswith("format: video beats")
    assert fmt.verdict.low > 0
    interest = {lv.level: lv for lv in fmt.metric("interest").levels}
    assert interest["video"].p_best > 0.95
    assert all(lv.low < lv.mean < lv.high for lv in interest.values())
    topic = {lv.level: lv for lv in result.analysis.factor("topic").metric("animosity").levels}
    assert max(topic, key=lambda k: topic[k].mean) == "sustainability"
    assert result.labelled == result.reactions > 0
    assert len(result.verdicts) == 4
    json.dumps(result.as_dict())


def test_the_slot_factor_is_not_confounded_in_the_simulated_calendar(workspace: Store) -> None:
    design = learn(workspace).design
    assert design.posts_per_level["format"] == {"link": 45, "photo": 45, "text": 45,
                                                "video": 45}
    assert not any("confounded" in w for w in design.warnings)


def test_plan_writes_safe_drafts_to_the_queue(workspace: Store) -> None:
    now = datetime(2026, 12, 10, tzinfo=UTC)
    result = plan(workspace, posts=6, seed=1, now=now)
    assert len(result.drafts) == 12  # 6 per account, two accounts
    assert not any(d["variant"]["topic"] == "sustainability" for d in result.drafts)
    assert all(d["safe"] for d in result.drafts)
    queue = workspace.table("queue").to_pylist()
    assert len(queue) == 12 and {q["status"] for q in queue} == {"draft"}
    hours = {"morning": 8, "midday": 12, "evening": 18, "night": 22}
    for q in queue:
        variant = json.loads(q["variant"])
        assert q["scheduled_at"].hour == hours[variant["slot"]]
        assert q["scheduled_at"] > now and "[to write]" in q["text"]
    again = plan(workspace, posts=2, account=queue[0]["account_id"], seed=2, write=False,
                 now=now)
    first_new = min(datetime.fromisoformat(d["scheduled_at"]) for d in again.drafts)
    assert first_new > max(q["scheduled_at"] for q in queue if
                           q["account_id"] == queue[0]["account_id"])
    assert workspace.counts()["queue"] == 12


def test_plan_refuses_bad_input(workspace: Store) -> None:
    with pytest.raises(InputError):
        plan(workspace, posts=0)
    with pytest.raises(NotFound):
        plan(workspace, posts=1, account="nowhere:nobody")


def test_an_empty_workspace_says_what_is_missing(tmp_path: Path) -> None:
    with Store.open(tmp_path / "e.duckdb") as store, pytest.raises(NotFound):
        learn(store)


def _null_outcomes(rng: np.random.Generator, posts: int) -> PostOutcomes:
    level = np.array(["a", "b", "c"])[np.arange(posts) % 3]
    labelled = rng.poisson(8, posts)
    interest = rng.binomial(labelled, 0.6)
    return PostOutcomes({"f": level}, rng.uniform(100, 1000, posts).round(),
                        rng.poisson(40, posts).astype(float), interest.astype(float),
                        (labelled - interest).astype(float), np.zeros(posts),
                        labelled.astype(float), np.arange(posts, dtype=float))


def test_no_winner_is_claimed_when_levels_are_alike() -> None:
    rng = np.random.default_rng(5)
    claims = sum(
        analyse_variants(_null_outcomes(rng, 60), LearnSettings(draws=1000, seed=i))
        .factor("f").verdict.decided for i in range(20))
    assert claims <= 2


def test_alike_levels_with_ample_data_are_called_even_not_short_of_posts() -> None:
    """With few posts the verdict asks for more; with many, a lead worth acting on (10% of
    the pooled rate) would show, so alike levels are called even instead of 'about 1 more'."""
    rng = np.random.default_rng(5)
    few = analyse_variants(_null_outcomes(rng, 30), LearnSettings(draws=1000)).factor("f")
    many = analyse_variants(_null_outcomes(rng, 3000), LearnSettings(draws=1000)).factor("f")
    assert not few.verdict.decided and few.verdict.more_posts > 1
    assert few.verdict.text.startswith("f: not enough evidence yet on interest: about")
    assert not many.verdict.decided and many.verdict.more_posts == 0
    assert many.verdict.text.startswith("f: no level stands out on interest")


def test_design_issues_are_said_in_english_and_in_french() -> None:
    import numpy as np

    from sounding.analyse.design import check_design, issue_text

    video_at_night = np.array(["video"] * 6 + ["text"] * 6 + ["photo"] * 2)
    slot = np.array(["night"] * 6 + ["morning"] * 6 + ["night"] * 2)
    check = check_design({"format": video_at_night, "slot": slot})
    kinds = {i["kind"] for i in check.issues}
    assert {"few_posts", "confounded"} <= kinds
    assert "format=photo: only 2 posts (fewer than 5)" in check.warnings
    assert check.as_dict()["warnings"] == list(check.warnings)
    confounded = next(i for i in check.issues if i["kind"] == "confounded")
    assert issue_text(confounded, "fr").startswith("format et slot sont confondus (V de Cramér = ")
    assert "," in issue_text(confounded, "fr").split("= ")[1]  # decimal comma
    # time and the account are checked as factors under internal names, said in words
    by_time = {"kind": "confounded", "first": "format", "second": "(period)", "value": 0.82}
    assert issue_text(by_time).startswith("format and the period are confounded")
    assert issue_text(by_time, "fr").startswith("format et la période sont confondus")
    one = {"kind": "few_posts", "first": "format", "level": "gif", "count": 1, "limit": 5}
    assert issue_text(one) == "format=gif: only 1 post (fewer than 5)"
    assert issue_text(one, "fr") == "format=gif : seulement 1 publication (moins de 5)"


def test_a_verdict_reads_the_same_in_both_languages() -> None:
    from sounding.analyse.verdict_texts import OBSERVATIONAL, note_text, verdict_text

    verdict = {"factor": "format", "metric": "interest", "decided": True, "leader": "video",
               "runner_up": "text", "p_best": 0.999, "diff": 28.94, "low": 21.4, "high": 36.3,
               "more_posts": 0}
    assert verdict_text(verdict) == ("format: video beats text on interest: P = 1.00, "
                                     "+28.9 pts [21.4, 36.3]")
    assert verdict_text(verdict, "fr") == ("format : video devance text sur l'intérêt : "
                                           "P = 1,00, +28,9 pts [21,4 ; 36,3]")
    later = {**verdict, "metric": "engagement", "decided": False, "more_posts": 40}
    assert "about 40 more posts" in verdict_text(later)
    assert "environ 40 publications de plus" in verdict_text(later, "fr")
    assert "pour 1 000" in verdict_text(later, "fr")
    assert "sur le taux d'interaction" in verdict_text(later, "fr")
    assert note_text(OBSERVATIONAL, "fr").startswith("observationnel")
    assert note_text(OBSERVATIONAL) == OBSERVATIONAL


def test_more_posts_read_with_separators_and_the_cap_as_a_bound() -> None:
    from sounding.analyse.decide import MORE_POSTS_CAP
    from sounding.analyse.verdict_texts import METRICS, verdict_text
    from sounding.report.evidence_parts import factors
    from sounding.report.i18n_report import Fmt

    verdict = {"factor": "format", "metric": "ignored", "decided": False, "leader": "video",
               "runner_up": "text", "p_best": 0.5, "diff": -0.1, "low": -4.0, "high": 4.0}
    many = {**verdict, "more_posts": 4340}
    capped = {**verdict, "more_posts": MORE_POSTS_CAP}
    assert ": about 4,340 more posts (" in verdict_text(many)
    assert "; environ 4\u202f340 publications de plus (" in verdict_text(many, "fr")
    assert ": more than 10,000 more posts (" in verdict_text(capped)
    assert "; plus de 10\u202f000 publications de plus (" in verdict_text(capped, "fr")
    level = {"level": "video", "posts": 9, "mean": 0.1, "low": 0.0, "high": 0.2, "p_best": 0.5}
    learnt = {"ok": True, "analysis": {"factors": [{
        "factor": "format", "verdict": capped,
        "metrics": {m: {"levels": [level]} for m in METRICS}}]}}
    assert "more than 10,000 more posts needed" in factors(Fmt("en"), learnt)[0]["verdict"]
    assert "plus de 10\u202f000 publications" in factors(Fmt("fr"), learnt)[0]["verdict"]


def test_cancelled_drafts_free_their_slots_for_the_next_plan(
        tmp_path: Path, store_launch: Callable[[Path, int], Store]) -> None:
    from sounding.workflows.queue import cancel_queued

    store = store_launch(tmp_path / "w.duckdb", 3)
    account = store.table("accounts")["account_id"].to_pylist()[0]
    now = datetime(2026, 12, 10, tzinfo=UTC)

    def slots(write: bool) -> list[dict[str, Any]]:
        found = plan(store, posts=3, account=account, seed=1, now=now, write=write).drafts
        return [{k: d[k] for k in ("variant", "scheduled_at")} | {"id": d.get("queue_id")}
                for d in found]
    first = slots(write=True)
    after = slots(write=False)
    assert min(d["scheduled_at"] for d in after) > max(d["scheduled_at"] for d in first)
    cancel_queued(store, [d["id"] for d in first])
    again = slots(write=False)
    assert [(d["variant"], d["scheduled_at"]) for d in again] == \
        [(d["variant"], d["scheduled_at"]) for d in first]
    store.close()


def test_a_period_without_tagged_posts_is_not_said_to_be_a_brand_without_variants(
        tmp_path: Path) -> None:
    """Tagged posts in January, one untagged post in February: learning on February said
    "the brand's posts carry no variants", as if nothing had ever been tagged."""
    from sounding.workflows.accounts import add_account
    from sounding.workflows.ingest import import_items

    csv = tmp_path / "posts.csv"
    csv.write_text(
        "id,network,author,text,created_at,likes,variant\n"
        "p1,bluesky,brand.bsky.social,a,2026-01-02T12:00:00Z,3,format=video\n"
        "p2,bluesky,brand.bsky.social,b,2026-01-03T12:00:00Z,3,format=photo\n"
        "p3,bluesky,brand.bsky.social,c,2026-02-10T12:00:00Z,3,\n", encoding="utf-8")
    with Store.open(tmp_path / "w.duckdb") as store:
        import_items(store, csv)
        add_account(store, "bluesky", "brand.bsky.social")
        with pytest.raises(NotFound, match="no brand post of this period carries variants"):
            learn(store, "2026-02-01..2026-02-28")


def test_without_a_labelled_reaction_there_is_no_cap_rather_than_a_cap_of_one(
        tmp_path: Path) -> None:
    """1.0 stood for "no cap", so a hostile brand whose cap reached 100% read as one
    without labels; no cap is None now."""
    from sounding.workflows.accounts import add_account
    from sounding.workflows.ingest import import_items
    from sounding.workflows.learn import guardrail_cap

    csv = tmp_path / "posts.csv"
    csv.write_text(
        "id,network,author,text,created_at,likes,variant\n"
        "p1,bluesky,brand.bsky.social,a,2026-01-02T12:00:00Z,3,format=video\n"
        "p2,bluesky,brand.bsky.social,b,2026-01-03T12:00:00Z,3,format=photo\n",
        encoding="utf-8")
    with Store.open(tmp_path / "w.duckdb") as store:
        import_items(store, csv)
        add_account(store, "bluesky", "brand.bsky.social")
        assert guardrail_cap(store) is None
