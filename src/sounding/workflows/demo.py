"""The demo: simulate a brand's launch, store it, run every stage, keep the ground truth.

The demo folder holds the workspace, ``truth.json`` (what the simulator knows and the
analyses must recover) and ``customers.csv`` (the brand's CRM export). Each stage reports
progress through a callback so the CLI can draw bars without this module printing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.csv as pa_csv

from sounding.errors import InputError
from sounding.simulate import simulate_launch, truth_to_json
from sounding.store import Store
from sounding.workflows.kpis import kpis

__all__ = ["DemoResult", "Progress", "run_demo"]

Progress = Callable[[str, int, int], None]
WORKSPACE = "sounding.duckdb"
TRUTH = "truth.json"
CUSTOMERS = "customers.csv"
_MARKER = ".sounding-demo"


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
    """Start from an empty folder, refusing to wipe one the demo did not write."""
    if directory.exists() and any(directory.iterdir()):
        if not (directory / _MARKER).exists():
            raise InputError(f"{directory} exists and was not written by 'sounding demo'",
                             hint="choose another folder with --out, or empty this one")
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / _MARKER).write_text("written by sounding demo; safe to delete\n")


def _quiet(stage: str, done: int, total: int) -> None:
    """A progress callback that shows nothing."""


def run_demo(directory: str | Path = "sounding-demo", *, seed: int = 7,
             progress: Progress | None = None) -> DemoResult:
    """Build the demo workspace in ``directory`` and run every stage on it."""
    directory = Path(directory).resolve()
    report = progress or _quiet
    _prepare(directory)
    launch = simulate_launch(seed=seed, progress=lambda d, t: report("simulate", d, t))
    truth_file = directory / TRUTH
    truth_file.write_text(truth_to_json(launch.truth), encoding="utf-8")
    customers_file = directory / CUSTOMERS
    pa_csv.write_csv(launch.customers, customers_file)
    workspace = directory / WORKSPACE
    stages: dict[str, Any] = {}
    with Store.open(workspace) as store:
        report("store", 0, 1)
        _, stats = store.write(launch.batch, kind="demo", source=f"simulate_launch(seed={seed})")
        report("store", 1, 1)
        stages["store"] = stats.as_dict()
        report("kpis", 0, 1)
        figures = kpis(store).as_dict()
        report("kpis", 1, 1)
        counts = store.counts()
    return DemoResult(directory, workspace, truth_file, customers_file, counts, figures, stages)
