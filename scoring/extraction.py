"""What an extractor returns: BANT answers plus, per criterion, a status, a confidence and flags."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from scoring.bant import BantAnswers, Criterion


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


class FieldResult(BaseModel):
    """How sure the extractor is about one criterion."""

    model_config = ConfigDict(frozen=True)

    status: FieldStatus = FieldStatus.ABSENT
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)


class ExtractionContext(BaseModel):
    """What an extractor may use beside the transcript."""

    model_config = ConfigDict(frozen=True)

    stated_on: date | None = None
    product_capabilities: list[str] = Field(default_factory=list)
    form_answers: dict[str, str] = Field(default_factory=dict)
    language_hint: str | None = None
    # Which lead this is for, so an extractor can link its audit records; None outside a flow.
    lead_id: int | None = None


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
