"""Fit the rules to outcomes: BANT weights and tier points (summing to 100), or signal points.

BANT: each criterion's tiers are coded cumulatively ("at least tier t"), and a logistic
regression with non-negative coefficients is fitted on those codes, so a better tier can never
earn fewer points. A tier's points are the sum of its codes' coefficients; the criterion's weight
is its top tier's points; all are scaled so the weights sum to 100 and rounded. Criteria the
history says nothing about (every row in one tier) keep their current weight and points.
The suggested rules are judged out of sample: each fold's rows are scored with points fitted on
the other folds, and compared with today's rules on the same rows (paired bootstrap).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from sklearn.model_selection import StratifiedKFold

from scoring.bant import Criterion
from scoring.config import ScoringConfig
from scoring.predictive.mapping import Signal
from scoring.predictive.metrics import Estimate, evaluate, paired_difference

_L2 = 1e-3


@dataclass(frozen=True)
class RuleFit:
    """Current versus suggested rules, judged on the same rows out of sample."""

    kind: str
    current_totals: np.ndarray
    suggested_totals: np.ndarray  # out of sample: each row scored by points fitted without it
    current: dict[str, Estimate]
    suggested: dict[str, Estimate]
    change: dict[str, Estimate]
    good_name: str
    good_min: int
    config: ScoringConfig | None  # BANT: the suggested config
    signals: list[Signal] | None  # signals: the suggested points
    notes: list[str]


def _logistic(codes: np.ndarray, y: np.ndarray, non_negative: bool) -> np.ndarray:
    """Coefficients (no intercept returned) of an L2-regularised logistic regression."""
    n, p = codes.shape
    design = np.column_stack([np.ones(n), codes])

    def loss(beta: np.ndarray) -> tuple[float, np.ndarray]:
        z = design @ beta
        value = np.mean(np.logaddexp(0, z) - y * z) + _L2 * beta[1:] @ beta[1:]
        grad = design.T @ (1 / (1 + np.exp(-z)) - y) / n
        grad[1:] += 2 * _L2 * beta[1:]
        return float(value), grad

    bounds = [(None, None)] + [(0, None) if non_negative else (None, None)] * p
    found = minimize(loss, np.zeros(p + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    return found.x[1:]


def _tier_counts(config: ScoringConfig) -> list[int]:
    return [len(getattr(config.tiers, c.value)) for c in Criterion]


def _cumulative_codes(tier_index: np.ndarray, counts: list[int]) -> np.ndarray:
    columns = [tier_index[:, c] <= t for c, k in enumerate(counts) for t in range(k - 1)]
    return np.column_stack(columns).astype(float) if columns else np.zeros((len(tier_index), 0))


def _bant_points(
    tier_index: np.ndarray, y: np.ndarray, config: ScoringConfig
) -> tuple[dict[Criterion, list[int]], list[str]]:
    """Suggested points per tier (best first) of each criterion, and notes."""
    counts = _tier_counts(config)
    beta = _logistic(_cumulative_codes(tier_index, counts), y, non_negative=True)
    raw, notes, offset = {}, [], 0
    informative = {}
    for c, criterion in enumerate(Criterion):
        k = counts[c]
        coefs = beta[offset : offset + k - 1]
        offset += k - 1
        raw[criterion] = [float(coefs[t:].sum()) for t in range(k - 1)] + [0.0]
        informative[criterion] = len(np.unique(tier_index[:, c])) > 1
        if not informative[criterion]:
            notes.append(f"{criterion.value}: every row is in one tier; current points kept")
    kept = {c: [t.points for t in getattr(config.tiers, c.value)] for c in Criterion
            if not informative[c]}  # fmt: skip
    budget = 100 - sum(points[0] for points in kept.values())
    total = sum(raw[c][0] for c in Criterion if informative[c])
    if total <= 0:
        notes.append("no criterion separates the outcomes; the current points are kept")
        return {c: [t.points for t in getattr(config.tiers, c.value)] for c in Criterion}, notes
    free = [c for c in Criterion if informative[c]]
    weights = _largest_remainder([raw[c][0] * budget / total for c in free], budget)
    points = dict(kept)
    for criterion, weight in zip(free, weights, strict=True):
        top = raw[criterion][0]
        tiers = [weight] + [min(weight, round(v * weight / top)) if top else 0
                            for v in raw[criterion][1:]]  # fmt: skip
        points[criterion] = [min(p, tiers[i - 1]) if i else p for i, p in enumerate(tiers)]
    return points, notes


def _largest_remainder(shares: list[float], total: int) -> list[int]:
    floors = [int(np.floor(s)) for s in shares]
    order = np.argsort([-(s - f) for s, f in zip(shares, floors, strict=True)], kind="stable")
    for i in order[: total - sum(floors)]:
        floors[i] += 1
    return floors


def _config_with(config: ScoringConfig, points: dict[Criterion, list[int]]) -> ScoringConfig:
    data = config.model_dump(mode="python")
    for criterion, values in points.items():
        data["weights"][criterion.value] = values[0]
        for tier, value in zip(data["tiers"][criterion.value], values, strict=True):
            tier["points"] = value
    return ScoringConfig.model_validate(data)


def _totals(tier_index: np.ndarray, points: dict[Criterion, list[int]]) -> np.ndarray:
    table = [np.asarray(points[c]) for c in Criterion]
    return sum(table[c][tier_index[:, c]] for c in range(len(table))).astype(float)


def _signal_points(hits: np.ndarray, y: np.ndarray) -> list[int]:
    beta = _logistic(hits, y, non_negative=False)
    positive = beta[beta > 0].sum()
    scale = 100 / positive if positive > 0 else 0.0
    return [round(b * scale) for b in beta]


def fit_rules(
    y: np.ndarray,
    current_totals: np.ndarray,
    *,
    config: ScoringConfig,
    tier_index: np.ndarray | None = None,
    hits: np.ndarray | None = None,
    signals: list[Signal] | None = None,
    folds: int = 5,
    n_boot: int = 200,
    level: float = 0.95,
    seed: int = 0,
) -> RuleFit:
    """Fit BANT points (`tier_index` given) or signal points (`hits` given) to outcomes `y`."""
    good = next(b for b in config.bands if b.min > 0) if len(config.bands) > 1 else None
    good_name, good_min = (good.name, good.min) if good else ("top", 100)
    n_pos = int(y.sum())
    folds = max(2, min(folds, n_pos, len(y) - n_pos))
    oof = np.empty(len(y))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(y)), y):
        if tier_index is not None:
            fold_points, _ = _bant_points(tier_index[train], y[train], config)
            oof[test] = _totals(tier_index[test], fold_points)
        else:
            assert hits is not None
            oof[test] = np.clip(hits[test] @ np.asarray(_signal_points(hits[train], y[train])),
                                0, 100)  # fmt: skip
    thresholds = {good_name: good_min}
    kw = {"n_boot": n_boot, "level": level, "seed": seed, "thresholds": thresholds}
    current = evaluate(y, current_totals / 100, scores=current_totals, **kw)
    suggested = evaluate(y, oof / 100, scores=oof, **kw)
    change = paired_difference(y, current_totals, oof, threshold=good_min, n_boot=n_boot,
                               level=level, seed=seed)  # fmt: skip
    if tier_index is not None:
        points, notes = _bant_points(tier_index, y, config)
        return RuleFit("bant", current_totals, oof, current, suggested, change, good_name,
                       good_min, _config_with(config, points), None, notes)  # fmt: skip
    assert hits is not None and signals is not None
    new_points = _signal_points(hits, y)
    new = [s.model_copy(update={"points": float(p)}) for s, p in zip(signals, new_points,
                                                                      strict=True)]  # fmt: skip
    return RuleFit("signals", current_totals, oof, current, suggested, change, good_name,
                   good_min, None, new, [])  # fmt: skip
