"""Tables behind the `local` connectors: an embedded CRM, calendar and notification outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Text
from sqlmodel import Field, SQLModel

from leadflow.store.types import UTCDateTime, utc_now


def _created() -> Any:
    return Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)


class CrmCompany(SQLModel, table=True):
    """A company (account) in the local CRM; the domain, when known, is unique."""

    __tablename__ = "crm_companies"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=255)
    domain: str | None = Field(default=None, max_length=255, unique=True)
    created_at: datetime = _created()


class CrmContact(SQLModel, table=True):
    """A contact in the local CRM, unique by normalised email."""

    __tablename__ = "crm_contacts"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    first_name: str | None = Field(default=None, max_length=255)
    last_name: str | None = Field(default=None, max_length=255)
    company_id: int | None = Field(default=None, foreign_key="crm_companies.id")
    properties: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class CrmDeal(SQLModel, table=True):
    """A deal (opportunity) for a contact, created once per idempotency key."""

    __tablename__ = "crm_deals"
    __table_args__ = (Index("ix_crm_deals_contact", "contact_id"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="crm_contacts.id")
    name: str = Field(max_length=255)
    stage: str = Field(max_length=100)
    is_open: bool = True
    idempotency_key: str = Field(max_length=255, unique=True)
    properties: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class CrmActivity(SQLModel, table=True):
    """A note, email, call or meeting logged against a contact (and maybe a deal)."""

    __tablename__ = "crm_activities"
    __table_args__ = (Index("ix_crm_activities_contact", "contact_id"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="crm_contacts.id")
    deal_id: int | None = Field(default=None, foreign_key="crm_deals.id")
    kind: str = Field(max_length=50)
    body: str = Field(default="", sa_type=Text)
    idempotency_key: str = Field(max_length=255, unique=True)
    created_at: datetime = _created()


class CalendarEvent(SQLModel, table=True):
    """A meeting on a rep's local calendar; `status` is confirmed or cancelled."""

    __tablename__ = "calendar_events"
    __table_args__ = (Index("ix_calendar_events_rep_start", "rep_id", "start_at"),)

    id: int | None = Field(default=None, primary_key=True)
    rep_id: str = Field(max_length=100)
    idempotency_key: str = Field(max_length=255, unique=True)
    start_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    end_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    title: str = Field(max_length=255)
    attendee_email: str | None = Field(default=None, max_length=320)
    status: str = Field(default="confirmed", max_length=20)
    created_at: datetime = _created()


class Notification(SQLModel, table=True):
    """A message sent (or queued) to a rep, at most once per idempotency key."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_rep", "rep_id"),)

    id: int | None = Field(default=None, primary_key=True)
    rep_id: str = Field(max_length=100)
    lead_id: int | None = Field(default=None, foreign_key="leads.id")
    idempotency_key: str = Field(max_length=255, unique=True)
    channel: str = Field(max_length=50)
    body: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    created_at: datetime = _created()
