"""The operations a command can ask of a workspace, by name, with JSON arguments.

The CLI runs an operation on the file itself, or, when ``sounding serve`` holds the
workspace, sends it to the server, which runs the same function: one code path, two
doors, and DuckDB's single writer is respected.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sounding.errors import NotFound
from sounding.store import Store
from sounding.workflows.accounts import add_account, list_accounts
from sounding.workflows.alerts import add_channel_op, alerts_check_op, alerts_list_op
from sounding.workflows.audience import actors_op, segments_op
from sounding.workflows.collect import collect
from sounding.workflows.corrections import label_op, retrain_op, review_op
from sounding.workflows.customers import customers_import_op
from sounding.workflows.enrich import enrich_workspace
from sounding.workflows.import_auto import import_export, import_wordpress
from sounding.workflows.ingest import import_items
from sounding.workflows.kpis import kpis
from sounding.workflows.learn import learn_op, plan_op
from sounding.workflows.listen import add_query, list_queries, remove_query
from sounding.workflows.publish import publish_due
from sounding.workflows.queue import add_to_queue, list_queue
from sounding.workflows.reporting import report_data_op
from sounding.workflows.said import topics_op
from sounding.workflows.users import user_add_op

__all__ = ["OPERATIONS", "READING", "run_operation", "server_file"]


def _import_items(store: Store, **kw: Any) -> dict[str, Any]:
    return import_items(store, **kw).as_dict()


def _import_export(store: Store, **kw: Any) -> dict[str, Any]:
    return import_export(store, **kw).as_dict()


def _import_wordpress(store: Store, **kw: Any) -> dict[str, Any]:
    return import_wordpress(store, **kw).as_dict()


def _kpis(store: Store, period: str | None = None) -> dict[str, Any]:
    return kpis(store, period).as_dict()


def _status(store: Store) -> dict[str, Any]:
    return {"workspace": str(store.path), "tables": store.counts()}


OPERATIONS: dict[str, Callable[..., Any]] = {
    "account_add": add_account,
    "accounts": list_accounts,
    "actors": actors_op,
    "alerts_add_channel": add_channel_op,
    "alerts_check": alerts_check_op,
    "alerts_list": alerts_list_op,
    "collect": collect,
    "customers_import": customers_import_op,
    "enrich": enrich_workspace,
    "import_export": _import_export,
    "import_items": _import_items,
    "import_wordpress": _import_wordpress,
    "kpis": _kpis,
    "label": label_op,
    "learn": learn_op,
    "listen_add": add_query,
    "listen_list": list_queries,
    "listen_remove": remove_query,
    "plan": plan_op,
    "publish_due": publish_due,
    "queue_add": add_to_queue,
    "queue_list": list_queue,
    "report_data": report_data_op,
    "retrain": retrain_op,
    "review": review_op,
    "segments": segments_op,
    "status": _status,
    "topics": topics_op,
    "user_add": user_add_op,
}


# Operations that only read: on a workspace that does not exist they would create an
# empty one and report nothing, which hides a mistyped --db.
READING = frozenset({"accounts", "actors", "alerts_list", "kpis", "learn", "listen_list",
                     "queue_list", "report_data", "review", "segments", "status", "topics"})


def run_operation(store: Store, name: str, args: dict[str, Any]) -> Any:
    """Run one named operation; its result is JSON-serialisable."""
    if name not in OPERATIONS:
        raise NotFound(f"no operation '{name}'")
    result = OPERATIONS[name](store, **args)
    json.dumps(result, default=str)  # fail here, not in a client, if a result is not JSON
    return result


def server_file(db: Path) -> Path:
    """Where a running server announces itself for a workspace file."""
    return db.with_name(db.name + ".server.json")
