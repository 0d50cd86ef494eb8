"""Transcripts whose speaker label sits on a line of its own, the text below (Otter, Fireflies).

    Felix Wagner  0:02                      [00:01:15] Felix Wagner
    Hallo zusammen, danke fürs Kommen.      Hallo zusammen ...

Turns are separated by blank lines. When the first label carries a time every label must, and a
line counts as a label only if it names someone (`names.looks_like_name`); without times only
a block's first line can be a label, and only when text follows it. Anything else is text, so
"Note: ..." or a short "Okay" paragraph never becomes a speaker.
"""

from __future__ import annotations

from collections.abc import Sequence

from connectors.transcript_formats.labels import Label, own_line_label
from connectors.transcript_formats.names import Speakers, looks_like_name
from scoring.transcript import Segment


def _text_follows(lines: Sequence[str], index: int) -> bool:
    return index + 1 < len(lines) and bool(lines[index + 1].strip())


def _label(
    lines: Sequence[str], index: int, known: Speakers, *, timed: bool, block_start: bool
) -> Label | None:
    label = own_line_label(lines[index])
    if label is None or not looks_like_name(label.name, known):
        return None
    if timed:
        return label if label.start_ms is not None else None
    return label if block_start and _text_follows(lines, index) else None


def opens(lines: Sequence[str], index: int, known: Speakers) -> bool:
    """True when line `index` is a label on its own line with the turn's text below it."""
    return _label(lines, index, known, timed=False, block_start=True) is not None


def parse(lines: Sequence[str], start: int, known: Speakers) -> list[Segment]:
    """Segments from line `start` on, where `opens(lines, start, known)` holds."""
    first = own_line_label(lines[start])
    timed = first is not None and first.start_ms is not None
    turns: list[tuple[Label, list[str]]] = []
    block_start = True
    for index in range(start, len(lines)):
        line = lines[index].strip()
        if not line:
            block_start = True
            continue
        label = _label(lines, index, known, timed=timed, block_start=block_start)
        if label is not None:
            known.add(label.name)
            turns.append((label, []))
        else:  # `opens` holds for the first line, so a turn has begun
            turns[-1][1].append(line)
        block_start = False
    return [label.segment(" ".join(words)) for label, words in turns]
