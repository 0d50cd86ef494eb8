"""`extract`, `eval extraction`, `llm-calls show` on a fresh typer app; the gold format."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from leadflow.commands import extract_cmd
from leadflow.errors import InputError
from leadflow.evaluation.gold import GoldCase, load_gold_dir, write_gold_case
from scoring.transcript import Side
from tests.leadflow.conftest import GOLD


@pytest.mark.parametrize("file", ["en-strong.txt", "en-range.vtt", "fi-captions.srt",
                                  "pt-gong.json"])
def test_extract_reads_every_format_and_marks_evidence(
    app: typer.Typer, runner: CliRunner, file: str
) -> None:
    result = runner.invoke(app, ["extract", str(GOLD / file), "--offline"])
    assert result.exit_code == 0, result.output
    assert "budget" in result.output and "✓" in result.output


def test_extract_json_is_an_extraction(app: typer.Typer, runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", str(GOLD / "en-strong.txt"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["answers"]["budget"]["amount"] == "150000"
    assert data["answers"]["budget"]["evidence"][0]["verified"] is True


def test_offline_and_model_together_is_an_error(app: typer.Typer, runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", str(GOLD / "en-strong.txt"), "--offline",
                                 "--model", "x"])
    assert isinstance(result.exception, InputError)


def test_eval_extraction_reports_per_criterion_metrics(app: typer.Typer, runner: CliRunner) -> None:
    result = runner.invoke(app, ["eval", "extraction", str(GOLD), "--offline", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["cases"] == 9 and report["errors"] == 0
    assert set(report["criteria"]) == {"budget", "authority", "need", "timeline"}
    assert {"accuracy", "precision", "recall"} <= set(report["criteria"]["budget"])
    assert report["evidence_verified_rate"] is not None
    table = runner.invoke(app, ["eval", "extraction", str(GOLD), "--offline"])
    assert "precision (found)" in table.output and "evidence verified" in table.output


def test_llm_calls_show_prints_one_recorded_attempt(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    from leadflow.settings import load_settings
    from leadflow.store import Store
    from leadflow.store.llm_calls import add_llm_call

    store = Store.from_settings(load_settings())
    with store.session() as session:
        row = add_llm_call(session, prompt_name="bant_extract", prompt_hash="bant_extract@1",
                           model_requested="m", status="invalid", error="budget: bad",
                           messages=[{"role": "user", "content": "hello"}],
                           raw_response="{}", evidence=[{"criterion": "budget", "quote": "q",
                                                         "verified": False}])
    store.close()
    result = runner.invoke(app, ["llm-calls", "show", str(row.id)])
    assert result.exit_code == 0, result.output
    assert "budget: bad" in result.output and "✗ budget: “q”" in result.output
    missing = runner.invoke(app, ["llm-calls", "show", "999"])
    assert isinstance(missing.exception, InputError)


def test_the_eval_sub_app_is_exposed_for_more_commands() -> None:
    assert extract_cmd.eval_app.info.name == "eval"


def test_gold_cases_round_trip_and_bad_ones_name_the_field(tmp_path: Path) -> None:
    cases = load_gold_dir(GOLD)
    assert {c.language for c in cases} == {"en", "pt", "es", "fi"}
    injection = next(c for c in cases if c.name == "en-injection")
    written = write_gold_case(tmp_path, injection, (GOLD / "en-injection.txt").read_text(),
                              "call.txt")
    [again] = load_gold_dir(tmp_path)
    assert written.name == "en-injection.gold.json" and again.transcript == "call.txt"
    assert again.expected == injection.expected
    bad = json.loads(written.read_text())
    bad["expected"]["budget"] = {"status": "absent", "value": {"kind": "no_budget"}}
    written.write_text(json.dumps(bad))
    with pytest.raises(InputError) as caught:
        load_gold_dir(tmp_path)
    assert any("expected.budget" in error for error in caught.value.errors)
    assert GoldCase.model_fields["name"].exclude


def test_extract_takes_the_call_date_and_who_is_on_which_side(
    app: typer.Typer, runner: CliRunner
) -> None:
    result = runner.invoke(app, ["extract", str(GOLD / "en-strong.txt"), "--offline", "--json",
                                 "--call-date", "2030-03-05", "--lead", "Dana Whitfield",
                                 "--lead", "Sam Okafor", "--rep", "Ana Lima"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["answers"]["stated_on"] == "2030-03-05"
    bad = runner.invoke(app, ["extract", str(GOLD / "en-strong.txt"), "--offline",
                              "--call-date", "05/03/2030"])
    assert bad.exit_code == 2 and "--call-date" in bad.output


def test_the_commands_context_puts_leads_on_the_prospect_side_and_reps_on_ours() -> None:
    context = extract_cmd.command_context(["lead scoring"], call_date=date(2030, 3, 5),
                                          leads=["Dana"], reps=["Ana", "João"])
    assert [(p.name, p.side) for p in context.participants] == [
        ("Dana", Side.PROSPECT), ("Ana", Side.VENDOR), ("João", Side.VENDOR)]
    assert context.call_date == date(2030, 3, 5)
    assert context.product_capabilities == ["lead scoring"]
    with pytest.raises(InputError, match="--lead"):
        extract_cmd.command_context([], call_date=None, leads=[" "], reps=[])


def test_a_gold_case_gives_its_extraction_context_and_reads_the_old_date_name() -> None:
    [case] = [c for c in load_gold_dir(GOLD) if c.name == "en-range"]
    context = case.context()
    assert context.call_date == date(2030, 3, 5)
    assert context.product_capabilities == list(case.capabilities)
    old = GoldCase.model_validate({
        "transcript": "call.txt", "stated_on": "2030-03-05",
        "participants": [{"name": "Dana", "side": "prospect", "title": "CFO"}],
        "expected": case.expected.model_dump(mode="json")})
    assert old.context().call_date == date(2030, 3, 5)
    assert old.context().participants[0].side is Side.PROSPECT
    assert '"call_date":"2030-03-05"' in old.model_dump_json()


def test_extract_matches_needs_against_the_capabilities_the_demo_saved(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    from leadflow.demo import install_demo_data
    from leadflow.settings import Settings
    from leadflow.store import Store

    transcript = str(GOLD.parent / "demo" / "transcripts" / "dana.whitfield@northwind.example.txt")
    before = json.loads(runner.invoke(app, ["extract", transcript, "--offline", "--json"]).output)
    assert before["fields"]["need"]["status"] == "ambiguous"  # no capabilities: cannot tell
    settings = Settings(data_dir=tmp_path / ".leadflow")
    install_demo_data(settings, Store.from_settings(settings))
    after = json.loads(runner.invoke(app, ["extract", transcript, "--offline", "--json"]).output)
    assert after["fields"]["need"]["status"] == "found"
    assert after["answers"]["need"]["level"] == "full"
