"""Fixtures: a small simulated launch stored with its true reaction labels, and its CRM file."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest

from sounding.simulate import Launch, LaunchConfig, simulate_launch
from sounding.store import Store
from sounding.store.audience_store import put_labels

IDS = ["email", "bluesky_handle", "mastodon_handle", "customer_id"]
KEEP = ["country,lang,age_band,plan"]


@pytest.fixture(scope="session")
def launch() -> Launch:
    return simulate_launch(LaunchConfig(scale=0.3), seed=11)


@pytest.fixture(scope="session")
def crm_file(launch: Launch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crm") / "crm.csv"
    pa_csv.write_csv(launch.customers, path)
    return path


def fill(store: Store, launch: Launch) -> None:
    """Store the launch and its true reaction labels (standing in for the reaction model)."""
    store.write(launch.batch, kind="test", source="simulate")
    truth = launch.truth["reactions"]
    put_labels(store, pa.table({"item_id": list(truth), "label": list(truth.values())}),
               enricher="reaction", version="truth")


@pytest.fixture
def filled(store: Store, launch: Launch) -> Store:
    fill(store, launch)
    return store


@pytest.fixture
def with_ops() -> None:
    """The capability's operations and commands (registered by ops.py and cli)."""
