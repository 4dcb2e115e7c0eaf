"""One spelling per handle and per network, whoever writes it: an items file, an export,
`account add` or a connector, so the brand's items are its own and one person one actor."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from conftest import write_csv
from sounding.analyse.audience import normalise_handle
from sounding.connectors.mastodon_parse import add_status
from sounding.connectors.records import Brand, Records
from sounding.errors import ImportRejected, InputError, NotFound
from sounding.imports.convert import _handles
from sounding.imports.items import parse_items_file
from sounding.models import actor_handle, actor_key
from sounding.store import Store
from sounding.store.connector_store import account_settings
from sounding.workflows.accounts import add_account, list_accounts
from sounding.workflows.ingest import import_items
from sounding.workflows.learn import _targets
from sounding.workflows.queue import add_to_queue

SPELLINGS = [  # (network as written, author as written, the actor's key)
    ("bluesky", "@brand.bsky.social", "bluesky:brand.bsky.social"),
    ("Bluesky", "BRAND.bsky.social", "bluesky:brand.bsky.social"),
    ("bluesky", "did:plc:abc123", "bluesky:did:plc:abc123"),
    ("mastodon", "@shop@social.example", "mastodon:shop@social.example"),
    ("mastodon", "Shop@Social.Example", "mastodon:shop@social.example"),
    ("x", "@BrandX", "x:brandx"),
    ("twitter", "BrandX", "x:brandx"),
    ("instagram", "@Atelier.Lumen", "instagram:atelier.lumen"),
    ("x", "1234567890", "x:1234567890"),
    ("facebook", "La Fromagerie", "facebook:La Fromagerie"),  # a name: its case is kept
    ("facebook", "la fromagerie", "facebook:la fromagerie"),
]


def _rows(spellings: list[tuple[str, str, str]]) -> list[dict[str, object]]:
    return [{"id": f"i{n}", "network": network, "author": author, "text": "hello",
             "created_at": "2026-03-01T10:00:00Z"}
            for n, (network, author, _) in enumerate(spellings)]


def test_an_items_file_keys_every_spelling_of_a_handle_as_one_actor(tmp_path: Path) -> None:
    parsed = parse_items_file(write_csv(tmp_path / "h.csv", _rows(SPELLINGS)),
                              observed_at=datetime.now(UTC))
    assert parsed.problems == []
    keys = parsed.batch.items["author_id"].to_pylist()
    assert keys == [expected for *_, expected in SPELLINGS]
    # the vectorised import and models.actor_key, used by exports and accounts, agree
    assert keys == [actor_key("x" if net.lower() == "twitter" else net.lower(), author)
                    for net, author, _ in SPELLINGS]
    actors = parsed.batch.actors.to_pylist()
    assert len(actors) == len(set(keys)) == 8
    assert {a["actor_id"]: a["handle"] for a in actors}["mastodon:shop@social.example"] == \
        "shop@social.example"


def test_brand_accounts_match_their_items_however_written(store: Store, tmp_path: Path
                                                          ) -> None:
    bluesky = add_account(store, "bluesky", "@Brand.bsky.social")
    mastodon = add_account(store, "Mastodon", "@Shop", service_url="Social.Example")
    assert (bluesky["account_id"], mastodon["account_id"]) == (
        "bluesky:brand.bsky.social", "mastodon:shop@social.example")
    import_items(store, write_csv(tmp_path / "h.csv", _rows(SPELLINGS[:5])))
    counts = {a["account_id"]: a["items"] for a in list_accounts(store)}
    assert counts == {"bluesky:brand.bsky.social": 2, "mastodon:shop@social.example": 2}
    assert store.scalar("SELECT count(*) FROM items WHERE account_id IS NULL") == 1  # the DID


def test_an_account_added_after_the_import_claims_the_items(store: Store, tmp_path: Path
                                                            ) -> None:
    import_items(store, write_csv(tmp_path / "h.csv", _rows(SPELLINGS[3:5])))
    added = add_account(store, "mastodon", "Shop@SOCIAL.example", service_url="social.example")
    assert added["items_marked"] == 2


def test_collected_and_imported_mastodon_items_have_one_author(tmp_path: Path) -> None:
    brand = Brand("mastodon", "Shop@Social.Example", "mastodon:shop@social.example",
                  "mastodon:shop@social.example")
    out = Records()
    status = {"id": "9", "account": {"id": "1", "acct": "Shop"}, "content": "<p>hi</p>",
              "created_at": "2026-03-01T10:00:00Z"}
    item = add_status(out, status, brand, "social.example")
    assert (item.author_id, item.account_id) == ("mastodon:shop@social.example",
                                                 "mastodon:shop@social.example")
    parsed = parse_items_file(write_csv(tmp_path / "h.csv", _rows(SPELLINGS[4:5])),
                              observed_at=datetime.now(UTC))
    assert parsed.batch.items["author_id"].to_pylist() == [item.author_id]


def test_customers_read_handles_as_actors_are_keyed() -> None:
    # a CRM handle names no network: it is lowercased whatever it is, the rest agrees
    assert normalise_handle("@Shop@Social.Example") == "shop@social.example"
    assert normalise_handle(" @@Camille.M ") == "camille.m"


def test_an_unknown_network_is_refused_with_the_known_ones(store: Store, tmp_path: Path
                                                           ) -> None:
    path = write_csv(tmp_path / "t.csv", _rows([("tiktok", "someone", ""),
                                                ("Twitter", "@BrandX", "")]))
    with pytest.raises(ImportRejected) as info:
        import_items(store, path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}, line 2, column 'network': expected one of bluesky, mastodon, x, facebook, "
        "instagram, linkedin, blog (twitter is read as x), found 'tiktok'"]
    assert store.counts()["items"] == 0
    report = import_items(store, path, keep_good=True)
    assert (report.new, report.rejected) == (1, 1)
    assert store.scalar("SELECT item_id FROM items") == "x:i1"


def test_a_handle_that_is_only_an_at_sign_is_missing(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", _rows([("bluesky", "@", "")]))
    with pytest.raises(ImportRejected) as info:
        import_items(store, path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}, line 2, column 'author': a value is required here"]


def test_account_add_reads_network_aliases_and_refuses_unknown_ones(store: Store) -> None:
    assert add_account(store, "Twitter", "@BrandX")["account_id"] == "x:brandx"
    with pytest.raises(InputError, match="unknown network 'tiktok'") as info:
        add_account(store, "tiktok", "someone")
    assert "bluesky, mastodon, x" in str(info.value.hint)


@pytest.mark.parametrize("typed", ["bluesky:@Brand.bsky.social", "Bluesky:brand.bsky.social",
                                   "BRAND.bsky.social", "@brand.bsky.social"])
def test_an_account_is_found_however_a_person_types_it(store: Store, typed: str) -> None:
    """`queue add --account`, `plan --account` and the connectors' lookups read the account
    as the store keys it: before, 'bluesky:Brand.bsky.social' got "no account"."""
    add_account(store, "bluesky", "brand.bsky.social")
    entry = add_to_queue(store, typed, "Nouvelle fournée !", at="2099-01-01T10:00:00Z")
    assert entry["account_id"] == "bluesky:brand.bsky.social"
    assert [a["account_id"] for a in account_settings(store, typed)] == [entry["account_id"]]
    if ":" in typed:  # plan names accounts by their key
        assert _targets(store, typed)[0] == ["bluesky:brand.bsky.social"]


def test_another_account_is_still_not_found(store: Store) -> None:
    add_account(store, "bluesky", "brand.bsky.social")
    assert account_settings(store, "mastodon:brand.bsky.social") == []
    with pytest.raises(NotFound):
        _targets(store, "bluesky:other.bsky.social")


def test_a_handle_beyond_ascii_is_lowered_as_accounts_lower_it() -> None:
    """Arrow lowers letter by letter (a final Σ became σ), Python as Greek writes it (ς):
    an imported author and the account added for the brand were two actors."""
    written = ["@ΟΔΥΣΣΕΑΣ", "Brand", None, "İstanbul", "ΟΔΥΣΣΕΑΣ", "Ünal"]
    lowered = _handles(pa.array(["instagram"] * len(written)), pa.array(written)).to_pylist()
    assert lowered == [None if w is None else actor_handle("instagram", w) for w in written]
    assert lowered[0] == "οδυσσεας"
