"""One criterion's share of a score: the tier an answer meets, its points and a one-line reason.

Called on first sight of an answer value only; the Scorer memoises the results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from scoring.bant import (
    AuthorityLevel,
    BudgetAnswer,
    BudgetKind,
    Criterion,
    NeedLevel,
    TimelineAnswer,
    TimelineKind,
)
from scoring.tiers import AuthorityTier, BudgetTier, NeedTier, TimelineTier


class Component(BaseModel):
    """One criterion's share of the score, the tier it met and why."""

    model_config = ConfigDict(frozen=True)

    criterion: Criterion
    points: int
    max_points: int
    tier: str
    tier_index: int  # 0 is the best tier
    answer: str
    reason: str
    missing: bool = False  # unknown (or not comparable): scored as the lowest tier


def budget_component(
    answer: BudgetAnswer,
    table: Sequence[BudgetTier],
    currency: str,
    fx_rates: Mapping[str, Decimal],
    max_points: int,
) -> Component:
    """The budget tier of `answer`; a range counts by its lower end, converted with fx_rates."""
    if answer.kind is BudgetKind.UNKNOWN:
        return _lowest(Criterion.BUDGET, table, max_points, "unknown", "Budget is unknown")
    if answer.kind is BudgetKind.NO_BUDGET:
        return _lowest(
            Criterion.BUDGET, table, max_points, "no budget", "The lead has no budget", False
        )
    amount = answer.comparable_amount
    assert amount is not None and answer.currency is not None  # guaranteed by BudgetAnswer
    stated = f"{answer.currency} {_money(amount)}"
    if answer.kind is BudgetKind.RANGE:
        stated += f" to {_money(answer.maximum or amount)}"
    converted = ""
    if answer.currency != currency:
        rate = fx_rates.get(answer.currency)
        if rate is None:
            why = (
                f"Budget of {stated} cannot be compared: add fx_rates.{answer.currency} "
                f"({currency} per {answer.currency}) to the scoring config; scored as unknown"
            )
            return _lowest(Criterion.BUDGET, table, max_points, stated, why)
        amount = amount * rate
        converted = f" ({currency} {_money(amount)} at {_number(rate)})"
    index = next(i for i, tier in enumerate(table) if amount >= tier.min_amount)
    tier = table[index]
    meets = f"{_verb(index)} the {tier.label} tier (>= {_money(tier.min_amount)})"
    if answer.kind is BudgetKind.RANGE:
        reason = f"Budget range {stated} is scored by its lower end{converted}: it {meets}."
    else:
        reason = f"Budget of {stated}{converted} {meets}."
    return _component(Criterion.BUDGET, index, tier.points, tier.label, max_points, stated, reason)


def timeline_component(
    answer: TimelineAnswer,
    stated_on: date | None,
    table: Sequence[TimelineTier],
    max_points: int,
) -> Component:
    """The timeline tier of `answer`; a date counts in months from `stated_on`."""
    if answer.kind is TimelineKind.UNKNOWN:
        return _lowest(Criterion.TIMELINE, table, max_points, "unknown", "Timeline is unknown")
    months = answer.months_from(stated_on)
    if months is None:
        why = (
            f"A purchase by {answer.by_date} cannot be counted in months without the day "
            f"it was said (stated_on); scored as unknown"
        )
        return _lowest(Criterion.TIMELINE, table, max_points, f"by {answer.by_date}", why)
    said = f"{_number(months)} months"
    stated = said if answer.kind is TimelineKind.MONTHS else f"by {answer.by_date} ({said})"
    index = next(
        i for i, tier in enumerate(table) if tier.max_months is None or months <= tier.max_months
    )
    tier = table[index]
    if tier.max_months is not None:
        bound = f"<= {_number(tier.max_months)} months"
    elif index:
        bound = f"> {_number(table[index - 1].max_months or Decimal(0))} months"
    else:
        bound = "any time"
    reason = f"A purchase in {said} {_verb(index)} the {tier.label} tier ({bound})."
    return _component(
        Criterion.TIMELINE, index, tier.points, tier.label, max_points, stated, reason
    )


def level_component(
    criterion: Criterion,
    level: AuthorityLevel | NeedLevel,
    table: Sequence[AuthorityTier] | Sequence[NeedTier],
    max_points: int,
) -> Component:
    """The authority or need tier that lists `level`; unknown scores the lowest tier."""
    name = criterion.value.capitalize()
    if level.value == "unknown":
        return _lowest(criterion, table, max_points, "unknown", f"{name} is unknown")
    index = next(i for i, tier in enumerate(table) if level in tier.levels)
    tier = table[index]
    answer = level.value.replace("_", " ")
    reason = f"{name} '{answer}' {_verb(index)} the {tier.label} tier."
    return _component(criterion, index, tier.points, tier.label, max_points, answer, reason)


def _lowest(
    criterion: Criterion,
    table: Sequence[BudgetTier | TimelineTier | AuthorityTier | NeedTier],
    max_points: int,
    answer: str,
    why: str,
    missing: bool = True,
) -> Component:
    # DESIGN invariant 2: what is not known is never guessed; it scores the lowest tier.
    last = len(table) - 1
    tier = table[last]
    reason = f"{why}, so it scores the lowest tier ({tier.label})."
    return _component(criterion, last, tier.points, tier.label, max_points, answer, reason, missing)


def _component(
    criterion: Criterion,
    index: int,
    points: int,
    label: str,
    max_points: int,
    answer: str,
    reason: str,
    missing: bool = False,
) -> Component:
    return Component(
        criterion=criterion,
        points=points,
        max_points=max_points,
        tier=label,
        tier_index=index,
        answer=answer,
        reason=reason,
        missing=missing,
    )


def _verb(index: int) -> str:
    return "meets" if index == 0 else "falls in"


def _money(amount: Decimal) -> str:
    """100000 -> '100,000'; 99999.99 -> '99,999.99'."""
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def _number(value: Decimal) -> str:
    """6.00 -> '6'; 2.96 -> '2.96'."""
    return format(value.normalize(), "f")
