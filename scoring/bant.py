"""The four BANT answers: Budget, Authority, Need, Timeline, each with its evidence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from scoring.evidence import Evidence


class Criterion(StrEnum):
    """The four criteria, in the order they are shown."""

    BUDGET = "budget"
    AUTHORITY = "authority"
    NEED = "need"
    TIMELINE = "timeline"


class BudgetKind(StrEnum):
    AMOUNT = "amount"
    RANGE = "range"
    NO_BUDGET = "no_budget"
    UNKNOWN = "unknown"


class AuthorityLevel(StrEnum):
    C_LEVEL = "c_level"
    VP_DIRECTOR = "vp_director"
    MANAGER = "manager"
    INDIVIDUAL_CONTRIBUTOR = "individual_contributor"
    UNKNOWN = "unknown"


class NeedLevel(StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    LOW = "low"
    UNKNOWN = "unknown"


class TimelineKind(StrEnum):
    MONTHS = "months"
    DATE = "date"
    UNKNOWN = "unknown"


class _Answer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    evidence: list[Evidence] = Field(default_factory=list)


class BudgetAnswer(_Answer):
    """An amount, a range (scored by its lower end), no budget at all, or unknown."""

    kind: BudgetKind = BudgetKind.UNKNOWN
    amount: Decimal | None = Field(default=None, ge=0)
    minimum: Decimal | None = Field(default=None, ge=0)
    maximum: Decimal | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")

    @model_validator(mode="after")
    def _fields_match_kind(self) -> Self:
        if self.kind is BudgetKind.AMOUNT and (self.amount is None or self.currency is None):
            raise ValueError("a budget of kind 'amount' needs 'amount' and 'currency'")
        if self.kind is BudgetKind.RANGE:
            if self.minimum is None or self.maximum is None or self.currency is None:
                raise ValueError("a budget of kind 'range' needs 'minimum', 'maximum', 'currency'")
            if self.minimum > self.maximum:
                raise ValueError("budget range: 'minimum' is greater than 'maximum'")
        return self

    @property
    def comparable_amount(self) -> Decimal | None:
        """The amount scoring compares against tiers: the amount, or a range's lower end."""
        if self.kind is BudgetKind.AMOUNT:
            return self.amount
        if self.kind is BudgetKind.RANGE:
            return self.minimum
        if self.kind is BudgetKind.NO_BUDGET:
            return Decimal(0)
        return None


class AuthorityAnswer(_Answer):
    """The buyer's seniority, with the raw title as said."""

    level: AuthorityLevel = AuthorityLevel.UNKNOWN
    title: str | None = None


class NeedAnswer(_Answer):
    """How well the lead's stated needs match the product's capabilities."""

    level: NeedLevel = NeedLevel.UNKNOWN
    stated_needs: list[str] = Field(default_factory=list)


class TimelineAnswer(_Answer):
    """When the lead means to buy: in N months, by a date, or unknown."""

    kind: TimelineKind = TimelineKind.UNKNOWN
    months: Decimal | None = Field(default=None, ge=0)
    by_date: date | None = None

    @model_validator(mode="after")
    def _fields_match_kind(self) -> Self:
        if self.kind is TimelineKind.MONTHS and self.months is None:
            raise ValueError("a timeline of kind 'months' needs 'months'")
        if self.kind is TimelineKind.DATE and self.by_date is None:
            raise ValueError("a timeline of kind 'date' needs 'by_date'")
        return self

    def months_from(self, stated_on: date | None) -> Decimal | None:
        """Months to purchase; a date counts from the day it was said (None when unknowable)."""
        if self.kind is TimelineKind.MONTHS:
            return self.months
        if self.kind is TimelineKind.DATE and self.by_date is not None and stated_on is not None:
            days = max((self.by_date - stated_on).days, 0)
            # 30.44 days: the mean Gregorian month, so 90 days is 2.96 months, not 3.
            return (Decimal(days) / Decimal("30.44")).quantize(Decimal("0.01"))
        return None


# Any one criterion's answer.
Answer = BudgetAnswer | AuthorityAnswer | NeedAnswer | TimelineAnswer


class BantAnswers(BaseModel):
    """All four answers for one lead; `stated_on` anchors date timelines."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    budget: BudgetAnswer = Field(default_factory=BudgetAnswer)
    authority: AuthorityAnswer = Field(default_factory=AuthorityAnswer)
    need: NeedAnswer = Field(default_factory=NeedAnswer)
    timeline: TimelineAnswer = Field(default_factory=TimelineAnswer)
    stated_on: date | None = None
