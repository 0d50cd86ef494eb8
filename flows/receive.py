"""Receiving a submission: validate, keep it verbatim; a bad one becomes a dead letter."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from leadflow.errors import InputError
from leadflow.intake import LeadForm, parse_submission
from leadflow.store import Store
from leadflow.store.leads import insert_lead, lead_of_submission, set_lead_state
from leadflow.store.models import Lead, LeadState
from leadflow.store.submissions import (
    add_dead_letter,
    find_dead_letter,
    get_submission,
    insert_submission,
)


class Received(BaseModel):
    """The outcome of one intake: a lead (new or re-delivered) or a dead letter with its errors."""

    lead_id: int | None = None
    submission_id: int | None = None
    duplicate: bool = False
    # "duplicate" when the same person already has a lead in progress: this one is not run.
    state: str | None = None
    note: str | None = None
    # That lead in progress: the new form is attached to it, and it is (re)run so a lead cut
    # off mid-chain is picked up now rather than refusing the person's forms.
    attached_to: int | None = None
    dead_letter_id: int | None = None
    errors: list[str] = []

    @property
    def runnable(self) -> bool:
        """True for a lead the chain should run (not rejected, not a duplicate person)."""
        return self.lead_id is not None and self.state != LeadState.DUPLICATE


def lead_form(store: Store, lead: Lead, *, default_timezone: str = "UTC") -> LeadForm:
    """The validated form of a lead's submission, parsed again from the verbatim payload."""
    with store.session(write=False) as session:
        submission = get_submission(session, lead.submission_id)
    if submission is None:
        raise InputError(f"lead {lead.id}: its submission {lead.submission_id} is missing")
    return parse_submission(submission.raw_payload, default_timezone=default_timezone)


def receive(store: Store, source: str, raw: str, *, default_timezone: str = "UTC") -> Received:
    """Store a raw submission and its lead, idempotently; nothing runs twice for a re-delivery."""
    try:
        form = parse_submission(raw, default_timezone=default_timezone)
    except InputError as exc:
        with store.session() as session:
            return keep_dead_letter(session, source, raw, exc.errors or [str(exc)])
    with store.session() as session:
        return store_form(session, source, raw, form)


def keep_dead_letter(
    session: Session, source: str, raw: str | bytes, errors: list[str]
) -> Received:
    """Keep a malformed submission; a re-delivered one is the same dead letter, not a new one.

    `raw` is bytes only for a body that is not storable text (kept in base64).
    """
    letter = find_dead_letter(session, source, raw)
    if letter is not None:
        return Received(dead_letter_id=letter.id, errors=list(letter.errors), duplicate=True)
    letter = add_dead_letter(session, source, raw, errors)
    return Received(dead_letter_id=letter.id, errors=errors)


def store_form(session: Session, source: str, raw: str, form: LeadForm) -> Received:
    """Store a validated submission verbatim and its lead, in the caller's transaction.

    Intake's hot path, so Core statements (the store's insert_* functions): a new submission
    costs four statements, a re-delivery two; only the rare same-person case goes through
    the audited ORM `set_lead_state`.
    """
    connection = session.connection()
    submission_id, created = insert_submission(connection, source, form.response_id, raw)
    found = None if created else lead_of_submission(connection, submission_id)
    if found is None:
        lead_id = insert_lead(connection, submission_id=submission_id, email=form.email,
                              name=form.name, company=form.company, language=form.language)
        if lead_id is not None:
            state, note = LeadState.RECEIVED.value, None
            earlier = connection.execute(_EARLIER_IN_PROGRESS, {
                "email": form.email, "before": lead_id}).scalar()  # normalised by intake
            if earlier is not None:
                note = f"same person as lead {earlier}, which is in progress: attached to it"
                state = set_lead_state(session, lead_id, LeadState.DUPLICATE, reason=note).state
            return Received(lead_id=lead_id, submission_id=submission_id,
                            duplicate=not created, state=state, note=note, attached_to=earlier)
        found = lead_of_submission(connection, submission_id)  # a concurrent writer's lead
        assert found is not None
    return Received(lead_id=found.id, submission_id=submission_id, duplicate=not created,
                    state=found.state, note=found.state_reason)


_IN_PROGRESS = {LeadState.RECEIVED, LeadState.CRM_SYNCED, LeadState.MEETING_BOOKED,
                LeadState.AWAITING_TRANSCRIPT, LeadState.EXTRACTING}
# The id of an earlier lead of this person still on its way to a score (built once: hot path).
_EARLIER_IN_PROGRESS = (
    select(Lead.id)
    .where(Lead.email == bindparam("email"), col(Lead.id) < bindparam("before"),
           col(Lead.state).in_(sorted(state.value for state in _IN_PROGRESS)))
    .order_by(col(Lead.id)).limit(1)
)
