"""Segment labels and cluster descriptions in English and French; a person's label kept."""

from __future__ import annotations

from sounding.analyse.segment_words import cluster_about, cluster_description, segment_label


def test_sounding_names_its_own_segments_in_the_readers_language() -> None:
    assert segment_label("lang_fr", "language fr", "default", "fr") == "langue fr"
    assert segment_label("network_bluesky", "on bluesky", "default", "fr") == "sur bluesky"
    assert segment_label("customers", "known customers", "customer base", "fr") == \
        "clients connus"
    assert segment_label("cluster_2", "behavioural cluster 2", "cluster", "fr") == \
        "groupe de comportement 2"
    assert segment_label("lang_fr", "lang_fr", "default", "en") == "language fr"
    # a person's own segment keeps the label they wrote, even one named like ours
    assert segment_label("lang_fr", "Francophones", "rule", "fr") == "Francophones"
    assert segment_label("lang_fr", "language fr", "rule", "fr") == "language fr"


def test_a_cluster_is_described_from_its_traits() -> None:
    about = cluster_about(("fr", 1.0), ("mastodon", 0.69), 1.1, 0.19, ["chef", "pain"])
    assert cluster_description(about) == ("lang fr 100%, network mastodon 69%, activity ×1.1, "
                                          "animosity 19%, bios: chef pain")
    # a narrow no-break space before % and the colon, as every French figure has: a
    # page never wraps "100" away from its "%"
    assert cluster_description(about, "fr") == (
        "langue fr 100\u202f%, réseau mastodon 69\u202f%, activité ×1,1, "
        "animosité 19\u202f%, bios\u202f: chef pain")
    quiet = cluster_about(None, None, 0.5, None, [])
    assert cluster_description(quiet) == "activity ×0.5"
