from pathlib import Path

import numpy as np
import pytest
from conftest import synthetic_rows, write_csv

from leadflow.errors import InputError
from scoring.config import default_config
from scoring.predictive.backtest import Options, run_backtest
from scoring.predictive.mapping import load_mapping
from scoring.predictive.models import ModelKind
from scoring.predictive.table import load_table

FAST = {"n_boot": 30, "folds": 3}


def _run(history: Path, mapping_file: Path | None, **options):
    mapping = load_mapping(mapping_file)
    table = load_table(history)
    opts = Options(outcome="outcome", **(FAST | options))
    return run_backtest(table, mapping, opts, default_config())


def test_post_outcome_column_is_excluded_with_its_reason(history, mapping_file):
    result = _run(history, mapping_file, time_column="created")
    reasons = {e.column: e.reason for e in result.plan.excluded}
    assert reasons["call_minutes"] == "post-outcome: length of the sales call"
    assert reasons["lead_id"] == "dropped in the mapping"
    assert reasons["created"].startswith("the time column")
    assert "call_minutes" not in result.plan.names
    assert not any("LEAKAGE" in w for w in result.warnings)
    for scored in result.models.values():
        assert 0.6 < scored.cv_metrics["auc"].value < 0.9
        assert scored.recent_metrics is not None and len(scored.recent.rows) == 120
    assert result.primary is ModelKind.LR  # under 3,000 rows


def test_forcing_a_post_outcome_column_in_warns_about_leakage(history, mapping_file):
    result = _run(history, mapping_file, include_post_outcome=True, models=(ModelKind.LR,))
    assert result.plan.leaked == ["call_minutes"]
    assert any(w.startswith("LEAKAGE: post-outcome column 'call_minutes'") for w in result.warnings)
    assert result.models[ModelKind.LR].cv_metrics["auc"].value > 0.95


def test_an_unmarked_leaking_column_is_flagged(history):
    result = _run(history, None, models=(ModelKind.NB,))
    assert any("possible leakage: column 'call_minutes'" in w for w in result.warnings)
    assert any(e.column == "lead_id" and "identifier" in e.reason for e in result.plan.excluded)


def test_small_history_warns_and_widens_intervals(tmp_path):
    path = write_csv(tmp_path / "small.csv", synthetic_rows(150, seed=3))
    result = _run(path, None, models=(ModelKind.LR, ModelKind.NB, ModelKind.HGB))
    assert result.level == 0.99
    assert any(w.startswith("small history") for w in result.warnings)
    assert result.models[ModelKind.NB].cv_metrics["auc"].level == 0.99


def test_too_few_rows_is_refused(tmp_path):
    path = write_csv(tmp_path / "tiny.csv", synthetic_rows(60))
    with pytest.raises(InputError, match="at least 100"):
        _run(path, None)


def test_rules_are_backtested_beside_the_models(history, mapping_file):
    result = _run(history, mapping_file, models=(ModelKind.NB,), explain_rows=(5,))
    assert result.rules is not None and result.rule_scores.kind == "bant"
    totals = result.rule_scores.totals
    assert totals.min() >= 0 and totals.max() <= 100
    assert result.rules.cv_metrics["auc"].value > 0.6
    assert set(result.rules.cv_metrics) >= {"precision_at_Good", "recall_at_Fair"}
    why, row, score, reasons = result.examples[-1]
    assert (why, row) == ("row 5", 5) and 1 <= score <= 100
    assert len(reasons.up) <= 5 and len(reasons.down) <= 5
    top = [name for name, _ in result.feature_importance[:3]]
    assert "title" in top


def test_the_outcome_column_must_exist(history):
    with pytest.raises(InputError, match="no outcome column 'won'"):
        run_backtest(load_table(history), load_mapping(None), Options(outcome="won"))


def test_positive_value_is_inferred_and_checked(history):
    table = load_table(history)
    result = run_backtest(table, load_mapping(None), Options(outcome="outcome", **FAST,
                          models=(ModelKind.NB,)))  # fmt: skip
    assert result.outcome.positive == "won"
    assert np.isclose(result.outcome.labels.mean(), 0.3, atol=0.15)
    with pytest.raises(InputError, match="no value 'yes'"):
        run_backtest(table, load_mapping(None), Options(outcome="outcome", positive="yes"))
