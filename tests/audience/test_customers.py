"""Customer import: hashing, normalised matching, idempotence, clear errors."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from tests.conftest import write_csv

from sounding.analyse.audience import (
    hash_id,
    id_column,
    match_customers,
    normalise_email,
    normalise_handle,
)
from sounding.analyse.kept import matchable_kind
from sounding.errors import ImportRejected, InputError
from sounding.simulate import Launch
from sounding.store import Store
from sounding.store.audience_store import workspace_salt
from sounding.workflows.customers import import_customers

from .conftest import IDS, KEEP, fill


@pytest.mark.parametrize(("raw", "canonical"), [
    ("@Camille.M", "camille.m"),
    ("camille.m.bsky.social", "camille.m"),
    ("https://bsky.app/profile/Camille.M.bsky.social", "camille.m"),
    ("@Jules@Pouet.example", "jules@pouet.example"),
    ("https://pouet.example/@jules", "jules@pouet.example"),
    ("bsky.app/profile/Alice.bsky.social", "alice"),
    ("www.bsky.app/profile/alice.example.com/", "alice.example.com"),
    ("mastodon.social/@Zoe", "zoe@mastodon.social"),
    ("https://mastodon.social/@zoe@pouet.example", "zoe@pouet.example"),
    ("mastodon.social/@zoe@pouet.example/", "zoe@pouet.example"),
    ("  ", None),
])
def test_handles_are_normalised(raw: str, canonical: str | None) -> None:
    assert normalise_handle(raw) == canonical


def test_mastodon_instance_matters() -> None:
    assert normalise_handle("jules@pouet.example") != normalise_handle("jules@toots.example")


def test_email_and_kinds() -> None:
    assert normalise_email(" Ann.Lee@Example.COM ") == "ann.lee@example.com"
    assert normalise_email("not-an-address") is None
    assert id_column("email").kind == "email"
    assert id_column("bluesky_handle").kind == "handle"
    assert id_column("customer_id").kind == "id"
    assert id_column("x:handle").kind == "handle"
    with pytest.raises(InputError):
        id_column("x:phone")


def test_hash_depends_on_salt_and_kind() -> None:
    assert hash_id("a", "handle", "x") != hash_id("b", "handle", "x")
    assert hash_id("a", "handle", "x") != hash_id("a", "id", "x")


def test_match_by_handle_or_native_id() -> None:
    salt = "s"
    ids = [("k1", hash_id(salt, "handle", "camille.m")),
           ("k2", hash_id(salt, "id", "did:plc:abc"))]
    actors = [("bluesky:camille.m.bsky.social", "camille.m.bsky.social", None),
              ("bluesky:did:plc:abc", "other.bsky.social", None),
              ("mastodon:camille.m@pouet.example", "camille.m@pouet.example", None)]
    match = match_customers(salt, ids, actors, customers=4)
    assert match.actor_customer == {"bluesky:camille.m.bsky.social": "k1",
                                    "bluesky:did:plc:abc": "k2"}
    assert match.rate == 0.5


def test_import_matches_the_linked_customers(filled: Store, crm_file: Path,
                                            launch: Launch) -> None:
    report = import_customers(filled, str(crm_file), IDS, KEEP)
    linked = sum(1 for row in launch.customers.to_pylist()
                 if row["bluesky_handle"] or row["mastodon_handle"])
    assert report.rows == report.new == launch.customers.num_rows
    assert report.matched == linked
    assert report.match_rate == pytest.approx(linked / report.rows)
    again = import_customers(filled, str(crm_file), IDS, KEEP)
    assert (again.new, again.updated, again.unchanged) == (0, 0, report.rows)
    assert filled.counts()["customers"] == report.rows
    # naming fewer id columns changes how the customers with a handle are matched
    fewer = import_customers(filled, str(crm_file), ["email", "customer_id"], KEEP)
    assert (fewer.new, fewer.updated, fewer.unchanged) == (0, linked, report.rows - linked)
    assert fewer.matched == 0


def test_a_customer_is_one_whatever_the_order_of_the_ids(store: Store, tmp_path: Path) -> None:
    """Customers were keyed by the first --id: the same file with its ids swapped stored
    every customer twice, and so did a customer whose e-mail changed."""
    crm = write_csv(tmp_path / "crm.csv", [
        {"email": "ann@example.com", "customer_id": "C1", "plan": "weekly"},
        {"email": "bob@example.com", "customer_id": "C2", "plan": "weekly"}])
    first = import_customers(store, str(crm), ["email", "customer_id"], ["plan"])
    swapped = import_customers(store, str(crm), ["customer_id", "email"], ["plan"])
    assert (first.new, swapped.new, swapped.unchanged) == (2, 0, 2)
    moved = write_csv(tmp_path / "moved.csv", [
        {"email": "ann@new.example", "customer_id": "C1", "plan": "loyalty-card"},
        {"email": "bob@example.com", "customer_id": "C2", "plan": "weekly"}])
    changed = import_customers(store, str(moved), ["email", "customer_id"], ["plan"])
    assert (changed.new, changed.updated, changed.unchanged) == (0, 1, 1)
    assert store.counts()["customers"] == 2
    salt = workspace_salt(store)
    for address, stored in (("ann@example.com", 0), ("ann@new.example", 1)):
        assert store.scalar("SELECT count(*) FROM customer_ids WHERE id_hash = ?",
                            [hash_id(salt, "email", address)]) == stored


def test_salt_is_made_once(store: Store) -> None:
    assert workspace_salt(store) == workspace_salt(store)
    assert len(workspace_salt(store)) == 64


def test_bad_rows_name_file_line_and_column(store: Store, tmp_path: Path) -> None:
    crm = tmp_path / "crm.csv"
    crm.write_text("email,handle,plan\n"
                   "ann@example.com,@ann,weekly\n"
                   "not-an-address,@bob,weekly\n"
                   ",,weekly\n"
                   "ANN@example.com,,weekly\n"
                   "cy@example.com,@cy,cy@example.com\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_customers(store, str(crm), ["email", "handle"], ["plan"])
    text = [str(p) for p in caught.value.problems]
    assert text[0] == f"{crm}, line 3, column 'email': not a valid email"
    assert "line 4" in text[1] and "no identifier" in text[1]
    assert "line 5" in text[2] and "same customer as line 2" in text[2]
    assert "line 6" in text[3] and "column 'plan'" in text[3]
    assert "--keep-good" not in caught.value.hint  # customers import has no such option
    assert store.counts()["customers"] == 0


def test_a_quote_never_closed_is_refused_not_swallowed(store: Store, tmp_path: Path) -> None:
    """The rest of the file became one field: "1 customers", and no word of the others."""
    crm = tmp_path / "crm.csv"
    crm.write_text('email,country\nann@example.com,fr\nbob@example.com,"de\n'
                   "cy@example.com,it\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"crm\.csv, line 3: a quoted field opened here is "
                                         "never closed"):
        import_customers(store, str(crm), ["email"], ["country"])
    crm.write_text('email,country\nann@example.com,"fr"x\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2: ',' expected after"):
        import_customers(store, str(crm), ["email"], ["country"])
    assert store.counts()["customers"] == 0


def test_missing_column_is_named(store: Store, tmp_path: Path) -> None:
    crm = tmp_path / "crm.csv"
    crm.write_text("email,plan\nann@example.com,weekly\n", encoding="utf-8")
    with pytest.raises(InputError, match="no column 'handle'"):
        import_customers(store, str(crm), ["email", "handle"], ["plan"])
    with pytest.raises(InputError, match="both an --id and a --keep"):
        import_customers(store, str(crm), ["email"], ["email,plan"])


def test_import_by_email_alone_suggests_the_handle_columns(
        cli, db: Path, launch: Launch, tmp_path: Path, with_ops: None) -> None:  # type: ignore[no-untyped-def]
    """An e-mail finds no actor: the report names the unused identifier columns and the
    exact options, and those options do find the linked customers."""
    with Store.open(db) as store:
        fill(store, launch)
    renamed = {"bluesky_handle": "bluesky", "mastodon_handle": "Mastodon handle"}
    rows = [{renamed.get(k, k): v for k, v in row.items()}
            for row in launch.customers.to_pylist()]
    crm = write_csv(tmp_path / "crm.csv", rows)
    linked = sum(1 for row in launch.customers.to_pylist()
                 if row["bluesky_handle"] or row["mastodon_handle"])
    first = cli("customers", "import", str(crm), "--id", "email", "--keep", "country,plan")
    assert first.code == 0, first.err
    said = " ".join(first.out.split())
    assert f"0 of {len(rows):,} found among actors" in said
    assert ("not used, though they look like identifiers: bluesky, Mastodon handle; to find "
            "more customers among actors, import again adding --id bluesky:handle --id "
            "'Mastodon handle'") in said
    options = shlex.split(said.partition("import again adding ")[2])
    again = cli("customers", "import", str(crm), "--id", "email", *options, "--keep",
                "country,plan", "--json")
    assert again.code == 0, again.err
    report = json.loads(again.out)
    assert report["matched"] == linked > 0 and report["unused_ids"] == []


@pytest.mark.parametrize(("column", "kind"), [
    ("bluesky", "handle"), ("Instagram Username", "handle"), ("mastodon_handle", "handle"),
    ("twitter_id", "id"), ("bluesky_did", "id"), ("customer_id", None), ("CustomerID", None),
    ("client_number", None),
    ("email", None), ("email_id", None), ("phone", None), ("first_name", None),
    ("bluesky_followers", None), ("has_twitter", None), ("paid", None), ("plan", None),
])
def test_columns_that_could_find_customers_among_actors(column: str, kind: str | None
                                                        ) -> None:
    assert matchable_kind(column) == kind


def test_an_actor_matches_by_its_stored_did() -> None:
    """A Bluesky actor is keyed by handle; its DID is ``actors.native_id``, which a
    ``--id bsky_did`` column must find."""
    salt = "s"
    ids = [("k1", hash_id(salt, "id", "did:plc:abc"))]
    actors = [("bluesky:alice.bsky.social", "alice.bsky.social", "did:plc:abc"),
              ("bluesky:bob.bsky.social", "bob.bsky.social", "did:plc:other")]
    match = match_customers(salt, ids, actors, customers=1)
    assert match.actor_customer == {"bluesky:alice.bsky.social": "k1"}
    assert match.rate == 1.0


def test_import_finds_bluesky_actors_by_did(store: Store, tmp_path: Path) -> None:
    with store.transaction() as con:
        con.execute("INSERT INTO actors (actor_id, network, handle, native_id) VALUES "
                    "('bluesky:alice.bsky.social', 'bluesky', 'alice.bsky.social', "
                    "'did:plc:abc'), ('bluesky:bob.bsky.social', 'bluesky', "
                    "'bob.bsky.social', NULL)")
    crm = write_csv(tmp_path / "crm.csv", [
        {"email": "ann@example.com", "bsky_did": "did:plc:abc"},
        {"email": "bob@example.com", "bsky_did": "did:plc:nobody"}])
    report = import_customers(store, str(crm), ["email", "bsky_did"])
    assert (report.matched, report.match_rate) == (1, 0.5)


def test_every_customer_matched_counts_in_the_match_rate() -> None:
    """Two stored customers holding one hash (imported from two files) are both found by
    the actor holding it: the rate counted the first only."""
    salt = "s"
    handle = hash_id(salt, "handle", "alice")
    ids = [("k1", handle), ("k2", handle), ("k3", hash_id(salt, "handle", "nobody"))]
    match = match_customers(salt, ids, [("bluesky:alice.bsky.social", "alice", None)], 3)
    assert match.matched_customers == 2
    assert match.rate == pytest.approx(2 / 3)


def test_a_customer_twice_is_caught_on_any_identifier(store: Store, tmp_path: Path) -> None:
    """Rows sharing their second identifier (a handle) were stored as two customers."""
    crm = write_csv(tmp_path / "crm.csv", [
        {"email": "ann@example.com", "handle": "@ann"},
        {"email": "ann.lee@work.example", "handle": "ann.bsky.social"},
        {"email": "bob@example.com", "handle": ""}])
    with pytest.raises(ImportRejected) as caught:
        import_customers(store, str(crm), ["email", "handle"])
    problems = [str(p) for p in caught.value.problems]
    assert problems == [f"{crm}, line 3, column 'handle': same customer as line 2"]
    assert store.counts()["customers"] == 0
