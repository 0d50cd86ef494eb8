"""The Transcripts role: the recording of a booked meeting, once it has been transcribed."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from connectors.base.calendars import Meeting
from scoring.transcript import Transcript


@runtime_checkable
class Transcripts(Protocol):
    """Where call transcripts appear some time after a meeting."""

    def find_transcript(self, meeting: Meeting, lead_email: str) -> Transcript | None:
        """The meeting's transcript, or None when it is not ready yet (callers poll again later).

        The lead's email matches case-insensitively. A transcript that exists but cannot be
        read raises InputError (it will not fix itself); an unreachable source TransientError.
        """
        ...
