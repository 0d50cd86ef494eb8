"""The steps of the qualification chain, in order; each is a (body, apply) pair for run_step."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from connectors.base import ActivityKind, ContactInput, LeadNotification, Meeting, MeetingRequest
from connectors.base.crm import ObjectType
from flows.chain import Apply, Body, Chain, Waiting, step_result
from flows.explain import explanation, write_back_properties
from leadflow.errors import InputError, PermanentError
from leadflow.intake import LeadForm, parse_submission
from leadflow.store.extractions import (
    add_extraction,
    get_extraction,
    latest_extraction,
    to_extraction,
)
from leadflow.store.leads import set_lead_state, update_lead
from leadflow.store.models import Lead, LeadState
from leadflow.store.scores import add_score, latest_score
from leadflow.store.submissions import get_submission
from scoring.engine import Score, score
from scoring.extraction import Extraction, ExtractionContext
from scoring.verify import apply_verification


@dataclass(frozen=True)
class Step:
    """A named step of the chain."""

    name: str
    body: Body
    apply: Apply


def lead_form(chain: Chain, lead: Lead) -> LeadForm:
    """The validated form of a lead's submission, parsed again from the verbatim payload."""
    with chain.store.session(write=False) as session:
        submission = get_submission(session, lead.submission_id)
    if submission is None:
        raise InputError(f"lead {lead.id}: its submission {lead.submission_id} is missing")
    return parse_submission(submission.raw_payload, default_timezone=chain.default_timezone)


def _split_name(name: str) -> tuple[str, str | None]:
    first, _, last = name.strip().partition(" ")
    return first, (last.strip() or None)


def _crm_sync(chain: Chain, lead: Lead) -> dict[str, Any]:
    form = lead_form(chain, lead)
    first, last = _split_name(form.name)
    contact = chain.connectors.crm.upsert_contact(
        ContactInput(email=form.email, first_name=first, last_name=last, company=form.company,
                     job_title=form.title, phone=form.phone),
        idempotency_key=f"{lead.submission_id}:crm_contact",
    )
    deal = chain.connectors.crm.ensure_open_deal(
        contact.id,
        name=f"{form.company or form.name}: leadflow inquiry",
        idempotency_key=f"{lead.submission_id}:crm_deal",
        properties={"leadflow_submission_id": str(lead.submission_id)},
    )
    return {"contact_id": contact.id, "deal_id": deal.id}


def _apply_crm_sync(session: Session, lead: Lead, result: dict[str, Any]) -> None:
    update_lead(session, lead.id or 0, crm_contact_id=result["contact_id"],
                crm_deal_id=result["deal_id"])
    set_lead_state(session, lead.id or 0, LeadState.CRM_SYNCED, step="crm_sync")


def _book_meeting(chain: Chain, lead: Lead) -> dict[str, Any]:
    form = lead_form(chain, lead)
    now = chain.clock()
    upcoming = [moment for moment in form.proposed_times if moment > now]
    if not upcoming:
        times = ", ".join(moment.isoformat() for moment in form.proposed_times)
        raise PermanentError(f"every proposed time is in the past ({times}); ask the lead for "
                             "new times", connector="calendar", operation="book")
    meeting = chain.connectors.calendar.book_first_available(
        MeetingRequest(lead_email=form.email, lead_name=form.name,
                       title=f"{form.company or form.name}: intro call with {form.name}",
                       proposed_times=upcoming, description=form.needs or ""),
        idempotency_key=f"{lead.submission_id}:meeting",
    )
    chain.connectors.crm.log_activity(
        lead.crm_contact_id or "", lead.crm_deal_id, ActivityKind.MEETING,
        f"Intro call booked for {meeting.start_at.isoformat()} with rep {meeting.rep_id}",
        idempotency_key=f"{lead.submission_id}:meeting_activity",
    )
    return {"meeting": meeting.model_dump(mode="json")}


def _apply_book_meeting(session: Session, lead: Lead, result: dict[str, Any]) -> None:
    meeting = Meeting.model_validate(result["meeting"])
    update_lead(session, lead.id or 0, rep=meeting.rep_id, meeting_id=meeting.id,
                meeting_start_at=meeting.start_at, meeting_end_at=meeting.end_at)
    set_lead_state(session, lead.id or 0, LeadState.AWAITING_TRANSCRIPT, step="book_meeting")


def meeting_has_ended(lead: Lead, now: datetime) -> bool:
    """True once the lead's meeting is over, so a transcript can exist."""
    return lead.meeting_end_at is not None and lead.meeting_end_at <= now


def _extract(chain: Chain, lead: Lead) -> dict[str, Any]:
    if not meeting_has_ended(lead, chain.clock()):
        raise Waiting
    meeting = Meeting.model_validate(step_result(chain, lead, "book_meeting")["meeting"])
    transcript = chain.connectors.transcripts.find_transcript(meeting, lead.email)
    if transcript is None:
        raise Waiting
    form = lead_form(chain, lead)
    context = ExtractionContext(
        stated_on=meeting.start_at.date(),
        product_capabilities=list(chain.capabilities),
        form_answers=form.answers,
        language_hint=form.language,
    )
    # Verified here whatever the extractor did: no field counts without a quote found in the call.
    extraction = apply_verification(chain.connectors.extractor.extract(transcript, context),
                                    transcript)
    digest = hashlib.sha256(transcript.text.encode()).hexdigest()
    return {"extraction": extraction.model_dump(mode="json"), "transcript_hash": digest}


def _apply_extract(session: Session, lead: Lead, result: dict[str, Any]) -> None:
    extraction = Extraction.model_validate(result["extraction"])
    add_extraction(session, lead_id=lead.id or 0, transcript_hash=result["transcript_hash"],
                   extraction=extraction)
    update_lead(session, lead.id or 0, language=extraction.language)
    set_lead_state(session, lead.id or 0, LeadState.EXTRACTING, step="extract")


def _score(chain: Chain, lead: Lead) -> dict[str, Any]:
    with chain.store.session(write=False) as session:
        row = latest_extraction(session, lead.id or 0)
    if row is None:
        raise InputError(f"lead {lead.id}: no extraction to score")
    result = score(to_extraction(row).answers, chain.config)
    return {"extraction_id": row.id, "score": result.model_dump(mode="json")}


def _apply_score(session: Session, lead: Lead, result: dict[str, Any]) -> None:
    scored = Score.model_validate(result["score"])
    add_score(session, lead_id=lead.id or 0, extraction_id=result["extraction_id"],
              config_hash=scored.config_hash, total=scored.total, band=scored.band,
              components=[c.model_dump(mode="json") for c in scored.components],
              missing=list(scored.missing))


def _current(chain: Chain, lead: Lead) -> tuple[Score, bool, list[str]]:
    with chain.store.session(write=False) as session:
        row = latest_score(session, lead.id or 0)
        extraction = get_extraction(session, row.extraction_id) if row else None
    if row is None or extraction is None:
        raise InputError(f"lead {lead.id}: no score to write back")
    scored = Score.model_validate(step_result(chain, lead, "score")["score"])
    flags = [f"{flag['kind']}: {flag['detail']}" for flag in (extraction.flags or [])]
    return scored, bool(extraction.needs_review), flags


def _write_back(chain: Chain, lead: Lead) -> dict[str, Any]:
    scored, needs_review, flags = _current(chain, lead)
    properties = write_back_properties(scored, needs_review=needs_review, flags=flags)
    chain.connectors.crm.update_properties(
        ObjectType.CONTACT, lead.crm_contact_id or "", properties,
        idempotency_key=f"{lead.submission_id}:write_back",
    )
    return {"needs_review": needs_review, "properties": sorted(properties)}


def _apply_write_back(session: Session, lead: Lead, result: dict[str, Any]) -> None:
    state = LeadState.NEEDS_REVIEW if result["needs_review"] else LeadState.SCORED
    set_lead_state(session, lead.id or 0, state, step="write_back",
                   reason="flagged by extraction" if result["needs_review"] else None)


def _notify(chain: Chain, lead: Lead) -> dict[str, Any]:
    if lead.state == LeadState.NEEDS_REVIEW:
        return {"sent": False, "reason": "waiting for review"}
    scored, _, _ = _current(chain, lead)
    reps = {rep.id: rep for rep in chain.connectors.calendar.reps()}
    rep = reps.get(lead.rep or "")
    receipt = chain.connectors.notifier.notify(
        LeadNotification(
            recipient=rep.email if rep else (lead.rep or "sales"),
            title=f"{lead.name or lead.email}: {scored.total}/100 ({scored.band})",
            text=explanation(scored),
            lead_email=lead.email, lead_name=lead.name, score=scored.total, band=scored.band,
            fields={c.criterion.value: c.tier for c in scored.components},
        ),
        idempotency_key=f"{lead.submission_id}:notify",
    )
    return {"sent": True, "receipt_id": receipt.id}


def _apply_notify(session: Session, lead: Lead, result: dict[str, Any]) -> None:
    # A lead that failed only at notifying was already scored; a successful retry restores that.
    if lead.state == LeadState.FAILED:
        set_lead_state(session, lead.id or 0, LeadState.SCORED, step="notify")


QUALIFY_STEPS: tuple[Step, ...] = (
    Step("crm_sync", _crm_sync, _apply_crm_sync),
    Step("book_meeting", _book_meeting, _apply_book_meeting),
)
SCORE_STEPS: tuple[Step, ...] = (
    Step("extract", _extract, _apply_extract),
    Step("score", _score, _apply_score),
    Step("write_back", _write_back, _apply_write_back),
    Step("notify", _notify, _apply_notify),
)
ALL_STEPS: tuple[Step, ...] = QUALIFY_STEPS + SCORE_STEPS
