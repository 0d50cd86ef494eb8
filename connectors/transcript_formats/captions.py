"""Caption files: WebVTT and SubRip (SRT) cues turned into speaker turns.

A cue names its speaker with a voice tag (`<v Name>`, `<v Name (Title)>`: Teams, Meet) or a
label (`Name: text`, `Name (Title, Company): text`: Zoom, SRT exports). Consecutive cues by the
same speaker are merged into one turn (cues are display chunks, not turns), so a sentence split
across cues stays one quotable text. A cue without a speaker continues the previous speaker's
turn; before any speaker it is "Unknown". WebVTT `NOTE` blocks before the first cue may carry
the call's metadata (`metadata.read_notes`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from connectors.transcript_formats.labels import (
    Label,
    clean,
    inline_label,
    parse_name,
    timestamp_ms,
)
from connectors.transcript_formats.metadata import build_transcript, known_speakers, read_notes
from connectors.transcript_formats.names import Speakers, starts_turn
from leadflow.errors import InputError
from scoring.transcript import Segment, Transcript, TranscriptMetadata

_TIME = r"(?:(?P<{p}h>\d{{1,3}}):)?(?P<{p}m>\d{{2}}):(?P<{p}s>\d{{2}})[.,](?P<{p}f>\d{{1,3}})"
_TIMING = re.compile(
    r"^\s*" + _TIME.format(p="a") + r"\s*-->\s*" + _TIME.format(p="b") + r"(?:\s+.*)?$"
)
_VOICE = re.compile(r"<v(?:\.[^\s>]*)*(?:\s+(?P<speaker>[^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_UNKNOWN = "Unknown"


@dataclass(frozen=True)
class _Cue:
    label: Label | None
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


def _labelled(line: str, previous: str | None, known: Speakers) -> tuple[Label | None, str]:
    """(label, text) of a cue line `Name: text`, or (None, line) when it continues a turn."""
    found = inline_label(line)
    if found is None or not starts_turn(
        found[0].name, previous=previous, known=known, title=found[0].title
    ):
        return None, line
    known.add(found[0].name)
    return found


def _payload_turns(
    lines: list[str], known: Speakers, *, first: bool
) -> Iterator[tuple[Label | None, str]]:
    """(label or None, text) pieces of a cue's text: `<v Name>` voice spans or `Name: text`.

    `known` holds the speakers named so far. The first cue's first line is read like a file's
    first line, other cues' first lines like lines after a blank one, a cue's further lines like
    continuation lines (so "Note: ..." there stays text).
    """
    previous: str | None = None if first else ""
    for raw in lines:
        line = raw.strip()
        voices = list(_VOICE.finditer(line))
        if not voices:
            label, words = _labelled(_plain(line).removeprefix("- "), previous, known)
            previous = line
            yield label, words
            continue
        if voices[0].start() > 0:
            yield None, _plain(line[: voices[0].start()])
        for voice, following in zip(voices, [*voices[1:], None], strict=True):
            end = following.start() if following else len(line)
            name = clean(voice["speaker"] or "")
            label = parse_name(name) if name else None
            if label is not None:
                known.add(label.name)
            yield label, _plain(line[voice.end() : end])
        previous = line


def _plain(text: str) -> str:
    return clean(html.unescape(_TAG.sub("", text)))


def _merge(cues: list[_Cue]) -> list[Segment]:
    segments: list[Segment] = []
    for cue in cues:
        if not cue.text:
            continue
        last = segments[-1] if segments else None
        if last is not None and (cue.label is None or cue.label.name == last.speaker):
            segments[-1] = last.model_copy(
                update={"text": f"{last.text} {cue.text}", "end_ms": cue.end_ms}
            )
        else:
            label = cue.label or Label(_UNKNOWN)
            segments.append(
                Segment(
                    speaker=label.name,
                    title=label.title,
                    company=label.company,
                    text=cue.text,
                    start_ms=cue.start_ms,
                    end_ms=cue.end_ms,
                )
            )
    if not segments:
        raise InputError("the caption file has no cue with text")
    return segments


def _cues(lines: list[str], start: int, end: int, known: Speakers, first: bool) -> list[_Cue]:
    turns = _payload_turns(lines, known, first=first)
    return [_Cue(label, words, start, end) for label, words in turns if words]


def _transcript(
    source: str, cues: list[_Cue], metadata: TranscriptMetadata | None = None
) -> Transcript:
    return build_transcript(source, _merge(cues), metadata)


def _notes(blocks: list[tuple[int, list[str]]]) -> TranscriptMetadata | None:
    """Metadata from the NOTE blocks that come before the first cue."""
    notes: list[tuple[int, str]] = []
    for number, lines in blocks:
        if "-->" in " ".join(lines[:2]):
            break
        if re.match(r"NOTE(?:\s|$)", lines[0]):
            notes += [(number, lines[0].removeprefix("NOTE"))]
            notes += [(number + i, line) for i, line in enumerate(lines[1:], start=1)]
    return read_notes(notes)


def parse_vtt(text: str) -> Transcript:
    """A Transcript from a WebVTT file (`WEBVTT` header, cues with `<v Speaker>` or `Speaker:`)."""
    blocks = list(_blocks(text.lstrip("\ufeff")))
    if not blocks or not re.match(r"WEBVTT(?:[ \t]|$)", blocks[0][1][0]):
        first = blocks[0][1][0][:60] if blocks else ""
        raise InputError(f"line 1: expected the 'WEBVTT' header, got {first!r}")
    metadata = _notes(blocks[1:])
    known = known_speakers(metadata)
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
        cues.extend(_cues(lines[timing + 1 :], start, end, known, first=not cues))
    return _transcript("vtt", cues, metadata)


def parse_srt(text: str) -> Transcript:
    """A Transcript from a SubRip file: numbered cues, `00:00:01,000 --> 00:00:04,000`, text."""
    cues: list[_Cue] = []
    known = Speakers()
    for number, lines in _blocks(text.lstrip("\ufeff")):
        timing = 1 if lines[0].strip().isdigit() else 0  # the cue number may be missing
        if timing >= len(lines) or "-->" not in lines[timing]:
            got = lines[min(timing, len(lines) - 1)][:60]
            raise InputError(
                f"line {number + timing}: expected a cue number then a timing line "
                f"'hh:mm:ss,mmm --> hh:mm:ss,mmm', got {got!r}"
            )
        start, end = _times(lines[timing], number + timing, "hh:mm:ss,mmm --> hh:mm:ss,mmm")
        cues.extend(_cues(lines[timing + 1 :], start, end, known, first=not cues))
    if not cues:
        raise InputError("the SRT file has no cues")
    return _transcript("srt", cues)
