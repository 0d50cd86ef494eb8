"""The `local` notifier's outbox: one row per message, at most once per idempotency key."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic_core import to_jsonable_python
from sqlmodel import Session, col, select

from leadflow.store.connector_models import Notification
from leadflow.store.unique import insert_once


def add_notification(
    session: Session,
    *,
    rep_id: str,
    idempotency_key: str,
    channel: str,
    body: dict[str, Any],
    lead_id: int | None = None,
) -> tuple[Notification, bool]:
    """Record a message to a rep; a repeat of the key returns (the first, False)."""
    row = Notification(
        rep_id=rep_id,
        idempotency_key=idempotency_key,
        channel=channel,
        body=to_jsonable_python(body),
        lead_id=lead_id,
    )
    return insert_once(
        session,
        row,
        lambda: session.exec(
            select(Notification).where(Notification.idempotency_key == idempotency_key)
        ).first(),
    )


def list_notifications(
    session: Session, *, rep_id: str | None = None, lead_id: int | None = None
) -> Sequence[Notification]:
    """Messages, oldest first, to one rep and/or about one lead."""
    query = select(Notification).order_by(col(Notification.id))
    if rep_id is not None:
        query = query.where(Notification.rep_id == rep_id)
    if lead_id is not None:
        query = query.where(Notification.lead_id == lead_id)
    return session.exec(query).all()
