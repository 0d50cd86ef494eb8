"""The weighted BANT score with its explanation: `score(answers, config) -> Score`, pure and fast.

A config is compiled once into a Scorer: the component of every authority and need level is
built up front, budget and timeline components are memoised by answer value (people state the
same round numbers), and the band of every total is a list index. Most answers then cost a few
dict lookups and one Score.
"""

from __future__ import annotations

import gc
import itertools
import weakref
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from scoring.bands import band_for
from scoring.bant import AuthorityLevel, BantAnswers, Criterion, NeedLevel, TimelineKind
from scoring.components import (
    Component,
    budget_component,
    level_component,
    timeline_component,
)
from scoring.config import ScoringConfig

__all__ = ["Component", "Score", "Scorer", "compile_scorer", "score", "score_many"]

# Memo entries per criterion before a memo is dropped: bounds memory on endless distinct values.
_MEMO_LIMIT = 50_000
# The missing criteria for each combination of missing flags, built once instead of per score.
_MISSING = {
    flags: tuple(criterion for criterion, flag in zip(Criterion, flags, strict=True) if flag)
    for flags in itertools.product((False, True), repeat=len(Criterion))
}


class Score(BaseModel):
    """The explained score of one lead under one config version."""

    model_config = ConfigDict(frozen=True)

    components: tuple[Component, ...]  # budget, authority, need, timeline
    total: int = Field(ge=0, le=100)
    band: str
    missing: tuple[Criterion, ...] = ()
    config_hash: str

    def component(self, criterion: Criterion) -> Component:
        """The component of one criterion."""
        return next(item for item in self.components if item.criterion is criterion)


class Scorer:
    """A ScoringConfig compiled for speed; get the shared one with `compile_scorer(config)`."""

    def __init__(self, config: ScoringConfig) -> None:
        # No reference to `config` itself: compile_scorer's cache must not keep it alive.
        self.config_hash = config.version
        self._currency = config.currency
        self._fx_rates = dict(config.fx_rates)
        self._tiers = config.tiers
        self._max = {criterion: config.weights.of(criterion) for criterion in Criterion}
        self._band_of = [band_for(total, config.bands) for total in range(101)]
        self._authority = {
            level: level_component(
                Criterion.AUTHORITY, level, config.tiers.authority, self._max[Criterion.AUTHORITY]
            )
            for level in AuthorityLevel
        }
        self._need = {
            level: level_component(
                Criterion.NEED, level, config.tiers.need, self._max[Criterion.NEED]
            )
            for level in NeedLevel
        }
        self._budget_memo: dict[tuple[object, ...], Component] = {}
        self._timeline_memo: dict[tuple[object, ...], Component] = {}

    def score(self, answers: BantAnswers) -> Score:
        """Score one lead's answers."""
        money, when = answers.budget, answers.timeline
        key = (money.kind, money.amount, money.minimum, money.maximum, money.currency)
        budget = self._budget_memo.get(key)
        if budget is None:
            budget = budget_component(
                money,
                self._tiers.budget,
                self._currency,
                self._fx_rates,
                self._max[Criterion.BUDGET],
            )
            _remember(self._budget_memo, key, budget)
        stated_on = answers.stated_on if when.kind is TimelineKind.DATE else None
        key = (when.kind, when.months, when.by_date, stated_on)
        timeline = self._timeline_memo.get(key)
        if timeline is None:
            timeline = timeline_component(
                when, stated_on, self._tiers.timeline, self._max[Criterion.TIMELINE]
            )
            _remember(self._timeline_memo, key, timeline)
        authority = self._authority[answers.authority.level]
        need = self._need[answers.need.level]
        total = budget.points + authority.points + need.points + timeline.points
        return Score(
            components=(budget, authority, need, timeline),
            total=total,
            band=self._band_of[total],
            missing=_MISSING[budget.missing, authority.missing, need.missing, timeline.missing],
            config_hash=self.config_hash,
        )

    def score_many(self, many: Iterable[BantAnswers]) -> list[Score]:
        """Score many leads (rescoring, backtests), in order."""
        score = self.score
        # Scores hold no reference cycles, yet each full collection would rescan every Score
        # built so far: with the collector paused, 1M scores take about a third of the time.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return [score(answers) for answers in many]
        finally:
            if was_enabled:
                gc.enable()


def _remember(
    memo: dict[tuple[object, ...], Component], key: tuple[object, ...], component: Component
) -> None:
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = component


# Compiled scorers by config identity; an entry goes when its config is garbage collected.
_SCORERS: dict[int, tuple[weakref.ref[ScoringConfig], Scorer]] = {}


def compile_scorer(config: ScoringConfig) -> Scorer:
    """The Scorer of `config`, compiled on first use and kept while the config lives."""
    entry = _SCORERS.get(id(config))
    if entry is not None and entry[0]() is config:
        return entry[1]
    scorer = Scorer(config)
    _SCORERS[id(config)] = (weakref.ref(config), scorer)
    weakref.finalize(config, _SCORERS.pop, id(config), None)
    return scorer


def score(answers: BantAnswers, config: ScoringConfig) -> Score:
    """Score one lead's answers under `config` (pure: same inputs, same Score)."""
    return compile_scorer(config).score(answers)


def score_many(many: Iterable[BantAnswers], config: ScoringConfig) -> list[Score]:
    """Score many leads under one config, in order."""
    return compile_scorer(config).score_many(many)
