"""LocalCalendar: the embedded default calendar: reps from a YAML file, events in the store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from connectors.base.calendars import BusyInterval, Meeting, MeetingRequest, MeetingStatus, Rep
from connectors.ics import render_calendar
from connectors.scheduling import RepLoad, busy_intervals, choose_slot, require_utc
from leadflow.errors import ConfigError, PermanentError, StoreError
from leadflow.store import Store
from leadflow.store import calendar_events as events
from leadflow.store.connector_models import CalendarEvent
from leadflow.store.types import utc_now
from scoring.safe_yaml import load_yaml

NAME = "local_calendar"
_REPS = TypeAdapter(list[Rep])


def load_reps(path: Path) -> list[Rep]:
    """The reps in a YAML file (a `reps:` list); ConfigError names the file and the bad key."""
    try:
        data = load_yaml(path)
    except ConfigError as exc:
        raise ConfigError(f"cannot read the reps file: {exc.detail}", file=path) from None
    items = data.get("reps") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise ConfigError("expected a non-empty `reps:` list", file=path, key="reps")
    try:
        reps = _REPS.validate_python(items)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = "reps." + ".".join(str(part) for part in first["loc"])
        raise ConfigError(first["msg"], file=path, key=key) from exc
    ids = [rep.id for rep in reps]
    duplicates = sorted({rep_id for rep_id in ids if ids.count(rep_id) > 1})
    if duplicates:
        raise ConfigError(f"duplicate rep id(s): {', '.join(duplicates)}", file=path, key="reps")
    return reps


class LocalCalendar:
    """Busy time from the store's events plus each rep's working hours; round-robin booking."""

    def __init__(self, store: Store, reps: list[Rep]) -> None:
        self._store = store
        self._reps = {rep.id: rep for rep in reps}

    def reps(self) -> list[Rep]:
        """Every rep, ordered by id."""
        return sorted(self._reps.values(), key=lambda rep: rep.id)

    def free_busy(
        self, rep_ids: list[str], start: datetime, end: datetime
    ) -> dict[str, list[BusyInterval] | None]:
        """Busy intervals per rep; None for an unknown rep (see Calendar.free_busy)."""
        start, end = require_utc(start, "start"), require_utc(end, "end")
        with self._store.session(write=False) as session:
            return {rep_id: self._busy(session, rep_id, start, end) for rep_id in rep_ids}

    def book_first_available(self, request: MeetingRequest, *, idempotency_key: str) -> Meeting:
        """Book the first free proposed time, round-robin (see Calendar.book_first_available)."""
        # A write session takes SQLite's write lock first, so choosing and booking are atomic.
        with self._store.session() as session:
            existing = events.get_event_by_key(session, idempotency_key)
            if existing is not None:
                return _meeting(existing)
            slot = choose_slot(
                request,
                list(self._reps.values()),
                lambda rep, start, end: self._busy(session, rep.id, start, end),
                _load(session),
                connector=NAME,
            )
            event, _ = events.book_event(
                session,
                rep_id=slot.rep.id,
                idempotency_key=idempotency_key,
                start_at=slot.start_at,
                end_at=slot.end_at,
                title=request.title,
                attendee_email=request.lead_email,
            )
            return _meeting(event)

    def cancel(self, meeting_id: str) -> None:
        """Cancel a meeting; twice is harmless (see Calendar.cancel)."""
        with self._store.session() as session:
            try:
                events.cancel_event(session, _event_id(meeting_id))
            except StoreError as exc:
                raise PermanentError(
                    f"no meeting with id {meeting_id!r} in the local calendar",
                    connector=NAME,
                    operation="cancel",
                ) from exc

    def export_ics(self, rep_id: str) -> str:
        """The rep's meetings (cancelled ones marked so) as an RFC 5545 VCALENDAR."""
        rep = self._reps.get(rep_id)
        if rep is None:
            raise PermanentError(
                f"unknown rep {rep_id!r}; known reps: {', '.join(sorted(self._reps))}",
                connector=NAME,
                operation="export_ics",
            )
        with self._store.session(write=False) as session:
            rows = session.exec(
                select(CalendarEvent)
                .where(CalendarEvent.rep_id == rep_id)
                .order_by(col(CalendarEvent.start_at), col(CalendarEvent.id))
            ).all()
        return render_calendar(rep, [_meeting(row) for row in rows], stamped_at=utc_now())

    def _busy(
        self, session: Session, rep_id: str, start: datetime, end: datetime
    ) -> list[BusyInterval] | None:
        rep = self._reps.get(rep_id)
        if rep is None:
            return None
        rows = events.list_events(session, rep_id, start_at=start, end_at=end)
        return busy_intervals(rep, [(row.start_at, row.end_at) for row in rows], start, end)


def _load(session: Session) -> dict[str, RepLoad]:
    """Confirmed meetings per rep and the id of each rep's latest booking, for round-robin."""
    rows = session.exec(
        select(CalendarEvent.rep_id, func.count(), func.max(CalendarEvent.id))
        .where(CalendarEvent.status == events.CONFIRMED)
        .group_by(CalendarEvent.rep_id)
    ).all()
    return {rep_id: RepLoad(meetings=n, last_booked_seq=last or 0) for rep_id, n, last in rows}


def _event_id(meeting_id: str) -> int:
    return int(meeting_id) if meeting_id.isdigit() else -1


def _meeting(event: CalendarEvent) -> Meeting:
    cancelled = event.status == events.CANCELLED
    return Meeting(
        id=str(event.id),
        rep_id=event.rep_id,
        lead_email=event.attendee_email or "",
        title=event.title,
        start_at=event.start_at,
        end_at=event.end_at,
        status=MeetingStatus.CANCELLED if cancelled else MeetingStatus.BOOKED,
    )
