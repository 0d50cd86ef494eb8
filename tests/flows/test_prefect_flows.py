"""The flows against a real embedded Prefect server: leads' steps run as named task runs."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.sorting import TaskRunSort

from flows.qualification import collect_transcripts, qualify_leads, run_spec_file
from flows.receive import receive
from flows.server import ensure_server, is_healthy
from flows.spec.engine import bant_steps
from leadflow.store.leads import get_lead
from leadflow.store.models import LeadState
from tests.flows.test_chain import TRANSCRIPT, strong_extraction
from tests.flows.world import World, submission

pytestmark = pytest.mark.prefect


def test_the_server_is_reused_not_started_twice(prefect_server: str, tmp_path: Path) -> None:
    port = int(prefect_server.rsplit(":", 1)[1].split("/")[0])
    assert ensure_server(tmp_path, port) == prefect_server  # healthy: nothing started
    assert not (tmp_path / "prefect" / "server.pid").exists()
    assert is_healthy(prefect_server)


async def _task_run_names(flow_run_id: object, expected: int) -> list[str]:
    """Task-run names of a flow run, once the server has ingested them (it does so from events)."""
    names: list[str] = []
    # Up to a minute: on a loaded machine the server ingests task-run events slowly.
    for _ in range(240):
        names = await _read_task_run_names(flow_run_id)
        if len(names) >= expected:
            break
        await asyncio.sleep(0.25)
    return names


async def _read_task_run_names(flow_run_id: object) -> list[str]:
    async with get_client() as client:
        # Explicit sort and limit: this server version rejects nulls for them.
        runs = await client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])),
            sort=TaskRunSort.EXPECTED_START_TIME_DESC, limit=200)
    return sorted(run.name for run in runs)


def test_qualify_then_collect_runs_every_step_as_a_named_task(
    prefect_server: str, world: World
) -> None:
    lead_ids = []
    for index in range(2):
        received = receive(world.store, "google_forms", submission(index))
        lead_ids.append(received.lead_id)
        world.transcripts.add(TRANSCRIPT, lead_email=f"lead{index}@example.com")
        world.extractor.queue(strong_extraction())

    state = asyncio.run(qualify_leads(lead_ids, world.chain, return_state=True))
    assert [item.waiting_at for item in state.result()] == ["transcript", "transcript"]
    expected = sorted(f"{step.name} · lead {lead_id}" for lead_id in lead_ids
                      for step in bant_steps()[:6])  # up to and including the transcript wait
    names = asyncio.run(_task_run_names(state.state_details.flow_run_id, len(expected)))
    assert names == expected

    world.clock.now += timedelta(days=5)
    results = asyncio.run(collect_transcripts(world.chain))
    assert all(item.finished for item in results) and len(results) == 2
    with world.store.session(write=False) as session:
        states = {get_lead(session, i).state for i in lead_ids}  # type: ignore[union-attr]
    assert states == {LeadState.SCORED}
    assert len(world.notifier.sent) == 2


def _scored_through_prefect(world: World, index: int) -> int:
    """One lead qualified, then (calls over) scored, by the two flows: its id."""
    received = receive(world.store, "google_forms", submission(index))
    assert received.lead_id is not None
    world.transcripts.add(TRANSCRIPT, lead_email=f"lead{index}@example.com")
    world.extractor.queue(strong_extraction())
    asyncio.run(qualify_leads([received.lead_id], world.chain))
    world.clock.now += timedelta(days=5)
    asyncio.run(collect_transcripts(world.chain))
    return received.lead_id


def test_a_spec_file_runs_as_a_flow_over_the_scored_leads(
    prefect_server: str, world: World, tmp_path: Path
) -> None:
    _scored_through_prefect(world, 5)
    spec = tmp_path / "hot.yaml"
    spec.write_text("name: hot-list\ntrigger: {kind: schedule, every_minutes: 60}\nsteps:\n"
                    "  - {name: current, action: score.latest}\n"
                    "  - name: ping\n    action: notify.send\n"
                    "    when: \"steps.current.total > 80\"\n"
                    "    params: {recipient: boss@example.com, title: hot, "
                    "text: \"{{ lead.email }} scored {{ steps.current.total }}\"}\n")
    [progress] = asyncio.run(run_spec_file(str(spec), world.chain))
    assert progress.finished
    assert world.notifier.sent[-1][0].text == "lead5@example.com scored 100"


def test_a_config_change_is_rescored_as_a_prefect_flow_run(
    prefect_server: str, world: World
) -> None:
    """What the web does after ops save a config: the rescore flow as a Prefect flow run."""
    from leadflow.config_change import rescore_in_force, save_change
    from scoring.config import default_config

    lead_id = _scored_through_prefect(world, 6)
    data = default_config().model_dump(mode="json")
    data["tiers"]["timeline"][0]["max_months"] = 1  # 2 months: 20 -> 10 points
    save_change(world.chain, data, actor="ops", reason="sooner is better")
    summary = asyncio.run(rescore_in_force(world.chain, actor="ops", prefect=True))
    assert (summary.changed, summary.written) == (1, 1)
    with world.store.session(write=False) as session:
        assert get_lead(session, lead_id).score_total == 90  # type: ignore[union-attr]
