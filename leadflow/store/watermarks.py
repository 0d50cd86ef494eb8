"""Form watermarks: the newest response time the Forms reconciler has stored, per form."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, Session, SQLModel

from leadflow.store.types import UTCDateTime, utc_now
from leadflow.store.unique import insert_once


class FormWatermark(SQLModel, table=True):
    """Responses last submitted at or before `last_submitted_at` are in the store."""

    __tablename__ = "form_watermarks"

    form_id: str = Field(primary_key=True, max_length=255)
    last_submitted_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)


def get_watermark(session: Session, form_id: str) -> datetime | None:
    """The form's watermark, or None before its first reconcile."""
    row = session.get(FormWatermark, form_id)
    return row.last_submitted_at if row else None


def advance_watermark(session: Session, form_id: str, last_submitted_at: datetime) -> datetime:
    """Move the watermark forward to `last_submitted_at` (never back); return the new value."""
    row = session.get(FormWatermark, form_id, with_for_update=True)
    if row is None:
        # Two reconcilers starting at once: the loser sees the winner's row and compares.
        row, created = insert_once(
            session, FormWatermark(form_id=form_id, last_submitted_at=last_submitted_at),
            lambda: session.get(FormWatermark, form_id, populate_existing=True))
        if created:
            return row.last_submitted_at
    if last_submitted_at > row.last_submitted_at:
        row.last_submitted_at, row.updated_at = last_submitted_at, utc_now()
    session.add(row)
    session.flush()
    return row.last_submitted_at
