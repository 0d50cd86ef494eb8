"""Comparing one extraction with its gold case: per criterion status, value and evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from leadflow.evaluation.gold import GoldCase
from scoring.bant import Criterion
from scoring.compare import answer_key
from scoring.evidence import Evidence
from scoring.extraction import Extraction, FieldStatus

# Months within half a month are the same timeline ("in 3 months" vs "by June 1st").
_MONTHS_TOLERANCE = Decimal("0.5")


@dataclass(frozen=True)
class CriterionOutcome:
    """One criterion of one case: what gold expects, what was found, and whether they agree."""

    expected: FieldStatus
    found: FieldStatus
    value_matches: bool

    @property
    def correct(self) -> bool:
        """Same status, and for `found` the same value."""
        return self.expected is self.found and (
            self.expected is not FieldStatus.FOUND or self.value_matches)

    @property
    def true_positive(self) -> bool:
        """Found where gold says found, with the right value."""
        return self.expected is self.found is FieldStatus.FOUND and self.value_matches


def _timeline_matches(expected: Any, found: Any, stated_on: date | None) -> bool:
    if answer_key(Criterion.TIMELINE, expected) == answer_key(Criterion.TIMELINE, found):
        return True
    want, got = expected.months_from(stated_on), found.months_from(stated_on)
    return want is not None and got is not None and abs(want - got) <= _MONTHS_TOLERANCE


def values_match(criterion: Criterion, expected: Any, found: Any, stated_on: date | None) -> bool:
    """True when the found answer means what gold says (free-text wording is ignored)."""
    if criterion is Criterion.TIMELINE:
        return _timeline_matches(expected, found, stated_on)
    if criterion is Criterion.BUDGET:
        return (expected.kind, expected.comparable_amount, expected.currency) == (
            found.kind, found.comparable_amount, found.currency)
    return answer_key(criterion, expected) == answer_key(criterion, found)


def compare(case: GoldCase, extraction: Extraction) -> dict[Criterion, CriterionOutcome]:
    """Each criterion's outcome for one case."""
    outcomes = {}
    for criterion in Criterion:
        gold = case.expected.field(criterion)
        found_status = extraction.fields[criterion].status
        found_answer = getattr(extraction.answers, criterion.value)
        matches = gold.value is None or values_match(
            criterion, gold.value.answer(), found_answer, case.call_date)
        outcomes[criterion] = CriterionOutcome(gold.status, found_status, matches)
    return outcomes


def all_evidence(extraction: Extraction) -> list[Evidence]:
    """Every evidence quote of an extraction, verified or not, in criterion order."""
    return [e for c in Criterion for e in getattr(extraction.answers, c.value).evidence]


def evidence_counts(extraction: Extraction) -> tuple[int, int]:
    """(verified quotes, all quotes) of an extraction."""
    quotes = all_evidence(extraction)
    return sum(1 for e in quotes if e.verified), len(quotes)
