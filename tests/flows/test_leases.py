"""Leases: one process per lead, a lead cut off mid-chain is resumed, a poison lead gives up."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from datetime import timedelta

from connectors.base.crm import ObjectType
from flows.leasing import stuck_lead_ids, take_lease_of
from flows.receive import receive
from flows.runner import advance_leads
from flows.spec.engine import bant_steps
from leadflow.store.audit import list_audit
from leadflow.store.leads import get_lead
from leadflow.store.leases import get_lease
from leadflow.store.models import Lead, LeadState
from tests.flows.test_chain import after_meetings, intake, run, state_of
from tests.flows.world import World, submission


class Killed(BaseException):
    """Stands in for the process dying: not an Exception, so nothing below catches it."""


def _die_at(step: str, moment: str):
    def boundary(current: str, at: str) -> None:
        if (current, at) == (step, moment):
            raise Killed
    return boundary


def _crash(world: World, lead_ids: list[int], step: str, moment: str) -> World:
    """Run until the process 'dies' at step/moment; the lease stays as a dead process leaves it."""
    dying = dataclasses.replace(world.chain, boundary=_die_at(step, moment), owner="dead")
    with contextlib.suppress(Killed):
        asyncio.run(advance_leads(dying, lead_ids, bant_steps(), max_concurrency=1))
    return world


def test_a_lead_cut_off_mid_chain_is_resumed_once_its_lease_lapses(world: World) -> None:
    [lead_id] = intake(world)
    _crash(world, [lead_id], "meeting", "before")
    assert state_of(world, lead_id) == LeadState.CRM_SYNCED
    assert stuck_lead_ids(world.chain) == []  # its lease is still valid: maybe it is running
    [skipped] = run(world, [lead_id])
    assert skipped.skipped and "another process" in (skipped.reason or "")
    world.clock.now += world.chain.lease + timedelta(seconds=1)
    assert stuck_lead_ids(world.chain) == [lead_id]
    [resumed] = run(world, stuck_lead_ids(world.chain))
    assert resumed.waiting_at == "transcript"
    after_meetings(world)
    [done] = run(world, [lead_id])
    assert done.finished and state_of(world, lead_id) == LeadState.SCORED
    assert len(world.crm.calls_to("ensure_open_deal")) == 1  # nothing done twice
    assert len(world.calendar.calls_to("book_first_available")) == 1
    assert len(world.notifier.sent) == 1
    with world.store.session(write=False) as session:
        assert get_lease(session, lead_id) is None  # released once it stopped cleanly


def test_after_the_outside_call_the_resumed_step_reuses_its_record(world: World) -> None:
    [lead_id] = intake(world)
    _crash(world, [lead_id], "deal", "after")  # the deal exists, the step is not recorded
    world.clock.now += world.chain.lease + timedelta(seconds=1)
    run(world, stuck_lead_ids(world.chain))
    deals = {call["idempotency_key"] for call in world.crm.calls_to("ensure_open_deal")}
    assert len(world.crm.calls_to("ensure_open_deal")) == 2 and len(deals) == 1
    assert len(world.crm.objects[ObjectType.DEAL]) == 1


def test_a_poison_lead_is_given_up_after_a_few_runs_and_never_blocks_the_others(
    world: World,
) -> None:
    ids = intake(world, 3)
    with world.store.session() as session:  # what no intake lets in: a 5,000-character email
        session.connection().execute(
            Lead.__table__.update().where(Lead.__table__.c.id == ids[1])
            .values(email="x" * 5000 + "@example.com"))
    chain = dataclasses.replace(world.chain, max_attempts=2)
    first = asyncio.run(advance_leads(chain, ids, bant_steps()))
    assert [item.waiting_at for item in first] == ["transcript", None, "transcript"]
    assert first[1].interrupted and "ValidationError" in (first[1].reason or "")
    assert stuck_lead_ids(chain) == [ids[1]]  # to be retried, at once
    again = asyncio.run(advance_leads(chain, stuck_lead_ids(chain), bant_steps()))
    assert again[0].interrupted
    last = asyncio.run(advance_leads(chain, stuck_lead_ids(chain), bant_steps()))
    assert last[0].failed_at == "resume"
    assert "given up after 2 interrupted runs; last: ValidationError" in (last[0].reason or "")
    assert state_of(world, ids[1]) == LeadState.FAILED
    with world.store.session(write=False) as session:
        assert list_audit(session, lead_id=ids[1], kind="lead_given_up")
        assert get_lease(session, ids[1]) is None
    assert stuck_lead_ids(chain) == []


def test_two_processes_never_run_one_lead_at_once(world: World) -> None:
    [lead_id] = intake(world)
    other = dataclasses.replace(world.chain, owner="other-process")
    assert take_lease_of(other, lead_id) == 1
    [progress] = run(world, [lead_id])
    assert progress.skipped and state_of(world, lead_id) == LeadState.RECEIVED
    assert world.crm.calls_to("upsert_contact") == []


def test_a_new_form_from_a_person_whose_lead_is_stuck_attaches_to_it(world: World) -> None:
    [first] = intake(world)
    _crash(world, [first], "meeting", "before")
    again = receive(world.store, "google_forms", submission(5, email="lead0@example.com"))
    assert again.attached_to == first and not again.runnable
    assert "attached" in (again.note or "")
    world.clock.now += world.chain.lease + timedelta(seconds=1)
    [progress] = run(world, [again.attached_to])
    assert progress.waiting_at == "transcript"
    with world.store.session(write=False) as session:
        lead = get_lead(session, first)
        assert lead is not None and lead.meeting_id is not None


def test_one_process_does_not_run_a_lead_twice_at_once_either(world: World) -> None:
    [lead_id] = intake(world)
    assert take_lease_of(world.chain, lead_id) == 1
    assert take_lease_of(world.chain, lead_id) is None  # e.g. collect and the drainer together
