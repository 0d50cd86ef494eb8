"""InMemoryTranscripts: transcripts a test adds, by meeting id or lead email."""

from __future__ import annotations

from connectors.base.calendars import Meeting
from connectors.base.shared import normalise_email
from connectors.fakes.scripting import Scripted, synchronized
from scoring.transcript import Transcript


class InMemoryTranscripts(Scripted):
    """Returns what a test added; None (not ready yet) for anything else."""

    def __init__(self) -> None:
        super().__init__()
        self.by_meeting: dict[str, Transcript] = {}
        self.by_email: dict[str, Transcript] = {}

    @synchronized
    def add(
        self,
        transcript: Transcript,
        *,
        meeting_id: str | None = None,
        lead_email: str | None = None,
    ) -> None:
        """Make a transcript ready for a meeting id and/or a lead's email."""
        if meeting_id is None and lead_email is None:
            raise ValueError("add a transcript for a meeting_id, a lead_email or both")
        if meeting_id is not None:
            self.by_meeting[meeting_id] = transcript
        if lead_email is not None:
            self.by_email[normalise_email(lead_email)] = transcript

    @synchronized
    def find_transcript(self, meeting: Meeting, lead_email: str) -> Transcript | None:
        """The transcript added for the meeting or the lead, else None (not ready yet)."""
        self._call("find_transcript", meeting=meeting, lead_email=lead_email)
        found = self.by_meeting.get(meeting.id) or self.by_email.get(normalise_email(lead_email))
        if found is not None and found.meeting_id is None:
            found = found.model_copy(update={"meeting_id": meeting.id})
        return found
