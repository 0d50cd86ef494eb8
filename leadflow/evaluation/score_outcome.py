"""What the score depends on: the tier and total that the expected and the found answers earn.

Both sides are scored by the scoring engine under one evaluation config. A gold criterion that
is not `found` (ambiguous or absent) is an unknown answer and scores the last tier, as scoring
treats an unknown answer; so does an extraction's ambiguous criterion, whose value verification
withholds as a reviewer's choice, as in the chain. Budgets compare at face value: the
evaluation config counts a currency that the config cannot convert 1:1, so a labelled set means
the same under any exchange rate (scoring itself still treats such a budget as unknown).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from leadflow.evaluation.gold import GoldCase
from scoring.bant import BantAnswers, Criterion
from scoring.config import ScoringConfig
from scoring.engine import Score, compile_scorer
from scoring.extraction import Extraction, FieldStatus


def expected_answers(case: GoldCase) -> BantAnswers:
    """The gold values as scoring answers; ambiguous and absent criteria are unknown.

    Date timelines count from the case's call date.
    """
    values = {}
    for criterion in Criterion:
        gold = case.expected.field(criterion)
        if gold.status is FieldStatus.FOUND and gold.value is not None:
            values[criterion.value] = gold.value.answer()
    return BantAnswers(**values, stated_on=case.call_date)


def found_answers(extraction: Extraction | None, call_date: date | None) -> BantAnswers:
    """An extraction's answers as the chain scores them (None: all unknown).

    Taken as they are: verification has already withheld an ambiguous value as a reviewer's
    choice (`scoring.undecided`), so it scores as unknown, as in the chain. Date timelines
    count from `call_date`, the gold case's, whatever the extractor was told.
    """
    if extraction is None:
        return BantAnswers(stated_on=call_date)
    return extraction.answers.model_copy(update={"stated_on": call_date})


def budget_currencies(many: Iterable[BantAnswers]) -> set[str]:
    """Every currency a budget of `many` is stated in."""
    return {answers.budget.currency for answers in many if answers.budget.currency}


def face_value_config(config: ScoringConfig, currencies: Iterable[str]) -> ScoringConfig:
    """`config` with a rate of 1 for each of `currencies` it has no rate for (evaluation only)."""
    missing = sorted(
        {code for code in currencies if code != config.currency and code not in config.fx_rates}
    )
    if not missing:
        return config
    rates = {**config.fx_rates, **dict.fromkeys(missing, Decimal(1))}
    return ScoringConfig.model_validate(config.model_dump() | {"fx_rates": rates})


@dataclass(frozen=True)
class ScoreOutcome:
    """One case scored twice: from its gold answers (expected) and from the extraction (found)."""

    expected: Score
    found: Score

    @property
    def expected_total(self) -> int:
        return self.expected.total

    @property
    def found_total(self) -> int:
        return self.found.total

    def tier_correct(self, criterion: Criterion) -> bool:
        """The found answer lands in the expected tier."""
        return self.expected.component(criterion).tier_index == (
            self.found.component(criterion).tier_index
        )

    def tiers(self, criterion: Criterion) -> tuple[str, str]:
        """(expected, found) tier labels of one criterion."""
        return self.expected.component(criterion).tier, self.found.component(criterion).tier

    @property
    def total_error(self) -> int:
        """|expected total - found total|."""
        return abs(self.expected_total - self.found_total)


def score_outcomes(
    pairs: list[tuple[BantAnswers, BantAnswers]], config: ScoringConfig
) -> tuple[list[ScoreOutcome], ScoringConfig]:
    """Each (expected, found) pair scored under `config` at face value, and the config used."""
    evaluation = face_value_config(config, budget_currencies(a for pair in pairs for a in pair))
    scorer = compile_scorer(evaluation)
    expected = scorer.score_many(want for want, _ in pairs)
    found = scorer.score_many(got for _, got in pairs)
    return [ScoreOutcome(*both) for both in zip(expected, found, strict=True)], evaluation
