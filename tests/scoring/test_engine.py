"""The weighted score: every tier boundary, unknowns, currencies, the worked example (80)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import scoring.engine
from scoring.bant import BantAnswers, Criterion
from scoring.config import ScoringConfig, default_config
from scoring.engine import Score, Scorer, compile_scorer, score, score_many

EXAMPLES = Path(__file__).parents[2] / "examples" / "answers"


def answers(**parts: Any) -> BantAnswers:
    """Answers that default to the worked example; override any part by name."""
    data: dict[str, Any] = {
        "budget": {"kind": "amount", "amount": "100000", "currency": "USD"},
        "authority": {"level": "manager"},
        "need": {"level": "full"},
        "timeline": {"kind": "months", "months": "6"},
    }
    return BantAnswers.model_validate(data | parts)


def points(result: Score, criterion: Criterion) -> int:
    return result.component(criterion).points


def test_worked_example_scores_80() -> None:
    result = score(answers(), default_config())
    assert [part.points for part in result.components] == [30, 15, 25, 10]
    assert result.total == 80
    assert result.band == "Good"
    assert result.missing == ()
    assert result.config_hash == default_config().version
    budget = result.component(Criterion.BUDGET)
    assert budget.reason == "Budget of USD 100,000 meets the $100k+ tier (>= 100,000)."
    assert (budget.tier, budget.max_points, budget.tier_index) == ("$100k+", 30, 0)
    timeline = result.component(Criterion.TIMELINE)
    assert (
        timeline.reason == "A purchase in 6 months falls in the 4 to 6 months tier (<= 6 months)."
    )


def test_bundled_worked_example_file_scores_80() -> None:
    data = json.loads((EXAMPLES / "worked_example.json").read_text())
    assert score(BantAnswers.model_validate(data), default_config()).total == 80


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda path: path.name)
def test_every_bundled_example_scores(path: Path) -> None:
    data = json.loads(path.read_text())
    for item in data if isinstance(data, list) else [data]:
        result = score(BantAnswers.model_validate(item), default_config())
        assert result.total == sum(part.points for part in result.components)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1000000", 30),
        ("100000", 30),
        ("99999.99", 15),
        ("50000", 15),
        ("49999.99", 0),
        ("0", 0),
    ],
)
def test_budget_tier_boundaries(amount: str, expected: int) -> None:
    result = score(
        answers(budget={"kind": "amount", "amount": amount, "currency": "USD"}), default_config()
    )
    assert points(result, Criterion.BUDGET) == expected


def test_budget_range_scores_its_lower_end() -> None:
    budget = {"kind": "range", "minimum": "99999.99", "maximum": "500000", "currency": "USD"}
    part = score(answers(budget=budget), default_config()).component(Criterion.BUDGET)
    assert part.points == 15
    assert part.answer == "USD 99,999.99 to 500,000"
    assert "scored by its lower end" in part.reason


def test_no_budget_is_the_lowest_tier_but_not_missing() -> None:
    result = score(answers(budget={"kind": "no_budget"}), default_config())
    assert points(result, Criterion.BUDGET) == 0
    assert result.missing == ()


@pytest.mark.parametrize(
    ("months", "expected"),
    [("0", 20), ("3", 20), ("3.01", 10), ("4", 10), ("6", 10), ("6.01", 5), ("36", 5)],
)
def test_timeline_tier_boundaries(months: str, expected: int) -> None:
    result = score(answers(timeline={"kind": "months", "months": months}), default_config())
    assert points(result, Criterion.TIMELINE) == expected


@pytest.mark.parametrize(
    ("by_date", "expected"),
    [
        ("2025-03-03", 20),  # said on the day: 0 months
        ("2024-01-01", 20),  # a date in the past counts as now
        ("2025-06-02", 20),  # 91 days = 2.99 months (a month is the mean 30.44 days)
        ("2025-06-03", 10),  # 92 days = 3.02 months
        ("2025-09-01", 10),  # 182 days = 5.98 months
        ("2025-09-02", 5),  # 183 days = 6.01 months
    ],
)
def test_date_timeline_counts_months_from_stated_on(by_date: str, expected: int) -> None:
    result = score(
        answers(timeline={"kind": "date", "by_date": by_date}, stated_on="2025-03-03"),
        default_config(),
    )
    assert points(result, Criterion.TIMELINE) == expected
    assert result.missing == ()


def test_date_timeline_without_stated_on_is_missing() -> None:
    result = score(answers(timeline={"kind": "date", "by_date": "2025-06-01"}), default_config())
    part = result.component(Criterion.TIMELINE)
    assert (part.points, part.missing) == (5, True)
    assert "stated_on" in part.reason
    assert result.missing == (Criterion.TIMELINE,)


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("c_level", 25),
        ("vp_director", 20),
        ("manager", 15),
        ("individual_contributor", 0),
        ("unknown", 0),
    ],
)
def test_authority_levels(level: str, expected: int) -> None:
    result = score(answers(authority={"level": level}), default_config())
    assert points(result, Criterion.AUTHORITY) == expected
    assert (Criterion.AUTHORITY in result.missing) is (level == "unknown")


@pytest.mark.parametrize(
    ("level", "expected"), [("full", 25), ("partial", 15), ("low", 5), ("unknown", 5)]
)
def test_need_levels_and_unknown_goes_to_the_lowest_tier(level: str, expected: int) -> None:
    result = score(answers(need={"level": level}), default_config())
    assert points(result, Criterion.NEED) == expected
    assert (Criterion.NEED in result.missing) is (level == "unknown")


def test_all_unknown_scores_the_lowest_tiers_and_lists_every_criterion_missing() -> None:
    result = score(BantAnswers(), default_config())
    assert [part.points for part in result.components] == [0, 0, 5, 5]
    assert result.total == 10
    assert result.band == "Poor"
    assert result.missing == tuple(Criterion)
    assert all("unknown" in part.reason for part in result.components)


def _with_fx(**rates: str) -> ScoringConfig:
    return ScoringConfig(fx_rates={code: Decimal(rate) for code, rate in rates.items()})


def test_foreign_budget_is_converted_with_its_rate() -> None:
    budget = {"kind": "amount", "amount": "95000", "currency": "EUR"}
    part = score(answers(budget=budget), _with_fx(EUR="1.08")).component(Criterion.BUDGET)
    assert part.points == 30  # 95,000 EUR = 102,600 USD
    assert part.reason == (
        "Budget of EUR 95,000 (USD 102,600 at 1.08) meets the $100k+ tier (>= 100,000)."
    )
    assert not part.missing


def test_foreign_budget_just_below_a_bound_after_conversion() -> None:
    budget = {"kind": "amount", "amount": "50000", "currency": "BRL"}
    assert points(score(answers(budget=budget), _with_fx(BRL="1.99")), Criterion.BUDGET) == 15
    assert points(score(answers(budget=budget), _with_fx(BRL="2")), Criterion.BUDGET) == 30


def test_foreign_budget_without_a_rate_is_unknown_and_says_which_rate_to_add() -> None:
    budget = {"kind": "amount", "amount": "500000", "currency": "EUR"}
    result = score(answers(budget=budget), default_config())
    part = result.component(Criterion.BUDGET)
    assert (part.points, part.missing) == (0, True)
    assert "add fx_rates.EUR (USD per EUR)" in part.reason
    assert result.missing == (Criterion.BUDGET,)


def test_custom_weights_tiers_and_bands() -> None:
    config = ScoringConfig.model_validate(
        {
            "weights": {"budget": 40, "authority": 20, "need": 20, "timeline": 20},
            "tiers": {
                "budget": [
                    {"min_amount": 10000, "points": 40, "label": "any real budget"},
                    {"min_amount": 0, "points": 0, "label": "tiny"},
                ],
                "authority": [
                    {"levels": ["c_level", "vp_director"], "points": 20, "label": "exec"},
                    {"levels": ["manager", "individual_contributor"], "points": 5, "label": "rest"},
                ],
                "need": [
                    {"levels": ["full", "partial"], "points": 20, "label": "fits"},
                    {"levels": ["low"], "points": 0, "label": "no fit"},
                ],
            },
            "bands": [{"name": "Hot", "min": 81}, {"name": "Cold", "min": 0}],
        }
    )
    result = score(answers(), config)
    assert [part.points for part in result.components] == [40, 5, 20, 10]
    assert (result.total, result.band) == (75, "Cold")
    assert score(answers(authority={"level": "c_level"}), config).band == "Hot"


def test_score_is_frozen_and_round_trips_through_json() -> None:
    result = score(answers(), default_config())
    with pytest.raises(ValidationError):
        result.total = 99  # type: ignore[misc]
    assert Score.model_validate_json(result.model_dump_json()) == result


def test_score_many_keeps_order_and_matches_score() -> None:
    many = [answers(), BantAnswers(), answers(need={"level": "low"})]
    results = score_many(many, default_config())
    assert results == [score(item, default_config()) for item in many]
    assert [result.total for result in results] == [80, 10, 60]


def test_compiled_scorer_is_shared_per_config_and_fresh_ones_agree() -> None:
    config = default_config()
    assert compile_scorer(config) is compile_scorer(config)
    assert Scorer(config).score(answers()) == score(answers(), config)


def test_memo_overflow_still_scores_correctly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scoring.engine, "_MEMO_LIMIT", 2)
    scorer = Scorer(default_config())
    amounts = ["10", "60000", "100000", "10", "99999.99"]
    results = [
        scorer.score(answers(budget={"kind": "amount", "amount": amount, "currency": "USD"}))
        for amount in amounts
    ]
    assert [points(result, Criterion.BUDGET) for result in results] == [0, 15, 30, 0, 15]


def test_same_answers_and_config_give_equal_scores() -> None:
    config = ScoringConfig()
    assert score(answers(stated_on=date(2025, 1, 1)), config) == score(
        answers(stated_on=date(2025, 1, 1)), ScoringConfig()
    )
