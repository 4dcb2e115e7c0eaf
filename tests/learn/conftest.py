"""Shared by the test-and-learn tests: a small simulated launch with planted effects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest

from sounding.simulate import Effect, LaunchConfig, simulate_launch
from sounding.simulate.config import DEFAULT_EFFECTS
from sounding.store import Store

# video is planted far ahead on interest; sustainability is made hostile
PLANTED = (
    *DEFAULT_EFFECTS,
    Effect("format", "video", interest=2.0, animosity=-1.0),
    Effect("topic", "sustainability", animosity=2.5),
)


def _store_launch(path: Path, seed: int = 3) -> Store:
    launch = simulate_launch(LaunchConfig(scale=0.5, effects=PLANTED), seed=seed)
    store = Store.open(path)
    store.write(launch.batch, kind="demo", source="t")
    labels = launch.truth["reactions"]
    table = pa.table({"item_id": list(labels), "enricher": ["reaction"] * len(labels),
                      "version": ["truth"] * len(labels), "label": list(labels.values())})
    with store.transaction() as con:
        con.register("truth_labels", table)
        con.execute("INSERT INTO enrichments (item_id, enricher, version, label) "
                    "SELECT * FROM truth_labels")
        con.unregister("truth_labels")
    return store



@pytest.fixture(scope="session")
def store_launch() -> Callable[[Path, int], Store]:
    """Store a planted launch with its true reactions as labels: ``store_launch(path, seed)``."""
    return _store_launch
