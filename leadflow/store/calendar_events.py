"""Queries behind the `local` calendar: booking (idempotent), cancelling, busy times."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from leadflow.errors import StoreError
from leadflow.store.connector_models import CalendarEvent
from leadflow.store.leads import normalise_email
from leadflow.store.unique import insert_once

CONFIRMED = "confirmed"
CANCELLED = "cancelled"


def book_event(
    session: Session,
    *,
    rep_id: str,
    idempotency_key: str,
    start_at: datetime,
    end_at: datetime,
    title: str,
    attendee_email: str | None = None,
) -> tuple[CalendarEvent, bool]:
    """Book an event once per idempotency key; a repeat returns (the first event, False)."""
    if end_at <= start_at:
        raise StoreError(f"an event must end after it starts ({start_at} .. {end_at})")
    row = CalendarEvent(
        rep_id=rep_id,
        idempotency_key=idempotency_key,
        start_at=start_at,
        end_at=end_at,
        title=title,
        attendee_email=normalise_email(attendee_email) if attendee_email else None,
    )
    return insert_once(session, row, lambda: get_event_by_key(session, idempotency_key))


def get_event(session: Session, event_id: int) -> CalendarEvent | None:
    """The event with this id, or None."""
    return session.get(CalendarEvent, event_id)


def get_event_by_key(session: Session, idempotency_key: str) -> CalendarEvent | None:
    """The event booked under this idempotency key, or None."""
    return session.exec(
        select(CalendarEvent).where(CalendarEvent.idempotency_key == idempotency_key)
    ).first()


def cancel_event(session: Session, event_id: int) -> CalendarEvent:
    """Mark an event cancelled (cancelling twice is harmless)."""
    event = session.get(CalendarEvent, event_id)
    if event is None:
        raise StoreError(f"no calendar event with id {event_id}")
    event.status = CANCELLED
    session.add(event)
    session.flush()
    return event


def list_events(
    session: Session,
    rep_id: str,
    *,
    start_at: datetime,
    end_at: datetime,
    include_cancelled: bool = False,
) -> Sequence[CalendarEvent]:
    """A rep's events overlapping [start_at, end_at), earliest first: their busy times."""
    query = (
        select(CalendarEvent)
        .where(
            CalendarEvent.rep_id == rep_id,
            col(CalendarEvent.start_at) < end_at,
            col(CalendarEvent.end_at) > start_at,
        )
        .order_by(col(CalendarEvent.start_at), col(CalendarEvent.id))
    )
    if not include_cancelled:
        query = query.where(CalendarEvent.status == CONFIRMED)
    return session.exec(query).all()
