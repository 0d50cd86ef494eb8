"""Actions about the lead itself: its form, and (for BANT) meeting, transcript and extraction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from connectors.base import Meeting, MeetingRequest
from flows.call_context import extraction_context
from flows.chain import Waiting
from flows.receive import lead_form
from flows.spec.registry import ActionContext, NoParams, Registry
from leadflow.errors import InputError, PermanentError
from leadflow.store.extractions import add_extraction
from leadflow.store.leads import set_lead_state, update_lead
from leadflow.store.models import Lead, LeadState
from scoring.extraction import Extraction
from scoring.transcript import Transcript
from scoring.verify import apply_verification


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Book(_Params):
    email: str
    name: str | None = None
    title: str
    proposed_times: list[datetime]
    description: str = ""
    # Reps who may take the call (e.g. the owner of the deal the lead attached to); None: any.
    rep_ids: list[str] | None = None


class MeetingOf(_Params):
    meeting: Meeting
    email: str


def _lead(ctx: ActionContext) -> Lead:
    if ctx.lead is None:
        raise InputError(f"{ctx.step_name}: this action needs a lead (scope: lead)")
    return ctx.lead


def _apply_meeting(session: Session, lead: Lead, result: dict[str, Any]) -> None:
    meeting = Meeting.model_validate(result["meeting"])
    update_lead(session, lead.id or 0, rep=meeting.rep_id, meeting_id=meeting.id,
                meeting_start_at=meeting.start_at, meeting_end_at=meeting.end_at)
    set_lead_state(session, lead.id or 0, LeadState.AWAITING_TRANSCRIPT, step="meeting")


def _apply_extraction(session: Session, lead: Lead, result: dict[str, Any]) -> None:
    extraction = Extraction.model_validate(result["extraction"])
    add_extraction(session, lead_id=lead.id or 0, transcript_hash=result["transcript_hash"],
                   extraction=extraction)
    update_lead(session, lead.id or 0, language=extraction.language)
    set_lead_state(session, lead.id or 0, LeadState.EXTRACTING, step="extract")


def _ready_transcript(ctx: ActionContext, params: MeetingOf) -> Transcript:
    """The meeting's transcript; Waiting (not an error) until the call happened and is ready."""
    if params.meeting.end_at > ctx.chain.clock():
        raise Waiting
    transcript = ctx.chain.connectors.transcripts.find_transcript(params.meeting, params.email)
    if transcript is None:
        raise Waiting
    return transcript


def register(registry: Registry) -> None:
    """Add the lead, calendar, transcript and extraction actions."""

    @registry.action("lead.form")
    def form(ctx: ActionContext, params: NoParams) -> dict[str, Any]:
        """The lead's validated form answers (parsed again from the verbatim submission)."""
        answers = lead_form(ctx.chain.store, _lead(ctx),
                            default_timezone=ctx.chain.default_timezone)
        first, _, last = answers.name.strip().partition(" ")
        return {**answers.model_dump(mode="json"), "first_name": first,
                "last_name": last.strip() or None}

    @registry.action("calendar.book", Book, apply=_apply_meeting)
    def book(ctx: ActionContext, params: Book) -> dict[str, Any]:
        """Book the first proposed time at which an eligible rep is free (round-robin)."""
        # With rep_ids set and none of them free at any proposed time, the calendar raises
        # PermanentError and the lead fails asking for other times: no silent hand-over.
        now = ctx.chain.clock()
        upcoming = [moment for moment in params.proposed_times if moment > now]
        if not upcoming:
            times = ", ".join(moment.isoformat() for moment in params.proposed_times)
            raise PermanentError(f"every proposed time is in the past ({times}); ask the lead "
                                 "for new times", connector="calendar", operation="book")
        meeting = ctx.chain.connectors.calendar.book_first_available(
            MeetingRequest(lead_email=params.email, lead_name=params.name, title=params.title,
                           proposed_times=upcoming, description=params.description,
                           rep_ids=params.rep_ids),
            idempotency_key=ctx.key())
        return {"meeting": meeting.model_dump(mode="json")}

    @registry.action("transcripts.wait_for", MeetingOf)
    def wait_for(ctx: ActionContext, params: MeetingOf) -> dict[str, Any]:
        """Wait (without holding anything) until the meeting's transcript is ready."""
        transcript = _ready_transcript(ctx, params)
        return {"transcript_hash": transcript.content_hash(), "segments": len(transcript.segments),
                "language": transcript.language}

    @registry.action("extract.bant", MeetingOf, apply=_apply_extraction)
    def extract(ctx: ActionContext, params: MeetingOf) -> dict[str, Any]:
        """BANT answers with verified evidence from the meeting's transcript."""
        lead = _lead(ctx)
        transcript = _ready_transcript(ctx, params)
        intake = ctx.outputs.get("intake", {})
        context = extraction_context(ctx.chain, lead, params.meeting,
                                     form_answers=intake.get("answers", {}),
                                     language_hint=intake.get("language"))
        # Verified here whatever the extractor did: no field counts without a quote from the call.
        extraction = apply_verification(
            ctx.chain.connectors.extractor.extract(transcript, context), transcript)
        return {"extraction": extraction.model_dump(mode="json"),
                "transcript_hash": transcript.content_hash()}
