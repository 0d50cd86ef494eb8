"""The reps' pages: the ranked lead list and one lead's history; ops share leads with reps."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from leadflow.store.leads import get_lead
from leadflow.store.scores import latest_score
from leadflow.web.access import can_see, visible_leads
from leadflow.web.accounts import lead_shares, share_lead
from leadflow.web.deps import ALL_ROLES, OPS, ServicesDep, Viewer, form_roles, page_roles
from leadflow.web.params import PathId
from leadflow.web.templating import render

router = APIRouter(prefix="/leads", include_in_schema=False)
Anyone = Annotated[Viewer, Depends(page_roles(*ALL_ROLES))]


def one_line(reason: str) -> str:
    """A component reason cut to one line for the list."""
    return reason.splitlines()[0][:140] if reason else ""


@router.get("", response_class=HTMLResponse)
def lead_list(request: Request, svc: ServicesDep, viewer: Anyone) -> Response:
    """Ranked leads: score, band, the four tiers with a one-line reason each, the meeting."""
    rows = visible_leads(svc.store, viewer)
    reasons: dict[int, dict[str, str]] = {}
    with svc.store.session(write=False) as session:
        for row in rows:
            current = latest_score(session, row.id)
            reasons[row.id] = {c["criterion"]: one_line(c.get("reason", ""))
                               for c in (current.components if current else [])}
    return render(request, "leads.html", viewer, rows=rows, reasons=reasons)


@router.get("/{lead_id}", response_class=HTMLResponse)
def lead_page(request: Request, svc: ServicesDep, viewer: Anyone, lead_id: PathId) -> Response:
    """One lead's history; 404 for a lead this viewer may not see (as for a missing one)."""
    detail = can_see(svc.store, viewer, lead_id)
    if detail is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no lead {lead_id}")
    with svc.store.session(write=False) as session:
        shares = lead_shares(session, lead_id)
    return render(request, "lead.html", viewer, detail=detail, shares=shares)


@router.post("/{lead_id}/shares")
def share(svc: ServicesDep, viewer: Annotated[Viewer, Depends(form_roles(*OPS))], lead_id: PathId,
          rep_id: Annotated[str, Form()]) -> Response:
    """Ops: let another rep see this lead."""
    with svc.store.session() as session:
        if get_lead(session, lead_id) is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no lead {lead_id}")
        share_lead(session, lead_id, rep_id.strip(), actor=viewer.name)
    return RedirectResponse(f"/leads/{lead_id}", status_code=303)
