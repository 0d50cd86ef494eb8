"""Scores: one row per (extraction, config) result; the lead keeps its latest for ranking."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pydantic_core import to_jsonable_python
from sqlmodel import Session, col, select

from leadflow.store.models import Lead, ScoreRow
from leadflow.store.types import utc_now


def add_score(
    session: Session,
    *,
    lead_id: int,
    extraction_id: int,
    config_hash: str,
    total: Decimal | int,
    band: str,
    components: Any = (),
    missing: Any = (),
) -> ScoreRow:
    """Store a score and make it the lead's current one (its ranking fields)."""
    row = ScoreRow(
        lead_id=lead_id,
        extraction_id=extraction_id,
        config_hash=config_hash,
        total=Decimal(total),
        band=band,
        components=to_jsonable_python(components),
        missing=to_jsonable_python(missing),
    )
    session.add(row)
    lead = session.get_one(Lead, lead_id)
    lead.score_total = row.total
    lead.band = band
    lead.score_config_hash = config_hash
    lead.score_extraction_id = extraction_id
    lead.scored_at = utc_now()
    lead.updated_at = lead.scored_at
    session.add(lead)
    session.flush()
    return row


def latest_score(session: Session, lead_id: int) -> ScoreRow | None:
    """The lead's current score (its newest), or None."""
    return session.exec(
        select(ScoreRow).where(ScoreRow.lead_id == lead_id).order_by(col(ScoreRow.id).desc())
    ).first()


def list_scores(session: Session, lead_id: int) -> Sequence[ScoreRow]:
    """Every score of a lead, oldest first."""
    return session.exec(
        select(ScoreRow).where(ScoreRow.lead_id == lead_id).order_by(col(ScoreRow.id))
    ).all()
