"""Reviewer decisions on extractions: separate rows that point at what they judge."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from pydantic_core import to_jsonable_python
from sqlmodel import Session, col, select

from leadflow.store.models import Review


class ReviewDecision(StrEnum):
    """What a reviewer decided about a criterion or a whole extraction."""

    APPROVE = "approve"
    OVERRIDE = "override"
    REJECT = "reject"


def add_review(
    session: Session,
    *,
    extraction_id: int,
    reviewer: str,
    decision: ReviewDecision | str,
    criterion: str | None = None,
    value: Any = None,
    reason: str | None = None,
) -> Review:
    """Record a decision on one criterion, or on the whole extraction when `criterion` is None."""
    row = Review(
        extraction_id=extraction_id,
        reviewer=reviewer,
        decision=ReviewDecision(decision).value,
        criterion=criterion,
        value=to_jsonable_python(value),
        reason=reason,
    )
    session.add(row)
    session.flush()
    return row


def list_reviews(session: Session, extraction_id: int) -> Sequence[Review]:
    """Decisions on an extraction, oldest first."""
    return session.exec(
        select(Review).where(Review.extraction_id == extraction_id).order_by(col(Review.id))
    ).all()
