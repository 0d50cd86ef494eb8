import json

import numpy as np
import pytest

from leadflow.errors import ConfigError
from scoring.predictive.artifact import SavedModel, load_model, make_meta, save_model
from scoring.predictive.backtest import Options, run_backtest
from scoring.predictive.explain import typical_row
from scoring.predictive.features import design_matrix
from scoring.predictive.mapping import load_mapping
from scoring.predictive.models import ModelKind
from scoring.predictive.table import load_table


def test_a_saved_model_scores_new_leads_like_the_backtest(tmp_path, history, mapping_file):
    table = load_table(history)
    result = run_backtest(
        table, load_mapping(mapping_file),
        Options(outcome="outcome", models=(ModelKind.LR,), folds=3, n_boot=10),
    )  # fmt: skip
    x = design_matrix(table, result.plan, result.outcome.rows)
    meta = make_meta(
        kind="lr", data_sha256=table.sha256, source=table.source, rows=600, positives=1,
        outcome="outcome", positive="won", plan=result.plan, metrics={}, calibration="sigmoid",
    )  # fmt: skip
    saved = SavedModel(meta, result.final_model, result.calibrator, result.plan,
                       typical_row(x, len(result.plan.numeric)))  # fmt: skip
    path = save_model(tmp_path / "models" / "m.joblib", saved)
    sidecar = json.loads(path.with_suffix(".joblib.json").read_text())
    assert (
        sidecar["version"].startswith("lr-") and sidecar["training_data"]["sha256"] == table.sha256
    )
    assert "call_minutes" not in sidecar["features"]["numeric"]

    loaded = load_model(path)
    assert loaded.version == sidecar["version"]
    ceo = {"title": "CEO", "budget": "150000", "need": "full", "timeline_months": "2",
           "region": "north", "age": "40"}  # fmt: skip
    analyst = ceo | {"title": "Analyst", "budget": "20000", "need": "Select", "region": "south"}
    high, low = loaded.score_records([ceo, analyst])
    assert 1 <= low.score < high.score <= 100
    assert any(r.startswith("budget = 150000") for r in high.reasons_up)
    assert any(r.startswith("budget = 20000") for r in low.reasons_down)
    p = result.calibrator.transform(result.final_model.decision_function(x[:3]))
    again = loaded.score_records([{k: table[k].raw[i] for k in table.columns} for i in range(3)])
    assert np.allclose([s.probability for s in again], p, atol=1e-4)


def test_not_a_model_file(tmp_path):
    path = tmp_path / "x.joblib"
    path.write_text("hello")
    with pytest.raises(ConfigError, match="not a leadflow model file"):
        load_model(path)
