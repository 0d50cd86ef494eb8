"""The background drainer: runs received leads through the qualify steps after intake answered.

Intake wakes it; it also scans the store for leads still `received` (a replayed dead letter,
another process) and for leads whose run was cut off mid-chain (their lease lapsed: a crash,
a kill, an unexpected error), so nothing accepted is forgotten. Leads run in micro-batches
(DESIGN.md, Prefect facts 1): through the `qualify-leads` flow for real, or any `BatchRunner`
(tests pass the plain `advance_leads` runner).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from flows.chain import Chain
from flows.leasing import stuck_lead_ids
from leadflow.store import Store
from leadflow.store.leads import list_leads
from leadflow.store.models import LeadState

BatchRunner = Callable[[Chain, list[int]], Awaitable[Any]]
log = logging.getLogger("leadflow.web.drainer")


async def plain_runner(chain: Chain, lead_ids: list[int]) -> Any:
    """Qualify steps without Prefect (tests, `LEADFLOW_WEB__RUNNER=plain`)."""
    from flows.runner import advance_leads
    from flows.spec.engine import bant_steps

    return await advance_leads(chain, lead_ids, bant_steps(),
                               max_concurrency=chain.max_concurrency)


async def prefect_runner(chain: Chain, lead_ids: list[int]) -> Any:
    """Qualify steps as the `qualify-leads` Prefect flow (one flow run per micro-batch)."""
    from flows.qualification import qualify_leads

    return await qualify_leads(lead_ids, chain)


class Drainer:
    """Runs received leads in micro-batches on the app's event loop, one batch at a time."""

    def __init__(self, chain: Chain, runner: BatchRunner, *, batch: int = 200,
                 interval_s: float = 2.0) -> None:
        self.chain = chain
        self.runner = runner
        self.batch = batch
        self.interval_s = interval_s
        self._queued: list[int] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.batches_run = 0

    def submit(self, lead_ids: Sequence[int]) -> None:
        """Queue leads (called by intake after storing them) and wake the loop."""
        self._queued.extend(lead_ids)
        self._wake.set()

    def start(self) -> None:
        """Start the loop on the running event loop."""
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="lead-drainer")

    async def stop(self) -> None:
        """Stop after the batch in progress (a cancelled batch resumes from the store later)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def drain_once(self) -> int:
        """Run everything queued or still `received`, in batches; return how many leads ran."""
        pending = list(dict.fromkeys([*self._queued, *await asyncio.to_thread(
            _received_ids, self.chain.store), *await asyncio.to_thread(
            stuck_lead_ids, self.chain)]))
        self._queued.clear()
        for start in range(0, len(pending), self.batch):
            await self.runner(self.chain, pending[start:start + self.batch])
            self.batches_run += 1
        return len(pending)

    async def _loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval_s)
            self._wake.clear()
            try:
                count = await self.drain_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                # The top of a long-lived loop (the flow level): one bad batch must not stop
                # intake's chain. Its leads stay `received`, so the next scan retries them.
                log.exception("draining received leads failed; retrying in %.0f s",
                              self.interval_s)
                await asyncio.sleep(self.interval_s)
                continue
            if count:
                log.info("ran %d received lead(s) through the qualify steps", count)


def _received_ids(store: Store) -> list[int]:
    with store.session(write=False) as session:
        return [lead.id for lead in list_leads(session, state=LeadState.RECEIVED, limit=1000)
                if lead.id is not None]
