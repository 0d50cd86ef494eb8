"""A model trained by `leadflow backtest` scores live leads beside the BANT score."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import random
from datetime import timedelta
from pathlib import Path

import typer
from typer.testing import CliRunner

from flows.receive import receive
from flows.runner import advance_leads
from flows.spec.engine import bant_steps
from leadflow.commands import backtest_cmd
from leadflow.lead_views import lead_detail
from scoring.predictive.artifact import load_model
from scoring.predictive.lead_record import BANT_COLUMNS
from tests.flows.test_chain import TRANSCRIPT, strong_extraction
from tests.flows.world import World, submission


def _history(path: Path, rows: int = 300) -> None:
    """Won deals: bigger budgets and more senior buyers win more often."""
    rng = random.Random(3)
    levels = ["c_level", "vp_director", "manager", "individual_contributor"]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*BANT_COLUMNS, "won"])
        for _ in range(rows):
            budget = rng.choice([10_000, 40_000, 80_000, 150_000, 300_000])
            level = rng.choice(levels)
            odds = budget / 300_000 + (3 - levels.index(level)) / 6
            writer.writerow([budget, level, rng.choice(["full", "partial", "low"]),
                             rng.choice([1, 3, 6, 12]), "yes" if rng.random() < odds / 1.6
                             else "no"])


def test_the_score_step_adds_the_predictive_score_and_the_lead_page_shows_it(
    world: World, tmp_path: Path
) -> None:
    _history(tmp_path / "history.csv")
    app = typer.Typer()
    backtest_cmd.register(app)
    model_path = tmp_path / "model.joblib"
    result = CliRunner().invoke(app, [
        "backtest", str(tmp_path / "history.csv"), "--outcome", "won", "--positive", "yes",
        "--models", "lr", "--model", "lr", "--folds", "3", "--bootstrap", "10",
        "--out", str(tmp_path / "report"), "--model-out", str(model_path)])
    assert result.exit_code == 0, result.output
    chain = dataclasses.replace(world.chain, predictive=load_model(model_path))

    received = receive(world.store, "google_forms", submission(0))
    world.transcripts.add(TRANSCRIPT, lead_email="lead0@example.com")
    world.extractor.queue(strong_extraction())  # $150k, C-level: a likely win
    asyncio.run(advance_leads(chain, [received.lead_id], bant_steps()))
    world.clock.now += timedelta(days=5)
    asyncio.run(advance_leads(chain, [received.lead_id], bant_steps()))

    detail = lead_detail(world.store, received.lead_id)
    assert detail is not None and detail.predictive is not None
    assert 1 <= detail.predictive["score"] <= 100
    assert detail.predictive["model_version"] == load_model(model_path).version
    assert detail.lead.score == 100  # the BANT score is unchanged beside it
    assert detail.predictive["score"] > 50
