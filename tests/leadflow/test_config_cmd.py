"""`leadflow config apply|history|restore|show` on a store of its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from leadflow.cli import app
from scoring.config import DEFAULT_CONFIG_PATH, default_config


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    for name in ("LEADFLOW_SCORING_CONFIG", "LEADFLOW_DATABASE_URL",
                 "LEADFLOW_PRODUCT_CAPABILITIES", "LEADFLOW_CRM", "LEADFLOW_NOTIFIER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEADFLOW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def _file(tmp_path: Path, **changes: object) -> Path:
    path = tmp_path / "scoring.yaml"
    path.write_text(yaml.safe_dump(yaml.safe_load(DEFAULT_CONFIG_PATH.read_text()) | changes))
    return path


def test_apply_records_the_diff_history_lists_it_and_restore_goes_back(
    runner: CliRunner, tmp_path: Path
) -> None:
    bands = [{"name": "Good", "min": 80}, {"name": "Fair", "min": 40}, {"name": "Poor", "min": 0}]
    file = _file(tmp_path, bands=bands, capabilities=["lead scoring"])
    missing = runner.invoke(app, ["config", "apply", str(file)])
    assert missing.exit_code == 2 and "--reason" in missing.output
    dry = runner.invoke(app, ["config", "apply", str(file), "--reason", "x", "--dry-run"])
    assert "bands.Good.min: 70 -> 80" in dry.output and "of 0 scored leads" in dry.output
    applied = runner.invoke(app, ["config", "apply", str(file), "--reason", "fewer, hotter"])
    assert applied.exit_code == 0, applied.output
    assert "bands.Good.min: 70 -> 80" in applied.output and "rescored 0 leads" in applied.output
    again = runner.invoke(app, ["config", "apply", str(file), "--reason", "twice"])
    assert "nothing to save" in str(again.exception)

    shown = json.loads(runner.invoke(app, ["config", "show", "--json"]).output)["scoring"]
    assert shown["config"]["bands"][0]["min"] == 80 and shown["capabilities"] == ["lead scoring"]
    assert shown["capabilities_from"] == "the config in force"
    table = runner.invoke(app, ["config", "show"]).output
    assert "scoring config in force" in table and "Good 80-100" in table

    history = runner.invoke(app, ["config", "history"]).output
    assert "fewer, hotter" in history and "bands.Good.min: 70 -> 80" in history
    restored = runner.invoke(app, ["config", "restore", "1", "--reason", "undo"])
    assert "nothing to save" in str(restored.exception)  # #1 is the version in force
    default = _file(tmp_path)
    runner.invoke(app, ["config", "apply", str(default), "--reason", "back to default"])
    restored = runner.invoke(app, ["config", "restore", "1", "--reason", "hot again"])
    assert restored.exit_code == 0, restored.output
    shown = json.loads(runner.invoke(app, ["config", "show", "--json"]).output)
    assert shown["scoring_config_version"] != default_config().version
    assert "restore" in runner.invoke(app, ["config", "history"]).output
