"""The CRM role: contacts by email, deals and their open ones, typed properties, activities."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol, runtime_checkable

from pydantic import Field, field_validator

from connectors.base.shared import ConnectorModel, PropertyValue, UTCDateTime, normalise_email


class ObjectType(StrEnum):
    """The CRM objects whose properties leadflow reads and writes."""

    CONTACT = "contact"
    COMPANY = "company"
    DEAL = "deal"


class ActivityKind(StrEnum):
    """Kinds of timeline entries leadflow logs (the relationship-health activity types)."""

    NOTE = "note"
    EMAIL = "email"
    MEETING = "meeting"
    CALL = "call"
    TASK = "task"


class ContactInput(ConnectorModel):
    """A person to create or update; the email is the identity (trimmed, lower-cased)."""

    email: str = Field(min_length=3, max_length=254)
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    job_title: str | None = None
    phone: str | None = None

    @field_validator("email")
    @classmethod
    def _normalise(cls, value: str) -> str:
        value = normalise_email(value)
        local, at, domain = value.partition("@")
        if not (local and at and domain) or any(ch.isspace() for ch in value):
            raise ValueError(f"not an email address: {value!r}")
        return value


class ContactRecord(ConnectorModel):
    """A contact as the CRM holds it; `created` says whether this call created it."""

    id: str
    email: str
    first_name: str | None = None
    last_name: str | None = None
    company_id: str | None = None
    company: str | None = None
    created: bool = False


class DealRecord(ConnectorModel):
    """A deal (opportunity) tied to one contact; `created` says whether this call created it."""

    id: str
    contact_id: str
    name: str
    stage: str
    is_open: bool = True
    created: bool = False
    # The key ensure_open_deal made it under; None for a deal made outside leadflow. Lets a
    # caller tell its own deal (from an interrupted run) from one another lead opened.
    idempotency_key: str | None = None


class ActivityRecord(ConnectorModel):
    """A timeline entry on a contact (and its deal); `created` is False for a replayed key."""

    id: str
    contact_id: str
    deal_id: str | None = None
    kind: ActivityKind
    body: str
    occurred_at: UTCDateTime
    created: bool = False


@runtime_checkable
class CRM(Protocol):
    """Where leads live as contacts, companies and deals. Every write carries an idempotency key."""

    def upsert_contact(self, contact: ContactInput, *, idempotency_key: str) -> ContactRecord:
        """Create the contact, or update the one with the same email (case and spaces ignored).

        Never creates a second contact for one email; `created` is True only on the call that
        created it. Non-empty input fields overwrite, empty ones leave the stored value alone.
        """
        ...

    def ensure_open_deal(
        self,
        contact_id: str,
        *,
        name: str,
        idempotency_key: str,
        properties: dict[str, PropertyValue] | None = None,
    ) -> DealRecord:
        """Return the open deal created for this key, creating it (with `properties`) if missing.

        An unknown contact raises PermanentError; the same key never creates a second deal.
        """
        ...

    def open_deals(self, contact_id: str) -> list[DealRecord]:
        """The contact's deals not in a closed (won or lost) stage, newest first.

        A consistent read (never a lagging search), so a deal just made is listed. Empty when
        the contact has none; an unknown contact raises PermanentError.
        """
        ...

    def get_properties(
        self, object_type: ObjectType, object_id: str, names: list[str]
    ) -> dict[str, PropertyValue | None]:
        """The named properties of one object, with their types; unset ones are None.

        The result has exactly the requested names. An unknown object raises PermanentError.
        """
        ...

    def update_properties(
        self,
        object_type: ObjectType,
        object_id: str,
        properties: dict[str, PropertyValue],
        *,
        idempotency_key: str,
    ) -> None:
        """Set typed properties on one object (str, int, Decimal, bool, UTC datetime).

        Values read back with the same type and value. Replaying a key is harmless (PATCH
        semantics). An unknown object raises PermanentError naming the type and id.
        """
        ...

    def log_activity(
        self,
        contact_id: str,
        deal_id: str | None,
        kind: ActivityKind,
        body: str,
        *,
        idempotency_key: str,
    ) -> ActivityRecord:
        """Add a timeline entry; the same key returns the first entry and adds nothing.

        An unknown contact or deal raises PermanentError.
        """
        ...
