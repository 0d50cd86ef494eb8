"""The Prefect flows of the qualification chain: each lead's steps are tasks in a batch flow run.

A flow run per lead costs 1.2-2.4 s on this hardware against ~56 ms per lead as tasks in one
batch (DESIGN.md, Prefect facts), so flows take a batch of lead ids. Waiting for a call never
holds a worker: `collect_transcripts` runs on a schedule and picks up what became ready.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from flows.assembly import build_chain
from flows.chain import Chain, Outcome, run_step
from flows.runner import Progress, advance_leads
from flows.steps import ALL_STEPS, QUALIFY_STEPS, SCORE_STEPS, Step, meeting_has_ended
from leadflow.settings import load_settings
from leadflow.store.leads import list_leads
from leadflow.store.models import LeadState

# Leads per flow run: memory grows per tracked task run (Prefect #12668).
MAX_BATCH = 500


@task(cache_policy=NONE)
async def chain_step(chain: Chain, lead_id: int, step: Step) -> Outcome:
    """Run one step of the qualification chain for one lead (idempotent; see flows/chain.py)."""
    return await asyncio.to_thread(run_step, chain, lead_id, step.name, step.body, step.apply)


async def as_task(chain: Chain, lead_id: int, step: Step) -> Outcome:
    """A step runner that shows every step of every lead as a named task in the Prefect UI."""
    named = chain_step.with_options(name=step.name, task_run_name=f"{step.name} · lead {lead_id}")
    return await named(chain, lead_id, step)


def chain_from_settings() -> Chain:
    """The chain as the environment configures it (for scheduled runs without a caller)."""
    return build_chain(load_settings())


async def _advance(
    chain: Chain, lead_ids: Sequence[int], steps: Sequence[Step], max_concurrency: int
) -> list[Progress]:
    results: list[Progress] = []
    for start in range(0, len(lead_ids), MAX_BATCH):
        batch = lead_ids[start:start + MAX_BATCH]
        results += await advance_leads(chain, batch, steps, runner=as_task,
                                       max_concurrency=max_concurrency)
    log = get_run_logger()
    for item in results:
        if item.failed_at:
            log.warning("lead %s failed at %s: %s", item.lead_id, item.failed_at, item.reason)
    return results


# Flows take the Chain as a parameter so tests and the CLI can pass their own; a scheduled
# deployment passes none and the chain is built from settings inside the run.
@flow(name="qualify-leads", validate_parameters=False)
async def qualify_leads(lead_ids: list[int], chain: Chain | None = None) -> list[Progress]:
    """Intake to meeting: CRM upsert, then book the meeting; the lead then awaits its transcript."""
    chain = chain or chain_from_settings()
    return await _advance(chain, lead_ids, QUALIFY_STEPS, chain.max_concurrency)


@flow(name="score-calls", validate_parameters=False)
async def score_calls(lead_ids: list[int], chain: Chain | None = None) -> list[Progress]:
    """Transcript to rep: extract, score, write back to the CRM (or queue for review), notify."""
    chain = chain or chain_from_settings()
    return await _advance(chain, lead_ids, SCORE_STEPS, chain.max_concurrency)


@flow(name="resume-leads", validate_parameters=False)
async def resume_leads(lead_ids: list[int], chain: Chain | None = None) -> list[Progress]:
    """Retry: run every step again for these leads; steps that succeeded return their result."""
    chain = chain or chain_from_settings()
    return await _advance(chain, lead_ids, ALL_STEPS, chain.max_concurrency)


def due_for_scoring(chain: Chain, now: datetime) -> list[int]:
    """Leads waiting for a transcript whose meeting has ended."""
    with chain.store.session(write=False) as session:
        waiting = list_leads(session, state=LeadState.AWAITING_TRANSCRIPT)
    return [lead.id for lead in waiting if lead.id is not None and meeting_has_ended(lead, now)]


@flow(name="collect-transcripts", validate_parameters=False)
async def collect_transcripts(chain: Chain | None = None) -> list[Progress]:
    """Scheduled: score every lead whose meeting ended and whose transcript is now ready."""
    chain = chain or chain_from_settings()
    due = due_for_scoring(chain, chain.clock())
    get_run_logger().info("%d lead(s) have had their meeting", len(due))
    if not due:
        return []
    return await score_calls(due, chain)
