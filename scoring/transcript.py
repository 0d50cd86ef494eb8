"""The transcript of a call: ordered segments with speaker and, where known, timestamps."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Side(StrEnum):
    """Which side of the call a person is on: the vendor's team or the prospect's."""

    VENDOR = "vendor"
    PROSPECT = "prospect"


def name_key(name: str) -> str:
    """A name compared as people read it: "JOÃO  Çelik" and "joao celik" are one person."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


class Participant(BaseModel):
    """A person known to take part in a call, from the chain, the file's metadata or a label."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    side: Side | None = None
    title: str | None = None
    company: str | None = None
    email: str | None = None


class TranscriptMetadata(BaseModel):
    """What a transcript file says about its call besides the turns (header lines, Gong parties)."""

    model_config = ConfigDict(frozen=True)

    call_date: date | None = None
    title: str | None = None
    participants: list[Participant] = Field(default_factory=list)


class Segment(BaseModel):
    """One speaker turn."""

    model_config = ConfigDict(frozen=True)

    speaker: str
    text: str
    start_ms: int | None = Field(default=None, ge=0)
    end_ms: int | None = Field(default=None, ge=0)
    # "internal" (our rep) or "external" (the lead), when the source says so.
    affiliation: str | None = None
    # The speaker's job title and company, from the label or the file's participants list.
    title: str | None = None
    company: str | None = None

    @property
    def label(self) -> str:
        """`Name`, or `Name (Title, Company)` when known, so a quoted title is in the text."""
        details = ", ".join(part for part in (self.title, self.company) if part)
        return f"{self.speaker} ({details})" if details else self.speaker


class Transcript(BaseModel):
    """A call transcript; `text` joins segments as `Speaker: text` lines, which offsets index.

    A segment whose title or company is known is written `Name (Title, Company): text`.
    """

    model_config = ConfigDict(frozen=True)

    meeting_id: str | None = None
    source: str = "unknown"
    language: str | None = None
    segments: list[Segment]
    # What the file said besides the turns; None when it said nothing.
    metadata: TranscriptMetadata | None = None

    @property
    def text(self) -> str:
        """The full text that evidence offsets refer to."""
        return "\n".join(f"{segment.label}: {segment.text}" for segment in self.segments)

    def content_hash(self) -> str:
        """sha256 of `text`: identifies the transcript in cache keys and extraction records."""
        return hashlib.sha256(self.text.encode()).hexdigest()

    def segment_spans(self) -> list[tuple[int, int]]:
        """(start, end) character offsets of each segment's own text inside `text`."""
        spans: list[tuple[int, int]] = []
        position = 0
        for segment in self.segments:
            start = position + len(segment.label) + 2
            end = start + len(segment.text)
            spans.append((start, end))
            position = end + 1
        return spans
