"""Who may see which lead: ops and reviewers all; a rep their own and those shared with them."""

from __future__ import annotations

from leadflow.lead_views import LeadDetail, LeadRow, lead_detail, ranked_leads
from leadflow.store import Store
from leadflow.web.accounts import shared_lead_ids
from leadflow.web.deps import Viewer
from leadflow.web.models import Role


def visible_leads(store: Store, viewer: Viewer) -> list[LeadRow]:
    """The ranked leads this viewer may see."""
    if viewer.role is not Role.REP:
        return ranked_leads(store)
    rep_id = viewer.user.rep_id or ""
    with store.session(write=False) as session:
        shared = shared_lead_ids(session, rep_id)
    return [row for row in ranked_leads(store) if row.rep == rep_id or row.id in shared]


def can_see(store: Store, viewer: Viewer, lead_id: int) -> LeadDetail | None:
    """The lead's detail when this viewer may see it; None otherwise (as if it did not exist)."""
    detail = lead_detail(store, lead_id)
    if detail is None or viewer.role is not Role.REP:
        return detail
    rep_id = viewer.user.rep_id or ""
    if detail.lead.rep == rep_id:
        return detail
    with store.session(write=False) as session:
        return detail if lead_id in shared_lead_ids(session, rep_id) else None
