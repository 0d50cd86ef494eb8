"""One open deal per contact: a later form from someone whose lead finished attaches to it."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from connectors.base import ActivityKind, ContactInput, MeetingRequest, Rep
from connectors.base.crm import ObjectType
from flows.receive import receive
from flows.runner import advance_leads
from flows.spec.actions import builtin_registry
from flows.spec.engine import BANT_SPEC, SpecStep, bant_steps, compile_spec
from flows.spec.registry import ActionContext
from flows.spec.validation import load_spec
from leadflow.store.leads import get_lead
from leadflow.store.models import Lead, LeadState
from tests.flows.test_chain import TRANSCRIPT, strong_extraction
from tests.flows.world import START, World, build_world, submission

REGISTRY = builtin_registry()
EMAIL = "lead0@example.com"
# Monday after the first lead's call (the clock is then Saturday): in the future, in hours.
LATER = (START + timedelta(days=7)).replace(hour=15)


@pytest.fixture
def world(tmp_path: Path) -> World:
    """Two reps, so round-robin would give a second lead to the rep who has no meeting yet."""
    reps = [
        Rep(id=rep_id, name=rep_id, email=f"{rep_id}@example.com", time_zone="America/New_York")
        for rep_id in ("rep-a", "rep-b")
    ]
    return build_world(tmp_path, reps=reps)


def second_form(index: int = 1, *, at: datetime = LATER) -> str:
    """Another submission from EMAIL (differently written), proposing `at`."""
    body = json.loads(submission(index, email=" Lead0@Example.com "))
    for answer in body["answers"]:
        if answer["title"] == "Preferred meeting time":
            answer["value"] = at.isoformat()
    return json.dumps(body)


def run(world: World, lead_id: int, steps: Any = None) -> Any:
    [progress] = asyncio.run(advance_leads(world.chain, [lead_id], steps or bant_steps()))
    return progress


def scored_first_lead(world: World) -> Lead:
    """The first lead from EMAIL, all the way to its score (so it is no longer in progress)."""
    received = receive(world.store, "google_forms", submission(0))
    world.transcripts.add(TRANSCRIPT, lead_email=EMAIL)
    world.extractor.queue(strong_extraction())
    run(world, received.lead_id)
    world.clock.now += timedelta(days=5)
    assert run(world, received.lead_id).finished
    return lead(world, received.lead_id)


def lead(world: World, lead_id: int | None) -> Lead:
    with world.store.session(write=False) as session:
        found = get_lead(session, lead_id or 0)
        assert found is not None
        return Lead.model_validate(found.model_dump())


def second_lead(world: World, steps: Any = None) -> Lead:
    """The second form from EMAIL, received and run up to its transcript (or failure)."""
    received = receive(world.store, "google_forms", second_form())
    assert received.runnable, received  # the first lead finished: not a duplicate
    run(world, received.lead_id, steps)
    return lead(world, received.lead_id)


def notes(world: World) -> list[Any]:
    return [a for a in world.crm.activities.values() if a.kind == ActivityKind.NOTE]


def spec_copy(tmp_path: Path, reuse: str) -> list[SpecStep]:
    """The shipped BANT spec with `reuse_open_deal: <reuse>` on its deal step."""
    anchor = '      name: "{{ steps.intake.company or steps.intake.name }}: leadflow inquiry"\n'
    text = BANT_SPEC.read_text()
    assert anchor in text
    path = tmp_path / "bant_per_submission.yaml"
    path.write_text(text.replace(anchor, f"{anchor}      reuse_open_deal: {reuse}\n"))
    return compile_spec(load_spec(path, REGISTRY), REGISTRY)


def test_a_second_form_attaches_to_the_open_deal_and_meets_its_owner(world: World) -> None:
    first = scored_first_lead(world)
    assert first.state == LeadState.SCORED and first.rep == "rep-a"
    second = second_lead(world)
    assert second.state == LeadState.AWAITING_TRANSCRIPT
    assert len(world.crm.objects[ObjectType.DEAL]) == 1
    assert second.crm_deal_id == first.crm_deal_id is not None
    # Round-robin alone would pick rep-b (no meetings yet); the deal's owner takes it.
    assert second.rep == first.rep
    assert world.calendar.calls_to("book_first_available")[-1]["request"].rep_ids == ["rep-a"]
    [note] = notes(world)
    assert note.deal_id == first.crm_deal_id and note.contact_id == first.crm_contact_id
    assert note.body == (
        f"New form from {EMAIL} on {second.created_at.date().isoformat()}; "
        "attached to the open deal Company 0: leadflow inquiry"
    )


def test_running_the_attached_lead_again_changes_nothing(world: World) -> None:
    scored_first_lead(world)
    second = second_lead(world)
    calls = len(world.crm.calls) + len(world.calendar.calls)
    run(world, second.id)
    assert len(world.crm.calls) + len(world.calendar.calls) == calls
    assert len(notes(world)) == 1


def deal_step(world: World, lead_row: Lead, contact_id: str, **params: Any) -> dict[str, Any]:
    """The deal step's body alone, as a re-run after a crash before its result was stored."""
    action = REGISTRY.actions["crm.ensure_deal"]
    ctx = ActionContext(world.chain, lead_row, "bant-qualification", "deal", {})
    return action.handler(ctx, action.params(contact_id=contact_id, name="Deal", **params))


def test_a_repeated_attach_gives_the_same_answer_and_one_note(world: World) -> None:
    first = scored_first_lead(world)
    received = receive(world.store, "google_forms", second_form())
    second = lead(world, received.lead_id)
    contact_id = first.crm_contact_id or ""
    once = deal_step(world, second, contact_id)
    again = deal_step(world, second, contact_id)
    assert once == again == {"id": first.crm_deal_id, "created": False, "attached": True,
                             "owner": "rep-a"}  # fmt: skip
    assert len(notes(world)) == 1


def test_a_repeated_step_keeps_the_deal_it_opened_itself(world: World) -> None:
    received = receive(world.store, "google_forms", submission(0))
    contact_id = world.crm.upsert_contact(ContactInput(email=EMAIL), idempotency_key="c").id
    row = lead(world, received.lead_id)
    opened = deal_step(world, row, contact_id)
    again = deal_step(world, row, contact_id)
    assert opened["created"] and not opened["attached"]
    assert (again["id"], again["created"], again["attached"]) == (opened["id"], False, False)
    assert notes(world) == [] and len(world.crm.objects[ObjectType.DEAL]) == 1


def test_reuse_open_deal_false_opens_a_deal_per_submission(world: World, tmp_path: Path) -> None:
    steps = spec_copy(tmp_path, "false")
    first = scored_first_lead(world)
    second = second_lead(world, steps)
    assert len(world.crm.objects[ObjectType.DEAL]) == 2
    assert second.crm_deal_id != first.crm_deal_id
    assert second.rep == "rep-b"  # plain round-robin
    assert notes(world) == []


def test_a_closed_deal_is_not_reused(world: World) -> None:
    first = scored_first_lead(world)
    world.crm.close_deal(first.crm_deal_id or "", stage="closed_won")
    second = second_lead(world)
    assert len(world.crm.objects[ObjectType.DEAL]) == 2
    assert second.crm_deal_id not in {None, first.crm_deal_id}
    assert notes(world) == []


def test_an_owner_busy_at_every_proposed_time_fails_the_lead_asking_for_other_times(
    world: World,
) -> None:
    scored_first_lead(world)
    world.calendar.book_first_available(
        MeetingRequest(lead_email="someone@else.com", title="busy", proposed_times=[LATER],
                       rep_ids=["rep-a"]), idempotency_key="other")  # fmt: skip
    second = second_lead(world)
    assert (second.state, second.failed_step) == (LeadState.FAILED, "meeting")
    assert "rep-a" in (second.state_reason or "")
    assert "Ask the lead for other times" in (second.state_reason or "")
    assert len(notes(world)) == 1  # the owner still sees the new form on the deal


def test_an_earlier_lead_without_a_meeting_leaves_no_owner(world: World) -> None:
    received = receive(world.store, "google_forms", submission(0))
    # Every proposed time is already past when it runs: it fails at the meeting, deal open.
    world.clock.now += timedelta(days=30)
    assert run(world, received.lead_id).failed_at == "meeting"
    received_again = receive(
        world.store, "google_forms", second_form(at=world.clock.now + timedelta(days=2, hours=3))
    )
    assert received_again.runnable
    run(world, received_again.lead_id)
    second = lead(world, received_again.lead_id)
    assert second.crm_deal_id == lead(world, received.lead_id).crm_deal_id
    assert second.state == LeadState.AWAITING_TRANSCRIPT and second.rep is not None
    assert world.calendar.calls_to("book_first_available")[-1]["request"].rep_ids is None
