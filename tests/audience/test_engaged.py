"""Who counts as engaged: reactions to the brand (reads.TO_BRAND), not listening hits.

A hand-made workspace: a brand post, a reply to it and one to that reply, a like of it;
a listening hit by someone who only used the keyword (and liked another hit), a reply to
that hit, and a listening hit the network reported as a mention of the brand.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import write_csv
from sounding.models import Account, Actor, Batch, Interaction, Item
from sounding.store import Store
from sounding.store.connector_store import listening_add, listening_hits_add
from sounding.workflows.audience import actors, audience_data, segments
from sounding.workflows.customers import import_customers

T0 = datetime(2026, 9, 7, 10, tzinfo=UTC)
BRAND = "bluesky:brand"
FAN, FAN2, LIKER = "bluesky:fan", "bluesky:fan2", "bluesky:liker"
STRANGER, BYSTANDER, NAMER = "bluesky:stranger", "bluesky:bystander", "bluesky:namer"


def _item(i: str, hours: float, author: str, kind: str, parent: str | None = None,
          root: str | None = None) -> Item:
    return Item(f"bluesky:{i}", "bluesky", author, f"text {i}", T0 + timedelta(hours=hours),
                kind=kind, parent_id=parent, root_id=root,
                account_id=BRAND if author == BRAND else None)


def _edge(kind: str, actor: str, hours: float, item: str, to: str | None = None
          ) -> Interaction:
    return Interaction(f"bluesky:{kind}:{actor}:{item}", "bluesky", kind, actor,
                       T0 + timedelta(hours=hours), target_item_id=f"bluesky:{item}",
                       target_actor_id=to)


@pytest.fixture
def heard(store: Store) -> Store:
    people = [Actor(a, "bluesky", a.partition(":")[2], lang="fr", bio="boulanger à Lyon")
              for a in (FAN, FAN2, LIKER, NAMER, BYSTANDER)]
    people.append(Actor(STRANGER, "bluesky", "stranger", bio="Reisender"))  # lang: spoken
    store.write(Batch.from_records(
        accounts=[Account(BRAND, "bluesky", "brand", BRAND)],
        actors=[Actor(BRAND, "bluesky", "brand"), *people],
        items=[_item("p1", 0, BRAND, "post"),
               _item("r1", 1, FAN, "reply", "bluesky:p1", "bluesky:p1"),
               _item("r2", 2, FAN2, "reply", "bluesky:r1", "bluesky:p1"),
               _item("h1", 3, STRANGER, "mention"),  # only used the keyword
               _item("x1", 4, BYSTANDER, "reply", "bluesky:h1"),  # answers the hit
               _item("h2", 5, NAMER, "mention")],  # the network says it names the brand
        interactions=[_edge("reply", FAN, 1, "p1"), _edge("reply", FAN2, 2, "r1"),
                      _edge("like", LIKER, 1.5, "p1"), _edge("like", STRANGER, 6, "h2"),
                      _edge("reply", BYSTANDER, 4, "h1"), _edge("mention", NAMER, 5, "h2", BRAND)],
    ), kind="test", source="t")
    with store.transaction() as con:
        for item, enricher, label in (("r1", "reaction", "interest"), ("r2", "reaction", "neutral"),
                                      ("h1", "reaction", "animosity"),
                                      ("x1", "reaction", "animosity"),
                                      ("h2", "reaction", "interest"),
                                      ("h1", "language", "de")):
            con.execute("INSERT INTO enrichments (item_id, enricher, version, label) "
                        "VALUES (?, ?, 't', ?)", [f"bluesky:{item}", enricher, label])
    query = listening_add(store, BRAND, "#brioche")
    assert listening_hits_add(store, query, ["bluesky:h1", "bluesky:h2"]) == 2
    return store


def test_a_listening_hit_makes_no_engaged_actor_unless_it_names_the_brand(heard: Store
                                                                         ) -> None:
    profiles = audience_data(heard).profiles.set_index("actor_id")
    assert sorted(profiles.index) == sorted([FAN, FAN2, LIKER, NAMER])
    namer = profiles.loc[NAMER]
    assert (namer["engagements"], namer["written"], namer["interest"]) == (1, 1, 1)
    assert profiles["engagements"].sum() == 4  # r1, r2, the like of p1, h2
    assert profiles["animosity"].sum() == 0  # h1 and x1 were no reaction to the brand


def test_segments_count_only_those_who_reacted_to_the_brand(heard: Store) -> None:
    report = segments(heard, cluster=False)
    by = {s.name: s for s in report.segments}
    assert report.engaged_actors == 4
    assert "lang_de" not in by  # the stranger's language makes no segment
    everyone = by["network_bluesky"]
    assert everyone.size == 4 and by["lang_fr"].size == 4
    # r1, r2, the like and h2: four engagements by four actors in one week (the least
    # span measured); neither h1, the like of h2 nor the reply to h1
    assert report.weeks == 1.0 and everyone.activity.rate == pytest.approx(4 / 4)
    assert everyone.reaction_mix == {"interest": pytest.approx(2 / 3), "animosity": 0.0,
                                     "neutral": pytest.approx(1 / 3)}


def test_a_customer_who_only_used_the_keyword_is_not_an_engaged_one(
        heard: Store, tmp_path: Path, cli) -> None:
    crm = write_csv(tmp_path / "crm.csv", [{"handle": "stranger"}, {"handle": "fan"}])
    import_customers(heard, str(crm), ["handle"])
    heard.close()
    result = cli("segments", "--no-cluster", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    base = next(s for s in report["segments"] if s["name"] == "customers")
    rep = base["representation"]
    assert (report["engaged_actors"], base["size"]) == (4, 1)
    assert (rep["engaged"], rep["engaged_known"], rep["customers"]) == (1, 4, 2)
    assert rep["index"] == pytest.approx(100 * (1 / 4) / (2 / 2))


def test_the_map_keeps_the_conversation_at_large_and_describes_its_actors(
        heard: Store, tmp_path: Path) -> None:
    amap, path = actors(heard, str(tmp_path / "map.gexf"))
    assert {STRANGER, BYSTANDER, NAMER, FAN, FAN2} <= set(amap.actors)
    assert path is not None
    root = ET.parse(path).getroot()
    columns = {d.get("title"): d.get("id") for d in root.iter() if d.tag.endswith("}attribute")}
    described = {n.get("label"): {v.get("for"): v.get("value") for v in n.iter()
                                  if v.tag.endswith("}attvalue")}
                 for n in root.iter() if n.tag.endswith("}node")}
    # not engaged, yet described as they are: the language it writes in, a profile's bio
    assert described["stranger"][columns["lang"]] == "de"
    assert described["bystander"][columns["bio"]] == "boulanger à Lyon"
