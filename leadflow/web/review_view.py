"""Everything the extraction page shows: the highlighted transcript, each criterion's value,
status and decision, the score breakdown, the CRM's values beside the proposed ones, the LLM
call record and the audit trail.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from connectors.base.crm import ObjectType
from flows.explain import write_back_properties
from leadflow.errors import ConnectorError, InputError
from leadflow.store.audit import list_audit
from leadflow.store.extractions import get_extraction, to_extraction
from leadflow.store.leads import get_lead
from leadflow.store.llm_calls import list_llm_calls
from leadflow.store.models import Lead
from leadflow.store.reviews import list_reviews
from leadflow.store.scores import latest_score
from leadflow.web.reextract import fetch_transcript
from leadflow.web.review_actions import REVIEWER_EXTRACTOR
from leadflow.web.review_values import effective_answers, latest_decisions
from leadflow.web.services import Services
from leadflow.web.templating import highlight
from scoring.bant import Criterion
from scoring.engine import score
from scoring.extraction import Candidate, FieldResult, FieldStatus
from scoring.verify import LOW_CONFIDENCE


class CriterionView(BaseModel):
    """One criterion's row on the page."""

    name: str
    extracted: str
    effective: str
    status: str
    confidence: float
    flags: list[str]
    quotes: list[dict[str, Any]]
    decision: str | None
    decision_reason: str | None
    # Values the call supports, offered as one-click overrides when the extractor was unsure.
    candidates: list[Candidate] = []


def _llm_call(svc: Services, lead_id: int, extraction_id: int) -> dict[str, Any] | None:
    with svc.store.session(write=False) as session:
        calls = list_llm_calls(session, extraction_id=extraction_id) or \
            list_llm_calls(session, lead_id=lead_id)
    if not calls:
        return None
    call = calls[-1]
    return {"prompt": f"{call.prompt_name} {call.prompt_hash[:12]}", "model": call.model_resolved
            or call.model_requested, "tokens_in": call.tokens_in, "tokens_out": call.tokens_out,
            "cost": f"{call.cost} {call.currency or ''}" if call.cost is not None else None,
            "latency_ms": call.latency_ms, "status": call.status, "raw": call.raw_response,
            "attempts": len(calls)}


def _crm_values(svc: Services, lead: Lead, names: list[str]) -> dict[str, Any]:
    if not lead.crm_contact_id:
        return {}
    try:
        return dict(svc.chain.connectors.crm.get_properties(ObjectType.CONTACT,
                                                            lead.crm_contact_id, names))
    except ConnectorError as exc:
        return {"(error)": svc.error_text(exc)}


def _choices(field: FieldResult | None) -> list[Candidate]:
    """The values to offer as one-click overrides: only where the extractor was unsure."""
    if field is None or (field.status is FieldStatus.FOUND and field.confidence >= LOW_CONFIDENCE):
        return []
    return list(field.candidates)


def extraction_page(svc: Services, extraction_id: int) -> dict[str, Any]:
    """The page's context; InputError when there is no such (reviewable) extraction."""
    with svc.store.session(write=False) as session:
        row = get_extraction(session, extraction_id)
        if row is None or row.extractor == REVIEWER_EXTRACTOR:
            raise InputError(f"no extraction {extraction_id}")
        lead = get_lead(session, row.lead_id)
        reviews = list(list_reviews(session, extraction_id))
        current = latest_score(session, row.lead_id)
        audit = [e for e in list_audit(session, lead_id=row.lead_id)
                 if e.kind.startswith("review") or e.kind == "re_extracted"]
    assert lead is not None
    original = to_extraction(row)
    effective = effective_answers(original.answers, reviews)
    config = svc.config()
    extracted_score, effective_score = score(original.answers, config), score(effective, config)
    decisions = latest_decisions(reviews)
    spans: list[tuple[int, int, str, int]] = []
    criteria: list[CriterionView] = []
    for criterion in Criterion:
        answer = getattr(original.answers, criterion.value)
        quotes = []
        for index, evidence in enumerate(answer.evidence):
            if evidence.start_char is not None and evidence.end_char is not None:
                spans.append((evidence.start_char, evidence.end_char, criterion.value, index))
            quotes.append({"index": index, "quote": evidence.quote, "verified": evidence.verified,
                           "anchored": evidence.start_char is not None})
        field = original.fields.get(criterion)
        decision = decisions.get(criterion.value)
        criteria.append(CriterionView(
            name=criterion.value, extracted=extracted_score.component(criterion).answer,
            effective=effective_score.component(criterion).answer,
            status=field.status.value if field else "absent",
            confidence=field.confidence if field else 0.0,
            flags=[f.detail for f in original.flags if f.criterion is criterion],
            quotes=quotes, decision=decision.decision if decision else None,
            decision_reason=decision.reason if decision else None,
            candidates=_choices(field) if not decision else []))
    transcript, why = fetch_transcript(svc, lead)
    proposed = write_back_properties(effective_score, needs_review=False, flags=[],
                                     scored_at=svc.chain.clock())
    names = sorted(proposed)
    return {
        "extraction": row, "lead": lead, "criteria": criteria,
        "whole_flags": [f.detail for f in original.flags if f.criterion is None],
        "transcript_html": highlight(transcript.text, spans) if transcript else None,
        "transcript_missing": why, "score": effective_score,
        "stored_total": int(current.total) if current else None,
        "crm": {"current": _crm_values(svc, lead, names), "proposed": proposed, "names": names},
        "llm_call": _llm_call(svc, lead.id or 0, extraction_id),
        "reviews": reviews, "audit": audit,
        "whole_decision": decisions.get(None),
    }
