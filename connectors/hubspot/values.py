"""Typed property values to and from HubSpot's wire strings, and leadflow's field names."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from connectors.base.crm import ObjectType
from connectors.base.shared import PropertyValue

# HubSpot's object type in paths.
OBJECT_PATHS: dict[ObjectType, str] = {
    ObjectType.CONTACT: "contacts", ObjectType.COMPANY: "companies", ObjectType.DEAL: "deals"
}  # fmt: skip

# leadflow's names for HubSpot's built-in properties (the CRM Protocol's vocabulary).
BUILTIN_NAMES: dict[ObjectType, dict[str, str]] = {
    ObjectType.CONTACT: {"email": "email", "first_name": "firstname", "last_name": "lastname",
                         "company": "company", "job_title": "jobtitle", "phone": "phone"},
    ObjectType.COMPANY: {"name": "name", "domain": "domain"},
    ObjectType.DEAL: {"name": "dealname", "stage": "dealstage", "is_open": "hs_is_closed"},
}  # fmt: skip

_INTEGER = re.compile(r"-?\d+")


def hubspot_name(object_type: ObjectType, name: str) -> str:
    """HubSpot's internal name for one of leadflow's property names."""
    return BUILTIN_NAMES[object_type].get(name, name)


def to_wire(value: PropertyValue) -> str:
    """The string HubSpot expects: numbers plain, booleans true/false, datetimes ISO in UTC."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def from_wire(raw: str | None, hubspot_type: str | None) -> PropertyValue | None:
    """A typed value from HubSpot's string, by the property's declared type.

    number: int when it has no fraction part as written, else Decimal; bool; datetime (ISO or
    epoch milliseconds) and date as UTC datetimes; every other type as the string.
    """
    if raw is None:
        return None
    if hubspot_type in {"number", "bool", "datetime", "date"} and raw.strip() == "":
        return None
    if hubspot_type == "number":
        if _INTEGER.fullmatch(raw.strip()):
            return int(raw)
        try:
            return Decimal(raw)
        except InvalidOperation:
            return raw
    if hubspot_type == "bool":
        return raw.strip().lower() == "true"
    if hubspot_type in {"datetime", "date"}:
        return parse_datetime(raw)
    return raw


def parse_datetime(raw: str) -> datetime:
    """A UTC datetime from an ISO string (`Z` allowed), a date, or epoch milliseconds."""
    text = raw.strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
