"""A seeded generative model of a brand's launch on social networks, with its ground truth.

The simulator is an engine (layer L2): no database, no printing. It returns a
:class:`sounding.models.Batch` to store, a CRM table of customers and a ``truth`` dict
that benchmarks compare analyses against. See ``docs/simulation.md`` for the model.
"""

from __future__ import annotations

from sounding.simulate.config import (
    FACTORS,
    BrandAccount,
    Effect,
    LaunchConfig,
    Segment,
    slot_of,
)
from sounding.simulate.launch import Launch, simulate_launch
from sounding.simulate.truth import truth_to_json

__all__ = [
    "FACTORS",
    "BrandAccount",
    "Effect",
    "Launch",
    "LaunchConfig",
    "Segment",
    "simulate_launch",
    "slot_of",
    "truth_to_json",
]
