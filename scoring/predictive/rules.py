"""The rule-based score of every history row, to backtest today's rules against outcomes.

Either the mapping names the BANT answer columns (scored by the engine under a ScoringConfig),
or it lists signal columns with points (summed and clipped to 0-100).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np

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
from scoring.config import ScoringConfig
from scoring.engine import Scorer
from scoring.predictive.mapping import BantColumns, RuleColumns, Signal
from scoring.predictive.table import ColumnKind, Table


@dataclass(frozen=True)
class RuleScores:
    """Rule totals (0-100) of the rows, with each row's tier per criterion (BANT only)."""

    kind: str  # "bant" or "signals"
    totals: np.ndarray
    tier_index: np.ndarray | None  # (rows, 4): 0 is the best tier, in Criterion order
    signal_hits: np.ndarray | None  # (rows, signals): 1 where a signal matched
    config_version: str


def rule_scores(
    table: Table, rows: np.ndarray, rules: RuleColumns, config: ScoringConfig
) -> RuleScores:
    """Score `rows` of `table` with the rules the mapping describes."""
    if rules.bant is not None:
        answers = bant_answers(table, rows, rules.bant)
        scores = Scorer(config).score_many(answers)
        totals = np.array([s.total for s in scores], dtype=float)
        tiers = np.array([[c.tier_index for c in s.components] for s in scores], dtype=int)
        return RuleScores("bant", totals, tiers.reshape(len(rows), len(Criterion)), None,
                          config.version)  # fmt: skip
    hits = signal_hits(table, rows, rules.signals)
    points = np.array([s.points for s in rules.signals], dtype=float)
    totals = np.clip(hits @ points, 0, 100)
    return RuleScores("signals", totals, None, hits, "mapping signals")


def signal_hits(table: Table, rows: np.ndarray, signals: list[Signal]) -> np.ndarray:
    """A (rows, signals) 0/1 matrix: where each signal's test holds (missing never matches)."""
    out = np.zeros((len(rows), len(signals)))
    for j, signal in enumerate(signals):
        column = table[signal.column]
        if signal.below is not None or signal.at_least is not None:
            values = _numbers(column.values[rows]) if column.kind is ColumnKind.CATEGORICAL \
                else column.values[rows]  # fmt: skip
            with np.errstate(invalid="ignore"):
                if signal.below is not None:
                    out[:, j] = values < signal.below
                else:
                    out[:, j] = values >= signal.at_least
            continue
        wanted = {signal.equals.lower()} if signal.equals is not None else \
            {v.lower() for v in signal.one_of or []}  # fmt: skip
        raw = column.raw[rows]
        out[:, j] = [str(v).lower() in wanted for v in raw]
    return out


def bant_answers(table: Table, rows: np.ndarray, columns: BantColumns) -> list[BantAnswers]:
    """BantAnswers per row from the mapped columns; anything unreadable is unknown."""
    n = len(rows)
    budget = _column_numbers(table, columns.budget_amount, rows, n)
    months = _column_numbers(table, columns.timeline_months, rows, n)
    authority = _levels(table, columns.authority_level, rows, n, columns.authority_values,
                        AuthorityLevel)  # fmt: skip
    need = _levels(table, columns.need_level, rows, n, columns.need_values, NeedLevel)
    answers = []
    for i in range(n):
        answers.append(
            BantAnswers(
                budget=_budget(budget[i], columns.currency),
                authority=AuthorityAnswer(level=authority[i]),
                need=NeedAnswer(level=need[i]),
                timeline=_timeline(months[i]),
            )
        )
    return answers


def _budget(amount: float, currency: str) -> BudgetAnswer:
    if np.isnan(amount) or amount < 0:
        return BudgetAnswer()
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return BudgetAnswer()
    return BudgetAnswer(kind=BudgetKind.AMOUNT, amount=value, currency=currency)


def _timeline(months: float) -> TimelineAnswer:
    if np.isnan(months) or months < 0:
        return TimelineAnswer()
    return TimelineAnswer(kind=TimelineKind.MONTHS, months=Decimal(str(months)))


def _column_numbers(table: Table, name: str | None, rows: np.ndarray, n: int) -> np.ndarray:
    if name is None:
        return np.full(n, np.nan)
    column = table[name]
    if column.kind is ColumnKind.CATEGORICAL:
        return _numbers(column.values[rows])
    return column.values[rows]


def _numbers(values: np.ndarray) -> np.ndarray:
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if v is None:
            continue
        with contextlib.suppress(ValueError):
            out[i] = float(str(v).replace(",", "").replace("$", "").strip())
    return out


def _levels(table, name, rows, n, mapping, enum):  # type: ignore[no-untyped-def]
    unknown = enum("unknown")
    if name is None:
        return [unknown] * n
    lowered = {k.strip().lower(): v for k, v in mapping.items()}
    known = {level.value: level for level in enum}
    out = []
    for value in table[name].values[rows]:
        text = "" if value is None else str(value).strip().lower()
        out.append(lowered.get(text) or known.get(text.replace(" ", "_"), unknown))
    return out
