"""Leads: creation, state changes (each one audited), ranking and history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import Connection, Insert, Row, bindparam, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from leadflow.errors import StoreError
from leadflow.intake import normalise_email
from leadflow.store.audit import append_audit
from leadflow.store.models import AuditEvent, Lead, LeadState
from leadflow.store.types import utc_now
from leadflow.store.unique import insert_once

# Fields a caller may change through update_lead; state goes through set_lead_state.
_UPDATABLE = frozenset(
    {
        "email",
        "name",
        "company",
        "rep",
        "crm_contact_id",
        "crm_deal_id",
        "meeting_id",
        "meeting_start_at",
        "meeting_end_at",
        "language",
    }
)


def create_lead(
    session: Session,
    *,
    submission_id: int,
    email: str,
    name: str | None = None,
    company: str | None = None,
    rep: str | None = None,
    language: str | None = None,
    actor: str = "system",
) -> Lead:
    """Create the lead of a submission (audited); a submission that has one returns it."""
    row = Lead(
        submission_id=submission_id,
        email=normalise_email(email),
        name=name,
        company=company,
        rep=rep,
        language=language,
    )
    lead, created = insert_once(
        session, row, lambda: get_lead_by_submission(session, submission_id)
    )
    if created:
        append_audit(
            session,
            kind="lead_created",
            lead_id=lead.id,
            actor=actor,
            after={"state": lead.state, "email": lead.email, "rep": lead.rep},
        )
    return lead


_LEADS = Lead.__table__  # type: ignore[attr-defined]
_AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]
_INSERT_AUDIT = insert(_AUDIT)
_LEAD_OF_SUBMISSION = select(_LEADS.c.id, _LEADS.c.state, _LEADS.c.state_reason).where(
    _LEADS.c.submission_id == bindparam("submission_id"))


def _insert_lead_once(dialect: str) -> Insert:
    module = postgresql if dialect == "postgresql" else sqlite
    return (module.insert(_LEADS).on_conflict_do_nothing(index_elements=["submission_id"])
            .returning(_LEADS.c.id))


_INSERT_LEADS = {name: _insert_lead_once(name) for name in ("sqlite", "postgresql")}


def lead_of_submission(connection: Connection, submission_id: int) -> Row[Any] | None:
    """(id, state, state_reason) of the lead made from a submission, or None (Core, cheap)."""
    return connection.execute(_LEAD_OF_SUBMISSION, {"submission_id": submission_id}).first()


def insert_lead(
    connection: Connection,
    *,
    submission_id: int,
    email: str,
    name: str | None = None,
    company: str | None = None,
    language: str | None = None,
) -> int | None:
    """create_lead for the intake hot path: the new lead's id with its `lead_created` audit
    event, in two Core statements; None if the submission already has a lead.

    Writes the same rows create_lead does (state received, no rep, actor system).
    """
    email, now = normalise_email(email), utc_now()
    lead_id = connection.execute(_INSERT_LEADS[connection.dialect.name], {
        "submission_id": submission_id, "email": email, "name": name, "company": company,
        "rep": None, "language": language, "state": LeadState.RECEIVED.value,
        "created_at": now, "updated_at": now,
    }).scalar()
    if lead_id is not None:
        connection.execute(_INSERT_AUDIT, {
            "lead_id": lead_id, "at": now, "actor": "system", "kind": "lead_created",
            "step": None, "before": None, "reason": None, "detail": None,
            "after": to_jsonable_python({"state": LeadState.RECEIVED.value, "email": email,
                                         "rep": None}),
        })
    return lead_id


def get_lead(session: Session, lead_id: int) -> Lead | None:
    """The lead with this id, or None."""
    return session.get(Lead, lead_id)


def get_lead_by_submission(session: Session, submission_id: int) -> Lead | None:
    """The lead made from this submission, or None."""
    return session.exec(select(Lead).where(Lead.submission_id == submission_id)).first()


def _require(session: Session, lead_id: int) -> Lead:
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise StoreError(f"no lead with id {lead_id}")
    return lead


def update_lead(session: Session, lead_id: int, *, actor: str = "system", **changes: Any) -> Lead:
    """Change a lead's contact, CRM or meeting fields; the changed values are audited."""
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise StoreError(f"update_lead cannot set {sorted(unknown)}; allowed: {sorted(_UPDATABLE)}")
    lead = _require(session, lead_id)
    if "email" in changes:
        changes["email"] = normalise_email(changes["email"])
    before = {key: getattr(lead, key) for key in changes if getattr(lead, key) != changes[key]}
    if not before:
        return lead
    for key in before:
        setattr(lead, key, changes[key])
    lead.updated_at = utc_now()
    session.add(lead)
    append_audit(
        session,
        kind="lead_updated",
        lead_id=lead_id,
        actor=actor,
        before=before,
        after={key: changes[key] for key in before},
    )
    return lead


def set_lead_state(
    session: Session,
    lead_id: int,
    state: LeadState | str,
    *,
    step: str | None = None,
    reason: str | None = None,
    actor: str = "system",
) -> Lead:
    """Move a lead to `state` and audit it; `failed` records `step` as the failed step."""
    state = LeadState(state)
    lead = _require(session, lead_id)
    before = {"state": lead.state, "failed_step": lead.failed_step, "reason": lead.state_reason}
    lead.state = state.value
    lead.failed_step = step if state is LeadState.FAILED else None
    lead.state_reason = reason
    lead.updated_at = utc_now()
    session.add(lead)
    append_audit(
        session,
        kind="state_changed",
        lead_id=lead_id,
        actor=actor,
        step=step,
        before=before,
        after={"state": lead.state, "failed_step": lead.failed_step, "reason": reason},
        reason=reason,
    )
    return lead


def list_leads(
    session: Session,
    *,
    rep: str | None = None,
    state: LeadState | str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Sequence[Lead]:
    """Leads ranked by current score (highest first, unscored last), then oldest first."""
    query = (
        select(Lead)
        .order_by(col(Lead.score_total).desc().nulls_last(), col(Lead.id))
        .offset(offset)
    )
    if rep is not None:
        query = query.where(Lead.rep == rep)
    if state is not None:
        query = query.where(Lead.state == LeadState(state).value)
    if limit is not None:
        query = query.limit(limit)
    return session.exec(query).all()


def lead_history(session: Session, lead_id: int) -> Sequence[AuditEvent]:
    """Everything that happened to a lead, oldest first."""
    return session.exec(
        select(AuditEvent).where(AuditEvent.lead_id == lead_id).order_by(col(AuditEvent.id))
    ).all()
