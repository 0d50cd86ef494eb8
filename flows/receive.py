"""Receiving a submission: validate, keep it verbatim; a bad one becomes a dead letter."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session, col, select

from leadflow.errors import InputError
from leadflow.intake import parse_submission
from leadflow.store import Store
from leadflow.store.leads import create_lead, get_lead_by_submission, set_lead_state
from leadflow.store.models import Lead, LeadState
from leadflow.store.submissions import add_dead_letter, add_submission, list_dead_letters


class Received(BaseModel):
    """The outcome of one intake: a lead (new or re-delivered) or a dead letter with its errors."""

    lead_id: int | None = None
    submission_id: int | None = None
    duplicate: bool = False
    # "duplicate" when the same person already has a lead in progress: this one is not run.
    state: str | None = None
    note: str | None = None
    dead_letter_id: int | None = None
    errors: list[str] = []

    @property
    def runnable(self) -> bool:
        """True for a lead the chain should run (not rejected, not a duplicate person)."""
        return self.lead_id is not None and self.state != LeadState.DUPLICATE


def receive(store: Store, source: str, raw: str, *, default_timezone: str = "UTC") -> Received:
    """Store a raw submission and its lead, idempotently; nothing runs twice for a re-delivery."""
    try:
        form = parse_submission(raw, default_timezone=default_timezone)
    except InputError as exc:
        with store.session() as session:
            # A re-delivered malformed payload is the same dead letter, not a new one.
            for letter in list_dead_letters(session, source=source):
                if letter.raw_payload == raw:
                    return Received(dead_letter_id=letter.id, errors=list(letter.errors),
                                    duplicate=True)
            letter = add_dead_letter(session, source, raw, exc.errors or [str(exc)])
            return Received(dead_letter_id=letter.id, errors=exc.errors or [str(exc)])
    with store.session() as session:
        submission, created = add_submission(session, source, form.response_id, raw)
        assert submission.id is not None
        lead = get_lead_by_submission(session, submission.id)
        if lead is None:
            lead = create_lead(session, submission_id=submission.id, email=form.email,
                               name=form.name, company=form.company, language=form.language)
            earlier = _lead_in_progress(session, form.email, before=lead.id or 0)
            if earlier is not None:
                set_lead_state(session, lead.id or 0, LeadState.DUPLICATE,
                               reason=f"same person as lead {earlier}, which is in progress")
        return Received(lead_id=lead.id, submission_id=submission.id, duplicate=not created,
                        state=lead.state, note=lead.state_reason)


_IN_PROGRESS = {LeadState.RECEIVED, LeadState.CRM_SYNCED, LeadState.MEETING_BOOKED,
                LeadState.AWAITING_TRANSCRIPT, LeadState.EXTRACTING}


def _lead_in_progress(session: Session, email: str, *, before: int) -> int | None:
    """The id of an earlier lead of this person still on its way to a score, if any."""
    query = select(Lead.id).where(Lead.email == email, Lead.id < before,
                                  col(Lead.state).in_([state.value for state in _IN_PROGRESS]))
    return session.exec(query.order_by(col(Lead.id))).first()

