"""How a segment sounding made itself is named and described, in English and in French.

Default segments (one per language, per network, the known customers) and behavioural
clusters get their label and description here, from their name and measured traits, so
the command line, the dashboard and the report say the same thing in either language.
A segment a person defined keeps the label they wrote.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sounding.models import number_text, percent_text

__all__ = ["CLUSTER", "CUSTOMER_BASE", "DEFAULT", "cluster_about", "cluster_description",
           "segment_label"]

_WORDS = {
    "en": {"lang": "language {v}", "network": "on {v}", "customers": "known customers",
           "cluster": "behavioural cluster {n}", "d_lang": "lang {v} {p}",
           "d_network": "network {v} {p}", "d_activity": "activity ×{r}",
           "d_animosity": "animosity {p}", "d_bios": "bios: {w}"},
    "fr": {"lang": "langue {v}", "network": "sur {v}", "customers": "clients connus",
           "cluster": "groupe de comportement {n}", "d_lang": "langue {v} {p}",
           "d_network": "réseau {v} {p}", "d_activity": "activité ×{r}",
           "d_animosity": "animosité {p}", "d_bios": "bios\u202f: {w}"},
}
# the sources of the segments sounding makes itself (a person's are "rule")
DEFAULT, CLUSTER, CUSTOMER_BASE = "default", "cluster", "customer base"


def _words(lang: str) -> dict[str, str]:
    return _WORDS.get(lang, _WORDS["en"])


def segment_label(name: str, label: str, source: str, lang: str = "en") -> str:
    """The label to show: sounding's own segments (named ``lang_fr``, ``network_bluesky``,
    ``customers``, ``cluster_2``) in ``lang``; a person's as they wrote it."""
    words = _words(lang)
    kind, _, value = name.partition("_")
    if source == CUSTOMER_BASE:
        return words["customers"]
    if source == CLUSTER:
        return words["cluster"].format(n=value)
    if source == DEFAULT and kind in ("lang", "network"):
        return words[kind].format(v=value)
    return label


def cluster_about(lang: tuple[str, float] | None, network: tuple[str, float] | None,
                  activity: float, animosity: float | None, bios: list[str]
                  ) -> dict[str, Any]:
    """A cluster's traits, as data: its main language and network with their shares, its
    activity against everyone's, its animosity share and its bio words."""
    return {"lang": list(lang) if lang else None, "network": list(network) if network else None,
            "activity": activity, "animosity": animosity, "bios": bios}


def cluster_description(about: Mapping[str, Any], lang: str = "en") -> str:
    """One line describing a cluster's traits in ``lang``."""
    words = _words(lang)

    def pct(share: float) -> str:
        return percent_text(share, 0, lang)

    parts = []
    for key in ("lang", "network"):
        if about.get(key):
            value, share = about[key]
            parts.append(words[f"d_{key}"].format(v=value, p=pct(share)))
    parts.append(words["d_activity"].format(r=number_text(about["activity"], 1, lang)))
    if about.get("animosity") is not None:
        parts.append(words["d_animosity"].format(p=pct(about["animosity"])))
    if about.get("bios"):
        parts.append(words["d_bios"].format(w=" ".join(about["bios"])))
    return ", ".join(parts)
