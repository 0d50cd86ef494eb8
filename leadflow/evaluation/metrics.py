"""The measures of an extraction run over gold: one case's result, and the metrics over many.

Every per-criterion metric takes `criterion=None` for all four criteria pooled (overall).
A case whose extraction failed counts as all-unknown for accuracy, tiers and totals (what the
chain would have had to score) and is left out of what needs an extraction: decided precision
and the review rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from leadflow.evaluation.score_outcome import ScoreOutcome, score_outcomes
from leadflow.evaluation.scoring_gold import CriterionOutcome
from scoring.bant import BantAnswers, Criterion
from scoring.config import ScoringConfig
from scoring.extraction import FieldStatus


@dataclass
class CaseResult:
    """One gold case: outcomes per criterion, evidence, usage and time (or the error)."""

    name: str
    language: str
    found_language: str | None = None
    outcomes: dict[Criterion, CriterionOutcome] = field(default_factory=dict)
    verified_quotes: int = 0
    quotes: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost: Decimal | None = None
    seconds: float = 0.0
    flags: int = 0
    error: str | None = None
    # What the score depends on: both answer sets as scored, ambiguous and absent as unknown.
    expected_answers: BantAnswers = field(default_factory=BantAnswers)
    found_answers: BantAnswers = field(default_factory=BantAnswers)
    needs_review: bool = False
    injected_quotes: list[str] = field(default_factory=list)
    injected_snippets: int = 0  # how many injected snippets the gold case lists
    score: ScoreOutcome | None = None  # set by `with_scores`

    def scored(self) -> ScoreOutcome:
        """The score outcome; ValueError before `with_scores`."""
        if self.score is None:
            raise ValueError(f"{self.name}: not scored yet (use with_scores)")
        return self.score


def with_scores(
    results: list[CaseResult], config: ScoringConfig
) -> tuple[list[CaseResult], ScoringConfig]:
    """The results with their score outcomes under `config` at face value, and that config."""
    pairs = [(result.expected_answers, result.found_answers) for result in results]
    outcomes, evaluation = score_outcomes(pairs, config)
    scored = [replace(r, score=o) for r, o in zip(results, outcomes, strict=True)]
    return scored, evaluation


def ratio(part: int, whole: int) -> float | None:
    """part / whole to 4 places; None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def _criteria(criterion: Criterion | None) -> list[Criterion]:
    return list(Criterion) if criterion is None else [criterion]


def tier_accuracy(results: list[CaseResult], criterion: Criterion | None = None) -> float | None:
    """Share of criteria whose found answer lands in the expected answer's tier."""
    hits = [r.scored().tier_correct(c) for r in results for c in _criteria(criterion)]
    return ratio(sum(hits), len(hits))


def exact_accuracy(results: list[CaseResult], criterion: Criterion | None = None) -> float | None:
    """Share of criteria with the expected status and, when found, the expected value."""
    hits = [r.outcomes[c].correct for r in results for c in _criteria(criterion)]
    return ratio(sum(hits), len(hits))


def decided_precision(
    results: list[CaseResult], criterion: Criterion | None = None
) -> tuple[float | None, int]:
    """(share with the right tier, count) among criteria the extractor decided.

    Decided: status `found` or `absent`, not `ambiguous`, in a case that did not fail.
    """
    hits = [
        r.scored().tier_correct(c)
        for r in results
        if r.error is None
        for c in _criteria(criterion)
        if r.outcomes[c].found is not FieldStatus.AMBIGUOUS
    ]
    return ratio(sum(hits), len(hits)), len(hits)


def found_precision_recall(
    results: list[CaseResult], criterion: Criterion | None = None
) -> dict[str, float | int | None]:
    """Precision and recall of `found` (right value), with the found and expected counts."""
    outcomes = [r.outcomes[c] for r in results for c in _criteria(criterion)]
    found = sum(1 for o in outcomes if o.found is FieldStatus.FOUND)
    expected = sum(1 for o in outcomes if o.expected is FieldStatus.FOUND)
    hits = sum(1 for o in outcomes if o.true_positive)
    return {"precision": ratio(hits, found), "recall": ratio(hits, expected),
            "found": found, "expected_found": expected}


def review_rate(results: list[CaseResult]) -> tuple[float | None, int]:
    """(share, count) of extracted cases that need review (any flag), as the chain would route."""
    extracted = [r for r in results if r.error is None]
    reviewed = sum(1 for r in extracted if r.needs_review)
    return ratio(reviewed, len(extracted)), reviewed


def total_mae(results: list[CaseResult]) -> float | None:
    """Mean |expected total - found total| over the cases."""
    errors = [r.scored().total_error for r in results]
    return round(sum(errors) / len(errors), 2) if errors else None


def injected_used(results: list[CaseResult]) -> int:
    """Cases where any evidence quote overlaps a snippet that tried to instruct an AI."""
    return sum(1 for r in results if r.injected_quotes)
