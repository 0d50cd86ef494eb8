"""What the chain tells the extractor: the call's date, the lead and the rep, the capabilities."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

from connectors.base import Meeting
from flows.call_context import extraction_context
from leadflow.store.models import Lead
from scoring.transcript import Participant, Side
from tests.flows.test_chain import after_meetings, intake, run
from tests.flows.world import World


def test_the_extract_step_gives_the_meeting_date_the_lead_the_rep_and_the_capabilities(
    world: World,
) -> None:
    configured = world.chain.configured.model_copy(
        update={"capabilities": ("lead scoring", "crm sync")})
    chain = dataclasses.replace(world.chain, configured=configured)
    world = dataclasses.replace(world, chain=chain)
    [lead_id] = intake(world)
    run(world, [lead_id])
    after_meetings(world)
    run(world, [lead_id])
    [call] = world.extractor.calls_to("extract")
    context = call["context"]
    # Booked Tuesday 09:00 in New York, the rep's zone.
    assert context.call_date == date(2030, 3, 5)
    assert context.participants == [
        Participant(name="Lead Number0", side=Side.PROSPECT, company="Company 0",
                    email="lead0@example.com"),
        Participant(name="Sam Rivera", side=Side.VENDOR, email="sam@example.com"),
    ]
    assert context.product_capabilities == ["lead scoring", "crm sync"]
    assert context.lead_id == lead_id


def test_the_call_date_is_the_reps_local_day_and_an_unknown_rep_is_left_out(
    world: World,
) -> None:
    lead = Lead(id=7, submission_id=1, email="dana@acme.example")
    # 23:30 on the 5th in New York is already the 6th in UTC.
    late = Meeting(id="m1", rep_id="rep-ny", lead_email=lead.email, title="intro",
                   start_at=datetime(2030, 3, 6, 4, 30, tzinfo=UTC),
                   end_at=datetime(2030, 3, 6, 5, tzinfo=UTC))
    context = extraction_context(world.chain, lead, late, form_answers={}, language_hint=None)
    assert context.call_date == date(2030, 3, 5)
    assert context.participants[0] == Participant(name="dana@acme.example", side=Side.PROSPECT,
                                                  email="dana@acme.example")
    unknown = late.model_copy(update={"rep_id": "rep-gone"})
    context = extraction_context(world.chain, lead, unknown, form_answers={"Budget": "50k"},
                                 language_hint="en")
    assert context.call_date == date(2030, 3, 6)  # no rep, no zone: UTC's day
    assert [p.side for p in context.participants] == [Side.PROSPECT]
    assert (context.form_answers, context.language_hint) == ({"Budget": "50k"}, "en")
