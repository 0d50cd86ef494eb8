"""Caption files: WebVTT and SubRip (SRT) cues turned into speaker turns.

Consecutive cues by the same speaker are merged into one turn (cues are display chunks, not
turns), so a sentence split across cues stays one quotable text. A cue without a speaker
continues the previous speaker's turn; before any speaker it is "Unknown".
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from connectors.transcript_formats.plain import clean, split_speaker, timestamp_ms
from leadflow.errors import InputError
from scoring.transcript import Segment

_TIME = r"(?:(?P<{p}h>\d{{1,3}}):)?(?P<{p}m>\d{{2}}):(?P<{p}s>\d{{2}})[.,](?P<{p}f>\d{{1,3}})"
_TIMING = re.compile(
    r"^\s*" + _TIME.format(p="a") + r"\s*-->\s*" + _TIME.format(p="b") + r"(?:\s+.*)?$"
)
_VOICE = re.compile(r"<v(?:\.[^\s>]*)*(?:\s+(?P<speaker>[^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_UNKNOWN = "Unknown"


@dataclass(frozen=True)
class _Cue:
    speaker: str | None
    text: str
    start_ms: int
    end_ms: int


def _blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) of each blank-line separated block."""
    block: list[str] = []
    first = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not block:
                first = number
            block.append(line.rstrip())
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def _times(line: str, number: int, example: str) -> tuple[int, int]:
    match = _TIMING.match(line)
    if match is None:
        raise InputError(f"line {number}: expected cue timing {example!r}, got {line[:60]!r}")

    start, end = (
        timestamp_ms(match[f"{p}h"], match[f"{p}m"], match[f"{p}s"], match[f"{p}f"]) for p in "ab"
    )
    if end < start:
        raise InputError(f"line {number}: cue ends before it starts: {line.strip()!r}")
    return start, end


def _payload_turns(lines: list[str]) -> Iterator[tuple[str | None, str]]:
    """(speaker or None, text) pieces of a cue's text: `<v Name>` voice spans or `Name: text`."""
    for raw in lines:
        line = raw.strip()
        voices = list(_VOICE.finditer(line))
        if not voices:
            speaker, words = split_speaker(_plain(line).removeprefix("- "))
            yield speaker, words
            continue
        if voices[0].start() > 0:
            yield None, _plain(line[: voices[0].start()])
        for voice, following in zip(voices, [*voices[1:], None], strict=True):
            end = following.start() if following else len(line)
            yield clean(voice["speaker"] or "") or None, _plain(line[voice.end() : end])


def _plain(text: str) -> str:
    return clean(html.unescape(_TAG.sub("", text)))


def _merge(cues: list[_Cue]) -> list[Segment]:
    segments: list[Segment] = []
    for cue in cues:
        if not cue.text:
            continue
        last = segments[-1] if segments else None
        if last is not None and cue.speaker in (None, last.speaker):
            segments[-1] = last.model_copy(
                update={"text": f"{last.text} {cue.text}", "end_ms": cue.end_ms}
            )
        else:
            segments.append(
                Segment(
                    speaker=cue.speaker or _UNKNOWN,
                    text=cue.text,
                    start_ms=cue.start_ms,
                    end_ms=cue.end_ms,
                )
            )
    if not segments:
        raise InputError("the caption file has no cue with text")
    return segments


def _cues(lines: list[str], start: int, end: int) -> list[_Cue]:
    return [_Cue(speaker, words, start, end) for speaker, words in _payload_turns(lines) if words]


def parse_vtt(text: str) -> list[Segment]:
    """Segments from a WebVTT file (`WEBVTT` header, cues with `<v Speaker>` or `Speaker:`)."""
    blocks = list(_blocks(text.lstrip("\ufeff")))
    if not blocks or not re.match(r"WEBVTT(?:[ \t]|$)", blocks[0][1][0]):
        first = blocks[0][1][0][:60] if blocks else ""
        raise InputError(f"line 1: expected the 'WEBVTT' header, got {first!r}")
    cues: list[_Cue] = []
    for number, lines in blocks[1:]:
        if re.match(r"(NOTE|STYLE|REGION)(?:\s|$)", lines[0]):
            continue
        timing = 0 if "-->" in lines[0] else 1  # an optional cue identifier comes first
        if timing >= len(lines) or "-->" not in lines[timing]:
            bad = min(timing, len(lines) - 1)
            raise InputError(
                f"line {number + bad}: expected a cue timing line 'hh:mm:ss.ttt --> hh:mm:ss.ttt',"
                f" got {lines[bad][:60]!r}"
            )
        start, end = _times(lines[timing], number + timing, "hh:mm:ss.ttt --> hh:mm:ss.ttt")
        cues.extend(_cues(lines[timing + 1 :], start, end))
    return _merge(cues)


def parse_srt(text: str) -> list[Segment]:
    """Segments from a SubRip file: numbered cues, `00:00:01,000 --> 00:00:04,000`, text."""
    cues: list[_Cue] = []
    for number, lines in _blocks(text.lstrip("\ufeff")):
        timing = 1 if lines[0].strip().isdigit() else 0  # the cue number may be missing
        if timing >= len(lines) or "-->" not in lines[timing]:
            got = lines[min(timing, len(lines) - 1)][:60]
            raise InputError(
                f"line {number + timing}: expected a cue number then a timing line "
                f"'hh:mm:ss,mmm --> hh:mm:ss,mmm', got {got!r}"
            )
        start, end = _times(lines[timing], number + timing, "hh:mm:ss,mmm --> hh:mm:ss,mmm")
        cues.extend(_cues(lines[timing + 1 :], start, end))
    if not cues:
        raise InputError("the SRT file has no cues")
    return _merge(cues)
