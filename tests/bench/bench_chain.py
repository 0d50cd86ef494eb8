"""200 leads through the whole chain on fakes with an instant extractor: plain vs Prefect.

The same steps run twice in one process: as plain functions in worker threads, and as Prefect
tasks inside batch flow runs against an embedded server on a free port. The difference is what
Prefect costs; it is split into the flow runs' fixed cost and a per-task-run cost.
"""

from __future__ import annotations

import asyncio
import socket
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from connectors.base import Rep
from flows.receive import receive
from flows.runner import advance_leads
from flows.spec.engine import bant_steps
from tests.flows.test_chain import TRANSCRIPT, strong_extraction
from tests.flows.world import World, build_world, submission

LEADS = 200


def _seed(world: World) -> list[int]:
    lead_ids = []
    answer = strong_extraction()
    for index in range(LEADS):
        email = f"bench{index}@example.com"
        received = receive(world.store, "google_forms", submission(index, email=email))
        assert received.lead_id is not None
        lead_ids.append(received.lead_id)
        world.transcripts.add(TRANSCRIPT, lead_email=email)
        world.extractor.queue(answer)
    return lead_ids


def _world(folder: Path) -> World:
    # Forty reps, so 200 leads asking for eight distinct hours all find someone free.
    reps = [Rep(id=f"rep-{n:02d}", name=f"Rep {n}", email=f"rep{n}@example.com",
                time_zone="America/New_York") for n in range(40)]
    return build_world(folder, reps=reps, max_concurrency=8)


def _plain(folder: Path) -> float:
    world = _world(folder)
    lead_ids = _seed(world)
    started = time.perf_counter()
    asyncio.run(advance_leads(world.chain, lead_ids, bant_steps(), max_concurrency=8))
    world.clock.now += timedelta(days=5)
    results = asyncio.run(advance_leads(world.chain, lead_ids, bant_steps(), max_concurrency=8))
    elapsed = time.perf_counter() - started
    assert all(item.finished for item in results), [r for r in results if not r.finished][:3]
    return elapsed


def _prefect(folder: Path, api_url: str) -> tuple[float, float]:
    from prefect import flow
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.qualification import collect_transcripts, qualify_leads

    world = _world(folder)
    lead_ids = _seed(world)
    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        @flow(name="bench-empty")
        async def empty() -> None:
            """An empty flow run: the fixed cost of one flow run."""

        asyncio.run(empty())  # warm the client
        started = time.perf_counter()
        asyncio.run(empty())
        empty_flow_s = time.perf_counter() - started
        started = time.perf_counter()
        asyncio.run(qualify_leads(lead_ids, world.chain))
        world.clock.now += timedelta(days=5)
        results = asyncio.run(collect_transcripts(world.chain))
        elapsed = time.perf_counter() - started
    assert all(item.finished for item in results)
    return elapsed, empty_flow_s


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run() -> list[dict[str, Any]]:
    """Wall time and per-lead overhead of the chain, plain versus as Prefect tasks."""
    from flows.server import ensure_server, stop_server

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "plain").mkdir()
        (folder / "prefect").mkdir()
        plain_s = _plain(folder / "plain")
        api_url = ensure_server(folder / "server", _free_port())
        try:
            prefect_s, empty_flow_s = _prefect(folder / "prefect", api_url)
        finally:
            stop_server(folder / "server")
    # Before the call: the steps up to the transcript wait; after it: from the wait on.
    names = [step.name for step in bant_steps()]
    task_runs = LEADS * (len(names) + 1)
    per_task_ms = (prefect_s - plain_s - 2 * empty_flow_s) / task_runs * 1000
    return [
        {"name": f"chain, {LEADS} leads, plain functions", "value": round(plain_s, 2),
         "unit": "s", "target": None, "ok": True},
        {"name": f"chain, {LEADS} leads, Prefect tasks in 2 flow runs (from the BANT spec)",
         "value": round(prefect_s, 2), "unit": "s", "target": None, "ok": True},
        {"name": "per-lead overhead of Prefect", "value": round((prefect_s - plain_s) / LEADS
                                                                 * 1000, 1),
         "unit": "ms/lead", "target": None, "ok": True},
        {"name": "Prefect / plain wall time", "value": round(prefect_s / plain_s, 1),
         "unit": "x", "target": None, "ok": True},
        {"name": "where it goes: one empty flow run", "value": round(empty_flow_s * 1000),
         "unit": "ms", "target": None, "ok": True},
        {"name": f"where it goes: per task run ({task_runs} task runs)",
         "value": round(per_task_ms, 1), "unit": "ms", "target": None, "ok": True},
    ]
