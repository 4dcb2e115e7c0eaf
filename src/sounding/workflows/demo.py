"""The demo: simulate a brand's launch, store it, run every stage, keep the ground truth.

Stages: simulate → store → enrich (language, reaction; scored against the true reactions)
→ KPIs → audience (CRM import, segments, actor map written as GEXF) → test and learn →
a plan for the next two weeks, queued as drafts.

The demo folder holds the workspace, ``truth.json`` (what the simulator knows and the
analyses must recover) and ``customers.csv`` (the brand's CRM export). Each stage reports
progress through a callback so the CLI can draw bars without this module printing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow.csv as pa_csv

from sounding.errors import InputError, cannot_write, check_seed
from sounding.models import REACTIONS
from sounding.simulate import Launch, simulate_launch, truth_to_json
from sounding.store import Store, held_elsewhere
from sounding.workflows.audience import audience_demo
from sounding.workflows.enrich import enrich_workspace
from sounding.workflows.kpis import kpis
from sounding.workflows.labels import data_bounds
from sounding.workflows.learn import learn, plan

__all__ = ["DemoResult", "Progress", "run_demo"]

Progress = Callable[[str, int, int], None]
WORKSPACE = "sounding.duckdb"
TRUTH = "truth.json"
CUSTOMERS = "customers.csv"
_MARKER = ".sounding-demo"
PLAN_WEEKS = 2  # the demo proposes the next two weeks of posts


@dataclass(frozen=True)
class DemoResult:
    """Where the demo wrote its files, and what each stage found."""

    directory: Path
    workspace: Path
    truth_file: Path
    customers_file: Path
    counts: dict[str, int]
    kpis: dict[str, Any]
    stages: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"directory": str(self.directory), "workspace": str(self.workspace),
                "truth_file": str(self.truth_file), "customers_file": str(self.customers_file),
                "counts": self.counts, "kpis": self.kpis, "stages": self.stages}


def _prepare(directory: Path) -> None:
    """Start from an empty folder, refusing to wipe one the demo did not write, or one
    whose workspace another process holds (a server would go on with the deleted file,
    and what it was sent since would be lost)."""
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory} is a file, not a folder",
                         hint="choose a folder with --out: a new one, or one the demo wrote")
    if directory.exists() and any(directory.iterdir()):
        if not (directory / _MARKER).exists():
            raise InputError(f"{directory} exists and was not written by 'sounding demo'",
                             hint="choose another folder with --out, or empty this one")
        workspace = directory / WORKSPACE
        if held_elsewhere(workspace):
            raise InputError(f"{workspace} is open in another process (a 'sounding serve', "
                             "a command or a notebook)",
                             hint="stop it, then run the demo again, or choose another "
                                  "folder with --out")
        shutil.rmtree(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file on the way (--out a.txt/demo), no permission
        raise cannot_write(directory, exc) from None
    (directory / _MARKER).write_text("written by sounding demo; safe to delete\n")


def _quiet(stage: str, done: int, total: int) -> None:
    """A progress callback that shows nothing."""


def _reaction_accuracy(store: Store, truth: dict[str, str]) -> dict[str, Any]:
    """How often the model's label matches the simulator's true reaction."""
    rows = store.query("SELECT item_id, label FROM item_reactions").to_pylist()
    pairs = [(truth[r["item_id"]], r["label"]) for r in rows if r["item_id"] in truth]
    right = sum(t == p for t, p in pairs)
    by_class = {c: sum(t == p for t, p in pairs if t == c) / max(1, sum(t == c for t, _ in pairs))
                for c in REACTIONS}
    return {"items": len(pairs), "accuracy": right / len(pairs) if pairs else None,
            "recall": by_class}


def _stage(report: Progress, name: str, work: Callable[[], Any]) -> Any:
    report(name, 0, 1)
    result = work()
    report(name, 1, 1)
    return result


def _analyse(store: Store, directory: Path, launch: Launch, report: Progress
             ) -> dict[str, Any]:
    """Every stage after storing: reaction, KPIs, audience, test and learn, the plan."""
    stages: dict[str, Any] = {}
    # The simulated brand is answered in French and English, and says so (setting
    # 'languages'), as a real brand should: with all eight languages, a few short French
    # questions come out Spanish or Italian and would make a segment of their own.
    brand_languages = sorted({segment.lang for segment in launch.config.segments})
    stages["enrich"] = enrich_workspace(store, languages=brand_languages,
                                        progress=lambda d, t: report("enrich", d, t))
    stages["enrich"]["truth"] = _reaction_accuracy(store, launch.truth["reactions"])
    stages["kpis"] = _stage(report, "kpis", lambda: kpis(store).as_dict())
    stages["audience"] = _stage(report, "audience", lambda: audience_demo(
        store, directory, directory / CUSTOMERS))
    stages["learn"] = _stage(report, "learn", lambda: learn(store).as_dict())
    # the simulated now: after the newest data (replies go on after the weeks of posting),
    # so the next two weeks' drafts come after everything the report counts
    end = launch.config.start + timedelta(weeks=launch.config.weeks)
    _, newest = data_bounds(store)
    now = max(end, newest) if newest else end
    per_account = max(len(a.rhythm) for a in launch.config.accounts) * PLAN_WEEKS
    stages["plan"] = _stage(report, "plan", lambda: plan(
        store, per_account, seed=launch.seed, now=now).as_dict())
    stages["plan"]["true_best"] = _true_best(launch.truth, stages["plan"]["objective"])
    return stages


def _true_best(truth: dict[str, Any], objective: str) -> dict[str, str]:
    """Each factor's best level on the planner's objective, in the simulated world: what
    the plan should converge to (the demo can say whether it did)."""
    levels = truth["effects"]["levels"]
    return {factor: max(by_level, key=lambda level: by_level[level][objective])
            for factor, by_level in levels.items()}


def run_demo(directory: str | Path = "sounding-demo", *, seed: int = 7,
             progress: Progress | None = None) -> DemoResult:
    """Build the demo workspace in ``directory`` and run every stage on it."""
    check_seed(seed, default=7)
    directory = Path(directory).resolve()
    report = progress or _quiet
    _prepare(directory)
    launch = simulate_launch(seed=seed, progress=lambda d, t: report("simulate", d, t))
    truth_file = directory / TRUTH
    truth_file.write_text(truth_to_json(launch.truth), encoding="utf-8")
    customers_file = directory / CUSTOMERS
    pa_csv.write_csv(launch.customers, customers_file)
    workspace = directory / WORKSPACE
    with Store.open(workspace) as store:
        _, stats = _stage(report, "store", lambda: store.write(
            launch.batch, kind="demo", source=f"simulate_launch(seed={seed})"))
        stages = {"store": stats.as_dict(), **_analyse(store, directory, launch, report)}
        counts = store.counts()
    return DemoResult(directory, workspace, truth_file, customers_file, counts,
                      stages["kpis"], stages)
