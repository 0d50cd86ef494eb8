"""The Prefect flows of the qualification chain: each lead's steps are tasks in a batch flow run.

A flow run per lead costs 1.2-2.4 s on this hardware against ~56 ms per lead as tasks in one
batch (DESIGN.md, Prefect facts), so flows take a batch of lead ids. Waiting for a call never
holds a worker: `collect_transcripts` runs on a schedule and picks up what became ready.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from flows.assembly import build_chain
from flows.chain import Chain, Outcome
from flows.leasing import stuck_lead_ids
from flows.runner import Progress, advance_leads
from flows.spec.actions import builtin_registry
from flows.spec.engine import SpecStep, compile_spec, load_steps, run_batch
from flows.spec.model import FlowSpec, Scope
from flows.spec.validation import load_spec
from leadflow.logs import redact_prefect_logs
from leadflow.redaction import Redactor
from leadflow.settings import load_settings
from leadflow.store.audit import append_audit
from leadflow.store.leads import list_leads
from leadflow.store.models import Lead, LeadState

# Leads per flow run: memory grows per tracked task run (Prefect #12668).
MAX_BATCH = 500


@task(cache_policy=NONE)
async def chain_step(chain: Chain, lead_id: int, step: SpecStep) -> Outcome:
    """Run one step of a flow spec for one lead (idempotent; see flows/chain.py)."""
    return await asyncio.to_thread(step.run, chain, lead_id)


async def as_task(chain: Chain, lead_id: int, step: SpecStep) -> Outcome:
    """A step runner that shows every step of every lead as a named task in the Prefect UI."""
    # A resumed lead skips its finished steps without paying ~11 ms per task run for a no-op.
    if await asyncio.to_thread(step.is_done, chain, lead_id):
        return Outcome.ALREADY_DONE
    named = chain_step.with_options(name=step.name, task_run_name=f"{step.name} · lead {lead_id}")
    return await named(chain, lead_id, step)


def chain_from_settings() -> Chain:
    """The chain as the environment configures it (for scheduled runs without a caller)."""
    settings = load_settings()
    # A deployment's process may not have started from the CLI, which redacts Prefect's logs.
    redact_prefect_logs(Redactor.from_settings(settings))
    return build_chain(settings)


def _record_run(chain: Chain, spec: FlowSpec, lead_ids: Sequence[int]) -> None:
    """Which spec version ran, in the Prefect log and the store's audit log."""
    get_run_logger().info("spec %s version %s, %d lead(s)", spec.name, spec.version,
                          len(lead_ids))
    with chain.store.session() as session:
        append_audit(session, kind="spec_run", detail={
            "spec": spec.name, "version": spec.version, "leads": len(lead_ids)})


@asynccontextmanager
async def _slot(chain: Chain) -> AsyncIterator[None]:
    """Hold one of the embedded server's flow-run slots, when there is a cap."""
    if chain.run_slots is None:
        yield
        return
    async with chain.run_slots.hold():
        yield


async def _advance(chain: Chain, lead_ids: Sequence[int], steps: Sequence[SpecStep]
                   ) -> list[Progress]:
    async with _slot(chain):
        return await _advance_held(chain, lead_ids, steps)


async def _advance_held(chain: Chain, lead_ids: Sequence[int], steps: Sequence[SpecStep]
                        ) -> list[Progress]:
    _record_run(chain, steps[0].spec, lead_ids)
    results: list[Progress] = []
    for start in range(0, len(lead_ids), MAX_BATCH):
        batch = lead_ids[start:start + MAX_BATCH]
        results += await advance_leads(chain, batch, steps, runner=as_task,
                                       max_concurrency=chain.max_concurrency)
    log = get_run_logger()
    for item in results:
        if item.failed_at:
            # Prefect keeps run logs in its own database: no personal data there either.
            log.warning("lead %s failed at %s: %s", item.lead_id, item.failed_at,
                        chain.redactor.redact(item.reason or ""))
    return results


# Flows take the Chain and steps as parameters so tests and the CLI can pass their own; a
# scheduled deployment passes none and both are built from settings inside the run.
@flow(name="qualify-leads", validate_parameters=False)
async def qualify_leads(
    lead_ids: list[int], chain: Chain | None = None, steps: list[SpecStep] | None = None
) -> list[Progress]:
    """Run the BANT spec for these leads as far as it goes (to the transcript wait, or done)."""
    return await _advance(chain or chain_from_settings(), lead_ids, steps or load_steps())


def meeting_has_ended(lead: Lead, now: datetime) -> bool:
    """True once the lead's meeting is over, so a transcript can exist."""
    return lead.meeting_end_at is not None and lead.meeting_end_at <= now


def due_for_scoring(chain: Chain, now: datetime) -> list[int]:
    """Leads waiting for a transcript whose meeting has ended."""
    with chain.store.session(write=False) as session:
        waiting = list_leads(session, state=LeadState.AWAITING_TRANSCRIPT)
    return [lead.id for lead in waiting if lead.id is not None and meeting_has_ended(lead, now)]


@flow(name="collect-transcripts", validate_parameters=False)
async def collect_transcripts(
    chain: Chain | None = None, steps: list[SpecStep] | None = None
) -> list[Progress]:
    """Scheduled: resume every lead whose meeting ended (its transcript may now be ready), and
    every lead whose run was cut off (its process died; its lease has lapsed)."""
    chain = chain or chain_from_settings()
    ended = due_for_scoring(chain, chain.clock())
    stuck = [lead_id for lead_id in stuck_lead_ids(chain) if lead_id not in ended]
    due = [*ended, *stuck]
    get_run_logger().info("%d lead(s) have had their meeting, %d cut off mid-run to resume",
                          len(ended), len(stuck))
    if not due:
        return []
    return await _advance(chain, due, steps or load_steps())


def scored_lead_ids(chain: Chain) -> list[int]:
    """Every lead that has a score: what a lead spec without its own input runs over."""
    with chain.store.session(write=False) as session:
        return [lead.id for lead in list_leads(session)
                if lead.id is not None and lead.score_total is not None]


@flow(name="run-spec-file", validate_parameters=False)
async def run_spec_file(path: str, chain: Chain | None = None) -> Any:
    """A spec by file (what a schedule runs): batch specs once, lead specs over scored leads."""
    registry = builtin_registry()
    steps = compile_spec(load_spec(Path(path), registry), registry)
    chain = chain or chain_from_settings()
    if steps[0].spec.scope is Scope.BATCH:
        return await run_batch_spec(steps, chain)
    return await _advance(chain, scored_lead_ids(chain), steps)


@flow(name="run-batch-spec", validate_parameters=False)
async def run_batch_spec(steps: list[SpecStep], chain: Chain | None = None) -> dict[str, Any]:
    """A batch spec (e.g. rescoring every lead): its steps run once, over everything."""
    chain = chain or chain_from_settings()
    async with _slot(chain):
        _record_run(chain, steps[0].spec, [])
        return await asyncio.to_thread(run_batch, chain, steps)
