"""Fixtures: a simulated launch with its true reaction labels and CRM, its report data."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest

from sounding.analyse.verdict_texts import METRICS
from sounding.simulate import LaunchConfig, simulate_launch
from sounding.store import Store
from sounding.store.audience_store import put_labels
from sounding.workflows import labels
from sounding.workflows.audience import DEMO_IDS, DEMO_KEEP
from sounding.workflows.customers import import_customers
from sounding.workflows.reporting import report_data

HOSTILE = "<script>alert('x')</script> **bold** [link](javascript:alert(1)) cc @victim.example"


def fill(path: Path, *, scale: float, with_labels: bool) -> tuple[Store, str]:
    """Store a launch (and its truth labels, CRM); plant a hostile text in a quoted reply."""
    launch = simulate_launch(LaunchConfig(scale=scale), seed=11)
    store = Store.open(path)
    store.write(launch.batch, kind="test", source="simulate")
    handle = ""
    if with_labels:
        truth = launch.truth["reactions"]
        put_labels(store, pa.table({"item_id": list(truth), "label": list(truth.values())}),
                   enricher="reaction", version="truth")
        newest = next(r for r in labels.find_items(store, label="interest", limit=50)
                      if r["kind"] == "reply" and r["account_id"] is None)
        handle = str(newest["handle"])
        with store.transaction() as con:
            con.execute("UPDATE items SET text = ? WHERE item_id = ?",
                        [HOSTILE, newest["item_id"]])
    crm = path.with_suffix(".csv")
    pa_csv.write_csv(launch.customers, crm)
    import_customers(store, str(crm), DEMO_IDS, DEMO_KEEP)
    return store, handle


def decided(data: dict[str, Any], factor: str = "tone",
            metrics: Sequence[str] = tuple(METRICS)) -> dict[str, Any]:
    """The report data with learn's verdicts on ``factor`` decided on ``metrics`` (a level
    shown to lead on each), the shown verdict too when its metric is one of them."""
    found = copy.deepcopy(data)
    for f in found["learn"]["analysis"]["factors"]:
        if f["factor"] == factor:
            for verdict in (*(f["verdicts"][m] for m in metrics), f["verdict"]):
                if verdict["metric"] in metrics:
                    verdict.update(decided=True, reason="", more_posts=0)
    return found


def undecided(data: dict[str, Any]) -> dict[str, Any]:
    """The report data with no verdict decided, on any factor or metric, and a joint fit
    (the planner's, on engagement) whose every factor's levels are alike."""
    found = copy.deepcopy(data)
    for f in found["learn"]["analysis"]["factors"]:
        for verdict in (*f["verdicts"].values(), f["verdict"]):
            verdict["decided"] = False
    for fit in (found["plan"].get("joint_engagement") or {}).values():
        fit["mean"] = [0.0] * len(fit["levels"])
    return found


def without_joint(data: dict[str, Any]) -> dict[str, Any]:
    """The report data as when the planner had no joint fit (too few posts): the
    engagement target then rests on learn's verdicts."""
    found = copy.deepcopy(data)
    found["plan"]["joint_engagement"] = None
    return found


def joint_effects(data: dict[str, Any], factor: str, mean: Sequence[float],
                  sd: float = 0.01) -> dict[str, Any]:
    """The report data with the joint fit's effects of ``factor`` set to ``mean`` (in its
    levels' order), independent with standard deviation ``sd``."""
    found = copy.deepcopy(data)
    fit = found["plan"]["joint_engagement"][factor]
    fit["mean"] = list(mean)
    fit["cov"] = (sd**2 * np.eye(len(mean))).tolist()
    return found


@pytest.fixture(scope="session")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, str]]:
    """A workspace with labels, and the handle of the author of the hostile reply."""
    store, handle = fill(tmp_path_factory.mktemp("rep") / "w.duckdb", scale=0.3,
                         with_labels=True)
    yield store, handle
    store.close()


@pytest.fixture(scope="session")
def data(labelled: tuple[Store, str]) -> dict[str, Any]:
    return report_data(labelled[0])


@pytest.fixture(scope="session")
def unlabelled_data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    store, _ = fill(tmp_path_factory.mktemp("rep0") / "w.duckdb", scale=0.2,
                    with_labels=False)
    try:
        return report_data(store)
    finally:
        store.close()


@pytest.fixture(scope="session")
def silent_data(labelled: tuple[Store, str]) -> dict[str, Any]:
    """Report data of the first day with brand posts and no reply, quote or mention."""
    store = labelled[0]
    days = store.query(
        "SELECT created_at::DATE AS day FROM items GROUP BY day "
        "HAVING count(*) FILTER (WHERE kind = 'post' AND account_id IS NOT NULL) > 0 "
        "AND count(*) FILTER (WHERE kind <> 'post') = 0 ORDER BY day LIMIT 1")
    day = days["day"][0].as_py().isoformat()
    found = report_data(store, f"{day}..{day}")
    assert found["kpis"]["posts"] > 0 and found["kpis"]["reactions"] == 0
    return found
