"""Advancing leads through steps, concurrently and with a pluggable way to run each step.

The plain runner calls steps in worker threads; flows/qualification.py passes a runner that
wraps each step in a Prefect task. Both share this code, so the benchmark compares like for like.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from pydantic import BaseModel

from flows.chain import Chain, Outcome, StepFailed


class Step(Protocol):
    """A runnable step: a name (shown in the Prefect UI) and how to run it for one lead."""

    @property
    def name(self) -> str: ...

    def run(self, chain: Chain, lead_id: int) -> Outcome: ...


StepRunner = Callable[[Chain, int, Step], Awaitable[Outcome]]


class Progress(BaseModel):
    """Where one lead stopped: finished, waiting at a step, or failed at a step."""

    lead_id: int
    finished: bool = False
    waiting_at: str | None = None
    failed_at: str | None = None
    reason: str | None = None
    skipped: bool = False


async def run_in_thread(chain: Chain, lead_id: int, step: Step) -> Outcome:
    """Run a step without Prefect (store and connector calls are blocking)."""
    return await asyncio.to_thread(step.run, chain, lead_id)


async def advance_lead(
    chain: Chain, lead_id: int, steps: Sequence[Step], runner: StepRunner = run_in_thread
) -> Progress:
    """Run `steps` in order for one lead until one waits or fails."""
    for step in steps:
        try:
            outcome = await runner(chain, lead_id, step)
        except StepFailed as exc:
            return Progress(lead_id=lead_id, failed_at=step.name, reason=exc.reason)
        if outcome is Outcome.WAITING:
            return Progress(lead_id=lead_id, waiting_at=step.name)
        if outcome is Outcome.STOPPED:
            return Progress(lead_id=lead_id, skipped=True)
    return Progress(lead_id=lead_id, finished=True)


async def advance_leads(
    chain: Chain,
    lead_ids: Sequence[int],
    steps: Sequence[Step],
    *,
    runner: StepRunner = run_in_thread,
    max_concurrency: int = 4,
) -> list[Progress]:
    """Advance many leads at once, at most `max_concurrency` at a time, in input order."""
    limit = asyncio.Semaphore(max_concurrency)

    async def one(lead_id: int) -> Progress:
        async with limit:
            return await advance_lead(chain, lead_id, steps, runner)

    return list(await asyncio.gather(*(one(lead_id) for lead_id in lead_ids)))
