"""Stored extractions: BANT answers with evidence, found again by their cache key."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from leadflow.store.models import ExtractionRow
from scoring.extraction import Extraction


def add_extraction(
    session: Session,
    *,
    lead_id: int,
    transcript_hash: str,
    extraction: Extraction,
    schema_hash: str | None = None,
) -> ExtractionRow:
    """Store an extractor's result for a lead; it becomes the lead's latest extraction."""
    data = extraction.model_dump(mode="json")
    row = ExtractionRow(
        lead_id=lead_id,
        transcript_hash=transcript_hash,
        extractor=extraction.extractor,
        model=extraction.model,
        prompt_version=extraction.prompt_version,
        schema_hash=schema_hash or extraction.schema_hash,
        language=extraction.language,
        answers=data["answers"],
        fields=data["fields"],
        flags=data["flags"],
        needs_review=extraction.needs_review,
    )
    session.add(row)
    session.flush()
    return row


def to_extraction(row: ExtractionRow) -> Extraction:
    """The scoring model of a stored extraction."""
    return Extraction.model_validate(
        {
            "answers": row.answers,
            "fields": row.fields,
            "flags": row.flags,
            "language": row.language,
            "extractor": row.extractor,
            "model": row.model,
            "prompt_version": row.prompt_version,
        }
    )


def _matches(column: object, value: str | None) -> ColumnElement[bool]:
    return col(column).is_(None) if value is None else col(column) == value


def find_extraction_by_cache_key(
    session: Session,
    *,
    transcript_hash: str,
    prompt_version: str | None,
    model: str | None,
    schema_hash: str | None,
) -> ExtractionRow | None:
    """The newest extraction of this transcript by this prompt, model and schema, or None."""
    return session.exec(
        select(ExtractionRow)
        .where(
            ExtractionRow.transcript_hash == transcript_hash,
            _matches(ExtractionRow.prompt_version, prompt_version),
            _matches(ExtractionRow.model, model),
            _matches(ExtractionRow.schema_hash, schema_hash),
        )
        .order_by(col(ExtractionRow.id).desc())
    ).first()


def get_extraction(session: Session, extraction_id: int) -> ExtractionRow | None:
    """The extraction with this id, or None."""
    return session.get(ExtractionRow, extraction_id)


def latest_extraction(session: Session, lead_id: int) -> ExtractionRow | None:
    """The lead's newest extraction, or None."""
    return session.exec(
        select(ExtractionRow)
        .where(ExtractionRow.lead_id == lead_id)
        .order_by(col(ExtractionRow.id).desc())
    ).first()


def list_extractions(session: Session, lead_id: int) -> Sequence[ExtractionRow]:
    """Every extraction of a lead, oldest first."""
    return session.exec(
        select(ExtractionRow)
        .where(ExtractionRow.lead_id == lead_id)
        .order_by(col(ExtractionRow.id))
    ).all()
