"""Types every connector role shares: the frozen model base, UTC times, typed property values."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict

# One definition of how emails match, re-exported for the connectors (the store uses it too).
from leadflow.intake import normalise_email


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UTCDateTime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timezone-aware datetime, normalised to UTC; naive datetimes are refused."""

PropertyValue = str | int | Decimal | bool | datetime
"""A CRM property value; real CRMs send strings on the wire, connectors convert at their edge."""


class ConnectorModel(BaseModel):
    """Base of the connector data types: immutable, unknown fields refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def email_domain(email: str) -> str:
    """The domain part of an email address, lower-cased ('' when there is none)."""
    return normalise_email(email).rpartition("@")[2]
