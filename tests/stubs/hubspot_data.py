"""The HubSpot stub's records and property definitions, with HubSpot's write validation."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi.responses import JSONResponse

TYPES = ("contacts", "companies", "deals", "notes")
DEAL_STAGES = ("appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
               "decisionmakerboughtin", "contractsent", "closedwon", "closedlost")  # fmt: skip
READ_ONLY = {"hs_object_id", "createdate", "lastmodifieddate", "hs_is_closed"}
# associationTypeId -> the target object type (CONNECTORS.md 2.3 and HubSpot's defaults).
ASSOCIATION_TARGETS = {3: "contacts", 4: "deals", 202: "contacts", 214: "deals", 279: "companies"}


def _prop(name: str, type_: str = "string", field: str = "text", **extra: Any) -> dict[str, Any]:
    return {"name": name, "label": name, "type": type_, "fieldType": field,
            "groupName": "default", "hasUniqueValue": False, "options": [], **extra}  # fmt: skip


def default_definitions() -> dict[str, dict[str, dict[str, Any]]]:
    """The built-in properties of a fresh portal, per object type."""
    common = [_prop("hs_object_id", "number", "number"), _prop("createdate", "datetime", "date"),
              _prop("lastmodifieddate", "datetime", "date")]  # fmt: skip
    stages = [{"label": s, "value": s, "displayOrder": i} for i, s in enumerate(DEAL_STAGES)]
    per_type = {
        "contacts": [_prop(n) for n in ("email", "firstname", "lastname", "company", "jobtitle")]
        + [_prop("phone", field="phonenumber")],
        "companies": [_prop("name"), _prop("domain")],
        "deals": [_prop("dealname"), _prop("dealstage", "enumeration", "select", options=stages),
                  _prop("pipeline", "enumeration", "select",
                        options=[{"label": "Sales", "value": "default", "displayOrder": 0}]),
                  _prop("amount", "number", "number"), _prop("closedate", "datetime", "date"),
                  _prop("hs_is_closed", "bool", "booleancheckbox")],
        "notes": [_prop("hs_note_body", field="html"), _prop("hs_timestamp", "datetime", "date")],
    }  # fmt: skip
    return {t: {p["name"]: p for p in common + per_type[t]} for t in TYPES}


def normalise(definition: dict[str, Any], raw: Any) -> tuple[str | None, str | None]:
    """(the stored string, None) or (None, HubSpot's error code) for one written value."""
    value = "" if raw is None else str(raw)
    kind = definition["type"]
    if value == "" or kind == "string":
        return value, None
    if kind == "number":
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None, "INVALID_DECIMAL"
        return format(number.normalize(), "f"), None  # HubSpot drops trailing zeros
    if kind == "bool":
        lowered = value.lower()
        return (lowered, None) if lowered in {"true", "false"} else (None, "INVALID_BOOLEAN")
    if kind in {"datetime", "date"}:
        try:
            if value.isdigit():
                moment = datetime.fromtimestamp(int(value) / 1000, tz=UTC)
            else:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None, "INVALID_DATE"
        if moment.tzinfo is None:
            return None, "INVALID_DATE"
        return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace(
            "+00:00", "Z"
        ), None
    if kind == "enumeration":
        allowed = {option["value"] for option in definition["options"]}
        return (value, None) if value in allowed else (None, "INVALID_OPTION")
    return value, None


def validate(
    definitions: dict[str, dict[str, Any]], properties: dict[str, Any]
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """(normalised values, per-property errors in HubSpot's `isValid` shape)."""
    clean: dict[str, str] = {}
    errors: list[dict[str, Any]] = []
    for name, raw in properties.items():
        definition = definitions.get(name)
        if definition is None:
            errors.append({"isValid": False, "message": f'Property "{name}" does not exist',
                           "error": "PROPERTY_DOESNT_EXIST", "name": name})  # fmt: skip
            continue
        if name in READ_ONLY:
            errors.append(
                {
                    "isValid": False,
                    "message": f"{name} is a read only property; its value cannot be set.",
                    "error": "READ_ONLY_VALUE",
                    "name": name,
                }
            )
            continue
        value, code = normalise(definition, raw)
        if code is not None:
            errors.append({"isValid": False, "message": f"{raw!r} was not a valid value for "
                           f"{name}", "error": code, "name": name})  # fmt: skip
        else:
            clean[name] = value or ""
    return clean, errors


def validation_message(errors: list[dict[str, Any]]) -> str:
    """HubSpot's message for invalid property values: the error list as embedded JSON."""
    return "Property values were not valid: " + json.dumps(errors)


def now_iso() -> str:
    """HubSpot's timestamp format for createdAt/updatedAt."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def error(status: int, message: str, category: str, **extra: Any) -> JSONResponse:
    """HubSpot's standard error body."""
    body = {"status": "error", "message": message, "correlationId": str(uuid.uuid4()),
            "category": category, **extra}  # fmt: skip
    return JSONResponse(body, status_code=status)
