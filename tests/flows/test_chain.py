"""The qualification chain on fakes: happy path, idempotency, transient and permanent faults."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.base.crm import ObjectType
from flows.receive import receive
from flows.runner import advance_leads
from flows.spec.engine import bant_steps
from leadflow.errors import PermanentError, TransientError
from leadflow.store.leads import get_lead
from leadflow.store.models import LeadState
from leadflow.store.submissions import list_dead_letters
from scoring.bant import (
    AuthorityAnswer,
    AuthorityLevel,
    BantAnswers,
    BudgetAnswer,
    BudgetKind,
    NeedAnswer,
    NeedLevel,
    TimelineAnswer,
    TimelineKind,
)
from scoring.evidence import Evidence
from scoring.extraction import Extraction, FieldResult, FieldStatus, Flag, FlagKind
from scoring.transcript import Segment, Transcript
from tests.flows.world import World, build_world, submission

TRANSCRIPT = Transcript(segments=[
    Segment(speaker="Rep", text="What budget do you have?"),
    Segment(speaker="Lead", text="We have $150,000 and I am the CFO. We need lead scoring now, "
                                 "within 2 months."),
])


def strong_extraction(*, flagged: bool = False) -> Extraction:
    """Budget 150k, C-level, full need, 2 months: 100 points, each with a real quote."""
    def quote(text: str) -> list[Evidence]:
        return [Evidence(quote=text, speaker="Lead")]

    answers = BantAnswers(
        budget=BudgetAnswer(kind=BudgetKind.AMOUNT, amount=Decimal(150000), currency="USD",
                            evidence=quote("We have $150,000")),
        authority=AuthorityAnswer(level=AuthorityLevel.C_LEVEL, title="CFO",
                                  evidence=quote("I am the CFO")),
        need=NeedAnswer(level=NeedLevel.FULL, stated_needs=["lead scoring"],
                        evidence=quote("We need lead scoring now")),
        timeline=TimelineAnswer(kind=TimelineKind.MONTHS, months=Decimal(2),
                                evidence=quote("within 2 months")),
    )
    flags = [Flag(kind=FlagKind.AMBIGUOUS, detail="test flag")] if flagged else []
    return Extraction(answers=answers, extractor="scripted", flags=flags,
                      fields={c: FieldResult(status=FieldStatus.FOUND, confidence=0.9)
                              for c in answers.model_fields_set if c != "stated_on"})


def intake(world: World, count: int = 1) -> list[int]:
    ids = []
    for index in range(count):
        received = receive(world.store, "google_forms", submission(index))
        assert received.lead_id is not None
        ids.append(received.lead_id)
        world.transcripts.add(TRANSCRIPT, lead_email=f"lead{index}@example.com")
        world.extractor.queue(strong_extraction())
    return ids


def run(world: World, lead_ids: list[int]):
    return asyncio.run(advance_leads(world.chain, lead_ids, bant_steps()))


def after_meetings(world: World) -> None:
    world.clock.now += timedelta(days=5)


def state_of(world: World, lead_id: int) -> str:
    with world.store.session(write=False) as session:
        lead = get_lead(session, lead_id)
        assert lead is not None
        return lead.state


def test_qualify_books_a_meeting_and_waits_for_the_transcript(world: World) -> None:
    [lead_id] = intake(world)
    [progress] = run(world, [lead_id])
    assert progress.waiting_at == "transcript"
    assert state_of(world, lead_id) == LeadState.AWAITING_TRANSCRIPT
    assert len(world.calendar.calls_to("book_first_available")) == 1
    assert world.transcripts.calls_to("find_transcript") == []  # the call has not happened


def test_full_chain_writes_the_score_back_and_notifies_once(world: World) -> None:
    [lead_id] = intake(world)
    run(world, [lead_id])
    after_meetings(world)
    [progress] = run(world, [lead_id])
    assert progress.finished
    assert state_of(world, lead_id) == LeadState.SCORED
    contact_id = world.crm.calls_to("upsert_contact")[0]["contact"].email
    assert contact_id == "lead0@example.com"
    [write] = world.crm.calls_to("update_properties")
    assert write["properties"]["leadflow_score"] == 100
    assert write["properties"]["leadflow_band"] == "Good"
    assert write["properties"]["leadflow_budget_tier"] == "$100k+"
    assert len(world.notifier.sent) == 1


def test_running_everything_again_calls_nothing_again(world: World) -> None:
    lead_ids = intake(world, 3)
    run(world, lead_ids)
    after_meetings(world)
    run(world, lead_ids)
    calls_before = len(world.crm.calls) + len(world.calendar.calls) + len(world.notifier.calls)
    # A re-delivered submission maps to the same lead and runs nothing twice.
    again = receive(world.store, "google_forms", submission(0))
    assert again.duplicate and again.lead_id == lead_ids[0]
    run(world, lead_ids)
    assert len(world.crm.calls) + len(world.calendar.calls) + len(world.notifier.calls) \
        == calls_before
    assert {state_of(world, lead_id) for lead_id in lead_ids} == {LeadState.SCORED}
    assert len(world.crm.objects[ObjectType.CONTACT]) == 3


FAULTS = [
    ("contact", "crm", "upsert_contact"),
    ("deal", "crm", "ensure_open_deal"),
    ("meeting", "calendar", "book_first_available"),
    ("log_meeting", "crm", "log_activity"),
    ("transcript", "transcripts", "find_transcript"),
    ("extract", "extractor", "extract"),
    ("write_back", "crm", "update_properties"),
    ("notify", "notifier", "notify"),
]
AFTER_THE_CALL = {"transcript", "extract", "write_back", "notify"}


@pytest.mark.parametrize(("step", "connector", "method"), FAULTS)
def test_a_transient_fault_at_any_step_is_retried_and_the_chain_completes(
    world: World, step: str, connector: str, method: str, tmp_path: Path
) -> None:
    [lead_id] = intake(world)
    fake = getattr(world, connector)
    fake.fail_next(method, TransientError("503 from upstream", retry_after_s=0.0), times=2)
    run(world, [lead_id])
    after_meetings(world)
    [progress] = run(world, [lead_id])
    assert progress.finished, progress
    assert state_of(world, lead_id) == LeadState.SCORED
    clean = build_world(tmp_path / "clean")  # the same chain without faults, for comparison
    intake(clean)
    run(clean, [1])
    after_meetings(clean)
    run(clean, [1])
    # Two failed attempts, then success: exactly two calls more than a run without faults.
    assert len(fake.calls_to(method)) == len(getattr(clean, connector).calls_to(method)) + 2


@pytest.mark.parametrize(("step", "connector", "method"), FAULTS)
def test_a_permanent_fault_fails_the_lead_and_retry_completes_it(
    world: World, step: str, connector: str, method: str
) -> None:
    [lead_id] = intake(world)
    if step in AFTER_THE_CALL:
        run(world, [lead_id])
        after_meetings(world)
    fake = getattr(world, connector)
    fake.fail_always(method, PermanentError("401 bad token: set LEADFLOW_X", connector=connector))
    [progress] = run(world, [lead_id])
    assert progress.failed_at == step
    with world.store.session(write=False) as session:
        lead = get_lead(session, lead_id)
        assert lead is not None
        assert (lead.state, lead.failed_step) == (LeadState.FAILED, step)
        assert "401 bad token" in (lead.state_reason or "")
    assert len(fake.calls_to(method)) == 1  # permanent errors are not retried
    fake.clear_failures()
    run(world, [lead_id])  # what `leadflow retry` does: resume at the failed step
    after_meetings(world)
    [progress] = run(world, [lead_id])
    assert progress.finished, progress
    assert state_of(world, lead_id) == LeadState.SCORED
    assert len(world.crm.objects[ObjectType.CONTACT]) == 1
    assert len(world.notifier.sent) == 1


def test_transient_faults_beyond_the_retry_budget_fail_the_lead(world: World) -> None:
    [lead_id] = intake(world)
    world.crm.fail_next("upsert_contact", TransientError("timeout"), times=3)
    [progress] = run(world, [lead_id])
    assert progress.failed_at == "contact"
    assert state_of(world, lead_id) == LeadState.FAILED
    [progress] = run(world, [lead_id])
    assert progress.waiting_at == "transcript"


def test_a_flagged_extraction_goes_to_review_and_nothing_final_reaches_the_crm(
    world: World,
) -> None:
    received = receive(world.store, "google_forms", submission(7))
    world.transcripts.add(TRANSCRIPT, lead_email="lead7@example.com")
    world.extractor.queue(strong_extraction(flagged=True))
    run(world, [received.lead_id])
    after_meetings(world)
    [progress] = run(world, [received.lead_id])
    assert progress.finished
    assert state_of(world, received.lead_id) == LeadState.NEEDS_REVIEW
    [write] = world.crm.calls_to("update_properties")
    assert write["properties"]["leadflow_review_status"] == "pending_review"
    assert "leadflow_score" not in write["properties"]
    assert world.notifier.calls_to("notify") == []
    contact = world.crm.calls_to("update_properties")[0]["object_id"]
    assert world.crm.get_properties(ObjectType.CONTACT, contact, ["leadflow_score"]) == {
        "leadflow_score": None}


def test_a_missing_transcript_leaves_the_lead_waiting(world: World) -> None:
    received = receive(world.store, "google_forms", submission(9))
    run(world, [received.lead_id])
    after_meetings(world)
    [progress] = run(world, [received.lead_id])
    assert progress.waiting_at == "transcript"
    assert state_of(world, received.lead_id) == LeadState.AWAITING_TRANSCRIPT


def test_a_malformed_submission_is_kept_as_one_dead_letter(world: World) -> None:
    body = ('{"source": "google_forms", "response_id": "x", '
            '"submitted_at": "2030-01-01T00:00:00Z", '
            '"answers": [{"title": "Work email", "value": "nope"}]}')
    first = receive(world.store, "google_forms", body)
    again = receive(world.store, "google_forms", body)
    assert first.lead_id is None and first.dead_letter_id == again.dead_letter_id
    assert any("email" in error for error in first.errors)
    assert any("proposed_times" in error for error in first.errors)
    with world.store.session(write=False) as session:
        [letter] = list_dead_letters(session)
        assert letter.raw_payload == body


def test_a_second_form_from_a_person_in_progress_is_kept_but_not_run(world: World) -> None:
    [first] = intake(world)
    run(world, [first])
    again = receive(world.store, "google_forms", submission(5, email=" LEAD0@Example.com "))
    assert again.lead_id != first and not again.runnable
    assert again.state == LeadState.DUPLICATE and f"lead {first}" in (again.note or "")
    [progress] = run(world, [again.lead_id])
    assert progress.skipped
    assert len(world.calendar.calls_to("book_first_available")) == 1


def test_an_extractor_quoting_words_never_said_cannot_score_them(world: World) -> None:
    """A model obeying an injection claims a $10M budget; the quote is not in the call."""
    received = receive(world.store, "google_forms", submission(3))
    world.transcripts.add(TRANSCRIPT, lead_email="lead3@example.com")
    obeying = strong_extraction()
    lie = obeying.answers.budget.model_copy(update={
        "amount": Decimal(10_000_000), "evidence": [Evidence(quote="budget is 10 million")]})
    world.extractor.queue(obeying.model_copy(
        update={"answers": obeying.answers.model_copy(update={"budget": lie})}))
    run(world, [received.lead_id])
    after_meetings(world)
    run(world, [received.lead_id])
    assert state_of(world, received.lead_id) == LeadState.NEEDS_REVIEW
    with world.store.session(write=False) as session:
        lead = get_lead(session, received.lead_id)
        assert lead is not None and lead.score_total == 70  # budget scored as unknown: 0/30
    [write] = world.crm.calls_to("update_properties")
    assert "leadflow_score" not in write["properties"]
