"""Bank Marketing (UCI): a few thousand rows here; the whole file once, marked bank_full."""

import numpy as np
import pytest
from conftest import BANK_FULL

from scoring.predictive.backtest import Options, run_backtest
from scoring.predictive.mapping import load_mapping
from scoring.predictive.models import ModelKind
from scoring.predictive.table import load_table

pytestmark = pytest.mark.skipif(
    not BANK_FULL.exists(), reason=f"bank marketing data not found at {BANK_FULL}"
)


@pytest.fixture(scope="module")
def bank():
    from pathlib import Path

    mapping_path = (
        Path(__file__).resolve().parents[3] / "examples" / "backtest" / "bank-marketing.yaml"
    )
    mapping = load_mapping(mapping_path)
    table = load_table(BANK_FULL, column_missing_values=mapping.column_missing_values)
    return table, mapping


def test_a_sample_without_duration_is_predictive_and_with_it_leaks(bank):
    table, mapping = bank
    rows = np.sort(np.random.default_rng(0).choice(table.n_rows, 4000, replace=False))
    sample = table.take(rows)
    options = Options(outcome="y", models=(ModelKind.LR,), folds=3, n_boot=50,
                      rows_in_time_order=True)  # fmt: skip
    result = run_backtest(sample, mapping, options)
    assert any(e.column == "duration" and e.reason.startswith("post-outcome") for e in
               result.plan.excluded)  # fmt: skip
    assert result.models[ModelKind.LR].cv_metrics["auc"].value > 0.75
    assert result.models[ModelKind.LR].recent_metrics is not None
    forced = run_backtest(sample, mapping, Options(**(options.__dict__ | {
        "include_post_outcome": True})))  # fmt: skip
    assert any(w.startswith("LEAKAGE: post-outcome column 'duration'") for w in forced.warnings)
    assert forced.models[ModelKind.LR].cv_metrics["auc"].value > 0.88


@pytest.mark.bank_full
def test_full_file_five_fold_auc_is_at_least_079(bank):
    table, mapping = bank
    options = Options(outcome="y", models=(ModelKind.HGB,), n_boot=50, rows_in_time_order=True)
    result = run_backtest(table, mapping, options)
    scored = result.models[ModelKind.HGB]
    assert scored.cv_metrics["auc"].value >= 0.79
    assert scored.recent_metrics is not None and scored.recent_metrics["auc"].value > 0.5
