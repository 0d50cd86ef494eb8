"""A config change reaches every place a lead is read, and is recorded, previewed and undone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from connectors.base.crm import ObjectType
from leadflow.cli import app
from leadflow.store.leads import get_lead
from tests.web.conftest import login
from tests.web.seed import Seeded

WORKED = Path(__file__).parents[2] / "examples" / "answers" / "worked_example.json"
NAMES = ["leadflow_score", "leadflow_band", "leadflow_review_status"]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """The command line on the seeded world's store (its data dir is tmp_path)."""
    for name in ("LEADFLOW_SCORING_CONFIG", "LEADFLOW_DATABASE_URL",
                 "LEADFLOW_PRODUCT_CAPABILITIES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEADFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def _crm(seeded: Seeded, lead_id: int) -> dict:
    with seeded.world.store.session(write=False) as session:
        lead = get_lead(session, lead_id)
    assert lead is not None and lead.crm_contact_id
    return seeded.world.crm.get_properties(ObjectType.CONTACT, lead.crm_contact_id, NAMES)


def test_a_band_change_through_the_api_is_what_every_view_shows(
    client: TestClient, seeded: Seeded, cli: CliRunner
) -> None:
    ops = {"Authorization": f"Bearer {seeded.tokens['olga']}"}
    assert _crm(seeded, 2) == {"leadflow_score": 65, "leadflow_band": "Fair",
                               "leadflow_review_status": "final"}
    preview = client.post("/api/config/preview", headers=ops, json={
        **client.get("/api/config", headers=ops).json()["config"],
        "bands": [{"name": "Good", "min": 60}, {"name": "Fair", "min": 40},
                  {"name": "Poor", "min": 0}]})
    assert preview.json() == {"leads": 3, "changed": 3, "band_changed": 3}

    changed = client.put("/api/config/bands", headers=ops,
                         json={"band": "Good", "min": 60, "reason": "more hot leads"})
    assert changed.status_code == 200, changed.text
    version = client.get("/api/config", headers=ops).json()["version"]

    # The web list and the JSON API.
    login(client, "olga")
    row = next(line for line in client.get("/leads").text.split("<tr")
               if 'href="/leads/2"' in line)
    assert "Good" in row and "Fair" not in row
    # The command line, in the same test, on the same store.
    listed = cli.invoke(app, ["leads", "--json"])
    assert listed.exit_code == 0, listed.output
    bands = {item["id"]: item["band"] for item in json.loads(listed.output)}
    assert bands == {1: "Good", 2: "Good", 3: "Good", 4: None}
    scored = json.loads(cli.invoke(app, ["score", str(WORKED), "--json"]).output)
    assert (scored["total"], scored["band"], scored["config_hash"]) == (80, "Good", version)
    shown = json.loads(cli.invoke(app, ["config", "show", "--json"]).output)
    assert shown["scoring_config_version"] == version
    assert shown["scoring"]["config"]["bands"][0] == {"name": "Good", "min": 60}
    assert "olga" in shown["scoring"]["config_from"]
    # The CRM: written by the rescore the change started; the lead in review stays pending.
    assert _crm(seeded, 2) == {"leadflow_score": 65, "leadflow_band": "Good",
                               "leadflow_review_status": "final"}
    assert _crm(seeded, 1)["leadflow_review_status"] == "pending_review"
    assert _crm(seeded, 1)["leadflow_band"] is None
    last = client.get("/api/config", headers=ops).json()["last_rescore"]
    assert (last["band_changed"], last["written"]) == (3, 3)


def test_the_ops_page_previews_saves_with_a_reason_and_restores(
    client: TestClient, seeded: Seeded
) -> None:
    csrf = login(client, "olga")
    page = client.post("/ops/config/bands", data={
        "band": "Good", "min": "60", "action": "preview", "csrf_token": csrf}).text
    assert "would move" in page and "<strong>3</strong> of 3 leads" in page
    refused = client.post("/ops/config/bands", data={
        "band": "Good", "min": "60", "reason": " ", "csrf_token": csrf}).text
    assert "needs a reason" in refused
    saved = client.post("/ops/config/bands", data={
        "band": "Good", "min": "60", "reason": "more hot leads", "csrf_token": csrf}).text
    assert "3 of 3 leads change band" in saved
    assert "bands.Good.min: 70 -&gt; 60" in saved  # the history's diff
    assert "Last rescore" in saved
    capabilities = client.post("/ops/config/capabilities", data={
        "capabilities": "lead scoring\nCRM integration\n", "reason": "our product",
        "csrf_token": csrf}).text
    assert "capabilities: [] -&gt; [lead scoring, CRM integration]" in capabilities
    history = client.get("/api/config/history",
                         headers={"Authorization": f"Bearer {seeded.tokens['olga']}"}).json()
    assert [item["reason"] for item in history] == ["our product", "more hot leads"]
    first = history[-1]["id"]
    restored = client.post(f"/ops/config/history/{first}/restore",
                           data={"reason": "capabilities were wrong", "csrf_token": csrf}).text
    assert "restore" in restored
    with seeded.world.store.session(write=False) as session:
        assert get_lead(session, 2).band == "Good"
    assert seeded.world.chain.in_force().capabilities == ()
