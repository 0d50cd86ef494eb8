"""`leadflow eval extraction`: run an extractor over a gold folder and measure it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors.base import Extractor
from connectors.transcript_formats import parse_transcript
from leadflow.errors import ConnectorError, ExtractionError, InputError
from leadflow.evaluation.gold import GoldCase
from leadflow.evaluation.scoring_gold import CriterionOutcome, compare, evidence_counts
from scoring.bant import Criterion
from scoring.extraction import ExtractionContext, FieldStatus
from scoring.verify import apply_verification


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


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def evaluate_case(extractor: Extractor, case: GoldCase, folder: Path) -> CaseResult:
    """Extract one gold transcript and compare; an extraction error is kept, not raised."""
    result = CaseResult(name=case.name, language=case.language)
    transcript = parse_transcript(folder / case.transcript)
    context = ExtractionContext(stated_on=case.stated_on,
                                product_capabilities=list(case.capabilities))
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
        return result
    result.seconds = time.perf_counter() - started
    extraction = apply_verification(extraction, transcript)
    result.found_language = extraction.language
    result.outcomes = compare(case, extraction)
    result.verified_quotes, result.quotes = evidence_counts(extraction)
    result.flags = len(extraction.flags)
    return result


def summarise(results: list[CaseResult], extractor: str) -> dict[str, Any]:
    """Per-criterion accuracy, precision and recall of `found`, evidence rate, usage per case."""
    if not results:
        raise InputError("no gold cases to evaluate")
    criteria = {}
    for criterion in Criterion:
        outcomes = [r.outcomes[criterion] for r in results]
        found = sum(1 for o in outcomes if o.found is FieldStatus.FOUND)
        expected = sum(1 for o in outcomes if o.expected is FieldStatus.FOUND)
        hits = sum(1 for o in outcomes if o.true_positive)
        criteria[criterion.value] = {
            "accuracy": _ratio(sum(o.correct for o in outcomes), len(outcomes)),
            "precision": _ratio(hits, found), "recall": _ratio(hits, expected),
            "found": found, "expected_found": expected,
        }
    count = len(results)
    costs = [r.cost for r in results if r.cost is not None]
    return {
        "extractor": extractor, "cases": count,
        "errors": sum(1 for r in results if r.error),
        "criteria": criteria,
        "evidence_verified_rate": _ratio(sum(r.verified_quotes for r in results),
                                         sum(r.quotes for r in results)),
        "language_accuracy": _ratio(sum(r.found_language == r.language for r in results), count),
        "per_transcript": {
            "tokens_in": round(sum(r.tokens_in for r in results) / count, 1),
            "tokens_out": round(sum(r.tokens_out for r in results) / count, 1),
            "cost": str((sum(costs, Decimal(0)) / count).quantize(Decimal("0.000001")))
            if costs else None,
            "seconds": round(sum(r.seconds for r in results) / count, 4),
        },
        "results": [_case_json(r) for r in results],
    }


def _case_json(result: CaseResult) -> dict[str, Any]:
    return {
        "name": result.name, "language": result.language,
        "found_language": result.found_language, "error": result.error,
        "criteria": {c.value: {"expected": o.expected.value, "found": o.found.value,
                               "correct": o.correct} for c, o in result.outcomes.items()},
        "quotes": result.quotes, "verified_quotes": result.verified_quotes,
        "flags": result.flags, "tokens_in": result.tokens_in, "tokens_out": result.tokens_out,
        "cost": str(result.cost) if result.cost is not None else None,
        "seconds": round(result.seconds, 4),
    }
