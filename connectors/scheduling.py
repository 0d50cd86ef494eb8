"""Pure scheduling rules shared by calendar implementations: busy time and round-robin choice."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from connectors.base.calendars import BusyInterval, MeetingRequest, Rep, Weekday
from leadflow.errors import PermanentError

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class RepLoad:
    """How much a rep has been booked: for round-robin, fewest meetings then oldest booking."""

    meetings: int = 0
    last_booked_seq: int = 0


@dataclass(frozen=True)
class Slot:
    """The rep and time chosen for a meeting."""

    rep: Rep
    start_at: datetime
    end_at: datetime


def require_utc(moment: datetime, name: str) -> datetime:
    """`moment` in UTC; a naive datetime raises ValueError naming the argument."""
    if moment.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


def working_spans(rep: Rep, start: datetime, end: datetime) -> list[Span]:
    """The rep's working windows overlapping [start, end), in UTC, computed in their time zone."""
    zone = rep.zone
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    spans: list[Span] = []
    while day <= last:
        hours = rep.working_hours.get(Weekday.of(day))
        if hours is not None:
            open_at = datetime.combine(day, hours.start, tzinfo=zone).astimezone(UTC)
            close_at = datetime.combine(day, hours.end, tzinfo=zone).astimezone(UTC)
            if open_at < end and close_at > start:
                spans.append((open_at, close_at))
        day += timedelta(days=1)
    return spans


def busy_intervals(
    rep: Rep, events: Iterable[Span], start: datetime, end: datetime
) -> list[BusyInterval]:
    """Busy time in [start, end): the rep's events plus everything outside working hours."""
    start, end = require_utc(start, "start"), require_utc(end, "end")
    if end <= start:
        raise ValueError(f"end {end.isoformat()} must be after start {start.isoformat()}")
    spans = list(events)
    cursor = start
    for open_at, close_at in working_spans(rep, start, end):
        if open_at > cursor:
            spans.append((cursor, open_at))
        cursor = max(cursor, close_at)
    if cursor < end:
        spans.append((cursor, end))
    return _merge(spans, start, end)


def _merge(spans: list[Span], start: datetime, end: datetime) -> list[BusyInterval]:
    merged: list[Span] = []
    for span_start, span_end in sorted(spans):
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_end <= span_start:
            continue
        if merged and span_start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span_end))
        else:
            merged.append((span_start, span_end))
    return [BusyInterval(start_at=s, end_at=e) for s, e in merged]


def is_free(busy: list[BusyInterval] | None, start: datetime, end: datetime) -> bool:
    """True when nothing in `busy` overlaps [start, end); unknown (None) is never free."""
    if busy is None:
        return False
    return all(interval.end_at <= start or interval.start_at >= end for interval in busy)


def choose_slot(
    request: MeetingRequest,
    reps: list[Rep],
    busy_of: Callable[[Rep, datetime, datetime], list[BusyInterval] | None],
    load: Mapping[str, RepLoad],
    *,
    connector: str,
) -> Slot:
    """The first proposed time with a free eligible rep, the least loaded of them; else raises.

    Raises PermanentError when no proposed time works, listing the times tried.
    """
    eligible = _eligible(request, reps, connector)
    for proposed in request.proposed_times:
        free: list[Slot] = []
        for rep in eligible:
            end_at = proposed + timedelta(minutes=request.duration_minutes or rep.meeting_minutes)
            if is_free(busy_of(rep, proposed, end_at), proposed, end_at):
                free.append(Slot(rep=rep, start_at=proposed, end_at=end_at))
        if free:
            return min(free, key=lambda slot: _rank(slot.rep, load))
    tried = ", ".join(moment.isoformat() for moment in request.proposed_times)
    raise PermanentError(
        f"no eligible rep ({', '.join(rep.id for rep in eligible)}) is free at any proposed "
        f"time; tried {tried} (UTC). Ask the lead for other times.",
        connector=connector,
        operation="book_first_available",
    )


def _rank(rep: Rep, load: Mapping[str, RepLoad]) -> tuple[int, int, str]:
    rep_load = load.get(rep.id, RepLoad())
    return (rep_load.meetings, rep_load.last_booked_seq, rep.id)


def _eligible(request: MeetingRequest, reps: list[Rep], connector: str) -> list[Rep]:
    if request.rep_ids is None:
        return sorted(reps, key=lambda rep: rep.id)
    known = {rep.id: rep for rep in reps}
    unknown = [rep_id for rep_id in request.rep_ids if rep_id not in known]
    if unknown:
        raise PermanentError(
            f"unknown rep id(s) {', '.join(unknown)}; known reps: {', '.join(sorted(known))}",
            connector=connector,
            operation="book_first_available",
        )
    return sorted((known[rep_id] for rep_id in set(request.rep_ids)), key=lambda rep: rep.id)
