"""The JSON API for machines: Authorization: Bearer <token from `leadflow users token`>."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel
from sqlmodel import col, select

from leadflow.errors import InputError
from leadflow.lead_views import LeadRow
from leadflow.store.models import Review
from leadflow.web.access import visible_leads
from leadflow.web.deps import ALL_ROLES, REVIEWERS, ServicesDep, Viewer, api_roles
from leadflow.web.params import BodyId, PathId, QueryId
from leadflow.web.review_actions import approve, override, reject
from leadflow.web.review_view import extraction_page
from scoring.bant import Criterion

router = APIRouter(prefix="/api", tags=["api"])
ApiReviewer = Annotated[Viewer, Depends(api_roles(*REVIEWERS))]


class ReviewOut(BaseModel):
    """One reviewer decision."""

    id: int
    extraction_id: int
    criterion: str | None
    reviewer: str
    decision: str
    value: Any
    reason: str | None
    created_at: datetime


class ReviewIn(BaseModel):
    """A decision: approve (a criterion, or all), override a criterion, or reject all."""

    extraction_id: BodyId
    decision: Literal["approve", "override", "reject"]
    criterion: Criterion | None = None
    value: str | None = None
    reason: str = ""
    then: Literal["re_extract", "manual"] = "manual"


class ReviewResult(BaseModel):
    """What the decision did."""

    message: str
    total: int | None
    final: bool
    crm_error: str | None


@router.get("/leads", response_model=list[LeadRow])
def api_leads(svc: ServicesDep, viewer: Annotated[Viewer, Depends(api_roles(*ALL_ROLES))]
              ) -> list[LeadRow]:
    """Ranked leads this token's user may see (a rep: own and shared leads)."""
    return visible_leads(svc.store, viewer)


@router.get("/extractions/{extraction_id}")
def api_extraction(svc: ServicesDep, viewer: ApiReviewer, extraction_id: PathId
                   ) -> dict[str, Any]:
    """One extraction as reviewers see it: criteria, score, CRM values, LLM call, reviews."""
    try:
        page = extraction_page(svc, extraction_id)
    except InputError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    return {
        "extraction": page["extraction"].model_dump(mode="json"),
        "lead_id": page["lead"].id,
        "criteria": [c.model_dump(mode="json") for c in page["criteria"]],
        "score": page["score"].model_dump(mode="json"),
        "crm": {"current": page["crm"]["current"], "proposed": page["crm"]["proposed"]},
        "llm_call": page["llm_call"],
        "reviews": [ReviewOut.model_validate(r.model_dump()).model_dump(mode="json")
                    for r in page["reviews"]],
    }


@router.get("/reviews", response_model=list[ReviewOut])
def api_reviews(svc: ServicesDep, viewer: ApiReviewer, extraction_id: QueryId = None,
                limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> list[ReviewOut]:
    """Reviewer decisions, newest first, optionally for one extraction."""
    query = select(Review).order_by(col(Review.id).desc()).limit(limit)
    if extraction_id is not None:
        query = query.where(Review.extraction_id == extraction_id)
    with svc.store.session(write=False) as session:
        return [ReviewOut.model_validate(r.model_dump()) for r in session.exec(query).all()]


@router.post("/reviews", response_model=ReviewResult, status_code=201)
def api_review(body: ReviewIn, svc: ServicesDep, viewer: ApiReviewer) -> ReviewResult:
    """Record a decision exactly as the review page does (rescore, CRM, audit)."""
    try:
        if body.decision == "override":
            if body.criterion is None or body.value is None:
                raise InputError("override needs criterion and value")
            outcome = override(svc, body.extraction_id, body.criterion, body.value, body.reason,
                               viewer.name)
        elif body.decision == "approve":
            outcome = approve(svc, body.extraction_id, body.criterion, viewer.name)
        else:
            outcome = reject(svc, body.extraction_id, body.then, body.reason, viewer.name)
    except InputError as exc:
        raise HTTPException(422, str(exc)) from None
    return ReviewResult(message=outcome.message, total=outcome.total, final=outcome.final,
                        crm_error=outcome.crm_error)
