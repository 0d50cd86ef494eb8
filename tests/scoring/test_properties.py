"""Properties over any valid config and any answers: totals add up, stay in 0-100, are monotone."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.bant import AuthorityLevel, BantAnswers, Criterion, NeedLevel
from scoring.config import ScoringConfig
from scoring.engine import score

STATED_ON = date(2025, 3, 3)


def _points(draw: st.DrawFn, weight: int, count: int) -> list[int]:
    rest = draw(st.lists(st.integers(0, weight), min_size=count - 1, max_size=count - 1))
    return [weight, *sorted(rest, reverse=True)]


def _level_tiers(draw: st.DrawFn, levels: list[str], weight: int) -> list[dict[str, Any]]:
    known = [level for level in levels if level != "unknown"]
    slots = draw(st.lists(st.integers(0, len(known) - 1), min_size=len(known), max_size=len(known)))
    used = sorted(set(slots))  # tiers are the distinct slots, in order, none empty
    groups = [[level for level, slot in zip(known, slots, strict=True) if slot == u] for u in used]
    if draw(st.booleans()):
        groups[-1].append("unknown")
    tier_points = _points(draw, weight, len(groups))
    return [
        {"levels": group, "points": p, "label": f"tier {i}"}
        for i, (group, p) in enumerate(zip(groups, tier_points, strict=True))
    ]


@st.composite
def configs(draw: st.DrawFn) -> ScoringConfig:
    """Any valid scoring config: weights summing to 100, coherent tiers, contiguous bands."""
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=3, max_size=3)))
    budget_w, authority_w, need_w, timeline_w = (
        cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], 100 - cuts[2]
    )  # fmt: skip
    bounds = draw(st.lists(st.integers(1, 300_000), max_size=3, unique=True))
    bounds = [*sorted(bounds, reverse=True), 0]
    maxes = draw(
        st.lists(st.integers(0, 48).map(lambda n: Decimal(n) / 2), max_size=3, unique=True)
    )
    maxes = [*sorted(maxes), None]
    mins = draw(st.lists(st.integers(1, 100), max_size=4, unique=True))
    mins = [*sorted(mins, reverse=True), 0]
    return ScoringConfig.model_validate(
        {
            "fx_rates": draw(st.sampled_from([{}, {"EUR": "1.08"}, {"EUR": "0.5", "BRL": "0.2"}])),
            "weights": {"budget": budget_w, "authority": authority_w, "need": need_w,
                        "timeline": timeline_w},
            "tiers": {
                "budget": [
                    {"min_amount": bound, "points": p, "label": f"b{i}"}
                    for i, (bound, p) in enumerate(
                        zip(bounds, _points(draw, budget_w, len(bounds)), strict=True))
                ],
                "timeline": [
                    {"max_months": top, "points": p, "label": f"t{i}"}
                    for i, (top, p) in enumerate(
                        zip(maxes, _points(draw, timeline_w, len(maxes)), strict=True))
                ],
                "authority": _level_tiers(draw, [level.value for level in AuthorityLevel],
                                          authority_w),
                "need": _level_tiers(draw, [level.value for level in NeedLevel], need_w),
            },
            "bands": [{"name": f"band {i}", "min": m} for i, m in enumerate(mins)],
        }
    )  # fmt: skip


_amounts = st.one_of(
    st.integers(0, 400_000).map(Decimal),
    st.integers(0, 40_000_000).map(lambda cents: Decimal(cents) / 100),
)
budgets = st.one_of(
    st.just({"kind": "unknown"}),
    st.just({"kind": "no_budget"}),
    st.builds(
        lambda amount, currency: {"kind": "amount", "amount": amount, "currency": currency},
        _amounts,
        st.sampled_from(["USD", "USD", "EUR", "BRL", "JPY"]),
    ),
    st.builds(
        lambda low, extra: {
            "kind": "range",
            "minimum": low,
            "maximum": low + extra,
            "currency": "USD",
        },
        _amounts,
        _amounts,
    ),
)
timelines = st.one_of(
    st.just({"kind": "unknown"}),
    st.integers(0, 60).map(lambda n: {"kind": "months", "months": Decimal(n) / 4}),
    st.integers(-30, 900).map(
        lambda days: {"kind": "date", "by_date": STATED_ON + timedelta(days=days)}
    ),
)


@st.composite
def answer_sets(draw: st.DrawFn) -> BantAnswers:
    """Any BANT answers, unknown parts included."""
    return BantAnswers.model_validate(
        {
            "budget": draw(budgets),
            "authority": {"level": draw(st.sampled_from(list(AuthorityLevel)))},
            "need": {"level": draw(st.sampled_from(list(NeedLevel)))},
            "timeline": draw(timelines),
            "stated_on": draw(st.sampled_from([STATED_ON, None])),
        }
    )


def goodness(answers: BantAnswers, criterion: Criterion, config: ScoringConfig) -> Decimal:
    """How good one answer is, judged from the domain (not from the engine): higher is better."""
    if criterion is Criterion.BUDGET:
        amount = answers.budget.comparable_amount
        if amount is None:
            return Decimal(-1)  # unknown: below any amount
        currency = answers.budget.currency or config.currency
        if currency != config.currency:
            rate = config.fx_rates.get(currency)
            return Decimal(-1) if rate is None else amount * rate
        return amount
    if criterion is Criterion.TIMELINE:
        months = answers.timeline.months_from(answers.stated_on)
        return Decimal("-1e9") if months is None else -months  # sooner is better
    level = getattr(answers, criterion.value).level
    table = getattr(config.tiers, criterion.value)
    position = next((i for i, tier in enumerate(table) if level in tier.levels), len(table) - 1)
    return Decimal(-position)


@settings(max_examples=300, deadline=None)
@given(config=configs(), answers=answer_sets())
def test_total_is_the_sum_of_components_within_0_and_100(
    config: ScoringConfig, answers: BantAnswers
) -> None:
    result = score(answers, config)
    assert result.total == sum(part.points for part in result.components)
    assert 0 <= result.total <= 100
    assert all(0 <= part.points <= part.max_points for part in result.components)
    assert [part.criterion for part in result.components] == list(Criterion)
    assert result.missing == tuple(part.criterion for part in result.components if part.missing)


@settings(max_examples=300, deadline=None)
@given(
    config=configs(),
    answers=answer_sets(),
    other=answer_sets(),
    criterion=st.sampled_from(list(Criterion)),
)
def test_improving_one_answer_never_lowers_the_total(
    config: ScoringConfig, answers: BantAnswers, other: BantAnswers, criterion: Criterion
) -> None:
    # Swap in one criterion's answer (and stated_on, which dates depend on) from `other`.
    update: dict[str, Any] = {criterion.value: getattr(other, criterion.value)}
    if criterion is Criterion.TIMELINE:
        update["stated_on"] = other.stated_on
    changed = answers.model_copy(update=update)
    low, high = sorted([answers, changed], key=lambda item: goodness(item, criterion, config))
    if goodness(low, criterion, config) < goodness(high, criterion, config):
        assert score(low, config).total <= score(high, config).total
    else:
        assert score(low, config).total == score(high, config).total
