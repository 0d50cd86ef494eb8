"""iCalendar (RFC 5545) export of a rep's meetings: VCALENDAR with one VEVENT per meeting."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from connectors.base.calendars import Meeting, MeetingStatus, Rep

PRODID = "-//leadflow//local calendar//EN"


def render_calendar(rep: Rep, meetings: Iterable[Meeting], *, stamped_at: datetime) -> str:
    """A VCALENDAR of the rep's meetings: UID = meeting id, times in UTC, CRLF line endings."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(rep.name)}",
    ]
    for meeting in meetings:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_text(meeting.id)}",
            f"DTSTAMP:{_utc(stamped_at)}",
            f"DTSTART:{_utc(meeting.start_at)}",
            f"DTEND:{_utc(meeting.end_at)}",
            f"SUMMARY:{_text(meeting.title)}",
            f"ORGANIZER;CN={_param(rep.name)}:mailto:{rep.email}",
            f"ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:{meeting.lead_email}",
            "STATUS:" + ("CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED"),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _param(value: str) -> str:
    """A parameter value, quoted (quotes themselves are not allowed, so they are dropped)."""
    return '"' + value.replace('"', "") + '"'


def _fold(line: str, limit: int = 75) -> str:
    """Fold a content line at `limit` octets without splitting a UTF-8 character (3.1)."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)
