"""The transcript of a call: ordered segments with speaker and, where known, timestamps."""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, ConfigDict, Field


class Segment(BaseModel):
    """One speaker turn."""

    model_config = ConfigDict(frozen=True)

    speaker: str
    text: str
    start_ms: int | None = Field(default=None, ge=0)
    end_ms: int | None = Field(default=None, ge=0)
    # "internal" (our rep) or "external" (the lead), when the source says so.
    affiliation: str | None = None


class Transcript(BaseModel):
    """A call transcript; `text` joins segments as `Speaker: text` lines, which offsets index."""

    model_config = ConfigDict(frozen=True)

    meeting_id: str | None = None
    source: str = "unknown"
    language: str | None = None
    segments: list[Segment]

    @property
    def text(self) -> str:
        """The full text that evidence offsets refer to."""
        return "\n".join(f"{segment.speaker}: {segment.text}" for segment in self.segments)

    def content_hash(self) -> str:
        """sha256 of `text`: identifies the transcript in cache keys and extraction records."""
        return hashlib.sha256(self.text.encode()).hexdigest()

    def segment_spans(self) -> list[tuple[int, int]]:
        """(start, end) character offsets of each segment's own text inside `text`."""
        spans: list[tuple[int, int]] = []
        position = 0
        for segment in self.segments:
            start = position + len(segment.speaker) + 2
            end = start + len(segment.text)
            spans.append((start, end))
            position = end + 1
        return spans
