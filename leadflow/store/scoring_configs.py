"""Scoring configs ops saved (from the web): the newest is in force for every command and flow.

The file (LEADFLOW_SCORING_CONFIG, or the bundled default) is the starting point; a change made
in the web UI is validated, saved here with who and why, and wins from then on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Text
from sqlmodel import Field, Session, SQLModel, col, select

from leadflow.store.types import UTCDateTime, utc_now


class ScoringConfigRow(SQLModel, table=True):
    """A scoring config ops saved; the newest one is in force."""

    __tablename__ = "scoring_configs"

    id: int | None = Field(default=None, primary_key=True)
    config: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    version: str = Field(max_length=128)
    actor: str = Field(max_length=255)
    reason: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)


def saved_config(session: Session) -> dict[str, Any] | None:
    """The newest saved config's data, or None when ops never changed it from the web."""
    row = session.exec(select(ScoringConfigRow).order_by(col(ScoringConfigRow.id).desc())).first()
    return dict(row.config) if row is not None else None
