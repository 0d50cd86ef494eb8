"""GongTranscripts: the Transcripts role on Gong: find our meeting's call, read its transcript.

A call matches by `calendarEventId` (our Google event id), then by meeting URL, then by a party
with the lead's email, among calls that started in a window around the meeting.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from connectors.base.calendars import Meeting
from connectors.base.health import CheckResult, CheckStatus
from connectors.base.shared import normalise_email
from connectors.gong.api import NAME, GongApi
from connectors.transcript_formats.gong import parse_gong_transcripts
from leadflow.errors import InputError, LeadflowError
from scoring.transcript import Transcript


class GongTranscripts:
    """Polls Gong for a meeting's call; None until the call is recorded and transcribed."""

    def __init__(self, api: GongApi, *, window: timedelta = timedelta(hours=2)) -> None:
        self.api = api
        self.window = window

    def find_transcript(self, meeting: Meeting, lead_email: str) -> Transcript | None:
        """The meeting's transcript, or None when Gong has no such call or transcript yet."""
        start, end = meeting.start_at - self.window, meeting.end_at + self.window
        call = self.find_call(meeting, lead_email)
        if call is None:
            return None
        meta = call.get("metaData", {})
        answer = self.api.transcripts([str(meta["id"])], start, end)
        ready = [item for item in answer if item.get("transcript")]
        if not ready:
            return None
        transcripts = parse_gong_transcripts({"callTranscripts": ready[:1]},
                                             parties=call.get("parties", []))
        transcript = transcripts[0]
        if not transcript.segments:
            raise InputError(f"Gong call {meta['id']}: empty transcript")
        # The call id is kept on each call; the chain knows the transcript by our meeting id.
        return transcript.model_copy(update={"meeting_id": meeting.id})

    def find_call(self, meeting: Meeting, lead_email: str) -> dict[str, Any] | None:
        """The Gong call (metaData + parties) for our meeting, or None."""
        calls = list(self.api.calls_extensive(meeting.start_at - self.window,
                                              meeting.end_at + self.window))
        by_event = [c for c in calls if c.get("metaData", {}).get("calendarEventId") == meeting.id]
        if by_event:
            return by_event[0]
        if meeting.join_url:
            url = _url(meeting.join_url)
            by_url = [c for c in calls if _url(c.get("metaData", {}).get("meetingUrl")) == url]
            if by_url:
                return _closest(by_url, meeting.start_at)
        email = normalise_email(lead_email)
        by_party = [c for c in calls
                    if any(normalise_email(p.get("emailAddress") or "") == email
                           for p in c.get("parties", []))]
        return _closest(by_party, meeting.start_at) if by_party else None

    def doctor(self) -> list[CheckResult]:
        """Whether the access key works (one read-only call)."""
        try:
            self.api.whoami()
        except LeadflowError as exc:
            return [CheckResult(connector=NAME, check="access key", status=CheckStatus.FAIL,
                                detail=str(exc), fix="create a new API key in Gong: Admin "
                                "center > Ecosystem > API, and set LEADFLOW_GONG__*")]
        return [CheckResult(connector=NAME, check="access key", status=CheckStatus.OK,
                            detail=f"authorised at {self.api.base_url}")]


def _url(value: str | None) -> str:
    """A meeting URL compared without scheme, query, case or trailing slash."""
    if not value:
        return ""
    bare = value.strip().lower().split("?", 1)[0].rstrip("/")
    return bare.split("://", 1)[-1]


def _closest(calls: list[dict[str, Any]], start: datetime) -> dict[str, Any]:
    """The call whose start (else scheduled time) is nearest the meeting's start."""

    def distance(call: dict[str, Any]) -> float:
        meta = call.get("metaData", {})
        when = meta.get("started") or meta.get("scheduled")
        if not when:
            return float("inf")
        return abs((datetime.fromisoformat(str(when)) - start).total_seconds())

    return min(calls, key=distance)
