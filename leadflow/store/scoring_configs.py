"""Scoring configs ops saved (web, API or `leadflow config apply`): the newest is in force.

The file (LEADFLOW_SCORING_CONFIG, or the bundled default) is the starting point; a saved
change is validated, kept here with who, when and why, and wins from then on. Rows are never
updated or deleted: restoring an earlier version saves it again, so the history stays whole.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def latest_saved(session: Session) -> ScoringConfigRow | None:
    """The newest saved config, or None when nobody ever saved one."""
    return session.exec(
        select(ScoringConfigRow).order_by(col(ScoringConfigRow.id).desc())).first()


def saved_config(session: Session) -> dict[str, Any] | None:
    """The newest saved config's data, or None when nobody ever saved one."""
    row = latest_saved(session)
    return dict(row.config) if row is not None else None


def get_saved(session: Session, config_id: int) -> ScoringConfigRow | None:
    """One saved config by id."""
    return session.get(ScoringConfigRow, config_id)


def config_history(session: Session, limit: int = 50) -> Sequence[ScoringConfigRow]:
    """Saved configs, newest first."""
    return session.exec(select(ScoringConfigRow).order_by(col(ScoringConfigRow.id).desc())
                        .limit(limit)).all()


def save_config(session: Session, data: dict[str, Any], *, version: str, actor: str,
                reason: str | None) -> ScoringConfigRow:
    """Keep a validated config's data as the newest (the one in force)."""
    row = ScoringConfigRow(config=data, version=version, actor=actor, reason=reason)
    session.add(row)
    session.flush()
    return row
