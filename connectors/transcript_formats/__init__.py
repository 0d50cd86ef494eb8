"""Transcript files to `Transcript`: plain text, WebVTT, SRT and Gong transcript JSON.

`parse_transcript` takes a path or the text itself; the format comes from `format`, else the
file's extension (.vtt, .srt, .json; a .txt file may hold captions too), else the content.
Within plain text the layout (inline `Name (Title, Company): text` labels or labels on their
own line) and a leading metadata header are recognised from the content. A malformed file
raises InputError saying which line and what was expected.
"""

from __future__ import annotations

import re
from pathlib import Path

from connectors.transcript_formats.captions import parse_srt, parse_vtt
from connectors.transcript_formats.gong import parse_gong_transcripts
from connectors.transcript_formats.plain import parse_plain
from leadflow.errors import InputError
from scoring.transcript import Transcript

__all__ = ["FORMATS", "detect_format", "parse_gong_transcripts", "parse_transcript"]

FORMATS = ("txt", "vtt", "srt", "gong")
_EXTENSIONS = {".txt": "txt", ".text": "txt", ".vtt": "vtt", ".srt": "srt", ".json": "gong"}
_SRT_START = re.compile(r"\d+\s*\n\s*[\d:,.]+\s*-->")


def detect_format(text: str) -> str:
    """The format a transcript's content looks like: "vtt", "gong", "srt" or "txt"."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("WEBVTT"):
        return "vtt"
    if head.startswith("{"):
        return "gong"
    if _SRT_START.match(head) or ("-->" in head.split("\n", 1)[0]):
        return "srt"
    return "txt"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path}: not UTF-8 text (byte {error.start} cannot be decoded); save it as UTF-8"
        ) from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read: {error.strerror}") from None


def _is_path(value: str) -> bool:
    if "\n" in value or len(value) > 1024:
        return False
    candidate = Path(value)
    return candidate.suffix.lower() in _EXTENSIONS and candidate.is_file()


def parse_transcript(path_or_text: str | Path, *, format: str | None = None) -> Transcript:
    """Parse a transcript file (or its text) into a Transcript.

    `format` is one of FORMATS; without it a path's extension decides, then the content.
    A Gong answer holding several calls raises InputError: use `parse_gong_transcripts`.
    """
    source: Path | None = None
    if isinstance(path_or_text, Path) or _is_path(path_or_text):
        source = Path(path_or_text)
        text = _read(source)
    else:
        text = path_or_text.removeprefix("\ufeff")
    if format is None and source is not None:
        # The extension names the format, except .txt: an export may be WebVTT or SRT inside.
        named = _EXTENSIONS.get(source.suffix.lower())
        format = None if named == "txt" else named
    format = format or detect_format(text)
    if format not in FORMATS:
        raise InputError(f"unknown transcript format {format!r}; expected one of {FORMATS}")
    try:
        if format == "gong":
            calls = parse_gong_transcripts(text)
            if len(calls) != 1:
                raise InputError(
                    f"the Gong answer holds {len(calls)} calls; expected exactly one "
                    "(use parse_gong_transcripts for several)"
                )
            return calls[0]
        return {"txt": parse_plain, "vtt": parse_vtt, "srt": parse_srt}[format](text)
    except InputError as error:
        if source is None:
            raise
        raise InputError(f"{source.name}: {error}", errors=error.errors) from None
