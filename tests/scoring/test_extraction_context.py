"""ExtractionContext.with_transcript: what the chain knows, completed by the file's metadata."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from scoring.extraction import ExtractionContext
from scoring.transcript import Participant, Segment, Side, Transcript, TranscriptMetadata

SEGMENTS = [Segment(speaker="Dana", text="We have 50k.")]
DANA = Participant(name="Dana Reyes", side=Side.PROSPECT, email="dana@acme.example")
ANA = Participant(name="Ana Lima", side=Side.VENDOR)


def _call(**metadata: object) -> Transcript:
    return Transcript(segments=SEGMENTS, metadata=TranscriptMetadata.model_validate(metadata))


def test_without_metadata_the_context_is_returned_unchanged() -> None:
    context = ExtractionContext(call_date=date(2030, 3, 5), participants=[DANA])
    assert context.with_transcript(Transcript(segments=SEGMENTS)) is context


def test_the_file_date_fills_a_missing_call_date_but_never_replaces_one() -> None:
    call = _call(call_date="2030-03-09")
    assert ExtractionContext().with_transcript(call).call_date == date(2030, 3, 9)
    known = ExtractionContext(call_date=date(2030, 3, 5))
    assert known.with_transcript(call).call_date == date(2030, 3, 5)


def test_one_person_by_name_ignoring_case_and_accents_keeps_the_contexts_side() -> None:
    context = ExtractionContext(participants=[Participant(name="João Çelik", side=Side.VENDOR)])
    call = _call(participants=[{"name": "JOAO  celik", "side": "prospect", "title": "AE",
                                "company": "Leadflow"}])
    [joao] = context.with_transcript(call).participants
    assert (joao.name, joao.side, joao.title, joao.company) == (
        "João Çelik", Side.VENDOR, "AE", "Leadflow")


def test_one_person_by_email_whatever_the_name_says() -> None:
    context = ExtractionContext(participants=[DANA.model_copy(update={"title": "CFO"})])
    call = _call(participants=[{"name": "D. Reyes", "email": "DANA@acme.example",
                                "title": "VP Finance", "company": "Acme"}])
    [dana] = context.with_transcript(call).participants
    # The context's values win; the file only fills the gaps (company here).
    assert (dana.name, dana.side, dana.title, dana.company) == (
        "Dana Reyes", Side.PROSPECT, "CFO", "Acme")


def test_people_only_the_file_knows_are_added_after_the_contexts() -> None:
    context = ExtractionContext(participants=[DANA, ANA])
    call = _call(participants=[{"name": "Ana Lima", "title": "Account Executive"},
                               {"name": "Sam Okafor", "side": "prospect", "title": "CFO"}])
    merged = context.with_transcript(call)
    assert [p.name for p in merged.participants] == ["Dana Reyes", "Ana Lima", "Sam Okafor"]
    assert merged.participants[1].title == "Account Executive"
    assert merged.participants[1].side is Side.VENDOR
    assert context.participants == [DANA, ANA]  # pure: the original is untouched


def test_a_side_the_context_does_not_know_comes_from_the_file() -> None:
    context = ExtractionContext(participants=[Participant(name="Dana Reyes")])
    [dana] = context.with_transcript(_call(participants=[DANA.model_dump()])).participants
    assert dana.side is Side.PROSPECT and dana.email == "dana@acme.example"


def test_the_old_field_name_is_refused_rather_than_silently_dropped() -> None:
    with pytest.raises(ValidationError, match="stated_on"):
        ExtractionContext(stated_on=date(2030, 3, 5))  # type: ignore[call-arg]
