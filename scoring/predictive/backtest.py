"""A whole backtest: from a typed table and its mapping to metrics, predictions and a model.

Every learned model is evaluated out of sample (stratified k-fold, and time-ordered when the
rows have an order); the rule-based score, when the mapping describes one, is measured on the
same rows so both stand side by side. The primary model is then fitted on every row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from leadflow.errors import InputError
from scoring.bands import DEFAULT_BANDS, Band
from scoring.config import ScoringConfig, default_config
from scoring.predictive.evaluation import (
    Predictions,
    cross_validate,
    fit_model,
    time_ordered,
    time_split,
)
from scoring.predictive.explain import Explanation, explain, top_features, typical_row
from scoring.predictive.features import FeaturePlan, design_matrix, plan_features
from scoring.predictive.mapping import Mapping
from scoring.predictive.metrics import Estimate, evaluate, to_score
from scoring.predictive.models import Calibrator, ModelKind, default_kind
from scoring.predictive.outcome import Outcome, read_outcome
from scoring.predictive.rules import RuleScores, rule_scores
from scoring.predictive.table import ColumnKind, Table

MIN_ROWS = 100
SMALL_ROWS = 500
SMALL_POSITIVES = 40
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    """What to run; `outcome` etc. override the mapping's keys of the same name."""

    outcome: str
    positive: str | None = None
    negative: tuple[str, ...] = ()
    time_column: str | None = None
    rows_in_time_order: bool = False
    include_post_outcome: bool = False
    models: tuple[ModelKind, ...] = (ModelKind.LR, ModelKind.HGB, ModelKind.NB)
    primary: ModelKind | None = None
    folds: int = 5
    n_boot: int = 200
    calibration: str = "sigmoid"
    explain_rows: tuple[int, ...] = ()
    seed: int = 0


@dataclass
class Scored:
    """One scorer's out-of-sample results (a learned model, or the rules)."""

    name: str
    cv: Predictions
    cv_metrics: dict[str, Estimate]
    recent: Predictions | None = None
    recent_metrics: dict[str, Estimate] | None = None


@dataclass
class Result:
    """Everything the report shows and the artifact keeps."""

    table: Table
    outcome: Outcome
    plan: FeaturePlan
    bands: tuple[Band, ...]
    primary: ModelKind
    models: dict[ModelKind, Scored]
    rules: Scored | None
    rule_scores: RuleScores | None
    order_note: str | None
    warnings: list[str]
    level: float
    final_model: object
    calibrator: Calibrator
    feature_importance: list[tuple[str, float]]
    examples: list[tuple[str, int, int, Explanation]]  # (why shown, file row, score, reasons)
    notes: list[str] = field(default_factory=list)


def run_backtest(
    table: Table,
    mapping: Mapping,
    options: Options,
    config: ScoringConfig | None = None,
    progress: Progress | None = None,
) -> Result:
    """Evaluate every model in `options` on `table`; see the module docstring."""
    outcome = read_outcome(table, options.outcome, options.positive, list(options.negative))
    y = outcome.labels.astype(int)
    n, n_pos = len(y), int(y.sum())
    if n < MIN_ROWS:
        raise InputError(f"{n} rows with an outcome; a backtest needs at least {MIN_ROWS}")
    if min(n_pos, n - n_pos) < 5:
        raise InputError(f"only {min(n_pos, n - n_pos)} rows of one outcome; at least 5 needed")
    warnings, level = [], 0.95
    if n < SMALL_ROWS or n_pos < SMALL_POSITIVES:
        level = 0.99
        warnings.append(
            f"small history ({n} rows, {n_pos} positive; {SMALL_ROWS} rows and "
            f"{SMALL_POSITIVES} positives recommended): intervals widened to 99%, read them first"
        )
    plan = plan_features(
        table, y, outcome.rows, outcome=options.outcome, time_column=options.time_column,
        drop=mapping.drop, post_outcome=mapping.post_outcome,
        include_post_outcome=options.include_post_outcome,
        extra_missing=mapping.missing_values, column_missing=mapping.column_missing_values,
    )  # fmt: skip
    if not plan.names:
        raise InputError("no usable feature columns: " + "; ".join(
            f"{e.column}: {e.reason}" for e in plan.excluded))  # fmt: skip
    warnings += plan.warnings
    x = design_matrix(table, plan, outcome.rows)
    order_key, order_note = _order(table, outcome, options)
    bands = config.bands if config is not None else DEFAULT_BANDS
    thresholds = {b.name: b.min for b in bands if b.min > 0}

    def measure(name: str, cv: Predictions, recent: Predictions | None, scores=None) -> Scored:
        s_all = to_score(cv.probabilities) if scores is None else scores
        m = evaluate(y, cv.probabilities, thresholds=thresholds, scores=s_all,
                     n_boot=options.n_boot, level=level, seed=options.seed)  # fmt: skip
        r = None
        if recent is not None:
            s_recent = to_score(recent.probabilities) if scores is None else scores[recent.rows]
            r = evaluate(recent.labels, recent.probabilities, thresholds=thresholds,
                         scores=s_recent, n_boot=options.n_boot, level=level,
                         seed=options.seed)  # fmt: skip
        return Scored(name, cv, m, recent, r)

    models: dict[ModelKind, Scored] = {}
    with threadpool_limits(1):  # BLAS/OpenMP threads fight each other on small fits
        for kind in options.models:
            cv = cross_validate(kind, x, y, len(plan.numeric), folds=options.folds,
                                seed=options.seed, progress=progress,
                                calibration=options.calibration)  # fmt: skip
            recent = None
            if order_key is not None:
                recent = time_ordered(kind, x, y, len(plan.numeric), order_key, cv,
                                      seed=options.seed, progress=progress,
                                      calibration=options.calibration)  # fmt: skip
            models[kind] = measure(kind.title, cv, recent)
        primary = options.primary or default_kind(n)
        if primary not in models:  # auto, but that model was not asked for: the best one asked
            primary = max(models, key=lambda k: models[k].cv_metrics["auc"].value)
        final, calibrator = _fit_final(primary, x, y, plan, models[primary].cv, options)
        if progress:
            progress("final model fitted")
        typical = typical_row(x, len(plan.numeric))
        importance = top_features(final, x, plan.names, typical, seed=options.seed)
        examples = _examples(final, calibrator, x, outcome, plan, typical, options)

    rules = scores = None
    if mapping.rules is not None and (mapping.rules.bant or mapping.rules.signals):
        scores = rule_scores(table, outcome.rows, mapping.rules, config or default_config())
        as_p = scores.totals / 100
        cv_rules = Predictions(np.arange(n), y, as_p, as_p)
        recent_rules = None
        if order_key is not None:
            _, test = time_split(order_key)
            recent_rules = Predictions(test, y[test], as_p[test], as_p[test])
        rules = measure("Rules", cv_rules, recent_rules, scores=scores.totals)
        if progress:
            progress("rules scored")
    return Result(
        table, outcome, plan, tuple(bands), primary, models, rules, scores, order_note,
        warnings, level, final, calibrator, importance, examples, list(outcome.notes),
    )  # fmt: skip


def _order(
    table: Table, outcome: Outcome, options: Options
) -> tuple[np.ndarray | None, str | None]:
    if options.time_column:
        name = options.time_column
        if name not in table.columns:
            raise InputError(f"no time column {name!r} (columns: {', '.join(table.columns)})")
        column = table[name]
        if column.kind is ColumnKind.CATEGORICAL:
            raise InputError(f"time column {name!r} holds neither dates nor numbers")
        key = column.values[outcome.rows].copy()
        missing = np.isnan(key)
        key[missing] = -np.inf  # no time known: counted with the oldest rows, never tested on
        note = f"time-ordered by {name!r}: trained on the oldest 80%, tested on the newest 20%"
        if missing.any():
            note += f" ({int(missing.sum())} rows without a time count as oldest)"
        return key, note
    if options.rows_in_time_order:
        note = (
            "time-ordered by file order: trained on the first 80% of rows, tested on the last 20%"
        )
        return np.arange(len(outcome.rows), dtype=float), note
    return None, None


def _fit_final(kind, x, y, plan, cv: Predictions, options: Options):  # type: ignore[no-untyped-def]
    model = fit_model(kind, x, y, len(plan.numeric), options.seed)
    calibrator = Calibrator(options.calibration).fit(cv.log_odds, y)
    return model, calibrator


def _examples(model, calibrator, x, outcome, plan, typical, options):  # type: ignore[no-untyped-def]
    p = calibrator.transform(model.decision_function(x))
    order = np.argsort(-p, kind="stable")
    picks = [("highest score", int(order[0])), ("median score", int(order[len(order) // 2])),
             ("lowest score", int(order[-1]))]  # fmt: skip
    by_file_row = {int(r): i for i, r in enumerate(outcome.rows)}
    for wanted in options.explain_rows:
        if wanted - 1 not in by_file_row:
            raise InputError(f"--explain {wanted}: no such data row with an outcome")
        picks.append((f"row {wanted}", by_file_row[wanted - 1]))
    reasons = explain(model, x[[i for _, i in picks]], plan.names, typical)
    scores = to_score(p)
    return [(why, int(outcome.rows[i]) + 1, int(scores[i]), r)
            for (why, i), r in zip(picks, reasons, strict=True)]  # fmt: skip
