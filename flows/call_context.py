"""What the extractor is told about a lead's call besides its transcript.

The chain knows things a transcript file may not: the day of the call, who the lead is and
which rep took the meeting. Sides matter most: without them an extractor cannot tell the
prospect's budget from the rep's price. The step that extracts and the reviewer's re-extract
build the context here, so both tell the extractor the same.
"""

from __future__ import annotations

from connectors.base import Meeting, Rep
from flows.chain import Chain
from flows.explain import meeting_rep
from leadflow.store.models import Lead
from scoring.extraction import ExtractionContext
from scoring.transcript import Participant, Side


def lead_participant(lead: Lead) -> Participant:
    """The lead as the prospect-side participant (the email stands in for a missing name)."""
    return Participant(name=lead.name or lead.email, side=Side.PROSPECT, company=lead.company,
                       email=lead.email)


def rep_participant(rep: Rep) -> Participant:
    """The rep as the vendor-side participant."""
    return Participant(name=rep.name or rep.id, side=Side.VENDOR, email=rep.email)


def extraction_context(
    chain: Chain,
    lead: Lead,
    meeting: Meeting,
    *,
    form_answers: dict[str, str],
    language_hint: str | None,
) -> ExtractionContext:
    """The context for extracting `meeting`'s transcript: date, participants, capabilities.

    The call date is the meeting's start in the rep's time zone when the rep is known: a
    meeting sits inside the rep's working hours, so that date is the one on the call, where
    UTC's may already be the next day.
    """
    rep = meeting_rep(chain.connectors.calendar, meeting.rep_id)
    participants = [lead_participant(lead)]
    if rep is not None:
        participants.append(rep_participant(rep))
    start = meeting.start_at.astimezone(rep.zone) if rep is not None else meeting.start_at
    return ExtractionContext(
        call_date=start.date(),
        participants=participants,
        product_capabilities=list(chain.in_force().capabilities),
        form_answers=dict(form_answers),
        language_hint=language_hint,
        lead_id=lead.id,
    )
