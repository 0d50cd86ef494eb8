"""`leadflow hubspot provision`: create leadflow's property group and properties, idempotently."""

from __future__ import annotations

from dataclasses import dataclass, field

from connectors.hubspot.client import HubSpotClient
from connectors.hubspot.errors import HubSpotConflict
from connectors.hubspot.models import PropertyDefinition, PropertyList
from connectors.hubspot.schema import GROUP, GROUP_LABEL, LEADFLOW_PROPERTIES, OBJECT_TYPES


@dataclass
class ProvisionReport:
    """What one run did: names are `object_type.property`."""

    created_groups: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every property exists with the type leadflow needs."""
        return not self.mismatched


def list_properties(client: HubSpotClient, object_type: str) -> dict[str, PropertyDefinition]:
    """Every property of an object type, by name."""
    raw = client.call("GET", client.properties(object_type), operation="list_properties")
    return {prop.name: prop for prop in PropertyList.model_validate(raw).results}


def check_properties(client: HubSpotClient) -> tuple[list[str], list[str]]:
    """(missing, mismatched) leadflow properties; read-only, for `leadflow doctor`."""
    missing: list[str] = []
    mismatched: list[str] = []
    for object_type in OBJECT_TYPES:
        existing = list_properties(client, object_type)
        for spec in (spec for spec in LEADFLOW_PROPERTIES if spec.object_type == object_type):
            found = existing.get(spec.name)
            if found is None:
                missing.append(f"{object_type}.{spec.name}")
            elif problem := _mismatch(found, spec.type, spec.unique):
                mismatched.append(f"{object_type}.{problem}")
    return missing, mismatched


def provision(client: HubSpotClient) -> ProvisionReport:
    """Create the `leadflow` group and every missing property; existing ones are left alone.

    Safe to run twice: a second run creates nothing. A property that exists with another type
    is reported (never changed: it may hold data), as is a 409 from a concurrent run.
    """
    report = ProvisionReport()
    for object_type in OBJECT_TYPES:
        try:
            client.call(
                "POST",
                client.properties(object_type, "groups"),
                operation="provision",
                json={"name": GROUP, "label": GROUP_LABEL, "displayOrder": -1},
            )
            report.created_groups.append(f"{object_type}.{GROUP}")
        except HubSpotConflict:
            pass  # the group exists: what a second run expects
        existing = list_properties(client, object_type)
        for spec in (spec for spec in LEADFLOW_PROPERTIES if spec.object_type == object_type):
            name = f"{object_type}.{spec.name}"
            found = existing.get(spec.name)
            if found is not None:
                problem = _mismatch(found, spec.type, spec.unique)
                (report.mismatched if problem else report.existing).append(
                    f"{object_type}.{problem}" if problem else name
                )
                continue
            try:
                client.call(
                    "POST", client.properties(object_type), operation="provision", json=spec.body()
                )
                report.created.append(name)
            except HubSpotConflict:
                report.existing.append(name)
    return report


def _mismatch(found: PropertyDefinition, wanted_type: str, unique: bool) -> str:
    if found.type != wanted_type:
        return (
            f"{found.name}: exists as type {found.type}, leadflow writes {wanted_type}; "
            "rename or delete the HubSpot property, then provision again"
        )
    if unique and not found.has_unique_value:
        return (
            f"{found.name}: exists without unique values, which leadflow's upserts need; "
            "delete it in HubSpot, then provision again"
        )
    return ""
