"""An ambiguous criterion scores as unknown until a reviewer decides.

Whatever the extractor (rules or an LLM), a criterion it marks ambiguous keeps its quotes, but
its value moves into the field's candidates: the review page offers each as a one-click choice,
and no guess reaches the score a rep sees or the CRM.
"""

from __future__ import annotations

from scoring.bant import (
    Answer,
    BudgetAnswer,
    BudgetKind,
    Criterion,
    NeedAnswer,
    TimelineAnswer,
)
from scoring.extraction import Candidate, Extraction, FieldStatus


def as_candidates(answer: Answer) -> list[Candidate]:
    """The answer's value as a reviewer's choice (none when it has no value)."""
    quote = answer.evidence[0].quote if answer.evidence else None
    if isinstance(answer, BudgetAnswer):
        if answer.kind is BudgetKind.NO_BUDGET:
            return [Candidate(value="none", label="no budget", quote=quote)]
        if answer.comparable_amount is None or answer.currency is None:
            return []
        value = f"{answer.comparable_amount} {answer.currency}"
        return [Candidate(value=value, label=value, quote=quote)]
    if isinstance(answer, TimelineAnswer):
        if answer.months is None:
            return []
        label = f"in {answer.months.normalize():f} months"
        return [Candidate(value=str(answer.months), label=label, quote=quote)]
    if answer.level.value == "unknown":
        return []
    title = getattr(answer, "title", None)
    label = f"{answer.level.value}: {title}" if title else answer.level.value
    return [Candidate(value=answer.level.value, label=label, quote=quote)]


def unknown_answer(answer: Answer) -> Answer:
    """The same answer without a value: its quotes (and a need's stated needs) stay."""
    if isinstance(answer, NeedAnswer):
        return NeedAnswer(stated_needs=answer.stated_needs, evidence=answer.evidence)
    return type(answer)(evidence=answer.evidence)


def withhold_undecided(extraction: Extraction) -> Extraction:
    """`extraction` with every ambiguous criterion's value withheld as a candidate."""
    answers, fields = extraction.answers, dict(extraction.fields)
    updates = {}
    for criterion in Criterion:
        field = fields.get(criterion)
        answer = getattr(answers, criterion.value)
        if field is None or field.status is not FieldStatus.AMBIGUOUS:
            continue
        own = as_candidates(answer)
        if not own:
            continue  # nothing to withhold
        choices = field.candidates or own
        fields[criterion] = field.model_copy(update={"candidates": choices})
        updates[criterion.value] = unknown_answer(answer)
    if not updates:
        return extraction
    return extraction.model_copy(
        update={"answers": answers.model_copy(update=updates), "fields": fields}
    )
