"""Fixtures of 'what is said': the simulated launch in a store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sounding.simulate import Launch, simulate_launch
from sounding.store import Store


@pytest.fixture(scope="session")
def launch() -> Launch:
    return simulate_launch()


@pytest.fixture
def said_store(tmp_path: Path, launch: Launch) -> Iterator[Store]:
    s = Store.open(tmp_path / "said.duckdb")
    s.write(launch.batch, kind="simulate", source="test")
    yield s
    s.close()


