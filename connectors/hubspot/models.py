"""HubSpot's wire shapes, as far as leadflow reads them (unknown fields ignored)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class WireModel(BaseModel):
    """Base of HubSpot's response bodies: tolerant of fields HubSpot adds later."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class AssociationRef(WireModel):
    """One associated record in a GET `associations=` block."""

    id: str
    type: str | None = None


class AssociationPage(WireModel):
    """The associated records of one type."""

    results: list[AssociationRef] = Field(default_factory=list)


class CrmObject(WireModel):
    """A record: every property value is a string (or null) on the wire."""

    id: str
    properties: dict[str, str | None] = Field(default_factory=dict)
    associations: dict[str, AssociationPage] = Field(default_factory=dict)
    archived: bool = False
    new: bool | None = None

    def associated(self, object_type: str) -> list[str]:
        """Ids of the associated records of one type (contacts, companies, deals)."""
        page = self.associations.get(object_type)
        return [ref.id for ref in page.results] if page else []


class BatchError(WireModel):
    """One failed input of a batch call (a 207 multi-status)."""

    status: str = "error"
    category: str = ""
    message: str = ""
    context: dict[str, Any] = Field(default_factory=dict)


class BatchResult(WireModel):
    """A batch upsert: `results[].new` tells created from updated."""

    status: str = ""
    results: list[CrmObject] = Field(default_factory=list)
    num_errors: int = Field(default=0, alias="numErrors")
    errors: list[BatchError] = Field(default_factory=list)


class PropertyOption(WireModel):
    """One choice of an enumeration property."""

    label: str
    value: str
    display_order: int = Field(default=0, alias="displayOrder")


class PropertyDefinition(WireModel):
    """A property of an object type, as `GET /crm/properties/...` lists it."""

    name: str
    label: str = ""
    type: str = "string"
    field_type: str = Field(default="text", alias="fieldType")
    group_name: str = Field(default="", alias="groupName")
    has_unique_value: bool = Field(default=False, alias="hasUniqueValue")
    options: list[PropertyOption] = Field(default_factory=list)


class PropertyList(WireModel):
    """The properties of an object type."""

    results: list[PropertyDefinition] = Field(default_factory=list)


class ErrorDetail(WireModel):
    """One entry of an error body's `errors` list."""

    message: str = ""
    code: str | None = None
    context: dict[str, Any] = Field(default_factory=dict)


class ErrorBody(WireModel):
    """HubSpot's standard error body; 429s add `policyName`."""

    status: str = "error"
    message: str = ""
    correlation_id: str | None = Field(default=None, alias="correlationId")
    category: str | None = None
    policy_name: str | None = Field(default=None, alias="policyName")
    errors: list[ErrorDetail] = Field(default_factory=list)

    def required_scopes(self) -> list[str]:
        """The scopes a 403 MISSING_SCOPES body names."""
        return [
            scope
            for detail in self.errors
            for scope in detail.context.get("requiredGranularScopes", [])
        ]
