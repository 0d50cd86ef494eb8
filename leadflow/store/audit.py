"""The append-only audit trail: what happened to a lead, who did it, before and after."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic_core import to_jsonable_python
from sqlmodel import Session, col, select

from leadflow.store.models import AuditEvent


def append_audit(
    session: Session,
    *,
    kind: str,
    lead_id: int | None = None,
    actor: str = "system",
    step: str | None = None,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event; values are stored as JSON (Decimals and datetimes as text)."""
    event = AuditEvent(
        kind=kind,
        lead_id=lead_id,
        actor=actor,
        step=step,
        before=to_jsonable_python(before),
        after=to_jsonable_python(after),
        reason=reason,
        detail=to_jsonable_python(detail),
    )
    session.add(event)
    session.flush()
    return event


def list_audit(
    session: Session, *, lead_id: int | None = None, kind: str | None = None, limit: int = 1000
) -> Sequence[AuditEvent]:
    """Audit events, oldest first, optionally for one lead or of one kind."""
    query = select(AuditEvent).order_by(col(AuditEvent.id)).limit(limit)
    if lead_id is not None:
        query = query.where(AuditEvent.lead_id == lead_id)
    if kind is not None:
        query = query.where(AuditEvent.kind == kind)
    return session.exec(query).all()


def latest_audit(session: Session, kind: str) -> AuditEvent | None:
    """The newest audit event of one kind, or None."""
    return session.exec(select(AuditEvent).where(AuditEvent.kind == kind)
                        .order_by(col(AuditEvent.id).desc())).first()
