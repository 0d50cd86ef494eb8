"""How a score reads to a rep and how it is written to CRM properties."""

from __future__ import annotations

from datetime import datetime

from connectors.base import Calendar, PropertyValue, Rep
from leadflow.store.models import LeadState
from scoring.bant import Criterion
from scoring.engine import Score

REVIEW_PENDING = "pending_review"
REVIEW_FINAL = "final"
# Written only with a score and the lead's real review status (write_back_properties): a spec's
# `crm.update` may not set them, so "final" never reaches the CRM for an unchecked score.
SCORE_PROPERTIES = frozenset({
    "leadflow_score", "leadflow_band", "leadflow_explanation", "leadflow_review_status",
    "leadflow_review_reasons", "leadflow_config_version", "leadflow_scored_at",
    *(f"leadflow_{criterion.value}_tier" for criterion in Criterion)})


def explanation(scored: Score) -> str:
    """One line per criterion (tier and reason) under the total, for a rep to read."""
    lines = [f"Score {scored.total}/100 ({scored.band})."]
    lines += [f"{c.criterion.value.title()}: {c.points}/{c.max_points}, {c.reason}"
              for c in scored.components]
    return "\n".join(lines)


def meeting_rep(calendar: Calendar, rep_id: str | None) -> Rep | None:
    """The rep who took the meeting, from the calendar's reps (the reps file); None if unknown."""
    if not rep_id:
        return None
    return next((rep for rep in calendar.reps() if rep.id == rep_id), None)


def rep_recipient(calendar: Calendar, rep_id: str | None) -> str:
    """Where a lead's rep is told: the rep's email, else their id, else the shared 'sales'."""
    rep = meeting_rep(calendar, rep_id)
    return rep.email if rep else (rep_id or "sales")


def held_for_review(state: LeadState | str) -> bool | None:
    """Whether a lead in `state` awaits review (True), is final (False), or has no score a CRM
    should see yet (None: the chain writes it when it gets there)."""
    if state == LeadState.NEEDS_REVIEW:
        return True
    if state == LeadState.SCORED:
        return False
    return None


def write_back_properties(
    scored: Score, *, needs_review: bool, flags: list[str], scored_at: datetime
) -> dict[str, PropertyValue]:
    """The CRM properties for a score; a flagged lead gets only its review status, no score."""
    if needs_review:
        # Nothing half-checked reaches the CRM as final: only the fact that it awaits review.
        return {
            "leadflow_review_status": REVIEW_PENDING,
            "leadflow_review_reasons": "; ".join(flags)[:1000],
        }
    properties: dict[str, PropertyValue] = {
        "leadflow_score": scored.total,
        "leadflow_band": scored.band,
        "leadflow_explanation": explanation(scored)[:5000],
        "leadflow_review_status": REVIEW_FINAL,
        "leadflow_config_version": scored.config_hash,
        "leadflow_scored_at": scored_at,
    }
    for component in scored.components:
        properties[f"leadflow_{component.criterion.value}_tier"] = component.tier
    return properties
