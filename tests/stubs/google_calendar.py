"""A Google Calendar API v3 stub (CONNECTORS.md sections 3 and 10), at `/` and `/calendar/v3/`.

freeBusy with per-calendar `errors`; events.insert validating base32hex ids, 409 `duplicate`
on replay, 403 `forbiddenForServiceAccounts` for attendees without DWD, "Invalid conference
type value." for Meet without DWD, Meet creation `pending` then `success` on a later GET;
events.get/list/delete (410 once deleted); faults injected per request (429, 403, 5xx).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse

from tests.stubs.google_oauth import UNAUTHENTICATED, Identity, Tokens, google_error, token_router

EVENTS_SCOPES = {
    "https://www.googleapis.com/auth/calendar",
    "https://www.googleapis.com/auth/calendar.events",
}
FREEBUSY_SCOPES = EVENTS_SCOPES | {
    "https://www.googleapis.com/auth/calendar.freebusy",
    "https://www.googleapis.com/auth/calendar.events.freebusy",
}
_ID = re.compile(r"^[a-v0-9]{5,1024}$")


@dataclass
class Fault:
    """Answer the next matching request with this status and reason instead."""

    status: int
    reason: str
    message: str = "injected"
    path: str = ""  # substring of the path; "" matches any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class CalendarStub:
    """State: calendars by id with their events, free/busy errors, faults, the request log."""

    tokens: Tokens = field(default_factory=Tokens)
    calendars: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    busy_errors: dict[str, str] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    log: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def add_calendar(self, calendar_id: str) -> None:
        """A calendar the credentials can read and write."""
        self.calendars.setdefault(calendar_id, {})

    def app(self) -> FastAPI:
        """The ASGI app: the API at `/` and at `/calendar/v3/`, and the token endpoint."""
        app = FastAPI()
        app.include_router(token_router(self.tokens))
        app.include_router(self._router())
        app.include_router(self._router(), prefix="/calendar/v3")
        return app

    def _router(self) -> APIRouter:
        router = APIRouter()
        router.add_api_route("/freeBusy", self._free_busy, methods=["POST"])
        router.add_api_route("/calendars/{cal}/events", self._insert, methods=["POST"])
        router.add_api_route("/calendars/{cal}/events", self._list, methods=["GET"])
        router.add_api_route("/calendars/{cal}/events/{event_id}", self._get, methods=["GET"])
        router.add_api_route("/calendars/{cal}/events/{event_id}", self._delete, methods=["DELETE"])
        return router

    def _gate(self, request: Request, scopes: set[str]) -> tuple[Identity | None, Response | None]:
        """Log, then check auth, scopes and injected faults."""
        self.log.append((request.method, request.url.path, dict(request.query_params)))
        who = self.tokens.identity(request)
        if who is None:
            return None, google_error(401, "authError", UNAUTHENTICATED, "UNAUTHENTICATED")
        if not who.scopes & scopes:
            return None, google_error(
                403,
                "insufficientPermissions",
                "Request had insufficient authentication scopes.",
                "PERMISSION_DENIED",
            )
        for fault in self.faults:
            if fault.path in request.url.path:
                self.faults.remove(fault)
                return None, google_error(
                    fault.status, fault.reason, fault.message, headers=fault.headers
                )
        return who, None

    async def _free_busy(self, request: Request) -> Response:
        _, refused = self._gate(request, FREEBUSY_SCOPES)
        if refused:
            return refused
        body = await request.json()
        start, end = _time(body["timeMin"]), _time(body["timeMax"])
        if end <= start:
            return google_error(400, "timeRangeEmpty", "The specified time range is empty.")
        calendars: dict[str, Any] = {}
        for item in body.get("items", []):
            cal = item["id"]
            if cal in self.busy_errors or cal not in self.calendars:
                reason = self.busy_errors.get(cal, "notFound")
                calendars[cal] = {"errors": [{"domain": "global", "reason": reason}], "busy": []}
                continue
            busy = sorted(
                (max(_time(e["start"]["dateTime"]), start), min(_time(e["end"]["dateTime"]), end))
                for e in self.calendars[cal].values()
                if e["status"] != "cancelled" and e.get("transparency") != "transparent"
                and _time(e["start"]["dateTime"]) < end
                and _time(e["end"]["dateTime"]) > start
            )
            calendars[cal] = {"busy": [{"start": _z(a), "end": _z(b)} for a, b in busy]}
        return JSONResponse(
            {
                "kind": "calendar#freeBusy",
                "timeMin": body["timeMin"],
                "timeMax": body["timeMax"],
                "calendars": calendars,
            }
        )

    async def _insert(self, cal: str, request: Request) -> Response:
        who, refused = self._gate(request, EVENTS_SCOPES)
        if refused or who is None:
            return refused or Response(status_code=500)
        if cal not in self.calendars:
            return google_error(404, "notFound", "Not Found")
        event = await request.json()
        event_id = event.get("id") or f"gen{len(self.calendars[cal]):05d}"
        if not _ID.match(event_id):
            return google_error(400, "invalid", "Invalid resource id value.")
        if event_id in self.calendars[cal]:
            return google_error(409, "duplicate", "The requested identifier already exists.")
        if event.get("attendees") and who.without_delegation:
            return google_error(
                403,
                "forbiddenForServiceAccounts",
                "Service accounts cannot invite attendees without Domain-Wide "
                "Delegation of Authority.",
            )
        conference = event.pop("conferenceData", None)
        if conference and request.query_params.get("conferenceDataVersion") == "1":
            if who.without_delegation:
                return google_error(400, "invalid", "Invalid conference type value.")
            create = conference["createRequest"]
            event["conferenceData"] = {
                "createRequest": create | {"status": {"statusCode": "pending"}}
            }
        event |= {
            "id": event_id,
            "status": "confirmed",
            "kind": "calendar#event",
            "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
            "iCalUID": f"{event_id}@google.com",
            "organizer": {"email": cal, "self": True},
        }
        for attendee in event.get("attendees", []):
            attendee.setdefault("responseStatus", "needsAction")
        self.calendars[cal][event_id] = event
        return JSONResponse(event)

    async def _get(self, cal: str, event_id: str, request: Request) -> Response:
        _, refused = self._gate(request, EVENTS_SCOPES)
        if refused:
            return refused
        event = self.calendars.get(cal, {}).get(event_id)
        if event is None:
            return google_error(404, "notFound", "Not Found")
        request_ = event.get("conferenceData", {}).get("createRequest")
        if request_ and request_["status"]["statusCode"] == "pending":
            # Google finishes creating the Meet link asynchronously: done by the next read.
            code = "aaa-bbbb-" + event_id[:3]
            request_["status"]["statusCode"] = "success"
            event["conferenceData"] |= {
                "entryPoints": [
                    {
                        "entryPointType": "video",
                        "uri": f"https://meet.google.com/{code}",
                        "label": f"meet.google.com/{code}",
                    }
                ],
                "conferenceSolution": {"key": {"type": "hangoutsMeet"}, "name": "Google Meet"},
                "conferenceId": code,
            }
            event["hangoutLink"] = f"https://meet.google.com/{code}"
        return JSONResponse(event)

    async def _list(self, cal: str, request: Request) -> Response:
        _, refused = self._gate(request, EVENTS_SCOPES)
        if refused:
            return refused
        if cal not in self.calendars:
            return google_error(404, "notFound", "Not Found")
        query = request.query_params
        items = list(self.calendars[cal].values())
        for wanted in query.getlist("privateExtendedProperty"):
            key, _, value = wanted.partition("=")
            items = [
                e
                for e in items
                if e.get("extendedProperties", {}).get("private", {}).get(key) == value
            ]
        if "timeMin" in query:
            items = [e for e in items if _time(e["end"]["dateTime"]) > _time(query["timeMin"])]
        if "timeMax" in query:
            items = [e for e in items if _time(e["start"]["dateTime"]) < _time(query["timeMax"])]
        if query.get("showDeleted") != "true":
            items = [e for e in items if e["status"] != "cancelled"]
        offset, size = int(query.get("pageToken", "0")), int(query.get("maxResults", "250"))
        page: dict[str, Any] = {"kind": "calendar#events", "items": items[offset : offset + size]}
        if offset + size < len(items):
            page["nextPageToken"] = str(offset + size)
        return JSONResponse(page)

    async def _delete(self, cal: str, event_id: str, request: Request) -> Response:
        _, refused = self._gate(request, EVENTS_SCOPES)
        if refused:
            return refused
        event = self.calendars.get(cal, {}).get(event_id)
        if event is None:
            return google_error(404, "notFound", "Not Found")
        if event["status"] == "cancelled":
            return google_error(410, "deleted", "Resource has been deleted")
        event["status"] = "cancelled"  # Google keeps the id: re-inserting it gives 409
        return Response(status_code=204)


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
