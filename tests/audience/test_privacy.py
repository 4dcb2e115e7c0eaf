"""No clear e-mail or customer id reaches the database, an export or a report."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest

from sounding.analyse.kept import KEEP_HINT, identifying_name
from sounding.cli.execute import _raise_remote
from sounding.errors import ImportRejected, InputError
from sounding.simulate import Launch
from sounding.store import Store
from sounding.store.audience_store import customer_attributes, workspace_salt
from sounding.web.app import error_payload
from sounding.workflows.audience import actors_op, segments_op
from sounding.workflows.customers import customers_import_op, import_customers

from .conftest import IDS, KEEP, fill


def test_clear_identifiers_never_leave_the_crm_file(tmp_path: Path, launch: Launch,
                                                    crm_file: Path) -> None:
    db = tmp_path / "w.duckdb"
    reports = []
    with Store.open(db) as store:
        fill(store, launch)
        reports.append(customers_import_op(store, str(crm_file), IDS, KEEP))
        reports.append(segments_op(store))
        for ext in ("gexf", "graphml", "json"):
            reports.append(actors_op(store, export=str(tmp_path / f"map.{ext}")))
        salt = workspace_salt(store)
    rows = launch.customers.to_pylist()
    secrets = [r["email"] for r in rows] + [r["customer_id"] for r in rows]
    assert len(secrets) > 500
    files = [p for p in tmp_path.iterdir() if p.is_file()]
    assert {p.suffix for p in files} >= {".duckdb", ".gexf", ".graphml", ".json"}
    blobs = [p.read_bytes() for p in files] + [json.dumps(reports).encode()]
    crm = crm_file.read_bytes()
    assert rows[0]["email"].encode() in crm  # the check below can find what it looks for
    for blob in blobs:
        found = [s for s in secrets if s.encode() in blob]
        assert not found, found[:3]
    for blob in blobs[1:]:  # the salt stays in the workspace
        assert salt.encode() not in blob


def _crm(tmp_path: Path, header: str, rows: list[str]) -> Path:
    path = tmp_path / "crm.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _people(n: int) -> list[str]:
    return [f"p{i}@example.com" for i in range(n)]


@pytest.mark.parametrize("column", [
    "customer_tel", "phone", "mobile", "bluesky_handle", "mastodon", "twitter",
    "e-mail address", "email", "handle", "customer_id", "client_id", "id", "customerId",
    "crmid", "name", "full_name", "first_name", "last_name", "address", "customer_number"])
def test_keep_refuses_a_column_named_as_an_identifier(store: Store, tmp_path: Path,
                                                       column: str) -> None:
    crm = _crm(tmp_path, f"mail,plan,{column}", ["ann@example.com,weekly,x"])
    with pytest.raises(InputError) as caught:
        import_customers(store, str(crm), ["mail:email"], [f"plan,{column}"])
    assert str(crm) in str(caught.value) and f"'{column}'" in str(caught.value)
    assert "'plan'" not in str(caught.value)
    assert "--id COLUMN" in caught.value.hint
    assert store.counts()["customers"] == 0


@pytest.mark.parametrize("column", [
    "email_opt_in", "newsletter_opt_in", "has_email", "phone_verified", "emailOptIn",
    "plan_name", "first_order", "country", "age_band", "paid", "bluesky_followers",
    "instagram_since"])
def test_keep_accepts_a_column_about_an_identifier(column: str) -> None:
    assert identifying_name(column) is None


@pytest.mark.parametrize(("value", "what"), [
    ("ann@example.com", "e-mail address"),
    ("Ann Lee <ann@example.com>", "e-mail address"),
    ("@ann.lee", "social handle"),
    ("ann.lee.bsky.social", "social handle"),
    ("@ann@pouet.example", "social handle"),
    ("https://bsky.app/profile/ann.lee.bsky.social", "profile address"),
    ("https://pouet.example/@ann", "profile address"),
    ("x.com/annlee", "profile address"),
    ("https://www.linkedin.com/in/ann-lee", "profile address"),
    ("+33 6 12 34 56 78", "phone number"),
    ("06.12.34.56.78", "phone number"),
    ("(555) 123-4567", "phone number"),
    ("0612345678", "phone number"),
])
def test_keep_refuses_a_value_that_identifies(store: Store, tmp_path: Path, value: str,
                                              what: str) -> None:
    crm = _crm(tmp_path, "mail,note", ["ann@example.com,weekly", f'bob@example.com,"{value}"',
                                       f'cy@example.com,"{value}"'])
    with pytest.raises(ImportRejected) as caught:
        import_customers(store, str(crm), ["mail:email"], ["note"])
    problems = [str(p) for p in caught.value.problems]
    assert problems == [f"{crm}, line 3, column 'note': looks like a {what}, which --keep "
                        "stores in clear (and 1 more identifying line)".replace("a e-", "an e-")]
    assert "--id COLUMN" in caught.value.hint
    assert store.counts()["customers"] == 0


def test_keep_refuses_text_that_singles_people_out(store: Store, tmp_path: Path) -> None:
    vouchers = [f"K{i * 7919 % 10007:05d}Q" for i in range(30)]
    vouchers[0] = vouchers[1]  # one repeat: 29 of 30 still differ
    rows = [f"{mail},weekly,{v}" for mail, v in zip(_people(30), vouchers, strict=True)]
    crm = _crm(tmp_path, "mail,plan,voucher", rows)
    with pytest.raises(ImportRejected) as caught:
        import_customers(store, str(crm), ["mail:email"], ["plan,voucher"])
    problems = caught.value.problems
    assert [(p.file, p.line, p.column) for p in problems] == [(str(crm), None, "voucher")]
    assert "29 different values in 30 rows" in problems[0].message
    assert "--id COLUMN" in caught.value.hint
    assert store.counts()["customers"] == 0


def test_keep_accepts_amounts_dates_and_few_distinct_rows(store: Store, tmp_path: Path) -> None:
    people = _people(30)
    rows = [f'{mail},{i % 3},"{1000 + i * 17},{i % 10}",2024-01-{i + 1:02d},"{i:.2f} €",'
            f"town {i}" for i, mail in enumerate(people)]
    rows += [f"{mail},1,,,,town" for mail in _people(40)[30:]]  # few towns: 10 rows share one
    crm = _crm(tmp_path, "mail,email_opt_in,spent,first_order,last_basket,town", rows)
    report = import_customers(store, str(crm), ["mail:email"],
                              ["email_opt_in,spent,first_order,last_basket,town"])
    assert report.new == 40
    stored = [json.loads(a) for a in customer_attributes(store).column("attributes").to_pylist()]
    assert {"1000,0", "1493,9"} <= {a["spent"] for a in stored}
    assert "2024-01-30" in {a["first_order"] for a in stored}
    assert identifying_name("town") is None


def test_a_refused_keep_leaves_the_store_as_it_was(store: Store, tmp_path: Path) -> None:
    good = _crm(tmp_path, "mail,plan", [f"{m},weekly" for m in _people(3)])
    import_customers(store, str(good), ["mail:email"], ["plan"])
    before = customer_attributes(store).sort_by("customer_key")
    bad = tmp_path / "bad.csv"
    bad.write_text("mail,plan,contact\n" + "".join(
        f"{m},monthly,+33 6 12 34 56 0{i}\n" for i, m in enumerate(_people(5))), "utf-8")
    with pytest.raises(InputError, match=r"bad\.csv: 1 problem"):
        import_customers(store, str(bad), ["mail:email"], ["plan,contact"])
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(bad.read_text("utf-8").replace("contact", "customer_tel"), "utf-8")
    with pytest.raises(InputError, match="'customer_tel'"):
        import_customers(store, str(renamed), ["mail:email"], ["plan", "customer_tel"])
    assert customer_attributes(store).sort_by("customer_key").equals(before)
    assert store.counts()["customers"] == 3


def test_a_kept_identifier_never_reaches_the_database(tmp_path: Path, launch: Launch,
                                                      crm_file: Path) -> None:
    rows = launch.customers.to_pylist()
    phones = [f"+33 6 {i // 10000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d} 42"
              for i in range(len(rows))]
    crm = tmp_path / "crm_with_phones.csv"
    table = launch.customers.append_column("contact", pa.array(phones))
    pa_csv.write_csv(table, crm)
    db = tmp_path / "w.duckdb"
    with Store.open(db) as store:
        fill(store, launch)
        with pytest.raises(ImportRejected) as caught:
            customers_import_op(store, str(crm), IDS, [*KEEP, "contact"])
        problems = caught.value.problems
        assert [(p.line, p.column) for p in problems] == [(2, "contact")]
        assert "phone number" in problems[0].message
        customers_import_op(store, str(crm_file), IDS, KEEP)
        assert store.counts()["customers"] == len(rows)
    blob = db.read_bytes()
    assert phones[0].encode() in crm.read_bytes()
    found = [p for p in phones if p.encode() in blob]
    assert not found, found[:3]


def test_the_keep_hint_survives_the_workspace_server(store: Store, tmp_path: Path) -> None:
    crm = _crm(tmp_path, "mail,note", ["ann@example.com,+33 6 12 34 56 78"])
    with pytest.raises(ImportRejected) as refused:
        import_customers(store, str(crm), ["mail:email"], ["note"])
    with pytest.raises(ImportRejected) as remote:  # as the CLI raises a server's answer
        _raise_remote(error_payload(refused.value))
    assert remote.value.hint == refused.value.hint == KEEP_HINT
    assert remote.value.problems == refused.value.problems


def test_a_file_without_an_attribute_keeps_the_stored_one(store: Store, tmp_path: Path) -> None:
    """Importing the CRM again without --keep wiped every customer's plan, reported as
    "3 updated"."""
    people = _people(3)
    first = _crm(tmp_path, "mail,plan,country", [f"{m},weekly,FR" for m in people])
    import_customers(store, str(first), ["mail:email"], ["plan,country"])
    again = import_customers(store, str(first), ["mail:email"], [])
    assert (again.new, again.updated) == (0, 0)
    moved = _crm(tmp_path, "mail,country", [f"{people[0]},BE", f"{people[1]},"] +
                 [f"{m},FR" for m in people[2:]])
    report = import_customers(store, str(moved), ["mail:email"], ["country"])
    assert (report.new, report.updated) == (0, 2)
    stored = sorted((json.loads(a) for a in customer_attributes(store).column(
        "attributes").to_pylist()), key=lambda a: str(a["country"]))
    assert stored == [{"country": "BE", "plan": "weekly"}, {"country": "FR", "plan": "weekly"},
                      {"country": None, "plan": "weekly"}]
