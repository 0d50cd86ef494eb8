"""A local HubSpot CRM API (CONNECTORS.md section 10): auth, scopes, limits, upserts, faults.

Serves both `/crm/objects/2026-03/...` and the legacy `/crm/v3/...` (+ `/crm/v4` links).
Tests drive it through its attributes: `now` (the stub's clock for the 10-second window and
the search index lag), `burst_max`, `daily_limit`, `scopes`, `fail_next(...)`, `requests`.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tests.stubs import hubspot_data as data
from tests.stubs.hubspot_data import error
from tests.stubs.hubspot_objects import ObjectRoutes

TOKEN = "pat-na1-00000000-stub-token"
ALL_SCOPES = frozenset(
    f"crm.{kind}.{t}.{mode}" for kind in ("objects", "schemas")
    for t in ("contacts", "companies", "deals") for mode in ("read", "write")
)  # fmt: skip
_OBJECTS = re.compile(r"^/crm/(?:v3/objects|v4/objects|objects/\d{4}-\d{2})/(.+)$")
_PROPERTIES = re.compile(r"^/crm/(?:v3/properties|properties/\d{4}-\d{2})/(.+)$")


@dataclass
class Fault:
    """One injected failure: the next `times` requests whose path contains `path` get it."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    path: str = ""
    times: int = 1


class HubSpotStub:
    """State and the FastAPI app; `reset()` between tests (the server is shared)."""

    def __init__(self) -> None:
        self.url = ""  # set by whoever serves the app
        self.reset()
        self.app = FastAPI()
        self.app.add_api_route("/{path:path}", self._dispatch,
                               methods=["GET", "POST", "PATCH", "PUT", "DELETE"])  # fmt: skip

    def reset(self) -> None:
        """A fresh portal: no records, default properties, every scope, generous limits."""
        self.token = TOKEN
        self.scopes: set[str] = set(ALL_SCOPES)
        self.burst_max = 190
        self.daily_limit = 250_000
        self.daily_used = 0
        self.now = 0.0
        self.window: deque[float] = deque()
        self.search_lag_s = 0.0
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str, Any]] = []
        self.definitions = data.default_definitions()
        self.groups: dict[str, set[str]] = {t: {"default"} for t in data.TYPES}
        self.objects = ObjectRoutes(self)

    def fail_next(self, status: int, body: Any = None, *, headers: dict[str, str] | None = None,
                  path: str = "", times: int = 1) -> None:  # fmt: skip
        """Make the next matching request(s) fail; body None: a HubSpot-shaped default."""
        self.faults.append(Fault(status, body, headers or {}, path, times))

    def calls(self, method: str, fragment: str = "") -> int:
        """How many requests of a method (and path fragment) the stub received."""
        return sum(1 for m, p, _ in self.requests if m == method and fragment in p)

    async def _dispatch(self, request: Request, path: str) -> Response:
        raw_path = request.scope.get("raw_path", b"").decode() or request.url.path
        body = json.loads(await request.body() or b"null")
        self.requests.append((request.method, raw_path, body))
        is_search = raw_path.endswith("/search")
        response = self._gate(request, raw_path, is_search)
        if response is None:
            response = self._route(request.method, raw_path, dict(request.query_params), body)
        if not is_search:  # search endpoints do not send the rate-limit headers
            response.headers.update(self._limit_headers())
        return response

    def _gate(self, request: Request, path: str, is_search: bool) -> Response | None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return error(401, "Authentication credentials not found. This API supports OAuth 2.0 "
                         "authentication and you can find more details at "
                         "https://developers.hubspot.com/docs/methods/auth/oauth-overview",
                         "INVALID_AUTHENTICATION")  # fmt: skip
        for fault in self.faults:
            if fault.times > 0 and fault.path in path:
                fault.times -= 1
                return self._fault_response(fault)
        if not is_search:
            limited = self._count_request()
            if limited is not None:
                return limited
        scope = _required_scope(request.method, path)
        if scope and scope not in self.scopes:
            return JSONResponse({
                "status": "error", "correlationId": str(uuid.uuid4()), "category": "MISSING_SCOPES",
                "message": "This app hasn't been granted all required scopes to make this call. "
                           "Read more about required scopes here: https://developers.hubspot.com/scopes.",
                "errors": [{"message": "One or more of the following scopes are required.",
                            "context": {"requiredGranularScopes": [scope]}}],
                "links": {"scopes": "https://developers.hubspot.com/scopes"},
            }, status_code=403)  # fmt: skip
        return None

    def _count_request(self) -> Response | None:
        while self.window and self.window[0] <= self.now - 10:
            self.window.popleft()
        if self.daily_used >= self.daily_limit:
            return _rate_limited("DAILY", "You have reached your daily limit.")
        if len(self.window) >= self.burst_max:
            return _rate_limited(
                "TEN_SECONDLY_ROLLING", "You have reached your ten_secondly_rolling limit."
            )
        self.window.append(self.now)
        self.daily_used += 1
        return None

    def _limit_headers(self) -> dict[str, str]:
        return {
            "X-HubSpot-RateLimit-Daily": str(self.daily_limit),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(self.daily_limit - self.daily_used, 0)),
            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
            "X-HubSpot-RateLimit-Max": str(self.burst_max),
            "X-HubSpot-RateLimit-Remaining": str(max(self.burst_max - len(self.window), 0)),
        }

    def _fault_response(self, fault: Fault) -> Response:
        if isinstance(fault.body, str):
            return Response(fault.body, status_code=fault.status, headers=fault.headers,
                            media_type="text/html")  # fmt: skip
        body = fault.body if fault.body is not None else {
            "status": "error", "message": f"injected HTTP {fault.status}",
            "correlationId": str(uuid.uuid4()), "category": "INTERNAL_ERROR"}  # fmt: skip
        return JSONResponse(body, status_code=fault.status, headers=fault.headers)

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> Response:
        parts = [unquote(part) for part in path.split("?")[0].strip("/").split("/")]
        if match := _PROPERTIES.match(path):
            return self._properties(method, [unquote(p) for p in match.group(1).split("/")], body)
        if _OBJECTS.match(path):
            return self.objects.route(method, parts[3:], query, body)
        return error(404, f"no route for {method} {path}", "OBJECT_NOT_FOUND")

    def _properties(self, method: str, parts: list[str], body: Any) -> Response:
        object_type = parts[0]
        if object_type not in self.definitions:
            return error(
                400, f"Unable to infer object type from: {object_type}", "VALIDATION_ERROR"
            )
        definitions = self.definitions[object_type]
        if parts[1:] == ["groups"] and method == "POST":
            if body["name"] in self.groups[object_type]:
                return error(409, f"A property group named {body['name']} already exists.",
                             "CONFLICT")  # fmt: skip
            self.groups[object_type].add(body["name"])
            return JSONResponse({"archived": False, **body}, status_code=201)
        if len(parts) == 2 and method == "GET":
            found = definitions.get(parts[1])
            return JSONResponse(found) if found else error(
                404, f"Unable to find property {parts[1]}", "OBJECT_NOT_FOUND")  # fmt: skip
        if len(parts) == 1 and method == "GET":
            return JSONResponse({"results": list(definitions.values())})
        if len(parts) == 1 and method == "POST":
            if body.get("name") in definitions:
                return error(409, f"Property named '{body['name']}' already exists.", "CONFLICT")
            if body.get("groupName") not in self.groups[object_type]:
                return error(400, f"property group {body.get('groupName')} does not exist",
                             "VALIDATION_ERROR")  # fmt: skip
            definition = {"hasUniqueValue": False, "options": [], **body}
            definitions[body["name"]] = definition
            return JSONResponse(definition, status_code=201)
        return error(405, f"{method} not supported here", "VALIDATION_ERROR")


def _rate_limited(policy: str, message: str) -> JSONResponse:
    return JSONResponse({"status": "error", "message": message, "errorType": "RATE_LIMIT",
                         "correlationId": str(uuid.uuid4()), "policyName": policy,
                         "requestId": str(uuid.uuid4())}, status_code=429)  # fmt: skip


def _required_scope(method: str, path: str) -> str | None:
    write = method != "GET"
    if match := _PROPERTIES.match(path):
        kind, object_type = "schemas", match.group(1).split("/")[0]
    elif match := _OBJECTS.match(path):
        kind, object_type = "objects", match.group(1).split("/")[0]
        write = write and not path.endswith("/search")
    else:
        return None
    # Notes ride on the contact scopes (HubSpot's engagement scopes).
    object_type = "contacts" if object_type == "notes" else object_type
    return f"crm.{kind}.{object_type}.{'write' if write else 'read'}"
