import json
import re

import pytest
import typer
from typer.testing import CliRunner

from leadflow.commands import backtest_cmd
from leadflow.errors import ConfigError, InputError
from scoring.bant import Criterion


@pytest.fixture
def app(tmp_path, monkeypatch) -> typer.Typer:
    monkeypatch.setenv("LEADFLOW_DATA_DIR", str(tmp_path / "data"))
    app = typer.Typer()
    backtest_cmd.register(app)
    return app


def test_backtest_writes_json_html_and_a_model(app, tmp_path, history, mapping_file):
    out = tmp_path / "report"
    result = CliRunner().invoke(app, [
        "backtest", str(history), "--outcome", "outcome", "--mapping", str(mapping_file),
        "--time-column", "created", "--folds", "3", "--bootstrap", "20", "--out", str(out),
        "--explain", "3",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads((out / "backtest.json").read_text())
    assert set(data["models"]) == {"lr", "hgb", "nb", "rules"}
    assert data["models"]["lr"]["time_ordered"]["auc"]["value"] > 0.5
    assert {"column": "call_minutes", "reason": "post-outcome: length of the sales call"} in (
        data["features"]["excluded"]
    )
    assert data["examples"][-1]["row"] == 3
    model_file = tmp_path / "data" / "models" / "history-lr.joblib"
    assert data["model_file"] == str(model_file) and model_file.exists()
    page = (out / "backtest.html").read_text()
    images = re.findall(r"<img [^>]*src='([^']*)'", page)
    assert len(images) >= 9 and all(src.startswith("data:image/png;base64,") for src in images)
    assert "http" not in page.split("<body>")[1]  # self-contained: nothing to fetch
    assert "post-outcome: length of the sales call" in page
    assert "call_minutes" in result.output


def test_forced_post_outcome_column_is_reported(app, tmp_path, history, mapping_file):
    out = tmp_path / "report"
    result = CliRunner().invoke(app, [
        "backtest", str(history), "--outcome", "outcome", "--mapping", str(mapping_file),
        "--include-post-outcome", "--models", "nb", "--folds", "3", "--bootstrap", "0",
        "--out", str(out), "--no-save",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "LEAKAGE" in result.output
    assert "LEAKAGE" in (out / "backtest.html").read_text()


def test_bad_outcome_column_is_an_input_error(app, history):
    result = CliRunner().invoke(app, ["backtest", str(history), "--outcome", "nope"])
    assert isinstance(result.exception, InputError)
    assert "\n" not in str(result.exception) and "no outcome column 'nope'" in str(result.exception)


def test_bad_mapping_is_a_config_error_naming_the_key(app, tmp_path, history):
    bad = tmp_path / "bad.yaml"
    bad.write_text("post_outcome: {no_such_column: x}\n")
    result = CliRunner().invoke(app, ["backtest", str(history), "--outcome", "outcome",
                                      "--mapping", str(bad)])  # fmt: skip
    assert isinstance(result.exception, ConfigError)
    assert result.exception.key == "post_outcome"


def test_calibrate_shows_and_writes_only_when_asked(app, tmp_path, history, mapping_file):
    target = tmp_path / "suggested.yaml"
    args = ["calibrate", str(history), "--outcome", "outcome", "--mapping", str(mapping_file),
            "--bootstrap", "20"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "AUC: current" in result.output and "precision at Good" in result.output
    assert not target.exists()
    result = CliRunner().invoke(app, [*args, "--write", str(target)])
    assert result.exit_code == 0, result.output
    from scoring.config import load_config

    suggested = load_config(target)
    assert sum(suggested.weights.of(c) for c in Criterion) == 100
