"""Tiers per BANT criterion: which answers earn which points, listed from the best tier down.

Budget tiers carry an inclusive lower bound (more money is better). Timeline tiers carry an
inclusive upper bound in months, because sooner is better: "within 3 months" is the best tier and
the last tier is open-ended ("more than 6 months"). Authority and need tiers list answer levels.
An unknown answer always scores the lowest (last) tier (DESIGN invariant 2: never guessed).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from leadflow.errors import ConfigError
from scoring.bant import AuthorityLevel, Criterion, NeedLevel


class _Tier(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    points: int = Field(ge=0, le=100)
    label: str = Field(min_length=1)


class BudgetTier(_Tier):
    """Budgets of at least `min_amount` (config currency, inclusive)."""

    min_amount: Decimal = Field(ge=0)


class TimelineTier(_Tier):
    """Purchases within `max_months` (inclusive); None means no upper bound."""

    max_months: Decimal | None = Field(default=None, ge=0)


class AuthorityTier(_Tier):
    """The buyer seniority levels that earn these points."""

    levels: list[AuthorityLevel] = Field(min_length=1)


class NeedTier(_Tier):
    """The need-match levels that earn these points."""

    levels: list[NeedLevel] = Field(min_length=1)


class Tiers(BaseModel):
    """The tier table of each criterion; the defaults are DESIGN.md's seed facts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    budget: list[BudgetTier] = Field(
        default_factory=lambda: [
            BudgetTier(min_amount=Decimal(100_000), points=30, label="$100k+"),
            BudgetTier(min_amount=Decimal(50_000), points=15, label="$50k to $100k"),
            BudgetTier(min_amount=Decimal(0), points=0, label="under $50k"),
        ]
    )
    authority: list[AuthorityTier] = Field(
        default_factory=lambda: [
            AuthorityTier(levels=[AuthorityLevel.C_LEVEL], points=25, label="C-level"),
            AuthorityTier(levels=[AuthorityLevel.VP_DIRECTOR], points=20, label="VP / director"),
            AuthorityTier(levels=[AuthorityLevel.MANAGER], points=15, label="manager"),
            AuthorityTier(
                levels=[AuthorityLevel.INDIVIDUAL_CONTRIBUTOR, AuthorityLevel.UNKNOWN],
                points=0,
                label="other",
            ),
        ]
    )
    need: list[NeedTier] = Field(
        default_factory=lambda: [
            NeedTier(levels=[NeedLevel.FULL], points=25, label="full match"),
            NeedTier(levels=[NeedLevel.PARTIAL], points=15, label="partial match"),
            NeedTier(levels=[NeedLevel.LOW], points=5, label="low match"),
        ]
    )
    timeline: list[TimelineTier] = Field(
        default_factory=lambda: [
            TimelineTier(max_months=Decimal(3), points=20, label="within 3 months"),
            TimelineTier(max_months=Decimal(6), points=10, label="4 to 6 months"),
            TimelineTier(max_months=None, points=5, label="more than 6 months"),
        ]
    )


def check_tiers(tiers: Tiers, weights: dict[Criterion, int]) -> None:
    """Raise ConfigError (key like `tiers.budget[1].min_amount`) unless every table is coherent."""
    for criterion in Criterion:
        table: Sequence[_Tier] = getattr(tiers, criterion.value)
        _check_points(table, weights[criterion], f"tiers.{criterion.value}")
    _check_budget(tiers.budget)
    _check_timeline(tiers.timeline)
    _check_levels(tiers.authority, AuthorityLevel, "tiers.authority")
    _check_levels(tiers.need, NeedLevel, "tiers.need")


def _check_points(table: Sequence[_Tier], weight: int, key: str) -> None:
    if not table:
        raise ConfigError("at least one tier is required", key=key)
    if table[0].points != weight:
        raise ConfigError(
            f"the top tier's points ({table[0].points}) must equal the criterion's weight "
            f"({weight}), so a perfect answer earns the full weight",
            key=f"{key}[0].points",
        )
    for index in range(1, len(table)):
        if table[index].points > table[index - 1].points:
            raise ConfigError(
                f"{table[index].points} is more than the tier above ({table[index - 1].points}); "
                f"list tiers from best to worst with points that never increase",
                key=f"{key}[{index}].points",
            )


def _check_budget(table: Sequence[BudgetTier]) -> None:
    for index in range(1, len(table)):
        above, tier = table[index - 1].min_amount, table[index].min_amount
        if tier >= above:
            raise ConfigError(
                f"{tier} overlaps the tier above (min_amount {above}); list budget tiers from "
                f"highest to lowest with strictly decreasing min_amount",
                key=f"tiers.budget[{index}].min_amount",
            )
    if table[-1].min_amount != 0:
        raise ConfigError(
            f"the lowest budget tier must start at 0 (got {table[-1].min_amount}), "
            f"so every budget falls in a tier",
            key=f"tiers.budget[{len(table) - 1}].min_amount",
        )


def _check_timeline(table: Sequence[TimelineTier]) -> None:
    last = len(table) - 1
    for index, tier in enumerate(table):
        key = f"tiers.timeline[{index}].max_months"
        if tier.max_months is None and index != last:
            raise ConfigError("only the last timeline tier may have no max_months", key=key)
        previous = table[index - 1].max_months if index else None
        if tier.max_months is not None and previous is not None and tier.max_months <= previous:
            raise ConfigError(
                f"{tier.max_months} overlaps the tier above (max_months {previous}); list "
                f"timeline tiers from soonest to latest with strictly increasing max_months",
                key=key,
            )
    if table[last].max_months is not None:
        raise ConfigError(
            f"the last timeline tier must have no max_months (got {table[last].max_months}), "
            f"so every timeline falls in a tier",
            key=f"tiers.timeline[{last}].max_months",
        )


def _check_levels(
    table: Sequence[AuthorityTier] | Sequence[NeedTier],
    levels: type[AuthorityLevel] | type[NeedLevel],
    key: str,
) -> None:
    placed: dict[str, int] = {}
    for index, tier in enumerate(table):
        for position, level in enumerate(tier.levels):
            where = f"{key}[{index}].levels[{position}]"
            if level in placed:
                raise ConfigError(
                    f"{level.value} is already in tier {placed[level]}; "
                    f"each level must be in exactly one tier",
                    key=where,
                )
            if level.value == "unknown" and index != len(table) - 1:
                raise ConfigError(
                    "unknown may only be listed in the last (lowest) tier: "
                    "an unknown answer always scores the lowest tier",
                    key=where,
                )
            placed[level] = index
    known = [level.value for level in levels if level.value != "unknown"]
    absent = [level for level in known if level not in placed]
    if absent:
        raise ConfigError(
            f"{', '.join(absent)} not in any tier; each of {', '.join(known)} must be in "
            f"exactly one tier (unknown scores the lowest tier)",
            key=key,
        )
