"""The transcript of a lead's call (through the configured transcripts connector) and
re-extraction after a reviewer rejected an extraction.
"""

from __future__ import annotations

import hashlib
import logging

from connectors.base import Meeting
from flows.call_context import extraction_context
from flows.receive import lead_form
from leadflow.errors import ConnectorError, InputError
from leadflow.store.audit import append_audit
from leadflow.store.extractions import add_extraction
from leadflow.store.models import Lead
from leadflow.web.services import Services
from scoring.transcript import Transcript
from scoring.verify import apply_verification

log = logging.getLogger("leadflow.web.review")


def lead_meeting(svc: Services, lead: Lead) -> Meeting | None:
    """The meeting the chain booked for a lead (from the lead's own fields), or None.

    Built from the lead row rather than a step's stored result, so a flow spec may rename
    its steps without breaking the review pages.
    """
    if not (lead.meeting_id and lead.meeting_start_at and lead.meeting_end_at):
        return None
    return Meeting(id=lead.meeting_id, rep_id=lead.rep or "", lead_email=lead.email,
                   title=f"intro call with {lead.name or lead.email}",
                   start_at=lead.meeting_start_at, end_at=lead.meeting_end_at)


def fetch_transcript(svc: Services, lead: Lead) -> tuple[Transcript | None, str | None]:
    """(transcript, None), or (None, why not): evidence offsets index its `text`."""
    meeting = lead_meeting(svc, lead)
    if meeting is None:
        return None, "no meeting was booked for this lead"
    try:
        found = svc.chain.connectors.transcripts.find_transcript(meeting, lead.email)
    except (ConnectorError, InputError) as exc:
        return None, f"transcript unavailable: {exc}"
    return (found, None) if found is not None else (None, "the transcript is not available")


def reextract(svc: Services, lead: Lead, actor: str) -> int:
    """Run the extractor on the lead's transcript again; the new extraction's id."""
    transcript, why = fetch_transcript(svc, lead)
    meeting = lead_meeting(svc, lead)
    if transcript is None or meeting is None:
        raise InputError(f"cannot re-extract lead {lead.id}: {why}")
    form = lead_form(svc.chain.store, lead, default_timezone=svc.chain.default_timezone)
    context = extraction_context(svc.chain, lead, meeting, form_answers=form.answers,
                                 language_hint=form.language)
    extraction = apply_verification(svc.chain.connectors.extractor.extract(transcript, context),
                                    transcript)
    digest = hashlib.sha256(transcript.text.encode()).hexdigest()
    with svc.store.session() as session:
        row = add_extraction(session, lead_id=lead.id or 0, transcript_hash=digest,
                             extraction=extraction)
        append_audit(session, kind="re_extracted", lead_id=lead.id, actor=actor,
                     detail={"extraction_id": row.id})
        return row.id or 0
