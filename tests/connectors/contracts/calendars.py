"""The Calendar contract: free/busy, first-available booking, round-robin, idempotency, errors.

Implementations are built with `contract_reps()`: rep-a and rep-b work 09:00-17:00 UTC, rep-c
09:00-17:00 in São Paulo (12:00-20:00 UTC); all Monday to Friday, 30-minute meetings.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from connectors.base import Calendar, MeetingRequest, MeetingStatus, Rep
from leadflow.errors import PermanentError

MONDAY = datetime(2030, 1, 7, tzinfo=UTC)
SATURDAY = MONDAY + timedelta(days=5)


def at(hour: int, minute: int = 0, day: datetime = MONDAY) -> datetime:
    """A UTC time on the contract's Monday (or another day)."""
    return day.replace(hour=hour, minute=minute)


def contract_reps() -> list[Rep]:
    """The reps every Calendar implementation under contract is built with."""
    return [
        Rep(id="rep-a", name="Ana Lima", email="ana@sales.example", time_zone="UTC"),
        Rep(id="rep-b", name="Bjørn Ås", email="bjorn@sales.example", time_zone="UTC"),
        Rep(id="rep-c", name="João Çelik", email="joao@sales.example",
            time_zone="America/Sao_Paulo"),
    ]  # fmt: skip


def request(*times: datetime, reps: list[str] | None = None, **extra: object) -> MeetingRequest:
    """A meeting request from the contract's lead."""
    fields: dict[str, object] = {
        "lead_email": "lead@acme.example",
        "lead_name": "Åsa Öberg",
        "title": "Intro call — Åsa Öberg",
        "proposed_times": list(times),
        "rep_ids": reps,
    }
    return MeetingRequest.model_validate(fields | extra)


class CalendarContract:
    """Subclass and override `calendar` with an empty calendar built with contract_reps()."""

    @pytest.fixture
    def calendar(self) -> Calendar:
        raise NotImplementedError("override the `calendar` fixture")

    def test_satisfies_the_protocol(self, calendar: Calendar) -> None:
        assert isinstance(calendar, Calendar)

    def test_lists_reps_by_id(self, calendar: Calendar) -> None:
        assert [rep.id for rep in calendar.reps()] == ["rep-a", "rep-b", "rep-c"]

    def test_outside_working_hours_is_busy(self, calendar: Calendar) -> None:
        busy = calendar.free_busy(["rep-a", "rep-c"], MONDAY, MONDAY + timedelta(days=1))
        assert [(i.start_at, i.end_at) for i in busy["rep-a"] or []] == [
            (MONDAY, at(9)), (at(17), MONDAY + timedelta(days=1))
        ]  # fmt: skip
        assert [(i.start_at, i.end_at) for i in busy["rep-c"] or []] == [
            (MONDAY, at(12)), (at(20), MONDAY + timedelta(days=1))
        ]  # fmt: skip

    def test_unknown_rep_is_unknown_not_free(self, calendar: Calendar) -> None:
        busy = calendar.free_busy(["rep-a", "nobody"], at(9), at(10))
        assert busy == {"rep-a": [], "nobody": None}

    def test_naive_times_are_refused(self, calendar: Calendar) -> None:
        with pytest.raises(ValueError, match="timezone"):
            calendar.free_busy(["rep-a"], datetime(2030, 1, 7, 9), datetime(2030, 1, 7, 10))
        with pytest.raises(ValidationError):
            request(datetime(2030, 1, 7, 9))

    def test_books_the_first_proposed_time_that_works(self, calendar: Calendar) -> None:
        meeting = calendar.book_first_available(
            request(at(10, day=SATURDAY), at(7), at(10), at(11)), idempotency_key="m1"
        )
        assert (meeting.start_at, meeting.end_at) == (at(10), at(10, 30))
        assert meeting.rep_id in {"rep-a", "rep-b"}
        assert meeting.lead_email == "lead@acme.example"
        assert meeting.title == "Intro call — Åsa Öberg"
        assert meeting.status == MeetingStatus.BOOKED

    def test_booked_time_is_busy(self, calendar: Calendar) -> None:
        only_a = request(at(10), reps=["rep-a"])
        meeting = calendar.book_first_available(only_a, idempotency_key="m")
        busy = calendar.free_busy(["rep-a", "rep-b"], at(9), at(12))
        assert [(i.start_at, i.end_at) for i in busy["rep-a"] or []] == [
            (meeting.start_at, meeting.end_at)
        ]
        assert busy["rep-b"] == []

    def test_round_robin_among_free_reps(self, calendar: Calendar) -> None:
        pair = ["rep-a", "rep-b"]
        first = calendar.book_first_available(request(at(10), reps=pair), idempotency_key="1")
        second = calendar.book_first_available(request(at(10), reps=pair), idempotency_key="2")
        third = calendar.book_first_available(
            request(at(10), at(11), reps=pair), idempotency_key="3"
        )
        fourth = calendar.book_first_available(request(at(14), reps=pair), idempotency_key="4")
        assert [first.rep_id, second.rep_id] == ["rep-a", "rep-b"]
        assert (third.rep_id, third.start_at) == ("rep-a", at(11))
        assert fourth.rep_id == "rep-b"

    def test_rep_in_another_time_zone_is_booked_in_their_hours(self, calendar: Calendar) -> None:
        early = request(at(10), reps=["rep-c"])
        with pytest.raises(PermanentError):
            calendar.book_first_available(early, idempotency_key="early")
        meeting = calendar.book_first_available(
            request(at(10), at(19), reps=["rep-c"]), idempotency_key="late"
        )
        assert (meeting.rep_id, meeting.start_at) == ("rep-c", at(19))

    def test_same_key_returns_the_same_meeting_and_books_nothing(self, calendar: Calendar) -> None:
        first = calendar.book_first_available(request(at(10)), idempotency_key="lead-1:book")
        again = calendar.book_first_available(request(at(10)), idempotency_key="lead-1:book")
        changed = calendar.book_first_available(request(at(15)), idempotency_key="lead-1:book")
        assert again == first and changed == first
        busy = calendar.free_busy([first.rep_id], at(9), at(17))[first.rep_id]
        assert [(i.start_at, i.end_at) for i in busy or []] == [(first.start_at, first.end_at)]

    def test_no_free_time_is_a_permanent_error_listing_the_times(self, calendar: Calendar) -> None:
        times = [at(10, day=SATURDAY), at(3), at(16, 45)]  # 16:45 + 30 min ends after hours
        with pytest.raises(PermanentError) as caught:
            calendar.book_first_available(
                request(*times, reps=["rep-a", "rep-b"]), idempotency_key="none"
            )
        for moment in times:
            assert moment.isoformat() in str(caught.value)

    def test_fully_booked_time_is_not_double_booked(self, calendar: Calendar) -> None:
        for key in ("1", "2", "3"):
            calendar.book_first_available(request(at(13)), idempotency_key=key)
        with pytest.raises(PermanentError, match="tried"):
            calendar.book_first_available(request(at(13)), idempotency_key="4")

    def test_meeting_length_is_the_reps_or_the_requested(self, calendar: Calendar) -> None:
        default = calendar.book_first_available(request(at(10)), idempotency_key="d")
        longer = calendar.book_first_available(
            request(at(12), duration_minutes=60), idempotency_key="l"
        )
        assert default.end_at - default.start_at == timedelta(minutes=30)
        assert longer.end_at - longer.start_at == timedelta(minutes=60)

    def test_unknown_eligible_rep_is_a_permanent_error(self, calendar: Calendar) -> None:
        with pytest.raises(PermanentError, match="nobody"):
            calendar.book_first_available(request(at(10), reps=["nobody"]), idempotency_key="x")

    def test_cancel_frees_the_time(self, calendar: Calendar) -> None:
        only_a = ["rep-a"]
        meeting = calendar.book_first_available(request(at(10), reps=only_a), idempotency_key="1")
        calendar.cancel(meeting.id)
        calendar.cancel(meeting.id)
        assert calendar.free_busy(only_a, at(9), at(12)) == {"rep-a": []}
        rebooked = calendar.book_first_available(request(at(10), reps=only_a), idempotency_key="2")
        assert rebooked.id != meeting.id and rebooked.start_at == at(10)

    def test_cancelling_an_unknown_meeting_is_a_permanent_error(self, calendar: Calendar) -> None:
        with pytest.raises(PermanentError, match="no-such-meeting"):
            calendar.cancel("no-such-meeting")
