"""GoogleCalendar: the Calendar role on Google Calendar API v3 (CONNECTORS.md section 3).

Busy time is freeBusy.query plus each rep's working hours; bookings are events.insert with an
event id derived from the idempotency key, so a replay is a 409 that we treat as success.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from connectors.base.calendars import BusyInterval, Meeting, MeetingRequest, Rep
from connectors.base.health import CheckResult
from connectors.google.http import GoogleApiError, GoogleHttp
from connectors.google_calendar import events
from connectors.google_calendar.doctor import calendar_checks
from connectors.scheduling import RepLoad, busy_intervals, choose_slot, require_utc
from leadflow.errors import PermanentError
from leadflow.store.types import utc_now

NAME = "google_calendar"
Span = tuple[datetime, datetime]
# Round-robin counts leadflow's bookings this far either side of the proposed times.
LOAD_WINDOW = timedelta(days=30)


class GoogleCalendar:
    """Reps' Google calendars; `impersonate_reps` acts as each rep (domain-wide delegation)."""

    def __init__(
        self,
        api: GoogleHttp,
        reps: list[Rep],
        *,
        invite_attendees: bool = True,
        create_meet: bool = True,
        send_updates: str = "all",
        impersonate_reps: bool = False,
        conference_polls: int = 5,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api = api
        self._reps = {rep.id: rep for rep in reps}
        self.invite_attendees = invite_attendees
        self.create_meet = create_meet
        self.send_updates = send_updates
        self.impersonate_reps = impersonate_reps
        self._polls = conference_polls
        self._clock = clock
        self._sleep = sleep

    def reps(self) -> list[Rep]:
        """Every rep, ordered by id."""
        return sorted(self._reps.values(), key=lambda rep: rep.id)

    def free_busy(
        self, rep_ids: list[str], start: datetime, end: datetime
    ) -> dict[str, list[BusyInterval] | None]:
        """Busy intervals per rep; None for an unknown rep or an unreadable calendar."""
        start, end = require_utc(start, "start"), require_utc(end, "end")
        known = [self._reps[rep_id] for rep_id in rep_ids if rep_id in self._reps]
        spans = self._google_busy(known, start, end)
        return {
            rep_id: None if spans.get(rep_id) is None
            else busy_intervals(self._reps[rep_id], spans[rep_id] or [], start, end)
            for rep_id in rep_ids
        }

    def book_first_available(self, request: MeetingRequest, *, idempotency_key: str) -> Meeting:
        """Book the first free proposed time, round-robin (see Calendar.book_first_available)."""
        event_id = events.event_id_for(idempotency_key)
        found = self._find(event_id)
        if found is not None:
            return events.to_meeting(*found)
        reps = list(self._reps.values())
        if request.rep_ids is not None:
            reps = [rep for rep in reps if rep.id in request.rep_ids]
        window_start = min(request.proposed_times)
        window_end = max(request.proposed_times) + timedelta(
            minutes=request.duration_minutes or max((r.meeting_minutes for r in reps), default=30))
        spans = self._google_busy(reps, window_start, window_end)

        def busy_of(rep: Rep, start: datetime, end: datetime) -> list[BusyInterval] | None:
            rep_spans = spans.get(rep.id)
            return None if rep_spans is None else busy_intervals(rep, rep_spans, start, end)

        slot = choose_slot(request, list(self._reps.values()), busy_of,
                           self._load(reps, window_start, window_end), connector=NAME)
        body = events.insert_body(
            event_id, slot.rep, title=request.title, description=request.description,
            start_at=slot.start_at, end_at=slot.end_at, lead_email=request.lead_email,
            lead_name=request.lead_name, booked_at=self._clock(),
            attendees=self.invite_attendees, meet=self.create_meet)
        event = self._insert(slot.rep, body)
        return events.to_meeting(self._await_conference(slot.rep, event), slot.rep)

    def cancel(self, meeting_id: str) -> None:
        """Cancel a meeting (attendees are told); twice is harmless (see Calendar.cancel)."""
        found = self._find(meeting_id) if events.is_event_id(meeting_id) else None
        if found is None:
            raise PermanentError(f"no meeting with id {meeting_id!r} in any rep's Google calendar",
                                 connector=NAME, operation="cancel")
        event, rep = found
        if event.get("status") == "cancelled":
            return
        try:
            self.api.call("DELETE", self._event_path(rep, meeting_id), operation="cancel",
                          subject=self._subject(rep), params={"sendUpdates": self.send_updates})
        except GoogleApiError as exc:
            if exc.status != 410:  # 410 deleted: someone cancelled it meanwhile
                raise

    def doctor(self) -> list[CheckResult]:
        """Credentials, free/busy access to every rep's calendar, attendee/Meet ability."""
        return calendar_checks(self)

    # -- Google calls ------------------------------------------------------------------------

    def _google_busy(self, reps: list[Rep], start: datetime, end: datetime
                     ) -> dict[str, list[Span] | None]:
        """Busy spans per rep id from freeBusy; a per-calendar error means unknown (None)."""
        result: dict[str, list[Span] | None] = {}
        # calendarExpansionMax is 50; acting as each rep means one query per rep.
        for group in _chunks(reps, 1 if self.impersonate_reps else 50):
            body = {"timeMin": _z(start), "timeMax": _z(end), "timeZone": "UTC",
                    "items": [{"id": rep.calendar} for rep in group]}
            answer = self.api.call("POST", "freeBusy", operation="free_busy", json=body,
                                   subject=self._subject(group[0]))
            calendars: dict[str, Any] = answer.get("calendars", {})
            for rep in group:
                entry = calendars.get(rep.calendar)
                if entry is None or entry.get("errors"):
                    result[rep.id] = None
                    continue
                result[rep.id] = [(datetime.fromisoformat(b["start"]),
                                   datetime.fromisoformat(b["end"])) for b in entry.get("busy", [])]
        return result

    def _load(self, reps: list[Rep], start: datetime, end: datetime) -> dict[str, RepLoad]:
        """Round-robin load from the events leadflow booked in each rep's calendar."""
        load: dict[str, RepLoad] = {}
        for rep in reps:
            count, last = 0, 0
            params: dict[str, Any] = {
                "privateExtendedProperty": f"{events.MARKER}=1", "singleEvents": "true",
                "timeMin": _z(start - LOAD_WINDOW), "timeMax": _z(end + LOAD_WINDOW),
                "maxResults": 2500}
            while True:
                page = self.api.call("GET", self._events_path(rep), operation="list_events",
                                     subject=self._subject(rep), params=params)
                for item in page.get("items", []):
                    if item.get("status") == "cancelled":
                        continue
                    count += 1
                    booked = events.booked_at(item)
                    last = max(last, int(booked.timestamp() * 1_000_000) if booked else 0)
                if not page.get("nextPageToken"):
                    break
                params = params | {"pageToken": page["nextPageToken"]}
            load[rep.id] = RepLoad(meetings=count, last_booked_seq=last)
        return load

    def _find(self, event_id: str) -> tuple[dict[str, Any], Rep] | None:
        """The event with this id in any rep's calendar (ids are only unique per calendar)."""
        for rep in self.reps():
            try:
                event = self.api.call("GET", self._event_path(rep, event_id),
                                      operation="get_event", subject=self._subject(rep))
            except GoogleApiError as exc:
                if exc.status in (404, 410):
                    continue
                raise
            return event, rep
        return None

    def _insert(self, rep: Rep, body: dict[str, Any]) -> dict[str, Any]:
        params = {"sendUpdates": self.send_updates,
                  "conferenceDataVersion": 1 if self.create_meet else 0}
        try:
            return self.api.call("POST", self._events_path(rep), operation="insert_event",
                                 subject=self._subject(rep), params=params, json=body)
        except GoogleApiError as exc:
            if exc.status == 409:  # our id exists: an earlier attempt got through
                return self.api.call("GET", self._event_path(rep, body["id"]),
                                     operation="get_event", subject=self._subject(rep))
            raise _delegation_error(exc) from None

    def _await_conference(self, rep: Rep, event: dict[str, Any]) -> dict[str, Any]:
        """Poll while Google creates the Meet link; give up quietly (the link comes later)."""
        for attempt in range(self._polls):
            if not events.conference_pending(event):
                break
            self._sleep(0.5 * 2 ** attempt)
            event = self.api.call("GET", self._event_path(rep, event["id"]),
                                  operation="get_event", subject=self._subject(rep))
        return event

    def _subject(self, rep: Rep) -> str | None:
        return rep.email if self.impersonate_reps else None

    def _events_path(self, rep: Rep) -> str:
        return f"calendars/{quote(rep.calendar, safe='@')}/events"

    def _event_path(self, rep: Rep, event_id: str) -> str:
        return f"{self._events_path(rep)}/{quote(event_id, safe='')}"


def _delegation_error(exc: GoogleApiError) -> PermanentError:
    """Say what to change when a service account may not invite people or create Meet links."""
    if exc.reason == "forbiddenForServiceAccounts":
        fix = ("a service account cannot invite attendees without domain-wide delegation: grant "
               "it DWD and set LEADFLOW_GOOGLE__SUBJECT or LEADFLOW_GOOGLE__IMPERSONATE_REPS=true, "
               "or set LEADFLOW_GOOGLE__INVITE_ATTENDEES=false")
    elif "conference type" in str(exc).lower():
        fix = ("Google would not create a Meet link for these credentials (usually a service "
               "account without domain-wide delegation): use DWD, or set "
               "LEADFLOW_GOOGLE__CREATE_MEET=false")
    else:
        return exc
    return PermanentError(f"{fix} ({exc})", connector=NAME, operation="insert_event")


def _chunks(items: list[Rep], size: int) -> list[list[Rep]]:
    return [items[index:index + size] for index in range(0, len(items), size)]


def _z(moment: datetime) -> str:
    return require_utc(moment, "time").strftime("%Y-%m-%dT%H:%M:%SZ")
