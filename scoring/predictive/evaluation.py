"""Out-of-sample evaluation: stratified k-fold, and time-ordered (train on the past, test on
the most recent 20%, as Dynamics does).

Every row gets a prediction from a model that never saw it. The k-fold predictions are then
calibrated cross-fitted: fold f's log-odds go through a calibrator fitted on the other folds'.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import StratifiedKFold

from scoring.predictive.models import Calibrator, ModelKind, make_model

Progress = Callable[[str], None]
TEST_SHARE = 0.2


@dataclass(frozen=True)
class Predictions:
    """Out-of-sample predictions for the rows `rows` (indices into the labels)."""

    rows: np.ndarray
    labels: np.ndarray
    log_odds: np.ndarray
    probabilities: np.ndarray


def n_folds_for(labels: np.ndarray, wanted: int = 5) -> int:
    """`wanted` folds, fewer when a class has fewer rows than that (never below 2)."""
    smallest = int(min(labels.sum(), len(labels) - labels.sum()))
    return max(2, min(wanted, smallest))


def fit_model(kind: ModelKind, x: np.ndarray, y: np.ndarray, n_numeric: int, seed: int = 0):
    """A fitted pipeline of `kind` on the design matrix `x` (numeric columns first)."""
    model = make_model(kind, n_numeric, x.shape[1] - n_numeric, len(y), seed)
    return model.fit(x, y)


def cross_validate(
    kind: ModelKind,
    x: np.ndarray,
    y: np.ndarray,
    n_numeric: int,
    *,
    folds: int = 5,
    seed: int = 0,
    progress: Progress | None = None,
    calibration: str = "sigmoid",
) -> Predictions:
    """Stratified k-fold out-of-fold log-odds, calibrated cross-fitted."""
    folds = n_folds_for(y, folds)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    fold_of = np.empty(len(y), dtype=int)
    log_odds = np.empty(len(y))
    for f, (train, test) in enumerate(splitter.split(x, y)):
        model = fit_model(kind, x[train], y[train], n_numeric, seed)
        log_odds[test] = model.decision_function(x[test])
        fold_of[test] = f
        if progress:
            progress(f"{kind.value} fold {f + 1}/{folds}")
    probabilities = np.empty(len(y))
    for f in range(folds):
        inside = fold_of == f
        calibrator = Calibrator(calibration).fit(log_odds[~inside], y[~inside])
        probabilities[inside] = calibrator.transform(log_odds[inside])
    rows = np.arange(len(y))
    return Predictions(rows, y, log_odds, probabilities)


def time_split(
    order_key: np.ndarray, test_share: float = TEST_SHARE
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the past (train) and of the most recent `test_share` (test), by `order_key`."""
    order = np.argsort(order_key, kind="stable")
    cut = round(len(order) * (1 - test_share))
    return order[:cut], order[cut:]


def time_ordered(
    kind: ModelKind,
    x: np.ndarray,
    y: np.ndarray,
    n_numeric: int,
    order_key: np.ndarray,
    cv: Predictions,
    *,
    seed: int = 0,
    progress: Progress | None = None,
    calibration: str = "sigmoid",
) -> Predictions | None:
    """Train on the oldest 80%, test on the newest 20%; None when a side lacks a class.

    Probabilities go through a calibrator fitted on the k-fold log-odds of the training rows
    only (the test period's labels never reach it), which saves a second fit per model."""
    train, test = time_split(order_key)
    if len(np.unique(y[train])) < 2 or len(np.unique(y[test])) < 2:
        return None
    model = fit_model(kind, x[train], y[train], n_numeric, seed)
    calibrator = Calibrator(calibration).fit(cv.log_odds[train], y[train])
    log_odds = model.decision_function(x[test])
    if progress:
        progress(f"{kind.value} time-ordered")
    return Predictions(test, y[test], log_odds, calibrator.transform(log_odds))
