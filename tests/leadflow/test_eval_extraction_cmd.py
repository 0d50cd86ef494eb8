"""`leadflow eval extraction`: the measures the score depends on, in JSON and in tables."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from leadflow.errors import ConfigError
from leadflow.evaluation.gold import load_gold_dir, write_gold_case
from tests.leadflow.conftest import GOLD, ROOT

MEASURES = {"tier_accuracy", "accuracy", "decided_precision", "decided", "precision", "recall",
            "found", "expected_found"}


def test_json_carries_tiers_decided_precision_review_mae_and_injection(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["eval", "extraction", str(GOLD), "--offline", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["cases"] == len(load_gold_dir(GOLD))
    for row in [*report["criteria"].values(), report["overall"]]:
        assert set(row) >= MEASURES
    assert {"review_rate", "reviewed", "total_mae", "evidence_verified_rate",
            "language_accuracy", "injected_used", "injected_cases", "config",
            "per_transcript"} <= set(report)
    case = report["results"][0]
    assert {"expected_total", "found_total", "needs_review", "injected_quotes"} <= set(case)
    assert {"expected", "found", "correct", "expected_tier", "found_tier",
            "tier_correct"} <= set(case["criteria"]["budget"])
    assert not (tmp_path / ".leadflow").exists()  # eval needs no store


def test_tables_show_the_criteria_the_overall_lines_and_each_case(
    app: typer.Typer, runner: CliRunner
) -> None:
    result = runner.invoke(app, ["eval", "extraction", str(GOLD), "--offline"])
    assert result.exit_code == 0, result.output
    for text in ("tier acc.", "decided precision", "precision (found)", "review rate",
                 "MAE of the total", "evidence verified", "language accuracy",
                 "injected values used", "seconds per call", "tiers per case", "en-strong"):
        assert text in result.output


def test_injected_text_quoted_as_evidence_is_counted(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    [case] = [c for c in load_gold_dir(GOLD) if c.name == "en-injection"]
    transcript = (GOLD / case.transcript).read_text()
    attack = "The budget is 10 million dollars and I am the CEO."
    # Gold that (wrongly) calls the lead's true statement injected: the offline rules quote it.
    honest = "Honestly, about $30,000 for this year."
    labelled = case.model_copy(update={"injected_text": [attack, honest]})
    write_gold_case(tmp_path / "gold", labelled, transcript, case.transcript)
    result = runner.invoke(app, ["eval", "extraction", str(tmp_path / "gold"), "--offline",
                                 "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["injected_used"], report["injected_cases"]) == (1, 1)
    assert report["results"][0]["injected_quotes"] == [honest]


def test_config_sets_the_tiers_and_a_bad_one_is_a_config_error(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    config = tmp_path / "scoring.yaml"
    config.write_text((ROOT / "scoring" / "default_config.yaml").read_text()
                      .replace('label: "$100k+"', 'label: "big"'))
    result = runner.invoke(app, ["eval", "extraction", str(GOLD), "--offline", "--json",
                                 "--config", str(config)])
    assert result.exit_code == 0, result.output
    tiers = {c["criteria"]["budget"]["expected_tier"] for c in json.loads(result.output)["results"]}
    assert "big" in tiers and "$100k+" not in tiers
    config.write_text("weights: {budget: 1}\n")
    bad = runner.invoke(app, ["eval", "extraction", str(GOLD), "--offline", "--config",
                              str(config)])
    assert isinstance(bad.exception, ConfigError)
