"""Leases on leads: which process is running a lead, until when, and how often it was taken.

A process takes a lead's lease before running its steps and releases it when the lead stops
(finished, waiting, failed). A process that dies leaves its lease behind; once the lease has
expired any process may take it and resume the lead from its last finished step. Taking a
lease is one conditional write, so two processes never run one lead at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from leadflow.store.types import UTCDateTime


class LeadLease(SQLModel, table=True):
    """A lead being run (or left mid-run by a process that died)."""

    __tablename__ = "lead_leases"
    __table_args__ = (sa.Index("ix_lead_leases_expires", "expires_at"),)

    lead_id: int = Field(primary_key=True, foreign_key="leads.id")
    owner: str = Field(max_length=255)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    # Times the lead was taken since it last stopped cleanly: a lead that kills or stalls its
    # process each time is given up after a few (see flows/resume.py).
    attempts: int = Field(default=1, nullable=False)
    last_error: str | None = Field(default=None, sa_type=sa.Text)


def take_lease(session: Session, lead_id: int, *, owner: str, now: datetime,
               ttl: timedelta) -> int | None:
    """Take the lead's lease: the attempt number (1 unless earlier runs were cut off), or None
    while a lease on it is still valid."""
    expires = now + ttl
    table = LeadLease.__table__
    # Core statements throughout: the ORM's identity map would go stale beside them.
    try:
        with session.begin_nested():
            session.connection().execute(table.insert().values(
                lead_id=lead_id, owner=owner, expires_at=expires, attempts=1))
        return 1
    except IntegrityError:
        pass
    taken = session.connection().execute(
        table.update()
        # Only a lapsed lease: a valid one is a run in progress, even in this same process.
        .where(table.c.lead_id == lead_id, table.c.expires_at <= now)
        .values(owner=owner, expires_at=expires, attempts=table.c.attempts + 1)
        .returning(table.c.attempts)).first()
    return int(taken[0]) if taken is not None else None


def renew_lease(session: Session, lead_id: int, *, owner: str, now: datetime,
                ttl: timedelta) -> None:
    """Push the owner's lease out (between steps), so a long run is not taken over."""
    table = LeadLease.__table__
    session.connection().execute(
        table.update().where(table.c.lead_id == lead_id, table.c.owner == owner)
        .values(expires_at=now + ttl))


def release_lease(session: Session, lead_id: int, *, owner: str) -> None:
    """The lead stopped cleanly: forget its lease (and its attempt count)."""
    table = LeadLease.__table__
    session.connection().execute(
        table.delete().where(table.c.lead_id == lead_id, table.c.owner == owner))


def note_lease_error(session: Session, lead_id: int, *, owner: str, error: str,
                     now: datetime) -> None:
    """The run broke unexpectedly: keep why, and let the lease lapse now so a resumer retries."""
    table = LeadLease.__table__
    session.connection().execute(
        table.update().where(table.c.lead_id == lead_id, table.c.owner == owner)
        .values(last_error=error[:2000], expires_at=now))


def expired_leases(session: Session, now: datetime, limit: int = 1000) -> Sequence[LeadLease]:
    """Leases whose process died or gave up: the leads to resume, oldest first."""
    return session.exec(select(LeadLease).where(col(LeadLease.expires_at) <= now)
                        .order_by(col(LeadLease.expires_at)).limit(limit)
                        .execution_options(populate_existing=True)).all()


def get_lease(session: Session, lead_id: int) -> LeadLease | None:
    """The lead's lease, if a run holds it or was cut off."""
    return session.exec(select(LeadLease).where(LeadLease.lead_id == lead_id)
                        .execution_options(populate_existing=True)).first()


def drop_lease(session: Session, lead_id: int) -> None:
    """Forget a lead's lease whoever holds it (the lead was given up)."""
    session.connection().execute(
        LeadLease.__table__.delete().where(LeadLease.__table__.c.lead_id == lead_id))
