"""The pipeline's tables: submissions, leads, step runs, extractions, LLM calls, scores, audit."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from leadflow.store.types import DecimalText, UTCDateTime, utc_now


class LeadState(StrEnum):
    """Where a lead is on its path; `needs_review` and `failed` are visible stops."""

    RECEIVED = "received"
    CRM_SYNCED = "crm_synced"
    MEETING_BOOKED = "meeting_booked"
    AWAITING_TRANSCRIPT = "awaiting_transcript"
    EXTRACTING = "extracting"
    SCORED = "scored"
    NEEDS_REVIEW = "needs_review"
    FAILED = "failed"
    # Same person as a lead still in progress: kept for the record, never run.
    DUPLICATE = "duplicate"


def _created() -> Any:
    return Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)


def _json(default: Any = None, *, nullable: bool = False) -> Any:
    if default is None:
        return Field(default=None, sa_type=JSON, nullable=True)
    return Field(default_factory=default, sa_type=JSON, nullable=nullable)


class Submission(SQLModel, table=True):
    """A form submission exactly as received; re-delivery maps to the same row."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("source", "source_submission_id", name="uq_submissions_source_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    source_submission_id: str = Field(max_length=255)
    raw_payload: str = Field(sa_column=Column(Text, nullable=False))
    received_at: datetime = _created()
    status: str = Field(default="received", max_length=50)


class DeadLetter(SQLModel, table=True):
    """A submission that failed validation, kept verbatim with its field errors until replayed."""

    __tablename__ = "dead_letters"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    raw_payload: str = Field(sa_column=Column(Text, nullable=False))
    # None: raw_payload is the body as sent; "base64": the body was not storable text (not
    # UTF-8, or a NUL), so raw_payload holds its bytes in base64.
    payload_encoding: str | None = Field(default=None, max_length=20)
    errors: list[Any] = _json(list)
    received_at: datetime = _created()
    replayed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    replayed_submission_id: int | None = Field(default=None, foreign_key="submissions.id")


class Lead(SQLModel, table=True):
    """One lead: who, where it is on its path, its CRM and meeting ids, and its current score."""

    __tablename__ = "leads"
    __table_args__ = (
        Index("ix_leads_rank", "score_total"),
        Index("ix_leads_rep", "rep"),
        Index("ix_leads_state", "state"),
        Index("ix_leads_email", "email"),
    )

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submissions.id", unique=True)
    email: str = Field(max_length=320)
    name: str | None = Field(default=None, max_length=255)
    company: str | None = Field(default=None, max_length=255)
    rep: str | None = Field(default=None, max_length=100)
    state: str = Field(default=LeadState.RECEIVED.value, max_length=50)
    failed_step: str | None = Field(default=None, max_length=100)
    state_reason: str | None = Field(default=None, sa_type=Text)
    crm_contact_id: str | None = Field(default=None, max_length=255)
    crm_deal_id: str | None = Field(default=None, max_length=255)
    meeting_id: str | None = Field(default=None, max_length=255)
    meeting_start_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    meeting_end_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    language: str | None = Field(default=None, max_length=20)
    score_total: Decimal | None = Field(default=None, sa_type=Numeric(7, 2))
    band: str | None = Field(default=None, max_length=50)
    score_config_hash: str | None = Field(default=None, max_length=128)
    score_extraction_id: int | None = None
    scored_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class StepRun(SQLModel, table=True):
    """The outcome of one step under an idempotency key; a re-run returns the stored result."""

    __tablename__ = "step_runs"
    __table_args__ = (Index("ix_step_runs_lead", "lead_id"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=255, unique=True)
    lead_id: int | None = Field(default=None, foreign_key="leads.id")
    step: str = Field(max_length=100)
    status: str = Field(max_length=50)
    result: dict[str, Any] | None = _json()
    error: str | None = Field(default=None, sa_type=Text)
    attempts: int = 1
    created_at: datetime = _created()
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ExtractionRow(SQLModel, table=True):
    """Stored BANT answers for a lead, found again by (transcript, prompt, model, schema)."""

    __tablename__ = "extractions"
    __table_args__ = (
        Index(
            "ix_extractions_cache_key", "transcript_hash", "prompt_version", "model", "schema_hash"
        ),
        Index("ix_extractions_lead", "lead_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(foreign_key="leads.id")
    transcript_hash: str = Field(max_length=128)
    extractor: str = Field(max_length=100)
    model: str | None = Field(default=None, max_length=255)
    prompt_version: str | None = Field(default=None, max_length=128)
    schema_hash: str | None = Field(default=None, max_length=128)
    language: str | None = Field(default=None, max_length=20)
    answers: dict[str, Any] = _json(dict)
    fields: dict[str, Any] = _json(dict)
    flags: list[Any] = _json(list)
    needs_review: bool = False
    created_at: datetime = _created()


class LlmCall(SQLModel, table=True):
    """One LLM attempt, written even when it failed and never updated afterwards."""

    __tablename__ = "llm_calls"
    __table_args__ = (
        Index("ix_llm_calls_lead", "lead_id"),
        Index("ix_llm_calls_extraction", "extraction_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    prompt_name: str = Field(max_length=100)
    prompt_hash: str = Field(max_length=128)
    variables: dict[str, Any] = _json(dict)
    messages: list[Any] = _json(list)
    model_requested: str = Field(max_length=255)
    model_resolved: str | None = Field(default=None, max_length=255)
    parameters: dict[str, Any] = _json(dict)
    schema_hash: str | None = Field(default=None, max_length=128)
    request_id: str | None = Field(default=None, max_length=255)
    attempt: int = 1
    raw_response: str | None = Field(default=None, sa_type=Text)
    parsed: dict[str, Any] | None = _json()
    status: str = Field(max_length=50)
    error: str | None = Field(default=None, sa_type=Text)
    tokens_in: int | None = None
    tokens_out: int | None = None
    cost: Decimal | None = Field(default=None, sa_type=DecimalText)
    currency: str | None = Field(default=None, max_length=3)
    latency_ms: int | None = None
    evidence: list[Any] | None = _json()
    extraction_id: int | None = Field(default=None, foreign_key="extractions.id")
    lead_id: int | None = Field(default=None, foreign_key="leads.id")
    created_at: datetime = _created()


class ScoreRow(SQLModel, table=True):
    """A score of one extraction under one scoring config; the lead's latest is current."""

    __tablename__ = "scores"
    __table_args__ = (Index("ix_scores_lead", "lead_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(foreign_key="leads.id")
    extraction_id: int = Field(foreign_key="extractions.id")
    config_hash: str = Field(max_length=128)
    total: Decimal = Field(sa_type=Numeric(7, 2))
    band: str = Field(max_length=50)
    components: list[Any] = _json(list)
    missing: list[Any] = _json(list)
    created_at: datetime = _created()


class Review(SQLModel, table=True):
    """A reviewer's decision on one criterion (or, with no criterion, the whole extraction)."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_extraction", "extraction_id"),)

    id: int | None = Field(default=None, primary_key=True)
    extraction_id: int = Field(foreign_key="extractions.id")
    criterion: str | None = Field(default=None, max_length=50)
    reviewer: str = Field(max_length=255)
    decision: str = Field(max_length=20)
    value: Any = _json()
    reason: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = _created()


class AuditEvent(SQLModel, table=True):
    """Something that happened to a lead (or the system): who, what, before and after."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_lead", "lead_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int | None = Field(default=None, foreign_key="leads.id")
    at: datetime = _created()
    actor: str = Field(max_length=255)
    kind: str = Field(max_length=100)
    step: str | None = Field(default=None, max_length=100)
    before: Any = _json()
    after: Any = _json()
    reason: str | None = Field(default=None, sa_type=Text)
    detail: dict[str, Any] | None = _json()
