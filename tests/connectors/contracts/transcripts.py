"""The Transcripts contract: None until a transcript is ready, then the lead's own transcript."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from connectors.base import Meeting, Transcripts
from scoring.transcript import Transcript

# publish(meeting, lead_email, [(speaker, text), ...]) makes a transcript available.
Publish = Callable[[Meeting, str, list[tuple[str, str]]], None]

START = datetime(2030, 1, 7, 10, tzinfo=UTC)
TURNS = [
    ("João Çelik", "Olá Åsa, obrigado pelo tempo."),
    ("Åsa Öberg", "We have a budget of $120,000 and want to buy this quarter."),
]


def meeting(meeting_id: str = "meeting-1", lead_email: str = "asa.oberg@example.com") -> Meeting:
    """A booked meeting with the contract's lead."""
    return Meeting(
        id=meeting_id,
        rep_id="rep-c",
        lead_email=lead_email,
        title="Intro",
        start_at=START,
        end_at=START + timedelta(minutes=30),
    )


class TranscriptsContract:
    """Subclass and override `transcripts` (empty) and `publish` (adds one transcript)."""

    @pytest.fixture
    def transcripts(self) -> Transcripts:
        raise NotImplementedError("override the `transcripts` fixture")

    @pytest.fixture
    def publish(self, transcripts: Transcripts) -> Publish:
        raise NotImplementedError("override the `publish` fixture")

    def test_satisfies_the_protocol(self, transcripts: Transcripts) -> None:
        assert isinstance(transcripts, Transcripts)

    def test_not_ready_yet_is_none(self, transcripts: Transcripts) -> None:
        assert transcripts.find_transcript(meeting(), "asa.oberg@example.com") is None

    def test_finds_the_published_transcript(
        self, transcripts: Transcripts, publish: Publish
    ) -> None:
        publish(meeting(), "asa.oberg@example.com", TURNS)
        found = transcripts.find_transcript(meeting(), "asa.oberg@example.com")
        assert isinstance(found, Transcript)
        assert [(s.speaker, s.text) for s in found.segments] == TURNS

    def test_lead_email_matches_case_insensitively(
        self, transcripts: Transcripts, publish: Publish
    ) -> None:
        publish(meeting(), "asa.oberg@example.com", TURNS)
        found = transcripts.find_transcript(meeting(), "  Asa.Oberg@Example.COM ")
        assert found is not None

    def test_another_leads_transcript_is_not_returned(
        self, transcripts: Transcripts, publish: Publish
    ) -> None:
        publish(meeting(), "asa.oberg@example.com", TURNS)
        other = meeting("meeting-2", "nunez@example.com")
        assert transcripts.find_transcript(other, "nunez@example.com") is None
