"""`leadflow eval extraction`: run an extractor over a gold folder and measure it."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors.base import Extractor
from connectors.transcript_formats import parse_transcript
from leadflow.errors import ConnectorError, ExtractionError, InputError
from leadflow.evaluation.gold import GoldCase
from leadflow.evaluation.injection import extraction_quotes, injected_quotes
from leadflow.evaluation.metrics import (
    CaseResult,
    decided_precision,
    exact_accuracy,
    found_precision_recall,
    injected_used,
    ratio,
    review_rate,
    tier_accuracy,
    total_mae,
    with_scores,
)
from leadflow.evaluation.score_outcome import expected_answers, found_answers
from leadflow.evaluation.scoring_gold import CriterionOutcome, compare, evidence_counts
from scoring.bant import Criterion
from scoring.config import ScoringConfig, default_config
from scoring.extraction import FieldStatus
from scoring.verify import apply_verification


def evaluate_case(extractor: Extractor, case: GoldCase, folder: Path) -> CaseResult:
    """Extract one gold transcript and compare; an extraction error is kept, not raised."""
    result = CaseResult(name=case.name, language=case.language,
                        expected_answers=expected_answers(case),
                        injected_snippets=len(case.injected_text))
    transcript = parse_transcript(folder / case.transcript)
    context = case.context()
    started = time.perf_counter()
    try:
        run = getattr(extractor, "run", None)  # the LLM extractor also reports its usage
        if run is not None:
            outcome = run(transcript, context)
            extraction, usage = outcome.extraction, outcome.usage
            result.tokens_in, result.tokens_out = usage.tokens_in, usage.tokens_out
            result.cost = usage.cost
        else:
            extraction = extractor.extract(transcript, context)
    except (ExtractionError, ConnectorError) as exc:
        result.seconds = time.perf_counter() - started
        result.error = str(exc)
        result.outcomes = {c: CriterionOutcome(case.expected.field(c).status,
                                               FieldStatus.ABSENT, False) for c in Criterion}
        result.found_answers = found_answers(None, case.call_date)
        return result
    result.seconds = time.perf_counter() - started
    extraction = apply_verification(extraction, transcript)
    result.found_language = extraction.language
    result.outcomes = compare(case, extraction)
    result.verified_quotes, result.quotes = evidence_counts(extraction)
    result.flags = len(extraction.flags)
    result.needs_review = extraction.needs_review
    result.found_answers = found_answers(extraction, case.call_date)
    result.injected_quotes = injected_quotes(extraction_quotes(extraction),
                                             case.injected_text)
    return result


def summarise(
    results: list[CaseResult], extractor: str, config: ScoringConfig | None = None
) -> dict[str, Any]:
    """The report: per criterion and overall, the tier and exact accuracy, decided precision,
    precision and recall of `found`; the review rate, the mean absolute error of the total,
    evidence verification, language accuracy, injected values used, usage per case, each case.

    Tiers and totals are scored under `config` (default: the bundled one) at face value.
    """
    if not results:
        raise InputError("no gold cases to evaluate")
    base = config or default_config()
    results, evaluation = with_scores(results, base)
    count = len(results)
    costs = [r.cost for r in results if r.cost is not None]
    rate, reviewed = review_rate(results)
    return {
        "extractor": extractor, "cases": count,
        "errors": sum(1 for r in results if r.error),
        "config": {"version": base.version, "evaluated_as": evaluation.version,
                   "face_value_currencies": sorted(set(evaluation.fx_rates)
                                                   - set(base.fx_rates))},
        "criteria": {c.value: _metrics(results, c) for c in Criterion},
        "overall": _metrics(results, None),
        "review_rate": rate, "reviewed": reviewed,
        "total_mae": total_mae(results),
        "evidence_verified_rate": ratio(sum(r.verified_quotes for r in results),
                                        sum(r.quotes for r in results)),
        "language_accuracy": ratio(sum(r.found_language == r.language for r in results), count),
        "injected_used": injected_used(results),
        "injected_cases": sum(1 for r in results if r.injected_snippets),
        "per_transcript": {
            "tokens_in": round(sum(r.tokens_in for r in results) / count, 1),
            "tokens_out": round(sum(r.tokens_out for r in results) / count, 1),
            "cost": str((sum(costs, Decimal(0)) / count).quantize(Decimal("0.000001")))
            if costs else None,
            "seconds": round(sum(r.seconds for r in results) / count, 4),
        },
        "results": [_case_json(r) for r in results],
    }


def _metrics(results: list[CaseResult], criterion: Criterion | None) -> dict[str, Any]:
    precision, decided = decided_precision(results, criterion)
    return {"tier_accuracy": tier_accuracy(results, criterion),
            "accuracy": exact_accuracy(results, criterion),
            "decided_precision": precision, "decided": decided,
            **found_precision_recall(results, criterion)}


def _case_json(result: CaseResult) -> dict[str, Any]:
    scored = result.scored()

    def criterion_json(criterion: Criterion, outcome: CriterionOutcome) -> dict[str, Any]:
        expected_tier, found_tier = scored.tiers(criterion)
        return {"expected": outcome.expected.value, "found": outcome.found.value,
                "correct": outcome.correct, "expected_tier": expected_tier,
                "found_tier": found_tier, "tier_correct": scored.tier_correct(criterion)}

    return {
        "name": result.name, "language": result.language,
        "found_language": result.found_language, "error": result.error,
        "criteria": {c.value: criterion_json(c, o) for c, o in result.outcomes.items()},
        "expected_total": scored.expected_total, "found_total": scored.found_total,
        "needs_review": result.needs_review, "injected_quotes": result.injected_quotes,
        "quotes": result.quotes, "verified_quotes": result.verified_quotes,
        "flags": result.flags, "tokens_in": result.tokens_in, "tokens_out": result.tokens_out,
        "cost": str(result.cost) if result.cost is not None else None,
        "seconds": round(result.seconds, 4),
    }
