"""A requests transport that answers Mastodon.py from recorded routes (fixtures/mastodon)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests
from requests.adapters import BaseAdapter

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"
INSTANCE = "https://social.example"


def _resolve(value: Any, entities: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$ref"}:
            return _resolve(entities[value["$ref"]], entities)
        return {k: _resolve(v, entities) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, entities) for v in value]
    return value


def _rate_headers(remaining: int = 299) -> dict[str, str]:
    reset = (datetime.now(UTC) + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    return {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": reset}


@dataclass
class RecordedMastodon(BaseAdapter):  # type: ignore[misc]
    """Answers by method, path and query; ``fail`` queues errors before the next answers."""

    routes: list[dict[str, Any]] = field(default_factory=list)
    requests: list[requests.PreparedRequest] = field(default_factory=list)
    fail: list[dict[str, Any]] = field(default_factory=list)
    kill_after: int | None = None

    def __post_init__(self) -> None:
        super().__init__()
        entities = json.loads((FIXTURES / "entities.json").read_text())
        for route in json.loads((FIXTURES / "routes.json").read_text())["routes"]:
            self.routes.append(_resolve(route, entities))

    def route(self, method: str, path: str, body: Any, query: dict[str, str] | None = None,
              **extra: Any) -> None:
        """Add (in front) an answer of a test's own; ``times=N`` answers it N times only."""
        self.routes.insert(0, {"method": method, "path": path, "body": body,
                               "query": query or {}, **extra})

    def _match(self, method: str, path: str, query: dict[str, str]) -> dict[str, Any]:
        found = [r for r in self.routes if r["method"] == method and r["path"] == path
                 and all(query.get(k) == v for k, v in (r.get("query") or {}).items())]
        if not found:
            raise AssertionError(f"no recorded answer for {method} {path}?{query}")
        route = max(found, key=lambda r: len(r.get("query") or {}))
        if "times" in route:
            route["times"] -= 1
            if route["times"] <= 0:
                self.routes.remove(route)
        return route

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.requests.append(request)
        if self.kill_after is not None and len(self.requests) > self.kill_after:
            raise requests.ConnectionError("connection refused (the network is down)")
        url = urlparse(str(request.url))
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        method = str(request.method)
        spec = self.fail.pop(0) if self.fail else self._match(method, url.path, query)
        return self._response(request, spec)

    def _response(self, request: requests.PreparedRequest, spec: dict[str, Any]
                  ) -> requests.Response:
        response = requests.Response()
        response.status_code = int(spec.get("status", 200))
        response.reason = {200: "OK", 401: "Unauthorized", 403: "Forbidden",
                           422: "Unprocessable Entity", 429: "Too Many Requests",
                           503: "Service Unavailable"}.get(response.status_code, "")
        headers = {"Content-Type": "application/json; charset=utf-8", **_rate_headers()}
        headers.update(spec.get("headers") or {})
        response.headers.update(headers)
        if "raw" in spec:  # an answer that is no JSON, as a proxy's error page
            response.headers["Content-Type"] = "text/html; charset=utf-8"
            response._content = str(spec["raw"]).encode()
        else:
            response._content = json.dumps(spec.get("body")).encode()
        response.url, response.request = str(request.url), request
        return response

    def close(self) -> None:
        pass


def session(adapter: RecordedMastodon) -> requests.Session:
    """A requests session whose every call to the instance goes to ``adapter``."""
    s = requests.Session()
    s.mount(INSTANCE, adapter)
    return s
