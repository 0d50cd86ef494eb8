"""The reviewers' pages: the queue, one extraction with its decisions, and agreement."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from leadflow.errors import InputError
from leadflow.web.agreement import agreement
from leadflow.web.deps import REVIEWERS, ServicesDep, Viewer, form_roles, page_roles
from leadflow.web.params import PathId
from leadflow.web.review_actions import approve, override, reject
from leadflow.web.review_queue import STATUSES, QueueFilters, filter_choices, review_queue
from leadflow.web.review_view import extraction_page
from leadflow.web.templating import render
from scoring.bant import Criterion

router = APIRouter(prefix="/review", include_in_schema=False)
Reviewer = Annotated[Viewer, Depends(page_roles(*REVIEWERS))]
ReviewerForm = Annotated[Viewer, Depends(form_roles(*REVIEWERS))]


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise HTTPException(422,
                            f"{text!r} is not a date (YYYY-MM-DD)") from None


@router.get("", response_class=HTMLResponse)
def queue(request: Request, svc: ServicesDep, viewer: Reviewer, status: str = "open",
          rep: str = "", since: str = "", until: str = "", extractor: str = "",
          prompt_version: str = "") -> Response:
    """The queue: flagged extractions first, then the audit sample; filterable."""
    filters = QueueFilters(status=status if status in STATUSES else "open", rep=rep or None,
                           since=_date(since), until=_date(until), extractor=extractor or None,
                           prompt_version=prompt_version or None)
    items = review_queue(svc, filters)
    everything = review_queue(svc, QueueFilters(status="all"))
    return render(request, "queue.html", viewer, items=items, filters=filters,
                  statuses=STATUSES, choices=filter_choices(everything))


@router.get("/extractions/{extraction_id}", response_class=HTMLResponse)
def extraction(request: Request, svc: ServicesDep, viewer: Reviewer, extraction_id: PathId,
               msg: str = "", error: str = "") -> Response:
    """One extraction: highlighted transcript, values, score, CRM, LLM call, actions."""
    try:
        context = extraction_page(svc, extraction_id)
    except InputError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    return render(request, "extraction.html", viewer, msg=msg, error=error, **context)


def _back(extraction_id: int, *, msg: str = "", error: str = "") -> RedirectResponse:
    query = f"msg={quote(msg)}" if msg else f"error={quote(error)}"
    return RedirectResponse(f"/review/extractions/{extraction_id}?{query}", status_code=303)


def _criterion(name: str) -> Criterion:
    try:
        return Criterion(name)
    except ValueError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no criterion {name!r}") from None


def _do(extraction_id: int, action) -> RedirectResponse:  # type: ignore[no-untyped-def]
    try:
        outcome = action()
    except InputError as exc:
        return _back(extraction_id, error=str(exc))
    message = outcome.message + (f" (CRM write-back failed: {outcome.crm_error})"
                                 if outcome.crm_error else "")
    return _back(extraction_id, msg=message)


@router.post("/extractions/{extraction_id}/criteria/{name}/approve")
def approve_criterion(svc: ServicesDep, viewer: ReviewerForm, extraction_id: PathId,
                      name: str) -> Response:
    """Accept the extractor's value for one criterion."""
    criterion = _criterion(name)
    return _do(extraction_id, lambda: approve(svc, extraction_id, criterion, viewer.name))


@router.post("/extractions/{extraction_id}/criteria/{name}/override")
def override_criterion(svc: ServicesDep, viewer: ReviewerForm, extraction_id: PathId, name: str,
                       value: Annotated[str, Form()], reason: Annotated[str, Form()] = ""
                       ) -> Response:
    """Replace one criterion's value with a reason: rescored and written back to the CRM."""
    criterion = _criterion(name)
    return _do(extraction_id,
               lambda: override(svc, extraction_id, criterion, value, reason, viewer.name))


@router.post("/extractions/{extraction_id}/approve")
def approve_all(svc: ServicesDep, viewer: ReviewerForm, extraction_id: PathId) -> Response:
    """Accept the whole extraction as it stands: its score becomes final in the CRM."""
    return _do(extraction_id, lambda: approve(svc, extraction_id, None, viewer.name))


@router.post("/extractions/{extraction_id}/reject")
def reject_all(svc: ServicesDep, viewer: ReviewerForm, extraction_id: PathId,
               then: Annotated[str, Form()], reason: Annotated[str, Form()] = "") -> Response:
    """Reject the extraction: re-extract now, or leave the lead for manual qualification."""
    return _do(extraction_id, lambda: reject(svc, extraction_id, then, reason, viewer.name))


@router.get("/agreement", response_class=HTMLResponse)
def agreement_page(request: Request, svc: ServicesDep, viewer: Reviewer) -> Response:
    """Per criterion, week, model and prompt: acceptance, precision and recall of `found`."""
    return render(request, "agreement.html", viewer, tallies=agreement(svc))
