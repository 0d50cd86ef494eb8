"""Plain-text transcripts: an optional metadata header, then speaker turns.

Turns are labelled inline (`Name: text`, `Name (Title, Company): text`, `[00:01:05] Name: text`)
or, as Otter and Fireflies export them, by a label on its own line with the text below
(`label_lines`). The first turn decides which. Lines without a label continue the turn.
"""

from __future__ import annotations

from collections.abc import Sequence

from connectors.transcript_formats import label_lines
from connectors.transcript_formats.labels import (
    Label,
    expected_label,
    inline_label,
    without_timestamp,
)
from connectors.transcript_formats.metadata import build_transcript, known_speakers, read_header
from connectors.transcript_formats.names import Speakers, starts_turn
from leadflow.errors import InputError
from scoring.transcript import Segment, Transcript


def _inline_turns(lines: Sequence[str], start: int, known: Speakers) -> list[Segment]:
    """Turns of `Name: text` lines from line `start` on; other lines continue the turn."""
    turns: list[tuple[Label, list[str]]] = []
    previous: str | None = None  # the line before: None before the first turn, "" if blank
    for index in range(start, len(lines)):
        line = lines[index].strip()
        if not line:
            previous = "" if turns else previous
            continue
        found = inline_label(line)
        if found is not None and starts_turn(
            found[0].name,
            previous=previous,
            known=known,
            timed=found[0].start_ms is not None,
            alone=not found[1],
            title=found[0].title,
        ):
            known.add(found[0].name)
            turns.append((found[0], [found[1]]))
        elif turns:
            turns[-1][1].append(without_timestamp(line))
        else:
            raise expected_label(index + 1, line)
        previous = line
    return [label.segment(" ".join(words)) for label, words in turns]


def parse_plain(text: str) -> Transcript:
    """A Transcript from a text file: header lines, then inline or own-line speaker labels."""
    lines = text.splitlines()
    metadata, start = read_header(lines)
    known = known_speakers(metadata)
    first = next((index for index in range(start, len(lines)) if lines[index].strip()), None)
    segments: list[Segment] = []
    if first is not None:
        if inline_label(lines[first]) is None and label_lines.opens(lines, first, known):
            segments = label_lines.parse(lines, first, known)
        else:
            segments = _inline_turns(lines, first, known)
    segments = [segment for segment in segments if segment.text]
    if not segments:
        raise InputError("no 'Speaker: text' lines found: the transcript is empty")
    return build_transcript("txt", segments, metadata)
