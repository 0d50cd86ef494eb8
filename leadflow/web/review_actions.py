"""What a reviewer's decision does: record it, rescore (pure), write back to the CRM, audit.

The store changes of one decision share a transaction; the CRM call comes after it commits
(an outside call must not hold the store's write lock) with the review id as idempotency key.
An override becomes a new extraction row (`extractor="reviewer"`) so the lead's latest
extraction still scores to its current score: rescoring stays a pure function of the store.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from connectors.base import LeadNotification
from connectors.base.crm import ObjectType
from flows.explain import explanation, rep_recipient, write_back_properties
from leadflow.errors import ConnectorError, InputError
from leadflow.store.audit import append_audit
from leadflow.store.extractions import add_extraction, get_extraction, to_extraction
from leadflow.store.leads import get_lead, set_lead_state
from leadflow.store.models import ExtractionRow, Lead, LeadState
from leadflow.store.reviews import ReviewDecision, add_review, list_reviews
from leadflow.store.scores import add_score
from leadflow.web.review_values import effective_answers, latest_decisions, parse_override
from leadflow.web.services import Services
from scoring.bant import Criterion
from scoring.engine import Score, score
from scoring.extraction import Extraction, FieldResult, FieldStatus

REVIEWER_EXTRACTOR = "reviewer"
log = logging.getLogger("leadflow.web.review")


@dataclass(frozen=True)
class Outcome:
    """What a decision changed, for the page to say."""

    message: str
    total: int | None = None
    final: bool = False
    crm_error: str | None = None


def _load(session: Session, extraction_id: int) -> tuple[ExtractionRow, Lead]:
    row = get_extraction(session, extraction_id)
    if row is None or row.extractor == REVIEWER_EXTRACTOR:
        raise InputError(f"no extraction {extraction_id} to review")
    lead = get_lead(session, row.lead_id)
    assert lead is not None  # extractions reference leads, which are never deleted
    return row, lead


def is_complete(row: ExtractionRow, decisions: dict[str | None, Any]) -> bool:
    """True once every flagged criterion has a decision, or the whole extraction was approved."""
    whole = decisions.get(None)
    if whole is not None and whole.decision == ReviewDecision.APPROVE:
        return True
    flagged = {flag.get("criterion") for flag in row.flags or []}
    return None not in flagged and all(criterion in decisions for criterion in flagged)


def _rescore(session: Session, svc: Services, row: ExtractionRow, lead: Lead) -> Score:
    """Score the reviewed answers and store them as the lead's newest extraction and score."""
    original = to_extraction(row)
    reviews = list_reviews(session, row.id or 0)
    answers = effective_answers(original.answers, reviews)
    overridden = {c for c, r in latest_decisions(reviews).items()
                  if c is not None and r.decision == ReviewDecision.OVERRIDE}
    fields = {c: (FieldResult(status=FieldStatus.FOUND, confidence=1.0) if c.value in overridden
                  else original.fields.get(c, FieldResult())) for c in Criterion}
    reviewed = Extraction(answers=answers, fields=fields, flags=[], language=original.language,
                          extractor=REVIEWER_EXTRACTOR, model=original.model,
                          prompt_version=original.prompt_version)
    derived = add_extraction(session, lead_id=lead.id or 0, transcript_hash=row.transcript_hash,
                             extraction=reviewed, schema_hash=row.schema_hash)
    scored = score(answers, svc.config())
    add_score(session, lead_id=lead.id or 0, extraction_id=derived.id or 0,
              config_hash=scored.config_hash, total=scored.total, band=scored.band,
              components=[c.model_dump(mode="json") for c in scored.components],
              missing=list(scored.missing))
    return scored


def _finish(session: Session, row: ExtractionRow, lead: Lead, actor: str) -> bool:
    """Make the lead `scored` when its review is complete; True if it is now final."""
    if not is_complete(row, latest_decisions(list_reviews(session, row.id or 0))):
        return False
    if lead.state == LeadState.NEEDS_REVIEW:
        set_lead_state(session, lead.id or 0, LeadState.SCORED, step="review", actor=actor,
                       reason="review complete")
    return True


def _write_back(svc: Services, lead: Lead, scored: Score, *, final: bool, key: str) -> str | None:
    """Write the score to the CRM; the error text (also audited) when that failed."""
    if not lead.crm_contact_id:
        return "the lead has no CRM contact yet"
    # Until the review is complete the CRM hears only that it is pending, as from the chain.
    properties = write_back_properties(
        scored, needs_review=not final, flags=[] if final else ["review in progress"],
        scored_at=svc.chain.clock())
    try:
        svc.chain.connectors.crm.update_properties(ObjectType.CONTACT, lead.crm_contact_id,
                                                   properties, idempotency_key=key)
    except ConnectorError as exc:
        log.warning("CRM write-back for lead %s failed: %s", lead.id, exc)
        with svc.store.session() as session:
            append_audit(session, kind="review_write_back_failed", lead_id=lead.id,
                         actor="system", reason=svc.error_text(exc),
                         detail={"idempotency_key": key})
        return svc.error_text(exc)
    if final:
        return _notify_rep(svc, lead, scored)
    return None


def _notify_rep(svc: Services, lead: Lead, scored: Score) -> str | None:
    """Tell the rep once that the reviewed score is final (the chain held the message back)."""
    try:
        svc.chain.connectors.notifier.notify(
            LeadNotification(
                recipient=rep_recipient(svc.chain.connectors.calendar, lead.rep),
                title=f"{lead.name or lead.email}: {scored.total}/100 ({scored.band}), reviewed",
                text=explanation(scored), lead_email=lead.email, lead_name=lead.name,
                score=scored.total, band=scored.band,
                fields={c.criterion.value: c.tier for c in scored.components}),
            idempotency_key=f"{lead.submission_id}:review:notify")
    except ConnectorError as exc:
        log.warning("notifying the rep of lead %s failed: %s", lead.id, exc)
        return f"score final in the CRM, but the rep was not notified: {svc.error_text(exc)}"
    return None


def _value_of(answers: Any, criterion: Criterion) -> Any:
    return getattr(answers, criterion.value).model_dump(mode="json", exclude={"evidence"})


def override(svc: Services, extraction_id: int, criterion: Criterion, value: str, reason: str,
             actor: str) -> Outcome:
    """Replace one criterion's value (a reason is required), rescore and write back."""
    if not reason.strip():
        raise InputError("an override needs a reason")
    with svc.store.session() as session:
        row, lead = _load(session, extraction_id)
        before_answers = effective_answers(to_extraction(row).answers,
                                           list_reviews(session, extraction_id))
        before_total = lead.score_total
        new = parse_override(criterion, value, currency=svc.config().currency,
                             previous=getattr(before_answers, criterion.value))
        review = add_review(session, extraction_id=extraction_id, reviewer=actor,
                            decision=ReviewDecision.OVERRIDE, criterion=criterion.value,
                            value=new.model_dump(mode="json"), reason=reason.strip())
        scored = _rescore(session, svc, row, lead)
        final = _finish(session, row, lead, actor)
        append_audit(session, kind="review_override", lead_id=lead.id, actor=actor,
                     step="review", reason=reason.strip(),
                     before={criterion.value: _value_of(before_answers, criterion),
                             "score": before_total},
                     after={criterion.value: new.model_dump(mode="json", exclude={"evidence"}),
                            "score": scored.total, "band": scored.band},
                     detail={"review_id": review.id, "extraction_id": extraction_id})
        lead = Lead.model_validate(lead.model_dump())
    error = _write_back(svc, lead, scored, final=final, key=f"review:{review.id}:write_back")
    return Outcome(f"{criterion.value} overridden; score {scored.total} ({scored.band})",
                   total=scored.total, final=final, crm_error=error)


def approve(svc: Services, extraction_id: int, criterion: Criterion | None, actor: str) -> Outcome:
    """Accept one criterion's value, or (criterion None) the whole extraction as it stands."""
    with svc.store.session() as session:
        row, lead = _load(session, extraction_id)
        reviews = list_reviews(session, extraction_id)
        answers = effective_answers(to_extraction(row).answers, reviews)
        # "Approve all" is a decision on each criterion not yet decided, so agreement counts it
        # like one approval per criterion; earlier overrides keep their own verdict.
        decided = {c for c in latest_decisions(reviews) if c is not None}
        approved = [criterion] if criterion else [c for c in Criterion if c.value not in decided]
        for each in approved:
            review = add_review(session, extraction_id=extraction_id, reviewer=actor,
                                decision=ReviewDecision.APPROVE, criterion=each.value,
                                value=_value_of(answers, each))
        if criterion is None:
            review = add_review(session, extraction_id=extraction_id, reviewer=actor,
                                decision=ReviewDecision.APPROVE)
        append_audit(session, kind="review_approved", lead_id=lead.id, actor=actor,
                     step="review", after={"criterion": criterion.value if criterion else "all",
                                           "approved": [c.value for c in approved]},
                     detail={"review_id": review.id, "extraction_id": extraction_id})
        was_pending = lead.state == LeadState.NEEDS_REVIEW
        final = _finish(session, row, lead, actor)
        scored = _rescore(session, svc, row, lead) if final and was_pending else None
        lead = Lead.model_validate(lead.model_dump())
    what = criterion.value if criterion else "extraction"
    if scored is None:
        return Outcome(f"{what} approved", final=final)
    error = _write_back(svc, lead, scored, final=True, key=f"review:{review.id}:final")
    return Outcome(f"{what} approved; score {scored.total} is final", total=scored.total,
                   final=True, crm_error=error)


def reject(svc: Services, extraction_id: int, then: str, reason: str, actor: str) -> Outcome:
    """Reject the extraction: `manual` leaves the lead for a person, `re_extract` runs the
    extractor again now (its new extraction joins the queue)."""
    if then not in {"manual", "re_extract"}:
        raise InputError("reject: choose re_extract or manual")
    with svc.store.session() as session:
        _, lead = _load(session, extraction_id)
        add_review(session, extraction_id=extraction_id, reviewer=actor,
                   decision=ReviewDecision.REJECT, value={"then": then}, reason=reason or None)
        append_audit(session, kind="review_rejected", lead_id=lead.id, actor=actor,
                     step="review", reason=reason or None, after={"then": then},
                     detail={"extraction_id": extraction_id})
        if lead.state != LeadState.NEEDS_REVIEW:
            set_lead_state(session, lead.id or 0, LeadState.NEEDS_REVIEW, step="review",
                           actor=actor, reason=f"extraction rejected ({then})")
        lead = Lead.model_validate(lead.model_dump())
    if then == "manual":
        return Outcome("rejected: the lead is left for manual qualification")
    from leadflow.web.reextract import reextract

    new_id = reextract(svc, lead, actor)
    return Outcome(f"rejected; re-extracted as extraction {new_id}")
