"""Record-level HubSpot calls the CRM builds on: read by id or unique property, upsert, link."""

from __future__ import annotations

from connectors.base.crm import ActivityKind, ActivityRecord, DealRecord
from connectors.hubspot.client import HubSpotClient
from connectors.hubspot.errors import NAME, HubSpotNotFound
from connectors.hubspot.models import BatchResult, CrmObject
from connectors.hubspot.schema import NOTE_KIND, UNIQUE_DEAL_KEY
from connectors.hubspot.values import from_wire
from leadflow.errors import PermanentError

# Object type in paths -> the singular a message names.
SINGULAR = {"contacts": "contact", "companies": "company", "deals": "deal", "notes": "note"}


def find(
    client: HubSpotClient,
    object_type: str,
    value: str,
    *,
    operation: str,
    id_property: str | None = None,
    properties: list[str] | None = None,
    associations: list[str] | None = None,
) -> CrmObject | None:
    """The record with this id (or unique `id_property` value), or None when HubSpot has none.

    A read by id or unique property is consistent, unlike search: safe for idempotency checks.
    """
    params: dict[str, str] = {}
    if id_property:
        params["idProperty"] = id_property
    if properties:
        params["properties"] = ",".join(properties)
    if associations:
        params["associations"] = ",".join(associations)
    try:
        raw = client.call("GET", client.objects(object_type, value), operation=operation,
                          params=params)  # fmt: skip
    except HubSpotNotFound:
        return None
    return CrmObject.model_validate(raw)


def require(
    client: HubSpotClient,
    object_type: str,
    object_id: str,
    *,
    operation: str,
    properties: list[str] | None = None,
    associations: list[str] | None = None,
) -> CrmObject:
    """The record with this id; PermanentError naming the type and id when it does not exist."""
    found = find(client, object_type, object_id, operation=operation, properties=properties,
                 associations=associations)  # fmt: skip
    if found is None:
        raise not_found(object_type, object_id, operation)
    return found


def not_found(object_type: str, object_id: str, operation: str) -> PermanentError:
    """The error for a record id HubSpot does not know."""
    return PermanentError(
        f"no {SINGULAR.get(object_type, object_type)} with id {object_id!r} in HubSpot "
        "(deleted or merged there, or an id from another CRM)",
        connector=NAME, operation=operation,
    )  # fmt: skip


def upsert(
    client: HubSpotClient,
    object_type: str,
    id_property: str,
    value: str,
    properties: dict[str, str],
    *,
    operation: str,
) -> CrmObject:
    """Create or update the one record whose unique `id_property` is `value`; `.new` says which.

    Uses batch upsert, so two concurrent calls for one value still make one record.
    """
    body = {"inputs": [{"idProperty": id_property, "id": value, "properties": properties}]}
    raw = client.call("POST", client.objects(object_type, "batch", "upsert"),
                      operation=operation, json=body)  # fmt: skip
    result = BatchResult.model_validate(raw)
    if result.errors or not result.results:
        detail = "; ".join(f"{e.category}: {e.message}" for e in result.errors) or "no result"
        hint = " (run `leadflow hubspot provision`)" if "does not exist" in detail else ""
        raise PermanentError(
            f"HubSpot refused the {SINGULAR[object_type]} {value!r}: {detail}{hint}",
            connector=NAME,
            operation=operation,
        )
    return result.results[0]


def associate(
    client: HubSpotClient, from_type: str, from_id: str, to_type: str, to_id: str, *, operation: str
) -> None:
    """Link two records with the default association type; linking again changes nothing."""
    client.call("PUT", client.association(from_type, from_id, to_type, to_id),
                operation=operation)  # fmt: skip


def deal_record(found: CrmObject, contact_id: str, *, created: bool) -> DealRecord:
    """A DealRecord from a HubSpot deal (`hs_is_closed` is the inverse of is_open)."""
    props = found.properties
    return DealRecord(
        id=found.id,
        contact_id=contact_id,
        name=props.get("dealname") or "",
        stage=props.get("dealstage") or "",
        is_open=props.get("hs_is_closed") != "true",
        created=created,
        idempotency_key=props.get(UNIQUE_DEAL_KEY) or None,
    )


def activity_record(
    note: CrmObject, contact_id: str, deal_id: str | None, *, created: bool
) -> ActivityRecord:
    """An ActivityRecord from a leadflow note; its links win over the ids the caller passed."""
    props = note.properties
    deals = note.associated("deals")
    return ActivityRecord(
        id=note.id, contact_id=(note.associated("contacts") or [contact_id])[0],
        deal_id=deals[0] if deals else (deal_id if created else None),
        kind=ActivityKind(props.get(NOTE_KIND) or ActivityKind.NOTE),
        body=props.get("hs_note_body") or "", occurred_at=from_wire(props.get("hs_timestamp"),
                                                                     "datetime"),
        created=created,
    )  # fmt: skip
