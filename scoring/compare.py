"""What makes two BANT answers "the same value", ignoring evidence and free-text wording."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from scoring.bant import Criterion


def _number(value: Decimal | None) -> Decimal | None:
    # 3 and 3.0 are the same number of months; normalize() drops the trailing zeros.
    return None if value is None else value.normalize()


def answer_key(criterion: Criterion, answer: BaseModel) -> tuple[Any, ...]:
    """The parts of an answer that scoring depends on, comparable with ==.

    Titles and stated needs are free text, so only the level is compared for them.
    """
    a: Any = answer
    if criterion is Criterion.BUDGET:
        return (str(a.kind), _number(a.amount), _number(a.minimum), _number(a.maximum),
                a.currency)
    if criterion is Criterion.TIMELINE:
        return (str(a.kind), _number(a.months), a.by_date)
    return (str(a.level),)
