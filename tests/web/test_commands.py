"""The web commands, registered on a fresh typer app (leadflow/cli.py is the lead's)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from leadflow.evaluation.gold import load_gold_dir
from leadflow.store import Store
from leadflow.web.accounts import authenticate
from leadflow.web.services import Services
from tests.web.seed import Seeded, web_settings


@pytest.fixture
def cli(web_cli: typer.Typer, tmp_path: Path) -> tuple[typer.Typer, Path]:
    """The web commands and the folder of their store."""
    return web_cli, tmp_path


def test_users_add_list_set_role_disable_token(cli: tuple[typer.Typer, Path]) -> None:
    app, folder = cli
    runner = CliRunner()
    env = {"LEADFLOW_NEW_USER_PASSWORD": "a long password"}
    added = runner.invoke(app, ["users", "add", "ann", "--role", "reviewer"], env=env)
    assert added.exit_code == 0, added.output
    assert runner.invoke(app, ["users", "add", "bob", "--role", "rep"], env=env).exit_code != 0
    assert runner.invoke(app, ["users", "set-role", "ann", "rep", "--rep-id", "rep-ny"]
                         ).exit_code == 0
    listed = json.loads(runner.invoke(app, ["users", "list", "--json"]).output)
    assert listed == [{"id": 1, "username": "ann", "role": "rep", "rep_id": "rep-ny",
                       "disabled": False}]
    token = runner.invoke(app, ["users", "token", "ann"]).output.strip()
    assert token.startswith("lf_")
    assert runner.invoke(app, ["users", "disable", "ann"]).exit_code == 0
    store = Store(f"sqlite:///{folder / 'leadflow.db'}")
    with store.session() as session:
        assert authenticate(session, "ann", "a long password") is None


def test_dead_letters_list_and_replay(cli: tuple[typer.Typer, Path]) -> None:
    app, folder = cli
    store = Store(f"sqlite:///{folder / 'leadflow.db'}")
    from flows.receive import receive
    from tests.flows.world import submission

    bad = json.loads(submission(1))
    bad["answers"][0]["value"] = "nobody"
    received = receive(store, "google_forms", json.dumps(bad))
    runner = CliRunner()
    listed = runner.invoke(app, ["dead-letters", "list"])
    assert f"{received.dead_letter_id}\tgoogle_forms" in listed.output
    assert "nobody" in listed.output and '"answers"' not in listed.output
    again = runner.invoke(app, ["dead-letters", "replay", str(received.dead_letter_id)])
    assert again.exit_code != 0  # still malformed: nothing fixed it


def test_export_gold_writes_reviewed_cases(seeded: Seeded, tmp_path: Path) -> None:
    from leadflow.web.gold_export import export_gold
    from leadflow.web.review_actions import override

    settings = web_settings(tmp_path)
    svc = Services(settings=settings, store=seeded.world.store, chain=seeded.world.chain)
    from scoring.bant import Criterion

    override(svc, 1, Criterion.BUDGET, "150000", "confirmed", "rita")
    written = export_gold(svc, tmp_path / "gold")
    assert len(written) == 1
    case = load_gold_dir(tmp_path / "gold")[0]
    assert case.expected.budget.value.amount == 150000
    assert case.expected.authority.value.level == "vp_director"
