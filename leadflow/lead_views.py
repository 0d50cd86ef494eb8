"""Read models of leads for people: the ranked list and one lead's whole history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from leadflow.store import Store
from leadflow.store.audit import list_audit
from leadflow.store.extractions import latest_extraction
from leadflow.store.leads import get_lead, list_leads
from leadflow.store.models import Lead
from leadflow.store.scores import latest_score
from leadflow.store.steps import list_step_runs


class LeadRow(BaseModel):
    """One line of the ranked lead list."""

    id: int
    name: str | None
    email: str
    company: str | None
    rep: str | None
    state: str
    score: int | None
    band: str | None
    tiers: dict[str, str]
    meeting_start_at: datetime | None
    reason: str | None


class LeadDetail(BaseModel):
    """Everything known about one lead: its row, steps, state changes, evidence and score."""

    lead: LeadRow
    steps: list[dict[str, Any]]
    history: list[dict[str, Any]]
    extraction: dict[str, Any] | None
    components: list[dict[str, Any]]
    # The learned model's score beside the BANT one, when a model is configured.
    predictive: dict[str, Any] | None = None


def _row(lead: Lead, components: list[dict[str, Any]]) -> LeadRow:
    return LeadRow(
        id=lead.id or 0, name=lead.name, email=lead.email, company=lead.company, rep=lead.rep,
        state=lead.state, score=int(lead.score_total) if lead.score_total is not None else None,
        band=lead.band,
        tiers={c["criterion"]: "unknown" if c.get("missing") else c["tier"] for c in components},
        meeting_start_at=lead.meeting_start_at,
        reason=lead.state_reason,
    )


def ranked_leads(store: Store, *, rep: str | None = None) -> list[LeadRow]:
    """Leads ranked by score (unscored last) with their tier labels."""
    with store.session(write=False) as session:
        rows = []
        for lead in list_leads(session, rep=rep):
            score = latest_score(session, lead.id or 0)
            rows.append(_row(lead, list(score.components) if score else []))
        return rows


def lead_detail(store: Store, lead_id: int) -> LeadDetail | None:
    """One lead's whole history, or None when there is no such lead."""
    with store.session(write=False) as session:
        lead = get_lead(session, lead_id)
        if lead is None:
            return None
        score = latest_score(session, lead_id)
        extraction = latest_extraction(session, lead_id)
        steps = list_step_runs(session, lead_id)
        scored = [s.result for s in steps if s.step == "score" and s.status == "succeeded"]
        return LeadDetail(
            predictive=(scored[-1] or {}).get("predictive") if scored else None,
            lead=_row(lead, list(score.components) if score else []),
            steps=[s.model_dump(mode="json", exclude={"id", "lead_id"}) for s in steps],
            history=[e.model_dump(mode="json", exclude={"id", "lead_id"})
                     for e in list_audit(session, lead_id=lead_id)],
            extraction=extraction.model_dump(mode="json") if extraction else None,
            components=list(score.components) if score else [],
        )
