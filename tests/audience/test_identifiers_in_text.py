"""A kept column's free text holding a phone or a handle is refused like one holding an
e-mail; ordinary text (years, prices, postcodes, dates) is kept; a headerless file's
first line is not echoed back."""

from __future__ import annotations

from pathlib import Path

import pytest

from sounding.analyse.kept import identifying_name, identifying_value
from sounding.errors import ImportRejected, InputError
from sounding.store import Store
from sounding.workflows.customers import import_customers


def _crm(tmp_path: Path, header: str, rows: list[str]) -> Path:
    path = tmp_path / "crm.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("value", "what"), [
    ("call me at +33 6 12 34 56 78", "a phone number"),
    ("Tel: 06 12 34 56 78", "a phone number"),
    ("my number is 0612345678.", "a phone number"),
    ("ring 555-123-4567 after 6pm", "a phone number"),
    ("office (555) 123-4567", "a phone number"),
    ("UK mobile 07700 900123", "a phone number"),
    ("follow me @alice.bsky.social", "a social handle"),
    ("ask @ann@pouet.example first", "a social handle"),
    ("she is alice.bsky.social there", "a social handle"),
    ("see pouet.example/@ann", "a profile address"),
    ("profile: https://bsky.app/profile/ann.example.com", "a profile address"),
    ("write to Ann <ann@example.com>", "an e-mail address"),
    # a number ends at a comma, a slash or a full stop, not only at a space
    ("Rappeler au 06 12 34 56 78, merci", "a phone number"),
    ("call +33612345678, thanks", "a phone number"),
    ("555-123-4567, John", "a phone number"),
    ("06 12 34 56 78/07 12 34 56 78", "a phone number"),
    ("tél.06 12 34 56 78", "a phone number"),
    ("FR76 3000 6000 0112 3456 7890 189", "a bank account number"),
])
def test_an_identifier_anywhere_in_the_text_is_found(value: str, what: str) -> None:
    assert identifying_value(value) == what


@pytest.mark.parametrize("value", [
    "2024", "12.50 €", "75011", "postcode 75011 Paris", "plan 3", "2024-01-15",
    "15/01/2024", "2024-01-15 12:30", "bought 3 items on 01.02.2024", "order #12345",
    "1 234,50 €", "customer since 2019, 2 orders", "paid 1234.56 EUR", "meet @ 5pm",
    "rated 4.5/5", "call back 10-12", "opening 12:30-14:00", "1,234,567 views",
    "ISBN 978-3-16-148410-0", "ref 2024-0012345", "weekly-subscription",
    # an @ before a time, a price or a year is no handle; a reference is no phone
    "Call @10:30", "12 units @3.50", "Sale @50%", "Tarif @2024", "2024.06.12",
    "Commande n° 0123456789", "Order 0042-1234-5678", "Ticket #0123-456-789",
    "Zip 02134-1234", "1,5 kg",
])
def test_ordinary_text_is_not_an_identifier(value: str) -> None:
    assert identifying_value(value) is None


def test_keep_refuses_notes_holding_a_phone_or_a_handle(store: Store, tmp_path: Path) -> None:
    crm = _crm(tmp_path, "mail,notes", [
        "ann@example.com,likes the weekly box",
        'bob@example.com,"call me at +33 6 12 34 56 78"',
        "cy@example.com,follow me @alice.bsky.social",
        "di@example.com,Tel: 06 12 34 56 78"])
    with pytest.raises(ImportRejected) as caught:
        import_customers(store, str(crm), ["mail:email"], ["notes"])
    assert [str(p) for p in caught.value.problems] == [
        f"{crm}, line 3, column 'notes': looks like a phone number, which --keep stores in "
        "clear (and 2 more identifying lines)"]
    assert store.counts()["customers"] == 0


@pytest.mark.parametrize("column", ["phone2", "email2", "portable", "Portable", "mobile_2",
                                    "telephone2"])
def test_keep_refuses_numbered_and_french_contact_columns(column: str) -> None:
    assert identifying_name(column) == "contact details"


@pytest.mark.parametrize("column", ["plan2", "plan_3", "age_band", "country", "lang",
                                    "ordinateur_portable", "forfait_cellulaire"])
def test_keep_accepts_numbered_attribute_columns(column: str) -> None:
    assert identifying_name(column) is None


def test_a_file_without_a_header_is_not_echoed_back(store: Store, tmp_path: Path) -> None:
    crm = _crm(tmp_path, "camille@x.com,@Camille.M,gold", ["bob@x.com,@bob,silver"])
    with pytest.raises(InputError) as caught:
        import_customers(store, str(crm), ["email", "handle"])
    said = f"{caught.value} {caught.value.hint}"
    for clear in ("camille@x.com", "Camille.M", "gold"):
        assert clear not in said
    assert "looks like data" in caught.value.hint
    good = _crm(tmp_path, "email,plan", ["ann@x.com,gold"])
    with pytest.raises(InputError) as caught:
        import_customers(store, str(good), ["email", "handle"])
    assert caught.value.hint == "the header has: email, plan"  # a real header is listed
