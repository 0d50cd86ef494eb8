"""CRM rules every CRM implementation shares: typed property values and companies from emails."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from connectors.base.crm import ContactInput, ObjectType
from connectors.base.shared import PropertyValue, email_domain
from leadflow.errors import PermanentError

DEFAULT_DEAL_STAGE = "new"

# Fields a CRM keeps as columns; everything else is a custom property.
BUILTIN_PROPERTIES: dict[ObjectType, frozenset[str]] = {
    ObjectType.CONTACT: frozenset({"email", "first_name", "last_name", "company"}),
    ObjectType.COMPANY: frozenset({"name", "domain"}),
    ObjectType.DEAL: frozenset({"name", "stage", "is_open"}),
}

# Addresses at these domains say nothing about the lead's company.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
        "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de",
        "yandex.ru", "mail.ru", "uol.com.br", "bol.com.br", "terra.com.br", "qq.com", "163.com",
    }
)  # fmt: skip

_TYPES: dict[type, str] = {bool: "bool", int: "int", Decimal: "decimal", str: "str"}


def check_properties(
    object_type: ObjectType, properties: dict[str, PropertyValue], *, connector: str
) -> dict[str, PropertyValue]:
    """Plain-typed values, datetimes in UTC; PermanentError for a reserved name or bad type."""
    reserved = sorted(BUILTIN_PROPERTIES[object_type].intersection(properties))
    if reserved:
        raise PermanentError(
            f"{', '.join(reserved)} on a {object_type} is not a custom property; "
            "change it through upsert_contact/ensure_open_deal",
            connector=connector,
            operation="update_properties",
        )
    checked: dict[str, PropertyValue] = {}
    for name, value in properties.items():
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise PermanentError(
                    f"property {name!r} is a naive datetime; pass a timezone-aware one",
                    connector=connector,
                    operation="update_properties",
                )
            value = value.astimezone(UTC)
        elif isinstance(value, bool | int | Decimal | str):
            # Enum members and other subclasses become their plain base type.
            value = next(kind for kind in _TYPES if isinstance(value, kind))(value)
        else:
            raise PermanentError(
                f"property {name!r} has type {type(value).__name__}; "
                "allowed: str, int, Decimal, bool, datetime (use Decimal, not float)",
                connector=connector,
                operation="update_properties",
            )
        checked[name] = value
    return checked


def encode_value(value: PropertyValue) -> dict[str, str]:
    """A JSON-safe form of a typed value that keeps its type: {"type": ..., "value": ...}."""
    if isinstance(value, datetime):
        return {"type": "datetime", "value": value.astimezone(UTC).isoformat()}
    kind = _TYPES[type(value)]
    return {"type": kind, "value": str(value).lower() if kind == "bool" else str(value)}


def decode_value(encoded: Any) -> PropertyValue | None:
    """The typed value from `encode_value`'s form; a bare JSON value is returned as stored."""
    if not isinstance(encoded, dict) or "type" not in encoded:
        return encoded
    kind, text = encoded["type"], encoded["value"]
    decoders: dict[str, Any] = {
        "str": str,
        "int": int,
        "decimal": Decimal,
        "bool": lambda raw: raw == "true",
        "datetime": datetime.fromisoformat,
    }
    return decoders[kind](text)


def company_of(contact: ContactInput) -> tuple[str, str | None] | None:
    """The (name, domain) of the contact's company: the form's name, else the email domain.

    Free-mail domains (gmail.com, ...) never identify a company.
    """
    domain: str | None = email_domain(contact.email)
    if domain in FREE_MAIL_DOMAINS:
        domain = None
    name = (contact.company or "").strip()
    if name:
        return name, domain
    if domain:
        return domain.split(".")[0].replace("-", " ").title(), domain
    return None
