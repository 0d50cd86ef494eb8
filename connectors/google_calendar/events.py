"""Google Calendar event resources: our ids, the insert body, and Meeting from an event."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from connectors.base.calendars import Meeting, MeetingStatus, Rep
from connectors.base.shared import normalise_email

# Any fixed namespace works; it only has to stay the same so replays derive the same id.
_NAMESPACE = uuid.UUID("6c1f7a52-3f0e-5d7e-9b1a-2f4c8e0d9a61")
_BASE32HEX = re.compile(r"^[a-v0-9]{5,1024}$")
MARKER = "leadflow"  # private extended property on every event leadflow books


def event_id_for(idempotency_key: str) -> str:
    """The event id for a booking key: a uuid5 in hex, which is valid base32hex (5-1024 chars)."""
    return uuid.uuid5(_NAMESPACE, idempotency_key).hex


def is_event_id(value: str) -> bool:
    """True when `value` could be a Google event id (lowercase base32hex, 5-1024 chars)."""
    return bool(_BASE32HEX.match(value))


def insert_body(
    event_id: str,
    rep: Rep,
    *,
    title: str,
    description: str,
    start_at: datetime,
    end_at: datetime,
    lead_email: str,
    lead_name: str | None,
    booked_at: datetime,
    attendees: bool,
    meet: bool,
) -> dict[str, Any]:
    """The events.insert body; times in the rep's zone so invitations read naturally."""
    zone = rep.zone
    body: dict[str, Any] = {
        "id": event_id,
        "summary": title,
        "description": description,
        "start": {"dateTime": start_at.astimezone(zone).isoformat(), "timeZone": rep.time_zone},
        "end": {"dateTime": end_at.astimezone(zone).isoformat(), "timeZone": rep.time_zone},
        # Our own marker and facts: attendees may be off, and round-robin counts these events.
        "extendedProperties": {"private": {
            MARKER: "1",
            "leadflow_lead_email": lead_email,
            "leadflow_booked_at": booked_at.astimezone(UTC).isoformat(),
        }},
        "reminders": {"useDefault": True},
    }
    if attendees:
        lead: dict[str, str] = {"email": lead_email}
        if lead_name:
            lead["displayName"] = lead_name
        body["attendees"] = [lead, {"email": rep.email, "displayName": rep.name}]
    if meet:
        # requestId = event id: a replayed create request is ignored by Google.
        body["conferenceData"] = {"createRequest": {
            "requestId": event_id, "conferenceSolutionKey": {"type": "hangoutsMeet"}}}
    return body


def conference_pending(event: dict[str, Any]) -> bool:
    """True while Google is still creating the Meet link (it does so asynchronously)."""
    status = event.get("conferenceData", {}).get("createRequest", {}).get("status", {})
    return status.get("statusCode") == "pending"


def join_url(event: dict[str, Any]) -> str | None:
    """The Meet (or other video) link of an event, if it has one."""
    for entry in event.get("conferenceData", {}).get("entryPoints", []):
        if entry.get("entryPointType") == "video" and entry.get("uri"):
            return str(entry["uri"])
    return event.get("hangoutLink")


def private(event: dict[str, Any]) -> dict[str, str]:
    """The event's private extended properties (ours)."""
    return event.get("extendedProperties", {}).get("private", {}) or {}


def booked_at(event: dict[str, Any]) -> datetime | None:
    """When leadflow booked the event (for round-robin), if it did."""
    value = private(event).get("leadflow_booked_at")
    return datetime.fromisoformat(value) if value else None


def to_meeting(event: dict[str, Any], rep: Rep) -> Meeting:
    """The Meeting an event in `rep`'s calendar represents."""
    lead_email = private(event).get("leadflow_lead_email") or next(
        (a["email"] for a in event.get("attendees", [])
         if normalise_email(a.get("email", "")) != normalise_email(rep.email)), "")
    cancelled = event.get("status") == "cancelled"
    return Meeting(
        id=str(event["id"]),
        rep_id=rep.id,
        lead_email=normalise_email(lead_email),
        title=str(event.get("summary", "")),
        start_at=_moment(event["start"]),
        end_at=_moment(event["end"]),
        status=MeetingStatus.CANCELLED if cancelled else MeetingStatus.BOOKED,
        join_url=join_url(event),
    )


def _moment(value: dict[str, Any]) -> datetime:
    moment = datetime.fromisoformat(value["dateTime"])
    return moment.astimezone(UTC)
