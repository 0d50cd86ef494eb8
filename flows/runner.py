"""Advancing leads through steps, concurrently and with a pluggable way to run each step.

The plain runner calls steps in worker threads; flows/qualification.py passes a runner that
wraps each step in a Prefect task. Both share this code, so the benchmark compares like for like.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from pydantic import BaseModel

from flows.chain import Chain, Outcome, StepFailed
from flows.leasing import give_up, interrupted, release_lease_of, renew_lease_of, take_lease_of

log = logging.getLogger("leadflow.flows.runner")


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
    # The run broke off with an unexpected error (not a step failing): it will be resumed.
    interrupted: bool = False


async def run_in_thread(chain: Chain, lead_id: int, step: Step) -> Outcome:
    """Run a step without Prefect (store and connector calls are blocking)."""
    return await asyncio.to_thread(step.run, chain, lead_id)


async def advance_lead(
    chain: Chain, lead_id: int, steps: Sequence[Step], runner: StepRunner = run_in_thread
) -> Progress:
    """Run `steps` in order for one lead until one waits or fails, holding the lead's lease.

    Another process running the lead (its lease valid) means this call does nothing. An
    unexpected error ends only this lead's run: the lease lapses at once so a resumer retries
    it, and after `chain.max_attempts` interrupted runs the lead is marked failed. A cancelled
    run keeps its lease until it expires, then the lead is resumed like after a crash.
    """
    attempt = await asyncio.to_thread(take_lease_of, chain, lead_id)
    if attempt is None:
        return Progress(lead_id=lead_id, skipped=True, reason="another process is running it")
    if attempt > chain.max_attempts:
        reason = await asyncio.to_thread(give_up, chain, lead_id, attempt - 1)
        return Progress(lead_id=lead_id, failed_at="resume", reason=reason)
    at = ["start"]
    try:
        progress = await _run_steps(chain, lead_id, steps, runner, at)
    except Exception as exc:
        reason = chain.redactor.secrets(f"{type(exc).__name__} at {at[0]}: {exc}")
        log.warning("lead %s: run interrupted (attempt %d): %s", lead_id, attempt,
                    chain.redactor.redact(reason))
        await asyncio.to_thread(interrupted, chain, lead_id, reason)
        return Progress(lead_id=lead_id, failed_at=at[0], reason=reason, interrupted=True)
    await asyncio.to_thread(release_lease_of, chain, lead_id)
    return progress


async def _run_steps(chain: Chain, lead_id: int, steps: Sequence[Step], runner: StepRunner,
                     at: list[str]) -> Progress:
    renewed = chain.clock()
    for step in steps:
        at[0] = step.name
        if chain.clock() - renewed > chain.lease / 2:
            renewed = chain.clock()
            await asyncio.to_thread(renew_lease_of, chain, lead_id)
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
