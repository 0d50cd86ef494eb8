"""The reviewers' queue: flagged extractions first, then a stable audit sample of the rest."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import col, select

from leadflow.store.models import ExtractionRow, Lead, Review
from leadflow.web.review_actions import REVIEWER_EXTRACTOR, is_complete
from leadflow.web.review_values import latest_decisions
from leadflow.web.services import Services

STATUSES = ("open", "reviewed", "rejected", "all")


class QueueFilters(BaseModel):
    """What a reviewer narrowed the queue to (empty: everything)."""

    status: str = "open"
    rep: str | None = None
    since: date | None = None
    until: date | None = None
    extractor: str | None = None
    prompt_version: str | None = None


class QueueItem(BaseModel):
    """One extraction in the queue and why it is there."""

    extraction_id: int
    lead_id: int
    lead_name: str | None
    rep: str | None
    state: str
    extractor: str
    model: str | None
    prompt_version: str | None
    created_at: datetime
    reasons: list[str]
    sampled: bool
    status: str


def in_sample(extraction_id: int, percent: int) -> bool:
    """A stable pseudo-random `percent`% of extractions (the same ones on every page load)."""
    digest = hashlib.sha256(f"audit-sample:{extraction_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def flag_reasons(row: ExtractionRow, low_confidence: float) -> list[str]:
    """The extraction's flags plus any found criterion below the configured confidence."""
    reasons = [f"{flag.get('kind')}" + (f" ({flag['criterion']})" if flag.get("criterion")
                                        else "") for flag in row.flags or []]
    for criterion, field in (row.fields or {}).items():
        if field.get("status") != "absent" and float(field.get("confidence", 0)) < low_confidence:
            reason = f"low_confidence ({criterion})"
            if reason not in reasons:
                reasons.append(reason)
    return reasons


def _status(row: ExtractionRow, reviews: list[Review]) -> str:
    decisions = latest_decisions(reviews)
    whole = decisions.get(None)
    if whole is not None and whole.decision == "reject":
        return "rejected"
    if reviews and (is_complete(row, decisions) or not row.flags):
        return "reviewed"
    return "open"


def _matches(item: QueueItem, filters: QueueFilters) -> bool:
    if filters.status != "all" and item.status != filters.status:
        return False
    if filters.rep and item.rep != filters.rep:
        return False
    if filters.since and item.created_at.date() < filters.since:
        return False
    if filters.until and item.created_at.date() > filters.until:
        return False
    if filters.extractor and filters.extractor not in (item.extractor, item.model):
        return False
    return not (filters.prompt_version and item.prompt_version != filters.prompt_version)


def review_queue(svc: Services, filters: QueueFilters, limit: int = 500) -> list[QueueItem]:
    """Flagged extractions (oldest first), then the audit sample of unflagged ones."""
    web = svc.settings.web
    with svc.store.session(write=False) as session:
        rows = session.exec(
            select(ExtractionRow, Lead).join(Lead, col(Lead.id) == ExtractionRow.lead_id)
            .where(ExtractionRow.extractor != REVIEWER_EXTRACTOR)
            .order_by(col(ExtractionRow.id))).all()
        reviews: dict[int, list[Review]] = {}
        for review in session.exec(select(Review).order_by(col(Review.id))).all():
            reviews.setdefault(review.extraction_id, []).append(review)
    flagged: list[QueueItem] = []
    sampled: list[QueueItem] = []
    for row, lead in rows:
        reasons = flag_reasons(row, web.low_confidence)
        sample = not reasons and in_sample(row.id or 0, web.audit_sample_percent)
        if not reasons and not sample:
            continue
        item = QueueItem(
            extraction_id=row.id or 0, lead_id=lead.id or 0, lead_name=lead.name, rep=lead.rep,
            state=lead.state, extractor=row.extractor, model=row.model,
            prompt_version=row.prompt_version, created_at=row.created_at, reasons=reasons,
            sampled=sample, status=_status(row, reviews.get(row.id or 0, [])))
        if _matches(item, filters):
            (flagged if reasons else sampled).append(item)
    return (flagged + sampled)[:limit]


def filter_choices(items: list[Any]) -> dict[str, list[str]]:
    """Distinct reps, extractors/models and prompt versions for the filter menus."""
    return {
        "reps": sorted({i.rep for i in items if i.rep}),
        "extractors": sorted({v for i in items for v in (i.extractor, i.model) if v}),
        "prompts": sorted({i.prompt_version for i in items if i.prompt_version}),
    }
