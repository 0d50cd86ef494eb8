"""InMemoryCalendar: the Calendar Protocol in dicts, for tests."""

from __future__ import annotations

from datetime import datetime
from itertools import count

from connectors.base.calendars import BusyInterval, Meeting, MeetingRequest, MeetingStatus, Rep
from connectors.fakes.scripting import Scripted, synchronized
from connectors.scheduling import RepLoad, busy_intervals, choose_slot, require_utc
from leadflow.errors import PermanentError

NAME = "fake_calendar"


class InMemoryCalendar(Scripted):
    """Reps and meetings in dicts, scheduled by the same rules as LocalCalendar."""

    def __init__(self, reps: list[Rep]) -> None:
        super().__init__()
        self._reps = {rep.id: rep for rep in reps}
        self._ids = count(1)
        self.meetings: dict[str, Meeting] = {}
        self._by_key: dict[str, str] = {}
        self._booked_seq: dict[str, int] = {}
        self.unreadable: set[str] = set()

    @synchronized
    def reps(self) -> list[Rep]:
        """Every rep, ordered by id."""
        self._call("reps")
        return sorted(self._reps.values(), key=lambda rep: rep.id)

    @synchronized
    def mark_unreadable(self, rep_id: str) -> None:
        """Make a rep's calendar unreadable: free_busy reports None and booking skips them."""
        self.unreadable.add(rep_id)

    @synchronized
    def free_busy(
        self, rep_ids: list[str], start: datetime, end: datetime
    ) -> dict[str, list[BusyInterval] | None]:
        """Busy intervals per rep; None for unknown or unreadable reps (see Calendar.free_busy)."""
        self._call("free_busy", rep_ids=rep_ids, start=start, end=end)
        start, end = require_utc(start, "start"), require_utc(end, "end")
        return {rep_id: self._busy(rep_id, start, end) for rep_id in rep_ids}

    @synchronized
    def book_first_available(self, request: MeetingRequest, *, idempotency_key: str) -> Meeting:
        """Book the first free proposed time, round-robin (see Calendar.book_first_available)."""
        self._call("book_first_available", request=request, idempotency_key=idempotency_key)
        if idempotency_key in self._by_key:
            return self.meetings[self._by_key[idempotency_key]]
        slot = choose_slot(
            request,
            list(self._reps.values()),
            lambda rep, start, end: self._busy(rep.id, start, end),
            self._load(),
            connector=NAME,
        )
        meeting = Meeting(
            id=f"meeting-{next(self._ids)}",
            rep_id=slot.rep.id,
            lead_email=request.lead_email,
            title=request.title,
            start_at=slot.start_at,
            end_at=slot.end_at,
        )
        self.meetings[meeting.id] = meeting
        self._by_key[idempotency_key] = meeting.id
        self._booked_seq[meeting.id] = len(self._booked_seq) + 1
        return meeting

    @synchronized
    def cancel(self, meeting_id: str) -> None:
        """Cancel a meeting; twice is harmless (see Calendar.cancel)."""
        self._call("cancel", meeting_id=meeting_id)
        meeting = self.meetings.get(meeting_id)
        if meeting is None:
            raise PermanentError(
                f"no meeting with id {meeting_id!r}", connector=NAME, operation="cancel"
            )
        self.meetings[meeting_id] = meeting.model_copy(update={"status": MeetingStatus.CANCELLED})

    def _busy(self, rep_id: str, start: datetime, end: datetime) -> list[BusyInterval] | None:
        rep = self._reps.get(rep_id)
        if rep is None or rep_id in self.unreadable:
            return None
        events = [
            (meeting.start_at, meeting.end_at)
            for meeting in self.meetings.values()
            if meeting.rep_id == rep_id and meeting.status == MeetingStatus.BOOKED
        ]
        return busy_intervals(rep, events, start, end)

    def _load(self) -> dict[str, RepLoad]:
        load: dict[str, RepLoad] = {}
        for meeting in self.meetings.values():
            if meeting.status != MeetingStatus.BOOKED:
                continue
            current = load.get(meeting.rep_id, RepLoad())
            load[meeting.rep_id] = RepLoad(
                meetings=current.meetings + 1,
                last_booked_seq=max(current.last_booked_seq, self._booked_seq[meeting.id]),
            )
        return load
