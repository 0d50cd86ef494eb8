"""A reviewer's override value for one criterion: parsed from a form into an answer model, and
the effective answers of an extraction once its reviews are applied.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ValidationError

from leadflow.errors import InputError
from leadflow.store.models import Review
from leadflow.store.reviews import ReviewDecision
from scoring.bant import (
    AuthorityAnswer,
    AuthorityLevel,
    BantAnswers,
    BudgetAnswer,
    BudgetKind,
    Criterion,
    NeedAnswer,
    NeedLevel,
    TimelineAnswer,
    TimelineKind,
)

_UNKNOWN = {"", "unknown", "?"}


def _number(text: str, what: str) -> Decimal:
    cleaned = re.sub(r"[,\s$€£_]", "", text).lower()
    factor = Decimal(1)
    if cleaned.endswith("k"):
        cleaned, factor = cleaned[:-1], Decimal(1000)
    elif cleaned.endswith("m"):
        cleaned, factor = cleaned[:-1], Decimal(1_000_000)
    try:
        value = Decimal(cleaned) * factor
    except InvalidOperation:
        raise InputError(f"{what}: {text!r} is not a number") from None
    if value < 0:
        raise InputError(f"{what}: must not be negative")
    return value


def parse_override(criterion: Criterion, value: str, *, currency: str, previous: BaseModel) -> Any:
    """The answer a reviewer typed, keeping the extractor's evidence quotes for reference.

    budget: an amount (`150000`, `150k`, `120000 EUR`), `none` or `unknown`; authority and
    need: a level name; timeline: months (`6`), or `unknown`.
    """
    text = value.strip()
    evidence = list(getattr(previous, "evidence", []))
    try:
        if criterion is Criterion.BUDGET:
            if text.lower() in _UNKNOWN:
                return BudgetAnswer(evidence=evidence)
            if text.lower() in {"none", "no budget", "no_budget", "0 budget"}:
                return BudgetAnswer(kind=BudgetKind.NO_BUDGET, evidence=evidence)
            parts = text.split()
            if len(parts) == 2 and parts[1].isalpha():
                amount, code = _number(parts[0], "budget"), parts[1].upper()
            else:
                amount, code = _number(text, "budget"), currency
            return BudgetAnswer(kind=BudgetKind.AMOUNT, amount=amount, currency=code,
                                evidence=evidence)
        if criterion is Criterion.AUTHORITY:
            return AuthorityAnswer(level=AuthorityLevel(text.lower() or "unknown"),
                                   title=getattr(previous, "title", None), evidence=evidence)
        if criterion is Criterion.NEED:
            return NeedAnswer(level=NeedLevel(text.lower() or "unknown"),
                              stated_needs=list(getattr(previous, "stated_needs", [])),
                              evidence=evidence)
        if text.lower() in _UNKNOWN:
            return TimelineAnswer(evidence=evidence)
        months = _number(text.lower().removesuffix("months").removesuffix("month"), "timeline")
        return TimelineAnswer(kind=TimelineKind.MONTHS, months=months, evidence=evidence)
    except ValueError as exc:  # an unknown level, or the answer model's own rules
        if isinstance(exc, ValidationError):
            raise InputError(f"{criterion.value}: {exc.errors()[0]['msg']}") from None
        allowed = {Criterion.AUTHORITY: AuthorityLevel, Criterion.NEED: NeedLevel}.get(criterion)
        names = ", ".join(level.value for level in allowed) if allowed else ""
        raise InputError(f"{criterion.value}: {text!r} is not allowed; use one of {names}") \
            from None


def latest_decisions(reviews: Sequence[Review]) -> dict[str | None, Review]:
    """The newest decision per criterion (None: the whole extraction)."""
    latest: dict[str | None, Review] = {}
    for review in reviews:
        latest[review.criterion] = review
    return latest


def effective_answers(original: BantAnswers, reviews: Sequence[Review]) -> BantAnswers:
    """The extraction's answers with each criterion's latest override applied."""
    updates: dict[str, Any] = {}
    for criterion, review in latest_decisions(reviews).items():
        if criterion is not None and review.decision == ReviewDecision.OVERRIDE:
            model = type(getattr(original, criterion))
            updates[criterion] = model.model_validate(review.value)
    return original.model_copy(update=updates)
