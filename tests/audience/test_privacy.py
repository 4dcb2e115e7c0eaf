"""No clear e-mail or customer id reaches the database, an export or a report."""

from __future__ import annotations

import json
from pathlib import Path

from sounding.simulate import Launch
from sounding.store import Store
from sounding.store.audience_store import workspace_salt
from sounding.workflows.audience import actors_op, segments_op
from sounding.workflows.customers import customers_import_op

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
