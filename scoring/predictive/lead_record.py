"""A live lead as the field -> value record a learned model scores (pure).

A model trained with `leadflow backtest` knows the columns of its history CSV. A live lead offers
its BANT answers under these column names, plus its form answers under their question titles,
so a history exported with the same names scores new leads without a mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scoring.bant import BantAnswers

BANT_COLUMNS = ("budget_amount", "authority_level", "need_level", "timeline_months")


def lead_record(answers: BantAnswers, form_answers: Mapping[str, str]) -> dict[str, Any]:
    """Form answers by question title, then the BANT values (None when unknown)."""
    budget = answers.budget.comparable_amount
    months = answers.timeline.months_from(answers.stated_on)
    return {
        **dict(form_answers),
        "budget_amount": float(budget) if budget is not None else None,
        "authority_level": answers.authority.level.value,
        "need_level": answers.need.level.value,
        "timeline_months": float(months) if months is not None else None,
    }
