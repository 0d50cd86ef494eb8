"""`leadflow doctor` and `leadflow hubspot provision`, registered on a fresh typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from leadflow.commands import doctor_cmd, hubspot_cmd
from tests.connectors.hubspot_world import fresh_stub as fresh_hubspot
from tests.connectors.slack_world import fresh_stub as fresh_slack
from tests.stubs import hubspot as hubspot_stub
from tests.stubs import slack as slack_stub


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    app.callback()(lambda: None)  # a group, as in leadflow/cli.py
    doctor_cmd.register(app)
    hubspot_cmd.register(app)
    return app


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings from the environment only, with a scratch data dir and no .env file."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEADFLOW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def run(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def use_hubspot(monkeypatch: pytest.MonkeyPatch) -> hubspot_stub.HubSpotStub:
    stub = fresh_hubspot()
    monkeypatch.setenv("LEADFLOW_CRM", "hubspot")
    monkeypatch.setenv("LEADFLOW_HUBSPOT__ACCESS_TOKEN", hubspot_stub.TOKEN)
    monkeypatch.setenv("LEADFLOW_HUBSPOT__BASE_URL", stub.url)
    return stub


def test_local_defaults_pass_with_a_warning_for_the_missing_folder(app: typer.Typer) -> None:
    code, output = run(app, "doctor")
    assert code == 0, output
    assert "ok    store  store reachable" in output
    assert "ok    calendar:local  reps file valid" in output
    assert "warn  transcripts:folder  transcripts folder exists" in output
    assert "all checks passed" in output


def test_unprovisioned_hubspot_fails_with_the_fix_then_passes(
    app: typer.Typer, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_hubspot(monkeypatch)
    code, output = run(app, "doctor")
    assert code == 1
    assert "ok    crm:hubspot  credentials present" in output
    assert "fail  crm:hubspot  properties provisioned" in output
    assert "-> run `leadflow hubspot provision`" in output
    assert hubspot_stub.TOKEN not in output

    code, output = run(app, "hubspot", "provision")
    assert code == 0, output
    assert "created property  contacts.leadflow_score" in output
    code, output = run(app, "hubspot", "provision")
    assert code == 0 and output.strip().endswith("0 created, 19 already there, 0 conflicting")

    code, output = run(app, "doctor", "--json")
    assert code == 0, output
    checks = {(c["connector"], c["check"]): c["status"] for c in json.loads(output)}
    assert checks[("crm:hubspot", "properties provisioned")] == "ok"
    assert checks[("crm:hubspot", "scopes sufficient")] == "ok"


def test_a_missing_token_fails_the_configured_check(
    app: typer.Typer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_NOTIFIER", "slack")
    code, output = run(app, "doctor")
    assert code == 1
    assert "fail  notifier:slack  configured" in output and "LEADFLOW_SLACK__BOT_TOKEN" in output


def test_slack_doctor_checks_the_token(app: typer.Typer, monkeypatch: pytest.MonkeyPatch) -> None:
    stub = fresh_slack()
    monkeypatch.setenv("LEADFLOW_NOTIFIER", "slack")
    monkeypatch.setenv("LEADFLOW_SLACK__BOT_TOKEN", slack_stub.TOKEN)
    monkeypatch.setenv("LEADFLOW_SLACK__BASE_URL", f"{stub.url}/api/")
    monkeypatch.setenv("LEADFLOW_SLACK__CHANNEL", slack_stub.CHANNEL)
    code, output = run(app, "doctor")
    assert code == 0, output
    assert "ok    notifier:slack  endpoint reachable: workspace Stub Team" in output


def test_provision_without_a_token_is_a_config_error(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["hubspot", "provision"])
    assert "LEADFLOW_HUBSPOT__ACCESS_TOKEN" in str(result.exception)


def test_an_unreachable_prefect_api_fails_with_what_to_do(
    app: typer.Typer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("LEADFLOW_PREFECT_API_URL", f"http://127.0.0.1:{port}/api")
    code, output = run(app, "doctor")
    assert code == 1
    assert f"fail  prefect  API reachable: http://127.0.0.1:{port}/api does not answer" in output
    assert "unset LEADFLOW_PREFECT_API_URL" in output
