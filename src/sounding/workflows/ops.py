"""The operations a command can ask of a workspace, by name, with JSON arguments.

The CLI runs an operation on the file itself, or, when ``sounding serve`` holds the
workspace, sends it to the server, which runs the same function: one code path, two
doors, and DuckDB's single writer is respected.
"""

from __future__ import annotations

import functools
import inspect
import json
import types
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from sounding.errors import InputError, NotFound, unusable_path
from sounding.store import Store
from sounding.workflows.accounts import add_account, list_accounts, named_secrets
from sounding.workflows.alert_channels import add_channel_op, remove_channel_op
from sounding.workflows.alerts import (
    add_rule_op,
    alerts_check_op,
    alerts_list_op,
    edit_rule_op,
    remove_rule_op,
)
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
from sounding.workflows.queue import add_to_queue, cancel_queued, list_queue
from sounding.workflows.reporting import report_data_op
from sounding.workflows.said import topics_op
from sounding.workflows.served import server_file, serving
from sounding.workflows.users import user_add_op

__all__ = ["CREATING", "OPERATIONS", "check_arguments", "run_operation", "server_file",
           "serving"]


@functools.wraps(import_items)  # its signature is the one checked
def _import_items(store: Store, **kw: Any) -> dict[str, Any]:
    return import_items(store, **kw).as_dict()


@functools.wraps(import_export)  # its signature is the one checked
def _import_export(store: Store, **kw: Any) -> dict[str, Any]:
    return import_export(store, **kw).as_dict()


@functools.wraps(import_wordpress)  # its signature is the one checked
def _import_wordpress(store: Store, **kw: Any) -> dict[str, Any]:
    return import_wordpress(store, **kw).as_dict()


def _kpis(store: Store, period: str | None = None) -> dict[str, Any]:
    return kpis(store, period).as_dict()


def _status(store: Store) -> dict[str, Any]:
    return {"workspace": str(store.path), "tables": store.table_counts()}


OPERATIONS: dict[str, Callable[..., Any]] = {
    "account_add": add_account,
    "accounts": list_accounts,
    "actors": actors_op,
    "alerts_add_channel": add_channel_op,
    "alerts_add_rule": add_rule_op,
    "alerts_check": alerts_check_op,
    "alerts_edit_rule": edit_rule_op,
    "alerts_list": alerts_list_op,
    "alerts_remove_channel": remove_channel_op,
    "alerts_remove_rule": remove_rule_op,
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
    "queue_cancel": cancel_queued,
    "queue_list": list_queue,
    "report_data": report_data_op,
    "retrain": retrain_op,
    "review": review_op,
    "secret_names": named_secrets,
    "segments": segments_op,
    "status": _status,
    "topics": topics_op,
    "user_add": user_add_op,
}


# The operations that may start a workspace: an import, an account, a CRM file, a dashboard
# user, an alert channel. Every other one works on the workspace's data: on a missing file
# (a mistyped --db) it would create an empty workspace and report nothing.
CREATING = frozenset({"import_items", "import_export", "import_wordpress", "account_add",
                      "customers_import", "user_add", "alerts_add_channel"})


def _operation(name: str) -> Callable[..., Any]:
    if name not in OPERATIONS:
        raise NotFound(f"no operation '{name}'",
                       hint="operations: " + ", ".join(sorted(OPERATIONS)))
    return OPERATIONS[name]


def _accepts(value: Any, hint: Any) -> bool:
    """Whether a JSON value fits an annotation; a callable, a datetime or a client never does
    (a remote caller cannot hand the server code or objects)."""
    origin, params = get_origin(hint), get_args(hint)
    if hint is Any:
        return True
    if origin in (Union, types.UnionType):
        return any(_accepts(value, p) for p in params)
    if hint is type(None) or hint is None:
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int or hint is float:
        number = (int, float) if hint is float else int
        return isinstance(value, number) and not isinstance(value, bool)
    if hint is str or hint is Path:
        return isinstance(value, str)
    if origin in (list, Sequence) or hint in (list, Sequence):
        return isinstance(value, list) and all(_accepts(v, (*params, Any)[0]) for v in value)
    if origin in (dict, Mapping) or hint in (dict, Mapping):
        key, val = (*params, Any, Any)[:2]
        return isinstance(value, dict) and all(
            _accepts(k, key) and _accepts(v, val) for k, v in value.items())
    return False


def _type_name(hint: Any) -> str:
    text = hint.__name__ if isinstance(hint, type) else str(hint)
    return text.replace("collections.abc.", "").replace("typing.", "")


@functools.cache
def _hints(name: str) -> dict[str, Any]:
    return get_type_hints(_operation(name))


def check_arguments(name: str, args: object) -> None:
    """Refuse, as an InputError, arguments a server got that the operation cannot take:
    an unknown or missing keyword, or a value of the wrong JSON type."""
    signature = inspect.signature(_operation(name))
    usage = [p.name + ("" if p.default is p.empty else "?")
             for p in list(signature.parameters.values())[1:] if p.kind != p.VAR_KEYWORD]
    hint = f"'{name}' takes {', '.join(usage) or 'no arguments'} (? marks optional ones)"
    if not isinstance(args, dict) or not all(isinstance(k, str) for k in args):
        raise InputError(f"the arguments of '{name}' must be a JSON object", hint=hint)
    try:
        signature.bind(None, **args)
    except TypeError as exc:
        raise InputError(f"wrong arguments for '{name}': {exc}", hint=hint) from None
    hints = _hints(name)
    for key, value in args.items():
        if key in hints and not _accepts(value, hints[key]):
            expected = _type_name(hints[key])  # the value is not repeated: it may be a secret
            raise InputError(f"wrong type for '{key}' of '{name}': "
                             f"{type(value).__name__}, expected {expected}", hint=hint)


def run_operation(store: Store, name: str, args: dict[str, Any]) -> Any:
    """Run one named operation; its result is JSON-serialisable."""
    try:
        result = _operation(name)(store, **args)
    except OSError as exc:
        if exc.filename is None:  # not a file: a network error is a bug's or a connector's
            raise
        raise unusable_path(exc) from exc
    json.dumps(result, default=str)  # fail here, not in a client, if a result is not JSON
    return result
