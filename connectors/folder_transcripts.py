"""FolderTranscripts: the embedded default transcript source, a folder of transcript files.

A meeting's file is found through `index.yaml` (meeting id or lead email -> file name), else by
the lead's email in the file name: `ana@x.com.vtt`, `2030-01-07--ana@x.com.txt`,
`<meeting id>--ana@x.com.srt`. Formats: .txt, .vtt, .srt and Gong JSON (.json).
"""

from __future__ import annotations

from pathlib import Path

from connectors.base.calendars import Meeting
from connectors.base.shared import normalise_email
from connectors.transcript_formats import parse_transcript
from leadflow.errors import ConfigError, InputError
from scoring.safe_yaml import load_yaml
from scoring.transcript import Transcript

INDEX_FILE = "index.yaml"
SUFFIXES = (".txt", ".vtt", ".srt", ".json")


class FolderTranscripts:
    """Looks for a meeting's transcript in a folder on each call; no I/O at construction."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def find_transcript(self, meeting: Meeting, lead_email: str) -> Transcript | None:
        """The meeting's parsed transcript, or None while no (non-empty) file exists yet.

        A file that exists but cannot be parsed raises InputError naming it.
        """
        path = self.locate(meeting, lead_email)
        if path is None or not path.is_file() or path.stat().st_size == 0:
            return None
        transcript = parse_transcript(path)
        if transcript.meeting_id is None:
            transcript = transcript.model_copy(update={"meeting_id": meeting.id})
        return transcript

    def locate(self, meeting: Meeting, lead_email: str) -> Path | None:
        """The file that holds (or will hold) the meeting's transcript, if one is named."""
        if not self.folder.is_dir():
            return None
        email = normalise_email(lead_email)
        index = self._index()
        named = index.get(meeting.id) or index.get(email)
        if named is not None:
            return self._inside(named)
        matches = sorted(
            path
            for path in self.folder.iterdir()
            if path.suffix.lower() in SUFFIXES and _names(path.name[: -len(path.suffix)], email)
        )
        for path in matches:
            if path.name.startswith(f"{meeting.id}--"):
                return path
        # Several calls with one lead: date-prefixed names sort oldest first; take the latest.
        return matches[-1] if matches else None

    def _index(self) -> dict[str, str]:
        path = self.folder / INDEX_FILE
        if not path.is_file():
            return {}
        try:
            data = load_yaml(path) or {}
        except ConfigError as exc:
            raise ConfigError(f"cannot read the transcript index: {exc.detail}",
                              file=path) from None
        if not isinstance(data, dict) or not all(isinstance(value, str) for value in data.values()):
            raise ConfigError(
                "expected a mapping of meeting id or lead email to a file name", file=path
            )
        return {_key(str(key)): value for key, value in data.items()}

    def _inside(self, name: str) -> Path:
        path = (self.folder / name).resolve()
        if not path.is_relative_to(self.folder.resolve()):
            raise InputError(f"{self.folder / INDEX_FILE}: {name!r} is outside the folder")
        return path


def _key(key: str) -> str:
    return normalise_email(key) if "@" in key else key.strip()


def _names(stem: str, email: str) -> bool:
    stem = stem.lower()
    return stem == email or stem.endswith(f"--{email}")
