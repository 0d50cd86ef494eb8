"""The HubSpot properties leadflow writes, as `leadflow hubspot provision` creates them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from connectors.base.crm import ActivityKind

GROUP = "leadflow"
GROUP_LABEL = "leadflow"
UNIQUE_DEAL_KEY = "leadflow_submission_id"
UNIQUE_COMPANY_KEY = "leadflow_company_key"
UNIQUE_NOTE_KEY = "leadflow_activity_key"
NOTE_KIND = "leadflow_activity_kind"
REVIEW_STATUSES = ("pending_review", "final")
BANT = ("budget", "authority", "need", "timeline")

# HubSpot's field type for each data type leadflow uses.
_FIELD_TYPES = {"string": "text", "number": "number", "bool": "booleancheckbox",
                "datetime": "date", "enumeration": "select"}  # fmt: skip


@dataclass(frozen=True)
class PropertySpec:
    """One property to provision on one object type."""

    object_type: str
    name: str
    label: str
    type: str = "string"
    field_type: str | None = None
    unique: bool = False
    options: tuple[str, ...] = field(default_factory=tuple)
    description: str = ""

    def body(self) -> dict[str, Any]:
        """The JSON body of `POST /crm/properties/{version}/{object type}`."""
        body: dict[str, Any] = {
            "name": self.name, "label": self.label, "type": self.type,
            "fieldType": self.field_type or _FIELD_TYPES[self.type], "groupName": GROUP,
            "description": self.description or f"Written by leadflow ({self.label}).",
        }  # fmt: skip
        if self.unique:
            body["hasUniqueValue"] = True
        if self.options:
            body["options"] = [
                {"label": value.replace("_", " "), "value": value, "displayOrder": order}
                for order, value in enumerate(self.options)
            ]
        return body


def _contact_specs() -> list[PropertySpec]:
    specs = [
        PropertySpec("contacts", "leadflow_score", "Lead score (leadflow)", "number"),
        PropertySpec("contacts", "leadflow_band", "Score band (leadflow)"),
        PropertySpec("contacts", "leadflow_explanation", "Score explanation (leadflow)",
                     field_type="textarea"),
        PropertySpec("contacts", "leadflow_review_status", "Review status (leadflow)",
                     "enumeration", options=REVIEW_STATUSES),
        PropertySpec("contacts", "leadflow_review_reasons", "Review reasons (leadflow)",
                     field_type="textarea"),
        PropertySpec("contacts", "leadflow_config_version", "Scoring config version (leadflow)"),
        PropertySpec("contacts", "leadflow_scored_at", "Scored at (leadflow)", "datetime"),
    ]  # fmt: skip
    for criterion in BANT:
        title = criterion.title()
        specs.append(PropertySpec("contacts", f"leadflow_{criterion}", f"{title} (leadflow)",
                                  field_type="textarea"))  # fmt: skip
        specs.append(PropertySpec("contacts", f"leadflow_{criterion}_tier",
                                  f"{title} tier (leadflow)"))  # fmt: skip
    return specs


LEADFLOW_PROPERTIES: tuple[PropertySpec, ...] = (
    *_contact_specs(),
    PropertySpec("deals", UNIQUE_DEAL_KEY, "Submission id (leadflow)", unique=True,
                 description="One deal per leadflow submission; the key deal upserts use."),
    PropertySpec("companies", UNIQUE_COMPANY_KEY, "Company key (leadflow)", unique=True,
                 description="domain:<domain> or name:<name>; the key company upserts use."),
    PropertySpec("notes", UNIQUE_NOTE_KEY, "Activity key (leadflow)", unique=True,
                 description="The idempotency key of the activity this note records."),
    PropertySpec("notes", NOTE_KIND, "Activity kind (leadflow)", "enumeration",
                 options=tuple(kind.value for kind in ActivityKind)),
)  # fmt: skip

OBJECT_TYPES: tuple[str, ...] = tuple(
    dict.fromkeys(spec.object_type for spec in LEADFLOW_PROPERTIES)
)
