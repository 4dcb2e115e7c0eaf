"""`sounding demo`: the stored workspace agrees with the simulator's ground truth."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import run_process
from sounding.errors import InputError
from sounding.report.evidence import build_evidence
from sounding.report.targets import joint_leaders, targets
from sounding.store import Store
from sounding.workflows.demo import DemoResult, run_demo
from sounding.workflows.reporting import report_data


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo") / "out")


@pytest.fixture(scope="module")
def truth(demo: DemoResult) -> dict:
    return json.loads(demo.truth_file.read_text(encoding="utf-8"))


def test_demo_writes_workspace_truth_and_crm_file(demo: DemoResult) -> None:
    assert demo.workspace.exists() and demo.truth_file.exists()
    header = demo.customers_file.read_text(encoding="utf-8").splitlines()[0]
    assert "customer_id" in header


def test_store_agrees_with_truth_by_segment(demo: DemoResult, truth: dict) -> None:
    with Store.open(demo.workspace, read_only=True) as store:
        actors = store.query("SELECT actor_id FROM actors WHERE actor_id NOT IN "
                             "(SELECT actor_id FROM accounts)").column(0).to_pylist()
        authors = store.query("SELECT author_id FROM items WHERE kind = 'reply' "
                              "AND account_id IS NULL").column(0).to_pylist()
    by_segment = Counter(truth["actor_segment"][a] for a in actors)
    expected = {k: v for k, v in truth["counts"]["actors_by_segment"].items() if v}
    assert dict(by_segment) == expected
    replies = Counter(truth["actor_segment"][a] for a in authors)
    assert dict(replies) == {k: v for k, v in truth["counts"]["replies_by_segment"].items() if v}


def test_store_agrees_with_truth_by_variant(demo: DemoResult, truth: dict) -> None:
    with Store.open(demo.workspace, read_only=True) as store:
        rows = store.query("SELECT factor, level, count(*) AS n FROM variants "
                           "GROUP BY ALL").to_pylist()
    stored = {(r["factor"], r["level"]): r["n"] for r in rows}
    expected = {(f, lvl): n for f, levels in truth["counts"]["posts_by_level"].items()
                for lvl, n in levels.items() if n}
    assert stored == expected
    assert sum(n for (f, _), n in stored.items() if f == "format") == truth["counts"]["posts"]


def test_store_agrees_with_truth_by_reaction(demo: DemoResult, truth: dict) -> None:
    with Store.open(demo.workspace, read_only=True) as store:
        ids = store.query("SELECT item_id FROM items WHERE kind IN ('reply', 'quote', "
                          "'mention')").column(0).to_pylist()
    assert set(ids) == set(truth["reactions"])
    by_reaction = Counter(truth["reactions"][i] for i in ids)
    assert dict(by_reaction) == truth["counts"]["reactions"]
    assert min(by_reaction.values()) > 0


def test_demo_kpis_see_every_post_and_the_ignored_ones(demo: DemoResult, truth: dict) -> None:
    assert demo.kpis["posts"] == truth["counts"]["posts"] >= 150
    # A mention is not linked to a post in the data, so a post answered only by mentions
    # looks ignored to sounding; the truth says which post triggered each mention.
    with Store.open(demo.workspace, read_only=True) as store:
        rows = store.query("SELECT item_id, epoch(created_at) AS t FROM items").to_pylist()
    created = {r["item_id"]: r["t"] for r in rows}
    window = truth["ignore_window_hours"] * 3600
    mentions = Counter(post for m, post in truth["mention_trigger"].items()
                       if created[m] - created[post] <= window)
    seen_ignored = [p for p, info in truth["posts"].items()
                    if info["reactions_in_window"] - mentions[p] == 0]
    assert set(truth["ignored_posts"]) <= set(seen_ignored)
    assert demo.kpis["ignored_posts"] == len(seen_ignored)
    for account, followers in truth["followers"].items():
        assert demo.kpis["followers"][account]["end"] == followers


def test_demo_refuses_to_wipe_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(InputError, match="not written by 'sounding demo'"):
        run_demo(tmp_path)
    assert (tmp_path / "precious.txt").exists()


def test_demo_refuses_to_replace_a_workspace_another_process_holds(tmp_path: Path) -> None:
    """A running server went on with the deleted file, and lost what it was sent since."""
    import subprocess
    import sys

    from sounding.store import Store
    from sounding.workflows.demo import _MARKER

    (tmp_path / _MARKER).write_text("written by sounding demo")
    workspace = tmp_path / "sounding.duckdb"
    Store.open(workspace).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('open', flush=True); time.sleep(120)", str(workspace)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(InputError, match="is open in another process"):
            run_demo(tmp_path)
        assert workspace.exists()
    finally:
        holder.kill()
        holder.wait()


def _readme_demo_block() -> list[str]:
    """The README's first text block: what `sounding demo` prints, progress bars aside."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```text\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if "━" not in line]


def test_demo_command_prints_a_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                       ) -> None:
    monkeypatch.setenv("COLUMNS", "103")  # the README's terminal width
    result = run_process("demo", "--out", str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    printed = result.stdout.replace(str(tmp_path / "d"), "/home/you/sounding/sounding-demo")
    assert [line for line in printed.splitlines() if "━" not in line] == _readme_demo_block()
    assert "brand posts" in result.stdout
    assert "ground truth:" in result.stdout
    for name in ("report.html", "report.pdf", "strategy.md", "actors.gexf"):
        assert (tmp_path / "d" / name).exists()
    assert "plan for the next two weeks" in result.stdout


def test_demo_runs_every_stage(demo: DemoResult, truth: dict) -> None:
    stages = demo.stages
    scored = stages["enrich"]["truth"]
    assert scored["items"] == len(truth["reactions"])
    assert 0.4 < scored["accuracy"] <= 1.0  # the model, scored on the true reactions
    assert demo.kpis["reactions_labelled"] == len(truth["reactions"])
    assert Path(stages["audience"]["gexf"]).exists()
    assert stages["audience"]["customers"]["matched"] > 0
    assert len(stages["learn"]["verdicts"]) == 4
    with Store.open(demo.workspace, read_only=True) as store:
        drafts = store.scalar("SELECT count(*) FROM queue WHERE status = 'draft'")
    assert drafts == len(stages["plan"]["drafts"]) > 0
    # "the next two weeks" come after the newest data: after the last reply, and after
    # the period the KPIs (and the report) measured
    with Store.open(demo.workspace, read_only=True) as store:
        first_draft = store.scalar("SELECT min(scheduled_at) FROM queue")
        newest = store.scalar("SELECT max(created_at) FROM items")
    assert first_draft > newest
    assert first_draft >= datetime.fromisoformat(demo.kpis["period_end"])


def test_the_plan_leans_to_the_true_best_levels(demo: DemoResult) -> None:
    """After 12 weeks the planner's draws favour, factor by factor, the level that is best
    on its objective in the simulated world (the demo prints both)."""
    plan = demo.stages["plan"]
    assert set(plan["true_best"]) == {"format", "slot", "tone", "topic"}
    for factor, best in plan["true_best"].items():
        chosen = [d["variant"][factor] for d in plan["drafts"]]
        assert chosen.count(best) > len(chosen) / 2, (factor, best, chosen)


def test_the_demo_strategy_sets_an_engagement_target_from_the_joint_fit(
        demo: DemoResult) -> None:
    """learn's one-factor-at-a-time table decides nothing on engagement in the demo, the
    planner's joint fit finds every factor's true best level: the engagement rate gets a
    target from it, above today's levels and short of the simulated world's best variant
    (1.8 times the rotation's rate), and the strategy names the factors whose leaders
    differ between the two."""
    with Store.open(demo.workspace) as store:
        data = report_data(store)
    assert not any(f["verdicts"]["engagement"]["decided"]
                   for f in data["learn"]["analysis"]["factors"])
    leaders = joint_leaders(data)
    assert {f: level for f, (level, _) in leaders.items()} == demo.stages["plan"]["true_best"]
    found = targets(data)["engagement_rate_per_follower"]
    assert found.target is not None and found.value is not None and found.recent is not None
    assert max(found.value, found.recent) < found.target < 2 * found.value
    table = {f["factor"]: f["verdicts"]["engagement"]["leader"]
             for f in data["learn"]["analysis"]["factors"]}
    differ = [f for f, (level, _) in leaders.items() if table[f] != level]
    assert differ
    text = build_evidence(data, "en")["joint_differs"]
    assert all(f"{f} ({table[f]} in the table, {leaders[f][0]} in the joint fit" in text
               for f in differ)


def test_demo_json_writes_the_documents_too(demo: DemoResult, monkeypatch: pytest.MonkeyPatch,
                                            bare_cli: Any) -> None:
    """`demo --json` stopped before the report and the strategy draft."""
    import sounding.workflows.demo as demo_module

    for name in ("report.html", "report.pdf", "strategy.md"):
        (demo.directory / name).unlink(missing_ok=True)
    monkeypatch.setattr(demo_module, "run_demo", lambda *a, **k: demo)  # already simulated
    result = bare_cli("demo", "--json")
    assert result.code == 0, result.err
    documents = json.loads(result.out)["documents"]
    assert sorted(Path(p).name for p in documents.values()) == [
        "report.html", "report.pdf", "strategy.md"]
    assert all(Path(p).is_file() for p in documents.values())


def test_demo_refuses_a_workspace_named_with_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               bare_cli: Any) -> None:
    """``sounding --db X demo`` built ./sounding-demo and left X absent, without a word."""
    monkeypatch.chdir(tmp_path)
    result = bare_cli("--db", "mine.duckdb", "demo")
    assert result.code != 0
    assert "does not use --db" in result.err and "sounding-demo/sounding.duckdb" in result.err
    assert list(tmp_path.iterdir()) == []  # nothing simulated, nothing written
