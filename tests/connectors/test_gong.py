"""GongTranscripts passes the Transcripts contract on the Gong stub and finds the right call."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr

from connectors.base import Meeting
from connectors.base.health import CheckStatus
from connectors.gong import GongApi, GongTranscripts, RateLimiter
from tests.connectors.contracts import TranscriptsContract
from tests.connectors.contracts.transcripts import START, TURNS, Publish, meeting
from tests.stubs.gong import GongStub
from tests.stubs.serving import serve


class FakeClock:
    """A clock the limiter's sleep moves forward; the stub reads the same one."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def stub(clock: FakeClock) -> GongStub:
    return GongStub(clock=clock)


@pytest.fixture
def base_url(stub: GongStub) -> Iterator[str]:
    with serve(stub.app()) as url:
        yield url


def gong(base_url: str, clock: FakeClock, *, secret: str = "gong-secret") -> GongTranscripts:
    api = GongApi(httpx.Client(timeout=10), base_url=base_url, access_key=SecretStr("gong-key"),
                  access_key_secret=SecretStr(secret),
                  limiter=RateLimiter(3, clock=clock, sleep=clock.sleep))
    return GongTranscripts(api)


def monologues(turns: list[tuple[str, str]], ids: dict[str, str]) -> list[dict[str, object]]:
    """Gong transcript items: one monologue per turn, 10 s apart, times in ms."""
    return [{"speakerId": ids[speaker], "topic": None, "sentences": [
        {"start": index * 10_000, "end": index * 10_000 + 8_000, "text": text}]}
        for index, (speaker, text) in enumerate(turns)]


def parties(turns: list[tuple[str, str]], lead_email: str) -> tuple[list[dict], dict[str, str]]:
    """The first speaker is our rep (Internal); the others external, the lead with their email."""
    ids: dict[str, str] = {}
    found = []
    for speaker, _ in turns:
        if speaker in ids:
            continue
        ids[speaker] = f"64323456785555300{len(ids)}"
        internal = not found
        found.append({"id": f"p{len(ids)}", "name": speaker, "speakerId": ids[speaker],
                      "affiliation": "Internal" if internal else "External",
                      "emailAddress": "joao@sales.example" if internal else lead_email})
    return found, ids


def publish_call(stub: GongStub, meeting: Meeting, lead_email: str,
                 turns: list[tuple[str, str]], **where: object) -> str:
    found, ids = parties(turns, lead_email)
    options = {"calendar_event_id": meeting.id} | where
    return stub.add_call(started=meeting.start_at.isoformat(), parties=found,
                         transcript=monologues(turns, ids), **options)  # type: ignore[arg-type]


class TestGongTranscripts(TranscriptsContract):
    @pytest.fixture
    def transcripts(self, base_url: str, clock: FakeClock) -> GongTranscripts:
        return gong(base_url, clock)

    @pytest.fixture
    def publish(self, stub: GongStub) -> Publish:
        def add(meeting: Meeting, lead_email: str, turns: list[tuple[str, str]]) -> None:
            publish_call(stub, meeting, lead_email, turns)

        return add


def test_segments_keep_ms_offsets_and_affiliation(stub: GongStub, base_url: str,
                                                   clock: FakeClock) -> None:
    publish_call(stub, meeting(), "asa.oberg@example.com", TURNS)
    found = gong(base_url, clock).find_transcript(meeting(), "asa.oberg@example.com")
    assert found is not None and found.source == "gong" and found.meeting_id == "meeting-1"
    assert [(s.start_ms, s.end_ms, s.affiliation) for s in found.segments] == [
        (0, 8_000, "internal"), (10_000, 18_000, "external")]


def test_a_recorded_call_without_transcript_is_not_ready(stub: GongStub, base_url: str,
                                                         clock: FakeClock) -> None:
    found, _ = parties(TURNS, "asa.oberg@example.com")
    stub.add_call(started=START.isoformat(), parties=found, calendar_event_id="meeting-1")
    assert gong(base_url, clock).find_transcript(meeting(), "asa.oberg@example.com") is None
    assert [path for path, _ in stub.log] == ["/v2/calls/extensive", "/v2/calls/transcript"]


def test_matches_by_meeting_url_then_party_email(stub: GongStub, base_url: str,
                                                 clock: FakeClock) -> None:
    with_link = meeting().model_copy(update={"join_url": "https://meet.google.com/abc-defg-hij"})
    publish_call(stub, with_link, "someone@else.example", [("Rep", "by url"), ("X", "x")],
                 calendar_event_id=None, meeting_url="https://Meet.google.com/abc-defg-hij/?pli=1")
    transcripts = gong(base_url, clock)
    by_url = transcripts.find_transcript(with_link, "asa.oberg@example.com")
    assert by_url is not None and by_url.segments[0].text == "by url"
    later = meeting("m-2").model_copy(update={"start_at": START + timedelta(minutes=20)})
    publish_call(stub, later, "Nunez@Example.com", [("Rep", "by email"), ("María", "hola")],
                 calendar_event_id="someone-elses-event")
    by_email = transcripts.find_transcript(meeting("m-3"), "nunez@example.com")
    assert by_email is not None and by_email.segments[0].text == "by email"


def test_pages_through_calls_repeating_the_request_with_the_cursor(
    stub: GongStub, base_url: str, clock: FakeClock
) -> None:
    stub.page_size = 2
    for index in range(5):
        found, _ = parties([("Rep", "x"), ("Other", "y")], f"other{index}@example.com")
        stub.add_call(started=(START + timedelta(minutes=index)).isoformat(), parties=found,
                      calendar_event_id=f"other-{index}")
    publish_call(stub, meeting(), "asa.oberg@example.com", TURNS)
    found = gong(base_url, clock).find_transcript(meeting(), "asa.oberg@example.com")
    assert found is not None
    bodies = [body for path, body in stub.log if path == "/v2/calls/extensive"]
    assert len(bodies) == 3 and "cursor" not in bodies[0]
    assert all({k: v for k, v in b.items() if k != "cursor"} == bodies[0] for b in bodies)
    assert bodies[0]["contentSelector"] == {"exposedFields": {"parties": True}}


def test_transcript_window_contains_the_call_start(stub: GongStub, base_url: str,
                                                   clock: FakeClock) -> None:
    publish_call(stub, meeting(), "asa.oberg@example.com", TURNS)
    gong(base_url, clock).find_transcript(meeting(), "asa.oberg@example.com")
    body = next(body for path, body in stub.log if path == "/v2/calls/transcript")
    assert body["filter"]["fromDateTime"] == "2030-01-07T08:00:00Z"
    assert body["filter"]["toDateTime"] == "2030-01-07T12:30:00Z"
    assert body["filter"]["callIds"] == [stub.calls[0]["metaData"]["id"]]


def test_doctor(base_url: str, clock: FakeClock) -> None:
    assert [c.status for c in gong(base_url, clock).doctor()] == [CheckStatus.OK]
    failed = gong(base_url, clock, secret="wrong").doctor()
    assert failed[0].status == CheckStatus.FAIL and "wrong" not in failed[0].detail
