"""The LLM's answer: a strict JSON schema per criterion, converted to scoring's Extraction.

Every field is required and optional ones are nullable (OpenAI strict mode: no defaults, no
extra properties). Values use the same enums as `scoring.bant`; numbers are JSON numbers on
the wire and Decimal in Python (pydantic parses JSON numbers into Decimal exactly).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal, Self

from openai.lib._pydantic import to_strict_json_schema
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

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
from scoring.evidence import Evidence
from scoring.extraction import Extraction, FieldResult, FieldStatus

Number = Annotated[Decimal, WithJsonSchema({"type": "number"})]
Status = Literal["found", "ambiguous", "absent"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quote(_Strict):
    """A verbatim quote, who said it, and when (null when the transcript shows no times)."""

    quote: str = Field(min_length=1)
    speaker: str | None
    start_ms: int | None


class _Criterion(_Strict):
    status: Status
    confidence: float = Field(ge=0, le=1)
    evidence: list[Quote]

    def field(self) -> FieldResult:
        """This criterion's status and confidence."""
        return FieldResult(status=FieldStatus(self.status), confidence=self.confidence)

    def quotes(self) -> list[Evidence]:
        """The evidence as unverified scoring Evidence."""
        return [Evidence(quote=q.quote, speaker=q.speaker, start_ms=q.start_ms)
                for q in self.evidence]


class BudgetOut(_Criterion):
    kind: BudgetKind
    amount: Number | None
    minimum: Number | None
    maximum: Number | None
    currency: str | None = Field(pattern=r"^[A-Z]{3}$")

    def answer(self) -> BudgetAnswer:
        """The scoring answer; the value is dropped when the criterion is absent."""
        if self.status == "absent":
            return BudgetAnswer(evidence=self.quotes())
        values = self.model_dump(include={"kind", "amount", "minimum", "maximum", "currency"})
        return BudgetAnswer(**values, evidence=self.quotes())

    @model_validator(mode="after")
    def _valid(self) -> Self:
        self.answer()  # the same rules as scoring (an amount needs a currency, ...)
        return self


class AuthorityOut(_Criterion):
    level: AuthorityLevel
    title: str | None

    def answer(self) -> AuthorityAnswer:
        """The scoring answer; the value is dropped when the criterion is absent."""
        if self.status == "absent":
            return AuthorityAnswer(evidence=self.quotes())
        return AuthorityAnswer(level=self.level, title=self.title, evidence=self.quotes())


class NeedOut(_Criterion):
    level: NeedLevel
    stated_needs: list[str]

    def answer(self) -> NeedAnswer:
        """The scoring answer; the value is dropped when the criterion is absent."""
        if self.status == "absent":
            return NeedAnswer(evidence=self.quotes())
        return NeedAnswer(level=self.level, stated_needs=self.stated_needs,
                          evidence=self.quotes())


class TimelineOut(_Criterion):
    kind: TimelineKind
    months: Number | None
    by_date: date | None

    def answer(self) -> TimelineAnswer:
        """The scoring answer; the value is dropped when the criterion is absent."""
        if self.status == "absent":
            return TimelineAnswer(evidence=self.quotes())
        return TimelineAnswer(kind=self.kind, months=self.months, by_date=self.by_date,
                              evidence=self.quotes())

    @model_validator(mode="after")
    def _valid(self) -> Self:
        self.answer()
        return self


class BantExtraction(_Strict):
    """The model's answer for one transcript (or one chunk of it)."""

    language: str | None = Field(pattern=r"^[a-z]{2,3}$")
    budget: BudgetOut
    authority: AuthorityOut
    need: NeedOut
    timeline: TimelineOut

    def criterion(self, criterion: Criterion) -> _Criterion:
        """The answer for one criterion."""
        return getattr(self, criterion.value)

    def to_extraction(
        self, *, stated_on: date | None, extractor: str, model: str | None, prompt_version: str
    ) -> Extraction:
        """Scoring's Extraction (evidence not yet verified)."""
        answers = BantAnswers(
            budget=self.budget.answer(), authority=self.authority.answer(),
            need=self.need.answer(), timeline=self.timeline.answer(), stated_on=stated_on,
        )
        return Extraction(
            answers=answers,
            fields={criterion: self.criterion(criterion).field() for criterion in Criterion},
            language=self.language, extractor=extractor, model=model,
            prompt_version=prompt_version,
        )


def strict_schema(model: type[BaseModel] = BantExtraction) -> dict:
    """The JSON schema the SDK sends for `model` (strict mode)."""
    return to_strict_json_schema(model)


def schema_hash(model: type[BaseModel] = BantExtraction) -> str:
    """A short content hash of the strict schema: part of the extraction cache key."""
    text = json.dumps(strict_schema(model), sort_keys=True, separators=(",", ":"))
    return f"{model.__name__}@{hashlib.sha256(text.encode()).hexdigest()[:16]}"
