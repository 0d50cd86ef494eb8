"""The Calendar role: reps with working hours, free/busy, first-available booking, cancelling."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from connectors.base.shared import ConnectorModel, UTCDateTime, normalise_email


class Weekday(StrEnum):
    """Days of the week, in `date.weekday()` order."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @classmethod
    def of(cls, day: date) -> Weekday:
        """The weekday of a (local) date or datetime."""
        return list(cls)[day.weekday()]


class WorkingHours(ConnectorModel):
    """One day's working window in the rep's local time; also accepts "09:00-17:00"."""

    start: time
    end: time

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            start, sep, end = value.partition("-")
            if not sep:
                raise ValueError(f"working hours must look like '09:00-17:00', got {value!r}")
            return {"start": start.strip(), "end": end.strip()}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> WorkingHours:
        if self.end <= self.start:
            raise ValueError(f"working hours end {self.end} must be after start {self.start}")
        return self


def _weekdays_nine_to_five() -> dict[Weekday, WorkingHours]:
    day = WorkingHours(start=time(9), end=time(17))
    return {weekday: day for weekday in list(Weekday)[:5]}


class Rep(ConnectorModel):
    """A sales rep who takes meetings: working hours per weekday in their own time zone."""

    id: str = Field(min_length=1)
    name: str
    email: str
    time_zone: str = "UTC"
    working_hours: dict[Weekday, WorkingHours] = Field(default_factory=_weekdays_nine_to_five)
    meeting_minutes: int = Field(default=30, ge=5, le=480)
    # The rep's calendar in a real calendar service (Google: defaults to the rep's email).
    calendar_id: str | None = None

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The rep's time zone."""
        return ZoneInfo(self.time_zone)

    @property
    def calendar(self) -> str:
        """The rep's calendar id: `calendar_id` when given, else the rep's email."""
        return self.calendar_id or self.email


class BusyInterval(ConnectorModel):
    """A time a rep cannot meet: [start_at, end_at), in UTC."""

    start_at: UTCDateTime
    end_at: UTCDateTime


class MeetingRequest(ConnectorModel):
    """A lead asking to meet at one of their proposed times, most preferred first."""

    lead_email: str
    lead_name: str | None = None
    title: str
    proposed_times: list[UTCDateTime] = Field(min_length=1)
    # None: the chosen rep's own meeting length.
    duration_minutes: int | None = Field(default=None, ge=5, le=480)
    # None: every rep is eligible.
    rep_ids: list[str] | None = None
    description: str = ""

    @field_validator("lead_email")
    @classmethod
    def _normalise(cls, value: str) -> str:
        return normalise_email(value)


class MeetingStatus(StrEnum):
    """Whether a meeting still holds its time."""

    BOOKED = "booked"
    CANCELLED = "cancelled"


class Meeting(ConnectorModel):
    """A booked meeting between one rep and a lead."""

    id: str
    rep_id: str
    lead_email: str
    title: str
    start_at: UTCDateTime
    end_at: UTCDateTime
    status: MeetingStatus = MeetingStatus.BOOKED
    join_url: str | None = None


@runtime_checkable
class Calendar(Protocol):
    """The reps' calendars: who is busy when, and booking a lead with the first free rep."""

    def reps(self) -> list[Rep]:
        """Every rep who takes meetings, ordered by id."""
        ...

    def free_busy(
        self, rep_ids: list[str], start: datetime, end: datetime
    ) -> dict[str, list[BusyInterval] | None]:
        """Busy intervals per rep between `start` and `end`, sorted and clipped to the window.

        Outside working hours counts as busy. An unknown rep (or one whose calendar cannot be
        read) maps to None: unknown, never "free". Naive datetimes raise ValueError.
        """
        ...

    def book_first_available(self, request: MeetingRequest, *, idempotency_key: str) -> Meeting:
        """Book the first proposed time (in the lead's order) at which an eligible rep is free.

        Among the reps free at that time, round-robin: fewest booked meetings, then least
        recently booked, then id. The same key returns the meeting first booked with it and books
        nothing. When no proposed time works, raises PermanentError listing the times tried.
        """
        ...

    def cancel(self, meeting_id: str) -> None:
        """Cancel a meeting and free its time; cancelling twice is harmless.

        An unknown meeting id raises PermanentError.
        """
        ...
