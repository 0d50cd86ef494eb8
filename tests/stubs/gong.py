"""A Gong API v2 stub (CONNECTORS.md sections 5 and 10).

Basic auth; /v2/calls/extensive and /v2/calls/transcript with cursor pages (cursor present only
when more remain, and refused unless the rest of the request is identical); 404 with
`{"requestId", "errors"}` when nothing matches; its own 3 calls/s limit answering 429 with
Retry-After (on an injectable clock, so a client's limiter is checked without waiting).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

NO_CALLS = "No calls found for the specified period"


@dataclass
class GongStub:
    """State: calls (metaData + parties), transcripts by call id, limits, faults, a request log."""

    access_key: str = "gong-key"
    access_key_secret: str = "gong-secret"
    page_size: int = 100
    per_second: int = 3
    clock: Callable[[], float] = time.monotonic
    calls: list[dict[str, Any]] = field(default_factory=list)
    transcripts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    faults: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    log: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _recent: deque[float] = field(default_factory=deque)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(7782342274025937895))

    def add_call(
        self,
        *,
        started: str,
        parties: list[dict[str, Any]],
        calendar_event_id: str | None = None,
        meeting_url: str | None = None,
        transcript: list[dict[str, Any]] | None = None,
    ) -> str:
        """Record a call (and its transcript, once given); returns its id."""
        call_id = str(next(self._ids))
        self.calls.append(
            {
                "metaData": {
                    "id": call_id,
                    "url": f"https://app.gong.io/call?id={call_id}",
                    "title": "Call",
                    "scheduled": started,
                    "started": started,
                    "duration": 1800,
                    "direction": "Conference",
                    "system": "Google Meet",
                    "scope": "External",
                    "media": "Video",
                    "language": "eng",
                    "meetingUrl": meeting_url,
                    "calendarEventId": calendar_event_id,
                    "isPrivate": False,
                },
                "parties": parties,
            }
        )
        if transcript is not None:
            self.transcripts[call_id] = transcript
        return call_id

    def app(self) -> FastAPI:
        """The ASGI app."""
        app = FastAPI()
        app.add_api_route("/v2/calls/extensive", self._extensive, methods=["POST"])
        app.add_api_route("/v2/calls/transcript", self._transcript, methods=["POST"])
        app.add_api_route("/v2/users", self._users, methods=["GET"])
        return app

    def _gate(self, request: Request, body: dict[str, Any] | None) -> Response | None:
        self.log.append((request.url.path, body or {}))
        expected = base64.b64encode(f"{self.access_key}:{self.access_key_secret}".encode())
        if request.headers.get("authorization", "") != f"Basic {expected.decode()}":
            return _error(401, "Unauthorized: invalid access key or secret")
        now = self.clock()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.per_second:
            return _error(429, "Too many requests", {"Retry-After": "1"})
        self._recent.append(now)
        if self.faults:
            status, headers = self.faults.pop(0)
            return _error(status, "injected", headers)
        return None

    async def _extensive(self, request: Request) -> Response:
        body = await request.json()
        refused = self._gate(request, body)
        if refused:
            return refused
        window = _window(body)
        if window is None:
            return _error(400, "filter.fromDateTime and filter.toDateTime are required")
        matching = [
            c for c in self.calls if window[0] <= _time(c["metaData"]["started"]) < window[1]
        ]
        if not body.get("contentSelector", {}).get("exposedFields", {}).get("parties"):
            matching = [{"metaData": c["metaData"]} for c in matching]
        return self._page(body, matching, "calls")

    async def _transcript(self, request: Request) -> Response:
        body = await request.json()
        refused = self._gate(request, body)
        if refused:
            return refused
        window = _window(body)
        if window is None:
            return _error(400, "filter.fromDateTime and filter.toDateTime are required")
        wanted = set(body["filter"].get("callIds") or [c["metaData"]["id"] for c in self.calls])
        found = [
            {"callId": c["metaData"]["id"], "transcript": self.transcripts[c["metaData"]["id"]]}
            for c in self.calls
            if c["metaData"]["id"] in wanted
            and c["metaData"]["id"] in self.transcripts
            and window[0] <= _time(c["metaData"]["started"]) < window[1]
        ]
        return self._page(body, found, "callTranscripts")

    async def _users(self, request: Request) -> Response:
        refused = self._gate(request, None)
        return refused or JSONResponse(
            {
                "requestId": "r-users",
                "records": {"totalRecords": 1, "currentPageSize": 1, "currentPageNumber": 0},
                "users": [{"id": "234599484848423", "emailAddress": "ana@sales.example"}],
            }
        )

    def _page(self, body: dict[str, Any], items: list[dict[str, Any]], key: str) -> Response:
        digest = hashlib.sha256(
            json.dumps({k: v for k, v in body.items() if k != "cursor"}, sort_keys=True).encode()
        ).hexdigest()[:16]
        offset = 0
        if body.get("cursor"):
            try:
                state = json.loads(base64.b64decode(body["cursor"]))
            except ValueError:
                return _error(400, "cursor is invalid")
            if state["digest"] != digest:
                return _error(400, "cursor does not match the request: repeat it unchanged")
            offset = state["offset"]
        if not items:
            return _error(404, NO_CALLS)
        page = items[offset : offset + self.page_size]
        records: dict[str, Any] = {
            "totalRecords": len(items),
            "currentPageSize": len(page),
            "currentPageNumber": offset // self.page_size,
        }
        if offset + self.page_size < len(items):
            records["cursor"] = base64.b64encode(
                json.dumps({"offset": offset + self.page_size, "digest": digest}).encode()
            ).decode()
        return JSONResponse({"requestId": f"r{offset}", "records": records, key: page})


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        {"requestId": "4al018gzaztcr8nbukw", "errors": [message]},
        status_code=status,
        headers=headers,
    )


def _window(body: dict[str, Any]) -> tuple[datetime, datetime] | None:
    flt = body.get("filter", {})
    if not flt.get("fromDateTime") or not flt.get("toDateTime"):
        return None
    return _time(flt["fromDateTime"]), _time(flt["toDateTime"])


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)
