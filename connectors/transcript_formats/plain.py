"""Plain-text transcripts: `Speaker: text` lines, optionally after a `[hh:mm:ss]` timestamp."""

from __future__ import annotations

import re

from leadflow.errors import InputError
from scoring.transcript import Segment

# A speaker label: starts with a letter, at most six words, no sentence punctuation; the colon
# must be followed by whitespace so "10:30" or "https://" never split a line.
_SPEAKER_LINE = re.compile(
    r"^(?P<speaker>[^\W\d_][\w .'’()&@/-]{0,58}?)\s*:\s+(?P<text>\S.*)$", re.UNICODE
)
_TIMESTAMP = re.compile(
    r"^\[?(?:(?P<h>\d{1,2}):)?(?P<m>\d{1,2}):(?P<s>\d{2})(?:[.,](?P<f>\d{1,3}))?\]?\s+"
)
_MAX_SPEAKER_WORDS = 6


def clean(text: str) -> str:
    """Collapse runs of whitespace (newlines included) to single spaces."""
    return " ".join(text.split())


def split_speaker(line: str) -> tuple[str | None, str]:
    """(speaker, text) for a `Speaker: text` line, or (None, line) when it has no speaker."""
    match = _SPEAKER_LINE.match(line.strip())
    if match is None or len(match["speaker"].split()) > _MAX_SPEAKER_WORDS:
        return None, line.strip()
    return clean(match["speaker"]), match["text"].strip()


def timestamp_ms(h: str | None, m: str, s: str, f: str | None) -> int:
    """Milliseconds from the hours (optional), minutes, seconds and fraction of a timestamp."""
    fraction = (f or "0").ljust(3, "0")
    return ((int(h or 0) * 60 + int(m)) * 60 + int(s)) * 1000 + int(fraction)


def parse_plain(text: str) -> list[Segment]:
    """Segments from `Speaker: text` lines; lines without a speaker continue the previous turn."""
    segments: list[Segment] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        start_ms = None
        stamp = _TIMESTAMP.match(line)
        if stamp is not None:
            start_ms = timestamp_ms(**stamp.groupdict())
            line = line[stamp.end() :]
        speaker, words = split_speaker(line)
        if speaker is not None:
            segments.append(Segment(speaker=speaker, text=clean(words), start_ms=start_ms))
        elif segments:
            last = segments[-1]
            segments[-1] = last.model_copy(update={"text": clean(f"{last.text} {words}")})
        else:
            raise InputError(
                f"line {number}: expected 'Speaker: text' to start the transcript, "
                f"got {line[:60]!r}"
            )
    if not segments:
        raise InputError("no 'Speaker: text' lines found: the transcript is empty")
    return segments
