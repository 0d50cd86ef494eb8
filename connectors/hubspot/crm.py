"""HubSpotCRM: the CRM Protocol on HubSpot's CRM API (contacts, companies, deals, notes)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

from connectors.base.crm import (
    ActivityKind,
    ActivityRecord,
    ContactInput,
    ContactRecord,
    DealRecord,
    ObjectType,
)
from connectors.base.health import CheckResult
from connectors.base.shared import PropertyValue
from connectors.crm_rules import check_properties, company_of
from connectors.hubspot import records
from connectors.hubspot.client import HubSpotClient
from connectors.hubspot.errors import NAME, HubSpotConflict, HubSpotNotFound
from connectors.hubspot.models import CrmObject
from connectors.hubspot.provision import list_properties
from connectors.hubspot.schema import (
    NOTE_KIND,
    UNIQUE_COMPANY_KEY,
    UNIQUE_DEAL_KEY,
    UNIQUE_NOTE_KEY,
)
from connectors.hubspot.values import (
    OBJECT_PATHS,
    from_wire,
    hubspot_name,
    parse_datetime,
    to_wire,
)
from leadflow.errors import PermanentError
from leadflow.store.types import utc_now

CONTACT_READ = ["email", "firstname", "lastname", "company", "jobtitle", "phone"]
DEAL_READ = ["dealname", "dealstage", "hs_is_closed", UNIQUE_DEAL_KEY]
NOTE_READ = ["hs_note_body", "hs_timestamp", NOTE_KIND]
# HubSpot-defined association type ids (CONNECTORS.md 2.3): note->contact 202, note->deal 214.
_NOTE_TO = {"contacts": 202, "deals": 214}


class HubSpotCRM:
    """Contacts upserted by email, deals by `leadflow_submission_id`, notes by activity key.

    Every idempotency check is a consistent read by id or unique property, never a search
    (HubSpot's search index lags). Run `leadflow hubspot provision` once before use.
    """

    name = NAME

    def __init__(
        self,
        client: HubSpotClient,
        *,
        pipeline: str = "default",
        deal_stage: str = "appointmentscheduled",
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.client = client
        self._pipeline = pipeline
        self._deal_stage = deal_stage
        self._clock = clock
        self._types: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def upsert_contact(self, contact: ContactInput, *, idempotency_key: str) -> ContactRecord:
        """Batch-upsert by email (idProperty=email); link a company as the local CRM does."""
        op = "upsert_contact"
        existing = records.find(self.client, "contacts", contact.email, operation=op,
                                id_property="email", properties=CONTACT_READ,
                                associations=["companies"])  # fmt: skip
        linked = existing.associated("companies") if existing else []
        company = company_of(contact)
        link_company = company is not None and (bool(contact.company) or not linked)
        given = {"email": contact.email, "firstname": contact.first_name,
                 "lastname": contact.last_name, "jobtitle": contact.job_title,
                 "phone": contact.phone}  # fmt: skip
        properties = {name: value for name, value in given.items() if value}
        if company is not None and link_company:
            properties["company"] = company[0]
        result = records.upsert(self.client, "contacts", "email", contact.email, properties,
                                operation=op)  # fmt: skip
        company_id = linked[0] if linked else None
        if company is not None and link_company:
            company_id = self._ensure_company(*company)
            records.associate(self.client, "contacts", result.id, "companies", company_id,
                              operation=op)  # fmt: skip
        merged = {**(existing.properties if existing else {}), **properties}
        return ContactRecord(id=result.id, email=contact.email, first_name=merged.get("firstname"),
                             last_name=merged.get("lastname"), company_id=company_id,
                             company=merged.get("company"), created=bool(result.new))  # fmt: skip

    def ensure_open_deal(
        self,
        contact_id: str,
        *,
        name: str,
        idempotency_key: str,
        properties: dict[str, PropertyValue] | None = None,
    ) -> DealRecord:
        """The deal whose unique `leadflow_submission_id` is the submission id (else the key).

        Read first, so a replay never resets a stage a rep has moved; created by batch upsert.
        """
        op = "ensure_open_deal"
        checked = {
            k: to_wire(v)
            for k, v in check_properties(ObjectType.DEAL, properties or {}, connector=NAME).items()
        }
        key = checked.setdefault(UNIQUE_DEAL_KEY, idempotency_key)
        records.require(self.client, "contacts", contact_id, operation=op)
        found = records.find(self.client, "deals", key, operation=op, id_property=UNIQUE_DEAL_KEY,
                             properties=DEAL_READ, associations=["contacts"])  # fmt: skip
        if found is not None:
            linked = found.associated("contacts")
            if linked and contact_id not in linked:
                raise PermanentError(
                    f"deal {found.id} ({UNIQUE_DEAL_KEY}={key!r}) belongs to contact "
                    f"{linked[0]}, not {contact_id}",
                    connector=NAME,
                    operation=op,
                )
            if not linked:  # a run that stopped between the upsert and the link
                records.associate(self.client, "deals", found.id, "contacts", contact_id,
                                  operation=op)  # fmt: skip
            return records.deal_record(found, contact_id, created=False)
        wanted = {"dealname": name, "pipeline": self._pipeline, "dealstage": self._deal_stage}
        result = records.upsert(self.client, "deals", UNIQUE_DEAL_KEY, key, wanted | checked,
                                operation=op)  # fmt: skip
        records.associate(self.client, "deals", result.id, "contacts", contact_id, operation=op)
        fallback = {"dealname": name, "dealstage": self._deal_stage, UNIQUE_DEAL_KEY: key}
        result = result.model_copy(update={"properties": fallback | result.properties})
        return records.deal_record(result, contact_id, created=bool(result.new))

    def open_deals(self, contact_id: str) -> list[DealRecord]:
        """The contact's deals with `hs_is_closed` false, newest first (by `createdate`).

        The contact's deal links, then each deal by id: both consistent reads, so a deal just
        made or just closed is seen as it is (search would lag).
        """
        op = "open_deals"
        contact = records.require(self.client, "contacts", contact_id, operation=op,
                                  associations=["deals"])  # fmt: skip
        deals = []
        # HubSpot lists a deal once per association label; dict.fromkeys keeps one of each.
        for deal_id in dict.fromkeys(contact.associated("deals")):
            found = records.find(self.client, "deals", deal_id, operation=op,
                                 properties=[*DEAL_READ, "createdate"])  # fmt: skip
            if found is not None and not found.archived:  # None: deleted since the link read
                deals.append(found)
        deals.sort(key=_created_at, reverse=True)
        listed = [records.deal_record(deal, contact_id, created=False) for deal in deals]
        return [deal for deal in listed if deal.is_open]

    def get_properties(
        self, object_type: ObjectType, object_id: str, names: list[str]
    ) -> dict[str, PropertyValue | None]:
        """Read the properties and type them by their HubSpot definitions (cached)."""
        object_type = ObjectType(object_type)
        path = OBJECT_PATHS[object_type]
        wire = {name: hubspot_name(object_type, name) for name in names}
        found = records.require(self.client, path, object_id, operation="get_properties",
                                properties=sorted(set(wire.values())))  # fmt: skip
        types = self._property_types(path, set(wire.values()))
        values: dict[str, PropertyValue | None] = {}
        for name, hs_name in wire.items():
            raw = found.properties.get(hs_name)
            if object_type is ObjectType.DEAL and name == "is_open":
                values[name] = raw != "true"  # HubSpot keeps the inverse, hs_is_closed
            else:
                values[name] = from_wire(raw, types.get(hs_name))
        return values

    def update_properties(
        self,
        object_type: ObjectType,
        object_id: str,
        properties: dict[str, PropertyValue],
        *,
        idempotency_key: str,
    ) -> None:
        """PATCH the record's properties (as strings); a replay writes the same values again."""
        object_type = ObjectType(object_type)
        checked = check_properties(object_type, properties, connector=NAME)
        path = OBJECT_PATHS[object_type]
        body = {"properties": {name: to_wire(value) for name, value in checked.items()}}
        try:
            self.client.call("PATCH", self.client.objects(path, object_id),
                             operation="update_properties", json=body)  # fmt: skip
        except HubSpotNotFound as exc:
            raise records.not_found(path, object_id, "update_properties") from exc

    def log_activity(
        self,
        contact_id: str,
        deal_id: str | None,
        kind: ActivityKind,
        body: str,
        *,
        idempotency_key: str,
    ) -> ActivityRecord:
        """A note on the contact (and deal), made once per key (unique `leadflow_activity_key`)."""
        op = "log_activity"
        kind = ActivityKind(kind)
        found = self._find_note(idempotency_key)
        if found is not None:
            return records.activity_record(found, contact_id, deal_id, created=False)
        records.require(self.client, "contacts", contact_id, operation=op)
        if deal_id is not None:
            deal = records.require(self.client, "deals", deal_id, operation=op,
                                   associations=["contacts"])  # fmt: skip
            if deal.associated("contacts") and contact_id not in deal.associated("contacts"):
                raise PermanentError(
                    f"deal {deal_id} belongs to another contact, not {contact_id}",
                    connector=NAME,
                    operation=op,
                )
        targets = [("contacts", contact_id)] + ([("deals", deal_id)] if deal_id else [])
        note = {
            "properties": {"hs_note_body": body, "hs_timestamp": to_wire(self._clock()),
                           UNIQUE_NOTE_KEY: idempotency_key, NOTE_KIND: kind.value},
            "associations": [{"to": {"id": target_id}, "types": [
                {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": _NOTE_TO[kind_]}]}
                for kind_, target_id in targets],
        }  # fmt: skip
        try:
            raw = self.client.call("POST", self.client.objects("notes"), operation=op, json=note)
        except HubSpotConflict:  # a concurrent run made it first: return theirs
            found = self._find_note(idempotency_key)
            if found is None:
                raise
            return records.activity_record(found, contact_id, deal_id, created=False)
        note_made = CrmObject.model_validate(raw)
        return records.activity_record(note_made, contact_id, deal_id, created=True)

    def doctor(self) -> list[CheckResult]:
        """Credentials, reachability, scopes and provisioned properties (see hubspot.doctor)."""
        from connectors.hubspot.doctor import run_checks

        return run_checks(self.client)

    def _find_note(self, key: str) -> CrmObject | None:
        return records.find(self.client, "notes", key, operation="log_activity",
                            id_property=UNIQUE_NOTE_KEY, properties=NOTE_READ,
                            associations=["contacts", "deals"])  # fmt: skip

    def _ensure_company(self, name: str, domain: str | None) -> str:
        key = f"domain:{domain}" if domain else f"name:{name.casefold()}"
        found = records.find(self.client, "companies", key, operation="upsert_contact",
                             id_property=UNIQUE_COMPANY_KEY)  # fmt: skip
        if found is not None:
            return found.id  # never renamed: the first name given to a company stays
        properties = {"name": name} | ({"domain": domain} if domain else {})
        return records.upsert(self.client, "companies", UNIQUE_COMPANY_KEY, key, properties,
                              operation="upsert_contact").id  # fmt: skip

    def _property_types(self, path: str, names: set[str]) -> dict[str, str]:
        with self._lock:
            known = self._types.get(path)
        if known is None or not names <= known.keys():
            # One listing per object type; listed again only when a new name shows up.
            known = {name: prop.type for name, prop in list_properties(self.client, path).items()}
            with self._lock:
                self._types[path] = known
        return known


def _created_at(deal: CrmObject) -> tuple[datetime, int]:
    """Sort key: creation time, then the numeric id for deals made in the same millisecond."""
    raw = deal.properties.get("createdate")
    created = parse_datetime(raw) if raw else datetime.min.replace(tzinfo=UTC)
    return created, int(deal.id) if deal.id.isdigit() else 0
