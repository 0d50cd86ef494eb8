"""Shared by the command tests: the extract commands on a fresh typer app, in a clean folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from leadflow.commands import extract_cmd
from leadflow.console import AppState

ROOT = Path(__file__).parents[2]
GOLD = ROOT / "examples" / "gold"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root(ctx: typer.Context) -> None:
        ctx.obj = AppState()

    extract_cmd.register(app)
    return app


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.chdir(tmp_path)  # no stray .env; a store, if any, lands in tmp_path
    for name in ("LEADFLOW_LLM__BASE_URL", "LEADFLOW_EXTRACTOR", "LEADFLOW_DATA_DIR",
                 "LEADFLOW_SCORING_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()
