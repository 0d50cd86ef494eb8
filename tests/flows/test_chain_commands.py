"""The chain's commands on the embedded default (store, local connectors, offline extractor)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from leadflow.commands import chain_cmd
from leadflow.console import AppState
from tests.flows.world import submission

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"


@pytest.fixture
def cli(tmp_path: Path, prefect_server: str):  # type: ignore[no-untyped-def]
    """Invoke a chain command with settings pointing at a temporary data dir."""
    app = typer.Typer()
    chain_cmd.register(app)
    transcripts = tmp_path / "transcripts"
    transcripts.mkdir()
    env = {"LEADFLOW_DATA_DIR": str(tmp_path / "data"), "LEADFLOW_PREFECT_API_URL": prefect_server,
           "LEADFLOW_TRANSCRIPTS_DIR": str(transcripts), "LEADFLOW_NOTIFIER": "jsonl",
           "LEADFLOW_PRODUCT_CAPABILITIES": json.dumps(["lead scoring", "CRM integration"])}

    def invoke(*args: str) -> str:
        result = CliRunner().invoke(app, list(args), env=env, obj=AppState())
        assert result.exit_code == 0, (result.output, result.exception)
        return result.output

    invoke.transcripts = transcripts  # type: ignore[attr-defined]
    return invoke


def _next_weekday_at_15_utc() -> datetime:
    day = datetime.now(UTC).replace(hour=15, minute=0, second=0, microsecond=0) + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_intake_leads_lead_collect_on_the_embedded_default(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    meeting_at = _next_weekday_at_15_utc()
    body = json.loads(submission(0, email="dana.whitfield@northwind.example"))
    body["answers"][-1]["value"] = meeting_at.isoformat()
    form = tmp_path / "form.json"
    form.write_text(json.dumps(body))
    assert "awaiting its transcript" in cli("intake", str(form))
    [row] = json.loads(cli("leads", "--json"))
    assert row["state"] == "awaiting_transcript" and row["rep"]

    # The call happens; its transcript lands in the folder, named by the lead's email.
    shutil.copy(DEMO / "transcripts" / "dana.whitfield@northwind.example.txt", cli.transcripts)
    after = (meeting_at + timedelta(hours=2)).isoformat()
    assert "1 finished" in cli("collect", "--now", after)
    [row] = json.loads(cli("leads", "--json"))
    assert row["state"] in {"scored", "needs_review"} and row["score"] >= 80
    assert row["tiers"]["budget"] == "$100k+"
    detail = json.loads(cli("lead", str(row["id"]), "--json"))
    assert [step["step"] for step in detail["steps"]][:3] == ["intake", "contact", "deal"]
    quotes = [e["quote"] for e in detail["extraction"]["answers"]["budget"]["evidence"]]
    assert any("$150,000" in quote for quote in quotes)
    # Nothing is repeated by a retry of a lead that is done.
    assert "finished" in cli("retry", str(row["id"]))
    assert json.loads(cli("leads", "--json")) == [row]
