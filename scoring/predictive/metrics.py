"""Backtest metrics with bootstrap confidence intervals, and the curves the report draws.

The bootstrap resamples rows with replacement; every resample is a vector of row counts, and
every metric here is a weighted sum over rows grouped by distinct score, so one resample of all
metrics costs a few bincounts instead of a sort.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy.stats import rankdata


@dataclass(frozen=True)
class Estimate:
    """A metric's value with its bootstrap interval at `level` (e.g. 0.95)."""

    value: float
    low: float
    high: float
    level: float

    def as_dict(self) -> dict[str, float | None]:
        """Rounded plain data; an undefined value (nothing flagged at a threshold) is None."""
        return {k: None if np.isnan(v) else round(v, 4) for k, v in asdict(self).items()}

    def __str__(self) -> str:
        if np.isnan(self.value):
            return "n/a"
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}]"


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (ties count half); 0.5 when one class is absent."""
    labels = np.asarray(labels)
    n_pos = int(labels.sum())
    n_neg = len(labels) - n_pos
    if n_pos == 0 or n_neg == 0:
        return 0.5
    ranks = rankdata(scores)
    return float((ranks[labels == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


class _Grouped:
    """Rows grouped by distinct score, highest first; weighted metrics from row weights."""

    def __init__(self, labels: np.ndarray, probabilities: np.ndarray):
        self.labels = np.asarray(labels, dtype=float)
        self.probabilities = np.asarray(probabilities, dtype=float)
        distinct, inverse = np.unique(-self.probabilities, return_inverse=True)
        self.group = inverse.ravel()
        self.n_groups = len(distinct)

    def metrics(self, weights: np.ndarray, flagged: Sequence[np.ndarray]) -> list[float]:
        """auc, pr_auc, brier, top-decile lift, then precision and recall per `flagged` mask."""
        y = self.labels
        pos_w = weights * y
        neg_w = weights - pos_w
        pos = np.bincount(self.group, pos_w, self.n_groups)
        neg = np.bincount(self.group, neg_w, self.n_groups)
        total_pos, total_neg = pos.sum(), neg.sum()
        if total_pos == 0 or total_neg == 0:
            return [np.nan] * (4 + 2 * len(flagged))
        neg_below = total_neg - np.cumsum(neg)  # groups are ordered by decreasing score
        area = float((pos * (neg_below + 0.5 * neg)).sum() / (total_pos * total_neg))
        tp = np.cumsum(pos)
        precision = tp / np.maximum(tp + np.cumsum(neg), 1e-12)
        pr_auc = float((pos * precision).sum() / total_pos)
        total = total_pos + total_neg
        brier = float((weights * (self.probabilities - y) ** 2).sum() / total)
        cutoff = total / 10
        cum = np.cumsum(pos + neg)
        k = int(np.searchsorted(cum, cutoff))
        top_rate = tp[k] / max(cum[k], 1e-12)
        lift = float(top_rate / (total_pos / total))
        out = [area, pr_auc, brier, lift]
        for mask in flagged:
            hits = float(pos_w[mask].sum())
            chosen = float(weights[mask].sum())
            out += [hits / chosen if chosen else np.nan, hits / total_pos]
        return out


def evaluate(
    labels: np.ndarray,
    probabilities: np.ndarray,
    *,
    thresholds: dict[str, float] | None = None,
    scores: np.ndarray | None = None,
    n_boot: int = 200,
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, Estimate]:
    """Point estimates and bootstrap intervals of auc, pr_auc, brier, lift_top_decile, and the
    precision/recall of `scores >= threshold` for each named threshold."""
    grouped = _Grouped(labels, probabilities)
    thresholds = thresholds or {}
    scores = probabilities if scores is None else scores
    masks = [scores >= t for t in thresholds.values()]
    names = ["auc", "pr_auc", "brier", "lift_top_decile"]
    for band in thresholds:
        names += [f"precision_at_{band}", f"recall_at_{band}"]
    point = grouped.metrics(np.ones(len(labels)), masks)
    rng = np.random.default_rng(seed)
    n = len(labels)
    draws = np.array(
        [
            grouped.metrics(np.bincount(rng.integers(0, n, n), minlength=n).astype(float), masks)
            for _ in range(n_boot)
        ]
        or [point]
    )
    tail = (1 - level) / 2
    with warnings.catch_warnings():  # a threshold nothing reaches is NaN in every resample
        warnings.simplefilter("ignore", RuntimeWarning)
        low = np.nanquantile(draws, tail, axis=0)
        high = np.nanquantile(draws, 1 - tail, axis=0)
    return {
        name: Estimate(float(point[i]), float(low[i]), float(high[i]), level)
        for i, name in enumerate(names)
    }


def paired_difference(
    labels: np.ndarray,
    before: np.ndarray,
    after: np.ndarray,
    *,
    threshold: float,
    n_boot: int = 200,
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, Estimate]:
    """`after` minus `before` (two scores of the same rows): AUC and precision at `threshold`,
    with intervals from the same resamples for both, so the change is measured pairwise."""
    a, b = _Grouped(labels, before), _Grouped(labels, after)
    masks_a, masks_b = [before >= threshold], [after >= threshold]
    n = len(labels)

    def diff(w: np.ndarray) -> list[float]:
        ma, mb = a.metrics(w, masks_a), b.metrics(w, masks_b)
        return [mb[0] - ma[0], mb[4] - ma[4]]

    point = diff(np.ones(n))
    rng = np.random.default_rng(seed)
    draws = np.array(
        [diff(np.bincount(rng.integers(0, n, n), minlength=n).astype(float)) for _ in range(n_boot)]
        or [point]
    )
    tail = (1 - level) / 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low = np.nanquantile(draws, tail, axis=0)
        high = np.nanquantile(draws, 1 - tail, axis=0)
    names = ["auc", "precision_at_threshold"]
    return {
        k: Estimate(point[i], float(low[i]), float(high[i]), level) for i, k in enumerate(names)
    }


def deciles(labels: np.ndarray, probabilities: np.ndarray) -> dict[str, list[float]]:
    """Per decile of score (highest first): positive rate, lift, cumulative gains."""
    order = np.argsort(-np.asarray(probabilities), kind="stable")
    y = np.asarray(labels, dtype=float)[order]
    parts = np.array_split(y, 10)
    base = y.mean()
    rates = [float(p.mean()) if len(p) else 0.0 for p in parts]
    hits = np.cumsum([p.sum() for p in parts])
    return {
        "positive_rate": rates,
        "lift": [r / base for r in rates],
        "cumulative_gain": [float(h / y.sum()) for h in hits],
    }


def threshold_table(
    labels: np.ndarray, scores: np.ndarray, thresholds: Sequence[float]
) -> list[dict[str, float]]:
    """Precision, recall, F1 and share flagged of `scores >= t` for each threshold t."""
    y = np.asarray(labels).astype(bool)
    rows = []
    for t in thresholds:
        flagged = scores >= t
        tp = float((flagged & y).sum())
        precision = tp / flagged.sum() if flagged.any() else 0.0
        recall = tp / y.sum()
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append(
            {
                "threshold": float(t),
                "precision": precision,
                "recall": recall,
                "f1": f1,
                "flagged_share": float(flagged.mean()),
            }
        )
    return rows


def calibration_bins(
    labels: np.ndarray, probabilities: np.ndarray, n_bins: int = 10
) -> dict[str, list[float]]:
    """Mean predicted probability and observed rate per quantile bin of prediction."""
    order = np.argsort(probabilities, kind="stable")
    p = np.asarray(probabilities)[order]
    y = np.asarray(labels, dtype=float)[order]
    predicted, observed = [], []
    for part_p, part_y in zip(np.array_split(p, n_bins), np.array_split(y, n_bins), strict=True):
        if len(part_p):
            predicted.append(float(part_p.mean()))
            observed.append(float(part_y.mean()))
    return {"predicted": predicted, "observed": observed}


def to_score(probabilities: np.ndarray) -> np.ndarray:
    """The 1-100 score of calibrated probabilities: ceil(100 p), at least 1."""
    return np.clip(np.ceil(np.asarray(probabilities) * 100), 1, 100).astype(int)
