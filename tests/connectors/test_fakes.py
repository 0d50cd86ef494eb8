"""The in-memory fakes pass every contract, record their calls and fail as scripted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectors.base import ContactInput, Meeting, ObjectType
from connectors.fakes import (
    InMemoryCalendar,
    InMemoryCRM,
    InMemoryNotifier,
    InMemoryTranscripts,
    ScriptedExtractor,
)
from leadflow.errors import (
    ExtractionError,
    PermanentError,
    QuotaExhaustedError,
    TransientError,
)
from scoring.bant import BantAnswers
from scoring.extraction import Extraction, ExtractionContext
from scoring.transcript import Segment, Transcript
from tests.connectors.contracts import (
    CalendarContract,
    CRMContract,
    ExtractorContract,
    NotifierContract,
    TranscriptsContract,
    contract_reps,
)
from tests.connectors.contracts.calendars import request
from tests.connectors.contracts.notifier import Deliveries, notification
from tests.connectors.contracts.transcripts import Publish

ANSWER = Extraction(answers=BantAnswers(), extractor="scripted")


class TestInMemoryCRM(CRMContract):
    @pytest.fixture
    def crm(self) -> InMemoryCRM:
        return InMemoryCRM()


class TestInMemoryCalendar(CalendarContract):
    @pytest.fixture
    def calendar(self) -> InMemoryCalendar:
        return InMemoryCalendar(contract_reps())


class TestInMemoryTranscripts(TranscriptsContract):
    @pytest.fixture
    def transcripts(self) -> InMemoryTranscripts:
        return InMemoryTranscripts()

    @pytest.fixture
    def publish(self, transcripts: InMemoryTranscripts) -> Publish:
        def add(meeting: Meeting, lead_email: str, turns: list[tuple[str, str]]) -> None:
            segments = [Segment(speaker=speaker, text=text) for speaker, text in turns]
            transcripts.add(Transcript(segments=segments), lead_email=lead_email)

        return add


class TestInMemoryNotifier(NotifierContract):
    @pytest.fixture
    def notifier(self) -> InMemoryNotifier:
        return InMemoryNotifier()

    @pytest.fixture
    def deliveries(self, notifier: InMemoryNotifier) -> Deliveries:
        return lambda: len(notifier.sent)


class TestScriptedExtractor(ExtractorContract):
    @pytest.fixture
    def extractor(self) -> ScriptedExtractor:
        return ScriptedExtractor([ANSWER, ANSWER])


def test_calls_are_recorded_with_their_arguments() -> None:
    crm = InMemoryCRM()
    contact = ContactInput(email="ana@acme.com")
    record = crm.upsert_contact(contact, idempotency_key="k")
    crm.get_properties(ObjectType.CONTACT, record.id, ["email"])
    assert [name for name, _ in crm.calls] == ["upsert_contact", "get_properties"]
    assert crm.calls_to("upsert_contact") == [{"contact": contact, "idempotency_key": "k"}]


def test_fail_next_raises_n_times_then_succeeds() -> None:
    crm = InMemoryCRM()
    crm.fail_next("upsert_contact", TransientError("429", retry_after_s=2.5), times=2)
    contact = ContactInput(email="ana@acme.com")
    for _ in range(2):
        with pytest.raises(TransientError) as caught:
            crm.upsert_contact(contact, idempotency_key="k")
        assert caught.value.retry_after_s == 2.5
    assert crm.upsert_contact(contact, idempotency_key="k").created
    assert len(crm.calls_to("upsert_contact")) == 3


def test_a_failed_call_changes_nothing() -> None:
    calendar = InMemoryCalendar(contract_reps())
    calendar.fail_next("book_first_available", TransientError("503"))
    start = datetime(2030, 1, 7, 10, tzinfo=UTC)
    with pytest.raises(TransientError):
        calendar.book_first_available(request(start), idempotency_key="k")
    assert calendar.meetings == {}


@pytest.mark.parametrize(
    "error",
    [PermanentError("invalid token"), QuotaExhaustedError("daily limit"), TransientError("5xx")],
    ids=lambda error: type(error).__name__,
)
def test_fail_always_raises_the_same_type_until_cleared(error: Exception) -> None:
    notifier = InMemoryNotifier()
    notifier.fail_always("notify", error)
    for _ in range(3):
        with pytest.raises(type(error)) as caught:
            notifier.notify(notification(), idempotency_key="k")
        assert type(caught.value) is type(error)
    notifier.clear_failures()
    notifier.notify(notification(), idempotency_key="k")
    assert len(notifier.sent) == 1


def test_failures_are_scripted_per_method() -> None:
    transcripts = InMemoryTranscripts()
    transcripts.fail_always("find_transcript", PermanentError("gong: 401"))
    with pytest.raises(ValueError, match="no method 'find_transcripts'"):
        transcripts.fail_next("find_transcripts", TransientError("typo"))
    with pytest.raises(ValueError, match="times"):
        transcripts.fail_next("find_transcript", TransientError("x"), times=0)
    start = datetime(2030, 1, 7, 10, tzinfo=UTC)
    meeting = Meeting(
        id="m", rep_id="r", lead_email="a@b.c", title="t", start_at=start,
        end_at=start + timedelta(minutes=30),
    )  # fmt: skip
    with pytest.raises(PermanentError, match="401"):
        transcripts.find_transcript(meeting, "a@b.c")


def test_unreadable_calendar_is_unknown_and_never_booked() -> None:
    calendar = InMemoryCalendar(contract_reps())
    calendar.mark_unreadable("rep-a")
    start = datetime(2030, 1, 7, 10, tzinfo=UTC)
    assert calendar.free_busy(["rep-a"], start, start + timedelta(hours=1)) == {"rep-a": None}
    with pytest.raises(PermanentError):
        calendar.book_first_available(request(start, reps=["rep-a"]), idempotency_key="k")


def test_scripted_extractor_answers_in_order_then_runs_out() -> None:
    second = ANSWER.model_copy(update={"language": "pt"})
    extractor = ScriptedExtractor([ANSWER, ExtractionError("bad output"), second])
    transcript = Transcript(segments=[Segment(speaker="A", text="hi")])
    context = ExtractionContext()
    assert extractor.extract(transcript, context) == ANSWER
    with pytest.raises(ExtractionError, match="bad output"):
        extractor.extract(transcript, context)
    assert extractor.extract(transcript, context).language == "pt"
    with pytest.raises(ExtractionError, match="no scripted answer"):
        extractor.extract(transcript, context)
    assert len(extractor.calls_to("extract")) == 4


def test_the_fake_crm_lists_no_deal_closed_through_its_test_helper() -> None:
    crm = InMemoryCRM()
    contact = crm.upsert_contact(ContactInput(email="ana@acme.com"), idempotency_key="k")
    closed = crm.ensure_open_deal(contact.id, name="First", idempotency_key="d1")
    still_open = crm.ensure_open_deal(contact.id, name="Second", idempotency_key="d2")
    crm.close_deal(closed.id, stage="closed_lost")
    assert [deal.id for deal in crm.open_deals(contact.id)] == [still_open.id]
