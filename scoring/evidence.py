"""Evidence: a verbatim quote from a transcript that supports an extracted answer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Evidence(BaseModel):
    """One verbatim quote, where it was said, and whether it was found in the transcript."""

    model_config = ConfigDict(frozen=True)

    quote: str = Field(min_length=1)
    speaker: str | None = None
    # Character offsets into the transcript's full text, set by verification.
    start_char: int | None = Field(default=None, ge=0)
    end_char: int | None = Field(default=None, ge=0)
    segment_index: int | None = Field(default=None, ge=0)
    # Media offsets, when the transcript format has timestamps.
    start_ms: int | None = Field(default=None, ge=0)
    end_ms: int | None = Field(default=None, ge=0)
    # None: not checked yet; False: not found in the transcript (kept, flagged for review).
    verified: bool | None = None
