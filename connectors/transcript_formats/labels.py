"""Speaker labels as meeting tools write them, read into name, title, company and start time.

`Name: text`, `Name (Title, Company): text`, `Name [Title]: text`, `[00:01:15] Name: text`, and
labels on a line of their own: `Name  0:02`, `Name 00:01:15`, `[00:01:15] Name`, `Name - 01:15`,
`[Name] 15:00:02`. Whether a match really is a label (and not "Note: ..." inside a turn) is
decided by the caller with `names`, which knows where the line sits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from leadflow.errors import InputError
from scoring.transcript import Segment

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TS_PARTS = re.compile(r"^(?:(?P<h>\d{1,2}):)?(?P<m>\d{1,2}):(?P<s>\d{2})(?:[.,](?P<f>\d{1,3}))?$")
# Starts with a letter; no comma, bracket or sentence punctuation other than "Dr." style dots.
_NAME = r"[^\W\d_][\w.'’&@/ -]{0,58}?"
_DETAILS = r"(?:\((?P<paren>[^()]{1,150})\)|\[(?P<square>[^\[\]]{1,150})\])"
_LEADING_TS = re.compile(rf"^\[?(?P<ts>{_TS})\]?\s+")
_BRACKETED_TS = re.compile(rf"^\[{_TS}\]\s+")
# The colon must be followed by whitespace (or end the line) so "10:30" or "https://" never split.
_INLINE = re.compile(rf"^(?P<name>{_NAME})\s*{_DETAILS}?\s*:(?:\s+(?P<text>\S.*))?$")
_OWN_LINE = re.compile(
    rf"^(?:\[?(?P<lead>{_TS})\]?\s+)?(?P<name>{_NAME})\s*{_DETAILS}?"
    rf"(?:\s*[-–—|,]?\s*[\[(]?(?P<trail>{_TS})[\])]?)?\s*:?$"
)
_BRACKETED_NAME = re.compile(rf"^\[(?P<name>{_NAME})\]\s*(?P<trail>{_TS})?\s*:?$")
_WHOLE_NAME = re.compile(rf"^(?P<name>[^()\[\]<>]+?)\s*{_DETAILS}?$")
# "Acme, Inc." is one company: a legal form after the last comma belongs to the name before it.
_LEGAL_FORMS = frozenset(
    ("inc", "ltd", "llc", "gmbh", "ag", "sa", "ltda", "corp", "co", "plc", "bv", "oy", "srl", "spa")
)


@dataclass(frozen=True)
class Label:
    """Who speaks, as the label says: the name, and the title, company and time when given."""

    name: str
    title: str | None = None
    company: str | None = None
    start_ms: int | None = None

    def segment(self, text: str) -> Segment:
        """The turn this label opens, with its (whitespace-collapsed) text."""
        return Segment(
            speaker=self.name,
            title=self.title,
            company=self.company,
            text=clean(text),
            start_ms=self.start_ms,
        )


def expected_label(number: int, line: str) -> InputError:
    """The error for line `number`, where a turn must start but holds no speaker label."""
    return InputError(
        f"line {number}: expected a speaker label ('Name: text', 'Name (Title, Company): text' "
        f"or a label on its own line), got {line.strip()[:60]!r}"
    )


def clean(text: str) -> str:
    """Collapse runs of whitespace (newlines included) to single spaces."""
    return " ".join(text.split())


def timestamp_ms(h: str | None, m: str, s: str, f: str | None) -> int:
    """Milliseconds from the hours (optional), minutes, seconds and fraction of a timestamp."""
    fraction = (f or "0").ljust(3, "0")
    return ((int(h or 0) * 60 + int(m)) * 60 + int(s)) * 1000 + int(fraction)


def _ms(stamp: str | None) -> int | None:
    match = _TS_PARTS.match(stamp or "")
    return timestamp_ms(**match.groupdict()) if match else None


def split_details(details: str) -> tuple[str | None, str | None]:
    """(title, company) from `Title, Company`, `Title at Company` or just `Title`.

    Titles may hold commas ("Team Leader, Commercial Lines, Acme"): the company is the last part.
    """
    parts = [part.strip() for part in details.split(",") if part.strip()]
    if len(parts) > 2 and parts[-1].casefold().replace(".", "") in _LEGAL_FORMS:
        parts[-2:] = [f"{parts[-2]}, {parts[-1]}"]
    if len(parts) >= 2:
        return ", ".join(parts[:-1]), parts[-1]
    single = clean(details)
    for joint in (" at ", " @ "):
        title, found, company = single.partition(joint)
        if found and title.strip() and company.strip():
            return title.strip(), company.strip()
    return single or None, None


def _label(name: str, match: re.Match[str], start_ms: int | None) -> Label:
    details = match["paren"] or match["square"]
    if details and _ms(details.strip()) is not None:  # "Ana (00:01:05): ..." is a time
        return Label(clean(name), start_ms=_ms(details.strip()))
    title, company = split_details(details) if details else (None, None)
    return Label(clean(name).rstrip(" -–—|,"), title, company, start_ms)


def parse_name(text: str) -> Label:
    """A participant or voice name, `Name (Title, Company)` or just `Name`."""
    match = _WHOLE_NAME.match(clean(text))
    if match is None:
        return Label(clean(text))
    return _label(match["name"], match, None)


def inline_label(line: str) -> tuple[Label, str] | None:
    """(label, text) of a `[time] Name (Title, Company): text` line, else None.

    The text is "" for a label that ends the line (the turn's text follows on the next lines).
    """
    line = line.strip()
    stamp = _LEADING_TS.match(line)
    if stamp is not None:
        line = line[stamp.end() :]
    match = _INLINE.match(line)
    if match is None:
        return None
    label = _label(match["name"], match, _ms(stamp["ts"]) if stamp else None)
    return label, (match["text"] or "").strip()


def without_timestamp(line: str) -> str:
    """A continuation line without its `[00:01:15]` timestamp (a bare "10:30" is speech)."""
    return _BRACKETED_TS.sub("", line.strip())


def own_line_label(line: str) -> Label | None:
    """The label of a line holding only a label (`Name  0:02`, `[00:01:15] Name`), else None."""
    line = line.strip()
    match = _OWN_LINE.match(line) or _BRACKETED_NAME.match(line)
    if match is None:
        return None
    groups = match.groupdict()
    stamp = groups.get("lead") or groups.get("trail")
    if "paren" not in groups:
        return Label(clean(match["name"]), start_ms=_ms(stamp))
    return _label(match["name"], match, _ms(stamp))
