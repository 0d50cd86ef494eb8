"""Token estimates and overlapping chunks for transcripts longer than the model's context.

Token counts are an estimate, not a tokenizer: tiktoken downloads its encodings at run time,
which cannot work offline. BPE tokenizers (cl100k, o200k, Llama, Qwen) average about 4
characters per token in English and 3 to 3.5 in Portuguese, Spanish or Finnish, so one token
per 3 characters (rounded up) over-counts a little and a chunk built on it fits the context.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scoring.transcript import Segment, Transcript

CHARS_PER_TOKEN = 3.0
# Room kept for the answer (a full extraction with quotes is ~400-900 tokens) and the schema.
OUTPUT_RESERVE_TOKENS = 2_000
# Each chunk repeats this share of the previous one, so a statement cut at a border is whole
# in at least one chunk.
OVERLAP_SHARE = 0.1


def estimate_tokens(text: str) -> int:
    """Estimated tokens in `text` (see the module docstring for why 3 characters each)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def transcript_tokens(transcript: Transcript) -> int:
    """Estimated tokens of the transcript's own text (`Speaker: text` lines)."""
    return estimate_tokens(transcript.text)


@dataclass(frozen=True)
class Chunk:
    """One part of a transcript: segments [start, end) as their own Transcript."""

    index: int
    start: int
    end: int
    transcript: Transcript


def _segment_tokens(segment: Segment) -> int:
    return estimate_tokens(f"{segment.label}: {segment.text}\n")


def _split_long(segment: Segment, budget: int) -> list[Segment]:
    """A segment longer than a chunk, cut at spaces into pieces that fit."""
    limit = max(int(budget * CHARS_PER_TOKEN) - len(segment.label) - 3, 100)
    pieces: list[Segment] = []
    text = segment.text
    while text:
        cut = len(text) if len(text) <= limit else (text.rfind(" ", 0, limit) + 1 or limit)
        pieces.append(segment.model_copy(update={"text": text[:cut].strip()}))
        text = text[cut:]
    return [piece for piece in pieces if piece.text]


def split_transcript(transcript: Transcript, budget_tokens: int) -> list[Chunk]:
    """The transcript in chunks of at most `budget_tokens`, each overlapping the last by ~10%.

    A transcript that fits is one chunk holding the transcript itself.
    """
    if transcript_tokens(transcript) <= budget_tokens:
        return [Chunk(0, 0, len(transcript.segments), transcript)]
    segments = [part for segment in transcript.segments
                for part in _split_long(segment, budget_tokens)]
    sizes = [_segment_tokens(segment) for segment in segments]
    overlap = int(budget_tokens * OVERLAP_SHARE)
    chunks: list[Chunk] = []
    start = 0
    while start < len(segments):
        end, used = start, 0
        while end < len(segments) and (used + sizes[end] <= budget_tokens or end == start):
            used += sizes[end]
            end += 1
        part = transcript.model_copy(update={"segments": segments[start:end]})
        chunks.append(Chunk(len(chunks), start, end, part))
        if end >= len(segments):
            break
        # Step back over the overlap, but always move forward by at least one segment.
        back, carried = end, 0
        while back - 1 > start and carried + sizes[back - 1] <= overlap:
            back -= 1
            carried += sizes[back]
        start = back
    return chunks
