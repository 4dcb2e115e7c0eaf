"""The planner (layer L2): propose the next posts' variants and slots from posteriors.

Pure and independent of the analysis engine: it takes each level's posterior parameters
as plain arrays (see :class:`FactorArms`), so any analysis can feed it.
"""

from sounding.plan.schedule import SLOT_HOURS, slot_times
from sounding.plan.thompson import (
    FactorArms,
    Proposal,
    caution_text,
    default_cap,
    exceed_risk,
    propose,
    rotation_baseline,
    sample_reward,
)

__all__ = [
    "SLOT_HOURS",
    "FactorArms",
    "Proposal",
    "caution_text",
    "default_cap",
    "exceed_risk",
    "propose",
    "rotation_baseline",
    "sample_reward",
    "slot_times",
]
