"""Channels are compared with the brand on the period's reactions, with their uncertainty."""

from __future__ import annotations

from typing import Any

from sounding.report.evidence import build_evidence
from sounding.report.evidence_parts import _channel_rule


def test_a_channel_whose_interval_holds_the_brands_share_is_a_tie() -> None:
    growing = (30, 0.6, 0.5)  # it brings more than its share of follower growth
    assert _channel_rule(*growing, (0.528, 0.592), 0.558, 0.2, 0.3) == ("keep", "interest_tie")
    assert _channel_rule(*growing, (0.570, 0.620), 0.558, 0.2, 0.3) == ("grow", "grow")
    assert _channel_rule(*growing, (0.480, 0.550), 0.558, 0.2, 0.3) == ("keep", "less_interest")


def test_channels_rest_on_the_periods_reactions(data: dict[str, Any]) -> None:
    """Each channel's interest is its share of the period's labelled reactions to the brand,
    shown with its interval against the brand's; a lead inside the interval is a tie."""
    by_network = data["reactions_by_network"]
    assert set(by_network) == set(data["kpis"]["posts_by_network"])
    assert sum(sum(n.values()) for n in by_network.values()) == data["kpis"]["reactions_labelled"]
    ev = build_evidence(data, "en")
    for c in ev["channels"]:
        mix = by_network[c["network"]]
        assert c["interest"] == f"{100 * mix['interest'] / sum(mix.values()):.1f}%"
        assert c["interest_ci"].startswith("[") and c["brand_interest"] == "63.6%"
    tie = next(c for c in ev["channels"] if c["network"] == "mastodon")
    assert tie["interest"] == "64.0%" and tie["decision"] == "keep"  # 0.4 points ahead
    text = ("its interest is level with the brand's, whose share lies within its interval")
    assert tie["why"].endswith(text)
    french = next(c for c in build_evidence(data, "fr")["channels"] if c["network"] == "mastodon")
    assert french["why"].endswith("son intérêt est à égalité avec celui de la marque, dont la "
                                  "part est dans son intervalle")
