"""How often reviewers agree with the extractor, per criterion, week, model and prompt version.

Each (extraction, criterion) counts once, by its latest decision. Against the reviewer:
- a `found` value approved is a true positive; a `found` value overridden is a false positive
  (and, when the reviewer put a known value in its place, also a false negative: it was wrong);
- a not-found criterion the reviewer filled with a known value is a false negative.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import BaseModel
from sqlmodel import col, select

from leadflow.store.models import ExtractionRow, Review
from leadflow.store.reviews import ReviewDecision
from leadflow.web.services import Services


class Tally(BaseModel):
    """Counts for one group, and the rates derived from them."""

    decided: int = 0
    accepted: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def acceptance(self) -> float | None:
        return self.accepted / self.decided if self.decided else None

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def _known(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    return any(value.get(key) not in (None, "unknown") for key in ("kind", "level"))


def agreement(svc: Services) -> dict[str, dict[str, Tally]]:
    """Tallies keyed by grouping ("criterion", "week", "model", "prompt") then group value."""
    with svc.store.session(write=False) as session:
        pairs = session.exec(
            select(Review, ExtractionRow).join(
                ExtractionRow, col(ExtractionRow.id) == Review.extraction_id)
            .where(col(Review.criterion).is_not(None)).order_by(col(Review.id))).all()
    latest: dict[tuple[int, str], tuple[Review, ExtractionRow]] = {}
    for review, row in pairs:
        if review.decision in (ReviewDecision.APPROVE, ReviewDecision.OVERRIDE):
            latest[(row.id or 0, review.criterion or "")] = (review, row)
    tallies: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for (_, criterion), (review, row) in latest.items():
        found = (row.fields or {}).get(criterion, {}).get("status") == "found"
        approved = review.decision == ReviewDecision.APPROVE
        year, week, _ = review.created_at.isocalendar()
        groups = {"criterion": criterion, "week": f"{year}-W{week:02d}",
                  "model": row.model or row.extractor, "prompt": row.prompt_version or "-"}
        for grouping, key in groups.items():
            tally = tallies[grouping][key]
            tally.decided += 1
            tally.accepted += approved
            if found and approved:
                tally.tp += 1
            elif found:
                tally.fp += 1
                tally.fn += _known(review.value)
            elif not approved and _known(review.value):
                tally.fn += 1
    return {grouping: dict(groups) for grouping, groups in tallies.items()}
