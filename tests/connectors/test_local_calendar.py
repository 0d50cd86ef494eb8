"""LocalCalendar passes the Calendar contract; reps load from YAML; meetings export as iCalendar."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.base import Rep, Weekday
from connectors.local_calendar import LocalCalendar, load_reps
from connectors.scheduling import busy_intervals, is_free
from leadflow.errors import ConfigError, PermanentError
from leadflow.store import Store
from tests.connectors.contracts import CalendarContract, contract_reps
from tests.connectors.contracts.calendars import at, request

BUNDLED_REPS = Path(__file__).parents[2] / "examples" / "reps.yaml"


class TestLocalCalendar(CalendarContract):
    @pytest.fixture
    def calendar(self, store: Store) -> LocalCalendar:
        return LocalCalendar(store, contract_reps())


def test_bundled_reps_file_loads() -> None:
    reps = load_reps(BUNDLED_REPS)
    assert [rep.time_zone for rep in reps] == [
        "America/New_York", "Europe/Lisbon", "America/Sao_Paulo"
    ]  # fmt: skip
    assert reps[1].name == "João Çelik"
    assert reps[2].working_hours[Weekday.FRI].end == time(12)
    assert Weekday.SAT not in reps[0].working_hours


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("reps: []", "reps", "non-empty"),
        ("reps:\n  - {id: a, name: A, email: a@x.io, time_zone: Mars/Base}", "reps.0.time_zone",
         "unknown time zone"),
        ("reps:\n  - {id: a, name: A, email: a@x.io, working_hours: {mon: '17:00-09:00'}}",
         "reps.0.working_hours.mon", "after start"),
        ("reps:\n  - {id: a, name: A, email: a@x.io}\n  - {id: a, name: B, email: b@x.io}",
         "reps", "duplicate rep id"),
        ("reps: [", None, "cannot read"),
    ],
)  # fmt: skip
def test_bad_reps_files_name_the_file_and_key(
    tmp_path: Path, text: str, key: str | None, message: str
) -> None:
    path = tmp_path / "reps.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        load_reps(path)
    assert caught.value.file == str(path)
    assert caught.value.key == key


def test_meetings_survive_a_new_calendar_on_the_same_store(store: Store) -> None:
    first = LocalCalendar(store, contract_reps()).book_first_available(
        request(at(10)), idempotency_key="k"
    )
    again = LocalCalendar(store, contract_reps()).book_first_available(
        request(at(10)), idempotency_key="k"
    )
    assert again == first


def test_export_ics_is_rfc_5545(store: Store) -> None:
    calendar = LocalCalendar(store, contract_reps())
    meeting = calendar.book_first_available(request(at(19), reps=["rep-c"]), idempotency_key="1")
    cancelled = calendar.book_first_available(request(at(13), reps=["rep-c"]), idempotency_key="2")
    calendar.cancel(cancelled.id)
    ics = calendar.export_ics("rep-c")
    assert ics.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert ics.endswith("END:VCALENDAR\r\n")
    assert "\n" not in ics.replace("\r\n", "")
    assert f"UID:{meeting.id}\r\n" in ics
    assert "DTSTART:20300107T190000Z\r\nDTEND:20300107T193000Z\r\n" in ics
    assert "STATUS:CANCELLED" in ics and "STATUS:CONFIRMED" in ics
    assert ics.count("BEGIN:VEVENT") == 2
    assert datetime.now(UTC).strftime("DTSTAMP:%Y%m%d") in ics


def test_export_ics_escapes_and_folds_long_unicode_text(store: Store) -> None:
    calendar = LocalCalendar(store, contract_reps())
    title = "Intro; pricing, next steps — Åsa Öberg / João Çelik / María Ñúñez " * 2
    calendar.book_first_available(request(at(19), reps=["rep-c"], title=title), idempotency_key="1")
    ics = calendar.export_ics("rep-c")
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    unfolded = ics.replace("\r\n ", "")
    assert "SUMMARY:" + title.replace(";", "\\;").replace(",", "\\,") + "\r\n" in unfolded


def test_export_ics_unknown_rep_is_a_permanent_error(store: Store) -> None:
    with pytest.raises(PermanentError, match="rep-a, rep-b, rep-c"):
        LocalCalendar(store, contract_reps()).export_ics("nobody")


def test_working_hours_follow_daylight_saving_time(store: Store) -> None:
    new_york = Rep(id="ny", name="Sam Rivera", email="sam@x.io", time_zone="America/New_York")
    calendar = LocalCalendar(store, [new_york])
    friday = datetime(2030, 3, 8, tzinfo=UTC)  # EST, UTC-5
    monday = datetime(2030, 3, 11, tzinfo=UTC)  # EDT, UTC-4 since Sunday 10 March
    for day, opens in ((friday, 14), (monday, 13)):
        busy = calendar.free_busy(["ny"], day, day + timedelta(days=1))["ny"] or []
        assert busy[0].end_at == day.replace(hour=opens)
        assert busy[1].start_at == day.replace(hour=opens + 8)


@given(
    offsets=st.lists(st.tuples(st.integers(0, 72 * 60), st.integers(5, 240)), max_size=8),
    zone=st.sampled_from(["UTC", "America/New_York", "Europe/Lisbon", "Asia/Kolkata"]),
    window=st.tuples(st.integers(0, 48 * 60), st.integers(1, 48 * 60)),
)
def test_busy_intervals_are_sorted_disjoint_and_cover_every_event(
    offsets: list[tuple[int, int]], zone: str, window: tuple[int, int]
) -> None:
    rep = Rep(id="r", name="R", email="r@x.io", time_zone=zone)
    origin = datetime(2030, 3, 8, tzinfo=UTC)
    start = origin + timedelta(minutes=window[0])
    end = start + timedelta(minutes=window[1])
    events = [
        (origin + timedelta(minutes=o), origin + timedelta(minutes=o + n)) for o, n in offsets
    ]
    busy = busy_intervals(rep, events, start, end)
    spans = [(i.start_at, i.end_at) for i in busy]
    assert all(start <= a < b <= end for a, b in spans)
    assert all(b1 < a2 for (_, b1), (a2, _) in itertools.pairwise(spans))
    for event_start, event_end in events:
        lo, hi = max(event_start, start), min(event_end, end)
        if lo < hi:
            assert not is_free(busy, lo, hi)
