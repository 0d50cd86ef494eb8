"""What an extractor returns: BANT answers plus, per criterion, a status, a confidence and flags."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from scoring.bant import BantAnswers, Criterion
from scoring.transcript import Participant, Transcript, name_key


class FieldStatus(StrEnum):
    """found: stated with evidence; ambiguous: conflicting or vague; absent: not discussed."""

    FOUND = "found"
    AMBIGUOUS = "ambiguous"
    ABSENT = "absent"


class FlagKind(StrEnum):
    """Why an extraction goes to a reviewer before anything is final in the CRM."""

    UNVERIFIED_EVIDENCE = "unverified_evidence"
    AMBIGUOUS = "ambiguous"
    LOW_CONFIDENCE = "low_confidence"
    INVALID_OUTPUT = "invalid_output"


class Flag(BaseModel):
    """One reason for review, on one criterion or on the whole extraction."""

    model_config = ConfigDict(frozen=True)

    kind: FlagKind
    criterion: Criterion | None = None
    detail: str


class Candidate(BaseModel):
    """One value a reviewer can pick for an ambiguous criterion, with the words behind it."""

    model_config = ConfigDict(frozen=True)

    # As the review form takes it: "120000 EUR", "vp_director", "partial", "4.5" (months).
    value: str = Field(min_length=1)
    # As a reviewer reads it: "120,000 EUR", "VP / director: Head of Sales", "in 4.5 months".
    label: str = Field(min_length=1)
    quote: str | None = None


class FieldResult(BaseModel):
    """How sure the extractor is about one criterion; when it is ambiguous, the values the
    call supports for a reviewer to choose from."""

    model_config = ConfigDict(frozen=True)

    status: FieldStatus = FieldStatus.ABSENT
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    candidates: list[Candidate] = Field(default_factory=list)


class ExtractionContext(BaseModel):
    """What an extractor may use beside the transcript."""

    # forbid: a misspelt or renamed field (`stated_on` was the call date) fails loudly instead
    # of leaving the extractor without the date.
    model_config = ConfigDict(frozen=True, extra="forbid")

    # The day of the call: relative dates ("next quarter", "in six weeks") resolve against it.
    call_date: date | None = None
    # Who the chain knows takes part (the lead, the rep): sides tell vendor from prospect.
    participants: list[Participant] = Field(default_factory=list)
    product_capabilities: list[str] = Field(default_factory=list)
    form_answers: dict[str, str] = Field(default_factory=dict)
    language_hint: str | None = None
    # Which lead this is for, so an extractor can link its audit records; None outside a flow.
    lead_id: int | None = None

    def with_transcript(self, transcript: Transcript) -> ExtractionContext:
        """This context completed by what the transcript file says about its call.

        The call date fills in only when the context has none (the chain's meeting date is
        the better source). The file's participants merge into the context's: one person
        matched by name (ignoring case and accents) or email keeps the context's values and
        takes the file's only where the context has a gap; others are added after them.
        """
        metadata = transcript.metadata  # None: the file said nothing besides the turns
        if metadata is None:
            return self
        participants = merge_participants(self.participants, metadata.participants)
        call_date = self.call_date or metadata.call_date
        if call_date == self.call_date and participants == self.participants:
            return self
        return self.model_copy(update={"call_date": call_date, "participants": participants})


def _same_person(one: Participant, other: Participant) -> bool:
    # Either is enough: a file often has a name and no address, or the address of an alias
    # beside the name the chain knows.
    if one.email and other.email and one.email.strip().casefold() == other.email.strip().casefold():
        return True
    return name_key(one.name) == name_key(other.name)


def merge_participants(
    known: list[Participant], found: list[Participant]
) -> list[Participant]:
    """`known` with gaps filled from the matching people of `found`, then the unmatched rest.

    `known` wins every field it has (the chain knows who its rep is better than a file's
    guess); `found` only fills what `known` left empty.
    """
    merged = list(known)
    for person in found:
        index = next((i for i, p in enumerate(merged) if _same_person(p, person)), None)
        if index is None:
            merged.append(person)
            continue
        mine = merged[index]
        gaps = {field: getattr(person, field) for field in ("side", "title", "company", "email")
                if getattr(mine, field) is None and getattr(person, field) is not None}
        if gaps:
            merged[index] = mine.model_copy(update=gaps)
    return merged


class Extraction(BaseModel):
    """The answers with their evidence, per-criterion status and confidence, and review flags."""

    model_config = ConfigDict(frozen=True)

    answers: BantAnswers
    fields: dict[Criterion, FieldResult] = Field(
        default_factory=lambda: {criterion: FieldResult() for criterion in Criterion}
    )
    flags: list[Flag] = Field(default_factory=list)
    language: str | None = None
    extractor: str
    model: str | None = None
    prompt_version: str | None = None
    # The output schema's hash for LLM extractions: with the transcript, prompt version and
    # model it makes the cache key, so a stored extraction answers the same question again.
    schema_hash: str | None = None

    @property
    def needs_review(self) -> bool:
        """True when any flag asks a reviewer to look before the score is final."""
        return bool(self.flags)
