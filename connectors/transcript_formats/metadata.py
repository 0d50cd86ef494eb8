"""What a transcript file says about its call before the first turn: date, title, participants.

Text files may open with `# key: value` lines (any key; unknown ones are ignored) and with
`Date:`, `Call date:`, `Title:`, `Participants:` / `Attendees:` lines (blank lines between them
are fine), up to the first turn. An unknown `Key: value` line without '#' is a header line only
when a known one follows in the same block: otherwise it is the first turn. WebVTT files say
the same in `NOTE` blocks before the first cue. A participant's title and company then fill in
the segments of that speaker whose label had none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

from connectors.transcript_formats.call_dates import EXAMPLES, parse_call_date
from connectors.transcript_formats.labels import clean, parse_name
from connectors.transcript_formats.names import Speakers
from leadflow.errors import InputError
from scoring.transcript import Participant, Segment, Transcript, TranscriptMetadata, name_key

# Header keys and the field each fills; None: read (so not taken for a speaker) and ignored.
_FIELDS: dict[str, str | None] = {
    **dict.fromkeys(("call date", "date", "meeting date", "datum", "data", "fecha"), "call_date"),
    **dict.fromkeys(("title", "call title", "meeting title", "meeting", "subject"), "title"),
    "topic": "title",
    **dict.fromkeys(("participants", "attendees", "speakers", "teilnehmer"), "participants"),
    "participantes": "participants",
    **dict.fromkeys(("time", "duration", "location", "language", "meeting id", "call id"), None),
    **dict.fromkeys(("recorded", "recording", "platform", "organizer", "timezone"), None),
    **dict.fromkeys(("organiser", "time zone", "transcript"), None),
}
_KEY_VALUE = re.compile(r"^(?P<key>[^\W\d_][\w .'/-]{0,40}?)\s*:\s*(?P<value>.*)$")
_BULLET = re.compile(r"^[-*•]\s+(?P<item>\S.*)$")
_EMAIL = re.compile(r"<?(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>?")


def _key(key: str) -> str:
    return " ".join(key.casefold().replace("_", " ").replace("-", " ").split())


def _field(key: str) -> str | None:
    return _FIELDS.get(_key(key))


def _split_outside_brackets(value: str, separator: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in value:
        depth += (char in "([") - (char in ")]")
        if char == separator and depth <= 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [part.strip() for part in [*parts, current] if part.strip()]


def parse_participants(values: Iterable[str], call_title: str | None = None) -> list[Participant]:
    """People from `Name (Title, Company); Name (Title)` or comma-separated `Name (Title)` lists.

    A lone bracket that names a company (another participant's, or one in the call's title,
    "Acme / Pipewise intro") is the company, not a title.
    """
    items: list[str] = []
    for value in values:
        items += _split_outside_brackets(value, ";" if ";" in value else ",")
    people: list[Participant] = []
    for item in items:
        email = _EMAIL.search(item)
        label = parse_name(_EMAIL.sub("", item).strip(" -–,") if email else item)
        name = label.name or (email["email"] if email else "")
        if name:
            people.append(
                Participant(
                    name=name,
                    title=label.title,
                    company=label.company,
                    email=email["email"] if email else None,
                )
            )
    companies = {person.company.casefold() for person in people if person.company}

    def is_company(value: str) -> bool:
        named = re.search(rf"(?<!\w){re.escape(value)}(?!\w)", call_title or "", re.IGNORECASE)
        return value.casefold() in companies or named is not None

    return [
        person.model_copy(update={"title": None, "company": person.title})
        if person.company is None and person.title and is_company(person.title)
        else person
        for person in people
    ]


class _Header:
    """Collects header lines; `metadata()` is None when no known key was read."""

    def __init__(self) -> None:
        self.call_date: date | None = None
        self.title: str | None = None
        self.participants: list[str] = []
        self.found = False
        self.listing = False  # a `Participants:` line without a value: bullets follow

    def add(self, number: int, key: str, value: str) -> None:
        field, value = _field(key), clean(value)
        self.listing = field == "participants" and not value
        if field is None:
            return
        self.found = True
        if field == "call_date" and value:
            self.call_date = parse_call_date(value)
            if self.call_date is None:
                raise InputError(
                    f"line {number}: expected a call date like {EXAMPLES}, got {value[:60]!r}"
                )
        elif field == "title":
            self.title = value or self.title
        elif field == "participants" and value:
            self.participants.append(value)

    def add_note(self, number: int, line: str) -> None:
        """A `# key: value` or NOTE line: unknown keys and free text are ignored."""
        match = _KEY_VALUE.match(line.lstrip("#").strip())
        if match is not None:
            self.add(number, match["key"], match["value"] or "")
        else:
            self.listing = False

    def metadata(self) -> TranscriptMetadata | None:
        if not self.found:
            return None
        return TranscriptMetadata(
            call_date=self.call_date,
            title=self.title,
            participants=parse_participants(self.participants, self.title),
        )


def _known_key_follows(lines: Sequence[str], index: int) -> bool:
    """A known header line comes later in this block: lines before it are header lines too."""
    for line in lines[index:]:
        text = line.strip()
        if not text:
            return False
        match = _KEY_VALUE.match(text)
        if text.startswith("#") or (match is not None and _field(match["key"])):
            return True
    return False


def read_header(lines: Sequence[str]) -> tuple[TranscriptMetadata | None, int]:
    """The metadata in a text file's leading lines, and the index of the first line after it."""
    header = _Header()
    index = 0
    while index < len(lines):
        text = lines[index].strip()
        bullet = _BULLET.match(text)
        match = _KEY_VALUE.match(text)
        if not text:
            header.listing = False
        elif text.startswith("#"):
            header.add_note(index + 1, text)
        elif header.listing and bullet is not None:
            header.participants.append(bullet["item"])
        elif match is not None and (
            _key(match["key"]) in _FIELDS or _known_key_follows(lines, index + 1)
        ):
            header.add(index + 1, match["key"], match["value"] or "")
        else:
            break
        index += 1
    return header.metadata(), index


def read_notes(notes: Iterable[tuple[int, str]]) -> TranscriptMetadata | None:
    """Metadata from WebVTT `NOTE` lines before the first cue: (line number, text) pairs."""
    header = _Header()
    for number, line in notes:
        text = line.strip()
        bullet = _BULLET.match(text)
        if header.listing and bullet is not None:
            header.participants.append(bullet["item"])
        else:
            header.add_note(number, text)
    return header.metadata()


def known_speakers(metadata: TranscriptMetadata | None) -> Speakers:
    """The participants a header names: their labels start turns even on continuation lines."""
    return Speakers(person.name for person in metadata.participants) if metadata else Speakers()


def build_transcript(
    source: str, segments: list[Segment], metadata: TranscriptMetadata | None
) -> Transcript:
    """The Transcript of a parsed file: its segments, titled from the header's participants."""
    return Transcript(
        source=source, segments=with_participant_titles(segments, metadata), metadata=metadata
    )


def with_participant_titles(
    segments: list[Segment], metadata: TranscriptMetadata | None
) -> list[Segment]:
    """Segments whose label gave no title or company take their participant's."""
    people = (
        {name_key(person.name): person for person in metadata.participants} if metadata else {}
    )
    filled = []
    for segment in segments:
        person = people.get(name_key(segment.speaker))
        if person and segment.title is None and segment.company is None:
            segment = segment.model_copy(update={"title": person.title, "company": person.company})
        filled.append(segment)
    return filled
