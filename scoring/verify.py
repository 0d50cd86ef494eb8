"""Evidence verification: find each quote in the transcript and pin it to exact offsets.

A quote counts only when it is found in the transcript (DESIGN invariants 2 and 5). Matching
ignores case, accents, whitespace, punctuation (curly or straight quotes, dashes, dots) and
apostrophes, so "Budget’s  about $120K" finds "budget's about 120k"; it never ignores words.
The transcript's text is normalised once, with a map from each normalised character back to its
offset in `Transcript.text`, so a found quote gets exact `start_char`/`end_char` there.

A criterion that has a value but no verified quote becomes unknown (its quotes are kept, marked
unverified) and is flagged, so an answer a transcript tried to inject cannot score.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from scoring.bant import BantAnswers, Criterion
from scoring.evidence import Evidence
from scoring.extraction import Extraction, FieldResult, FieldStatus, Flag, FlagKind
from scoring.transcript import Transcript
from scoring.undecided import withhold_undecided

# Characters that vanish rather than separate words: apostrophes, so "don't" matches "dont".
_VANISHING = frozenset("'’‘ʼ`´")
LOW_CONFIDENCE = 0.5


@lru_cache(maxsize=4096)
def _fold(char: str) -> str | None:
    """The normalised form of one character: letters/digits, "" to vanish, None to separate."""
    if char in _VANISHING:
        return ""
    kept: list[str] = []
    separates = False
    for part in unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold()):
        category = unicodedata.category(part)
        if category in ("Mn", "Me", "Cf"):  # accents, zero-width marks, soft hyphens
            continue
        if part.isalnum():
            kept.append(part)
        else:
            separates = True
    if kept:
        return "".join(kept)
    return None if separates else ""


def normalise(text: str) -> tuple[str, list[int]]:
    """`text` normalised for matching, and the offset in `text` of each normalised character."""
    chars: list[str] = []
    origin: list[int] = []
    gap = False
    for position, char in enumerate(text):
        folded = _fold(char)
        if folded is None:
            gap = bool(chars)
            continue
        if not folded:
            continue
        if gap:
            chars.append(" ")
            origin.append(position)
            gap = False
        chars.append(folded)
        origin.extend([position] * len(folded))
    return "".join(chars), origin


class TranscriptIndex:
    """A transcript normalised once, to verify many quotes against it."""

    def __init__(self, transcript: Transcript):
        self.transcript = transcript
        self.text = transcript.text
        self.normalised, self._origin = normalise(self.text)
        spans = transcript.segment_spans()
        # Where each `Speaker: text` line starts (just after the previous line's newline), so a
        # match in a label such as "Ana (CFO, Acme)" belongs to that label's segment.
        self._line_starts = [0, *(end + 1 for _, end in spans[:-1])] if spans else []

    def segment_at(self, offset: int) -> int:
        """Index of the segment whose line contains `offset`."""
        return max(bisect.bisect_right(self._line_starts, offset) - 1, 0)

    def find(self, quote: str, speaker: str | None = None) -> tuple[int, int] | None:
        """(start, end) of `quote` in the transcript text, preferring a match said by `speaker`."""
        needle, _ = normalise(quote)
        if not needle or not self.transcript.segments:
            return None
        wanted = speaker.casefold().strip() if speaker else None
        first: tuple[int, int] | None = None
        at = self.normalised.find(needle)
        while at != -1:
            if not self._whole_characters(at, at + len(needle)):
                at = self.normalised.find(needle, at + 1)
                continue
            span = (self._origin[at], self._origin[at + len(needle) - 1] + 1)
            said_by = self.transcript.segments[self.segment_at(span[0])]
            # A quote may name the speaker as the label does: "Ana (CFO, Acme)" is "Ana".
            if wanted is None or wanted in {n.casefold() for n in (said_by.speaker, said_by.label)}:
                return self._widen(span, quote)
            first = first or span
            at = self.normalised.find(needle, at + 1)
        return first and self._widen(first, quote)

    def _whole_characters(self, start: int, end: int) -> bool:
        """True when normalised[start:end] covers whole characters of the text: "1" inside the
        "1/4" that "¼" folds to is not a quote of "1"."""
        origin, text = self._origin, self.normalised
        # A gap's space shares the origin of the character after it, so it does not split one.
        starts_whole = (start == 0 or origin[start - 1] != origin[start]
                        or text[start - 1] == " ")
        return starts_whole and (end == len(origin) or origin[end] != origin[end - 1])

    def _widen(self, span: tuple[int, int], quote: str) -> tuple[int, int]:
        """Take in the punctuation the quote starts or ends with, where the text has some too."""
        start, end = span
        stripped = quote.strip()
        lead = next((i for i, char in enumerate(stripped) if _fold(char)), 0)
        trail = next((i for i, char in enumerate(reversed(stripped)) if _fold(char)), 0)
        while lead and start > 0 and self._is_mark(self.text[start - 1]):
            start, lead = start - 1, lead - 1
        while trail and end < len(self.text) and self._is_mark(self.text[end]):
            end, trail = end + 1, trail - 1
        return start, end

    @staticmethod
    def _is_mark(char: str) -> bool:
        return not char.isspace() and not _fold(char)

    def verify(self, evidence: Evidence) -> Evidence:
        """`evidence` with its position filled in, or marked unverified when not found."""
        span = self.find(evidence.quote, evidence.speaker)
        if span is None:
            return evidence.model_copy(
                update={
                    "verified": False,
                    "start_char": None,
                    "end_char": None,
                    "segment_index": None,
                    "start_ms": None,
                    "end_ms": None,
                }
            )
        index = self.segment_at(span[0])
        segment = self.transcript.segments[index]
        return evidence.model_copy(
            update={
                "verified": True,
                "start_char": span[0],
                "end_char": span[1],
                "segment_index": index,
                # Who actually said it, whatever the answer claimed.
                "speaker": segment.speaker,
                "start_ms": segment.start_ms,
                "end_ms": segment.end_ms,
            }
        )


def verify_evidence(
    evidence: Evidence, transcript: Transcript, *, index: TranscriptIndex | None = None
) -> Evidence:
    """Locate `evidence.quote` in `transcript`; pass `index` to verify many quotes cheaply."""
    return (index or TranscriptIndex(transcript)).verify(evidence)


@dataclass(frozen=True)
class _Checked:
    """One criterion's answer after verification."""

    answer: object
    quotes: int
    unverified: list[Evidence]
    reset: bool


def _has_value(answer: object) -> bool:
    for name in ("kind", "level"):
        value = getattr(answer, name, None)
        if value is not None and value != "unknown":
            return True
    return bool(getattr(answer, "title", None) or getattr(answer, "stated_needs", None))


def _check(answer, index: TranscriptIndex) -> _Checked:
    evidence = [index.verify(item) for item in answer.evidence]
    unverified = [item for item in evidence if not item.verified]
    reset = _has_value(answer) and len(unverified) == len(evidence)
    # An answer model's defaults are its unknown value; only the evidence is carried over.
    checked = (
        type(answer)(evidence=evidence)
        if reset
        else answer.model_copy(update={"evidence": evidence})
    )
    return _Checked(checked, len(evidence), unverified, reset)


def _check_all(answers: BantAnswers, index: TranscriptIndex) -> dict[Criterion, _Checked]:
    return {criterion: _check(getattr(answers, criterion.value), index) for criterion in Criterion}


def _answers(answers: BantAnswers, checked: dict[Criterion, _Checked]) -> BantAnswers:
    return answers.model_copy(
        update={criterion.value: result.answer for criterion, result in checked.items()}
    )


def verify_answers(answers: BantAnswers, transcript: Transcript) -> BantAnswers:
    """Verify every quote; a criterion with a value but no verified quote becomes unknown."""
    index = TranscriptIndex(transcript)
    return _answers(answers, _check_all(answers, index))


def _unverified_detail(criterion: Criterion, checked: _Checked) -> str:
    if not checked.quotes:
        return f"{criterion.value}: a value was given without any quote; treated as unknown"
    missing = "; ".join(f"“{item.quote[:80]}”" for item in checked.unverified)
    outcome = "treated as unknown" if checked.reset else "other quotes were found"
    count = f"{len(checked.unverified)} of {checked.quotes}"
    return f"{criterion.value}: {count} quotes not found in the transcript ({outcome}): {missing}"


def apply_verification(extraction: Extraction, transcript: Transcript) -> Extraction:
    """Verify an extraction's evidence; unsupported criteria become unknown and are flagged.

    Adds UNVERIFIED_EVIDENCE for quotes not found (or a value without quotes), AMBIGUOUS for
    criteria the extractor found ambiguous, LOW_CONFIDENCE for a stated criterion below 0.5.
    An ambiguous criterion's value is withheld as a reviewer's choice (`scoring.undecided`).
    Running it twice gives the same result.
    """
    checked = _check_all(extraction.answers, TranscriptIndex(transcript))
    fields = dict(extraction.fields)
    flags = list(extraction.flags)
    seen = {(flag.kind, flag.criterion) for flag in flags}
    # Criteria an earlier pass reset: their status and confidence were set by that reset.
    reset_before = {criterion for kind, criterion in seen if kind is FlagKind.UNVERIFIED_EVIDENCE}

    def add(kind: FlagKind, criterion: Criterion, detail: str) -> None:
        if (kind, criterion) not in seen:
            seen.add((kind, criterion))
            flags.append(Flag(kind=kind, criterion=criterion, detail=detail))

    for criterion, result in checked.items():
        field = fields.get(criterion, FieldResult())
        if result.reset:
            status = FieldStatus.AMBIGUOUS if result.quotes else FieldStatus.ABSENT
            fields[criterion] = field.model_copy(update={"status": status, "confidence": 0.0})
            add(FlagKind.UNVERIFIED_EVIDENCE, criterion, _unverified_detail(criterion, result))
            continue
        fields[criterion] = field
        if result.unverified:
            add(FlagKind.UNVERIFIED_EVIDENCE, criterion, _unverified_detail(criterion, result))
        if criterion in reset_before and field.confidence == 0.0:
            continue
        if field.status is FieldStatus.AMBIGUOUS:
            add(FlagKind.AMBIGUOUS, criterion, f"{criterion.value}: conflicting or vague answer")
        if field.status is not FieldStatus.ABSENT and field.confidence < LOW_CONFIDENCE:
            add(
                FlagKind.LOW_CONFIDENCE,
                criterion,
                f"{criterion.value}: confidence {field.confidence:.2f} is below {LOW_CONFIDENCE}",
            )
    verified = extraction.model_copy(
        update={"answers": _answers(extraction.answers, checked), "fields": fields, "flags": flags}
    )
    return withhold_undecided(verified)
