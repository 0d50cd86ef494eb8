"""InMemoryCRM: the CRM Protocol in dicts, for tests."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count
from typing import Any

from connectors.base.crm import (
    ActivityKind,
    ActivityRecord,
    ContactInput,
    ContactRecord,
    DealRecord,
    ObjectType,
)
from connectors.base.shared import PropertyValue
from connectors.crm_rules import (
    BUILTIN_PROPERTIES,
    DEFAULT_DEAL_STAGE,
    check_properties,
    company_of,
)
from connectors.fakes.scripting import Scripted, synchronized
from leadflow.errors import PermanentError

NAME = "fake_crm"


class InMemoryCRM(Scripted):
    """Contacts, companies, deals and activities in dicts; same rules and errors as LocalCRM."""

    def __init__(self) -> None:
        super().__init__()
        self._ids = count(1)
        self.objects: dict[ObjectType, dict[str, dict[str, Any]]] = {t: {} for t in ObjectType}
        self.properties: dict[tuple[ObjectType, str], dict[str, PropertyValue]] = {}
        self.activities: dict[str, ActivityRecord] = {}
        self._contact_by_email: dict[str, str] = {}
        self._deal_by_key: dict[str, str] = {}
        self._activity_by_key: dict[str, str] = {}

    @synchronized
    def upsert_contact(self, contact: ContactInput, *, idempotency_key: str) -> ContactRecord:
        """Create or update the contact with this email (see CRM.upsert_contact)."""
        self._call("upsert_contact", contact=contact, idempotency_key=idempotency_key)
        contact_id = self._contact_by_email.get(contact.email)
        created = contact_id is None
        if contact_id is None:
            contact_id = self._new_id("contact")
            self._contact_by_email[contact.email] = contact_id
            self.objects[ObjectType.CONTACT][contact_id] = {"email": contact.email}
        row = self.objects[ObjectType.CONTACT][contact_id]
        for field in ("first_name", "last_name"):
            if getattr(contact, field):
                row[field] = getattr(contact, field)
        extra = {name: getattr(contact, name) for name in ("job_title", "phone")}
        self.properties.setdefault((ObjectType.CONTACT, contact_id), {}).update(
            {name: value for name, value in extra.items() if value}
        )
        company = company_of(contact)
        if company is not None and (contact.company or "company_id" not in row):
            row["company_id"] = self._company(*company)
        return self._contact_record(contact_id, created=created)

    @synchronized
    def ensure_open_deal(
        self,
        contact_id: str,
        *,
        name: str,
        idempotency_key: str,
        properties: dict[str, PropertyValue] | None = None,
    ) -> DealRecord:
        """Find or create the deal for this key (see CRM.ensure_open_deal)."""
        self._call(
            "ensure_open_deal",
            contact_id=contact_id,
            name=name,
            idempotency_key=idempotency_key,
            properties=properties,
        )
        self._require(ObjectType.CONTACT, contact_id, "ensure_open_deal")
        checked = check_properties(ObjectType.DEAL, properties or {}, connector=NAME)
        deal_id = self._deal_by_key.get(idempotency_key)
        created = deal_id is None
        if deal_id is None:
            deal_id = self._new_id("deal")
            self._deal_by_key[idempotency_key] = deal_id
            self.objects[ObjectType.DEAL][deal_id] = {
                "contact_id": contact_id, "name": name, "stage": DEFAULT_DEAL_STAGE,
                "is_open": True, "idempotency_key": idempotency_key,
            }  # fmt: skip
            self.properties[(ObjectType.DEAL, deal_id)] = dict(checked)
        row = self.objects[ObjectType.DEAL][deal_id]
        if row["contact_id"] != contact_id:
            raise PermanentError(
                f"idempotency key {idempotency_key!r} already made deal {deal_id} for contact "
                f"{row['contact_id']}, not {contact_id}",
                connector=NAME,
                operation="ensure_open_deal",
            )
        return DealRecord(id=deal_id, created=created, **row)

    @synchronized
    def open_deals(self, contact_id: str) -> list[DealRecord]:
        """The contact's open deals, newest first (see CRM.open_deals)."""
        self._call("open_deals", contact_id=contact_id)
        self._require(ObjectType.CONTACT, contact_id, "open_deals")
        # Dicts keep insertion order: reversed, the newest deal comes first.
        return [
            DealRecord(id=deal_id, **row)
            for deal_id, row in reversed(self.objects[ObjectType.DEAL].items())
            if row["contact_id"] == contact_id and row["is_open"]
        ]

    @synchronized
    def close_deal(self, deal_id: str, *, stage: str = "closed_won") -> None:
        """Move a deal to a closed stage, as a rep would in the CRM (test helper, not Protocol)."""
        row = self._require(ObjectType.DEAL, deal_id, "close_deal")
        row.update(stage=stage, is_open=False)

    @synchronized
    def get_properties(
        self, object_type: ObjectType, object_id: str, names: list[str]
    ) -> dict[str, PropertyValue | None]:
        """The named properties, typed; unset ones None (see CRM.get_properties)."""
        self._call("get_properties", object_type=object_type, object_id=object_id, names=names)
        object_type = ObjectType(object_type)
        row = self._require(object_type, object_id, "get_properties")
        if object_type == ObjectType.CONTACT and "company_id" in row:
            row = {**row, "company": self.objects[ObjectType.COMPANY][row["company_id"]]["name"]}
        builtin = BUILTIN_PROPERTIES[object_type]
        custom = self.properties.get((object_type, object_id), {})
        return {name: row.get(name) if name in builtin else custom.get(name) for name in names}

    @synchronized
    def update_properties(
        self,
        object_type: ObjectType,
        object_id: str,
        properties: dict[str, PropertyValue],
        *,
        idempotency_key: str,
    ) -> None:
        """Set typed custom properties (see CRM.update_properties)."""
        self._call(
            "update_properties",
            object_type=object_type,
            object_id=object_id,
            properties=properties,
            idempotency_key=idempotency_key,
        )
        object_type = ObjectType(object_type)
        self._require(object_type, object_id, "update_properties")
        checked = check_properties(object_type, properties, connector=NAME)
        self.properties.setdefault((object_type, object_id), {}).update(checked)

    @synchronized
    def log_activity(
        self,
        contact_id: str,
        deal_id: str | None,
        kind: ActivityKind,
        body: str,
        *,
        idempotency_key: str,
    ) -> ActivityRecord:
        """Add a timeline entry once per key (see CRM.log_activity)."""
        self._call(
            "log_activity",
            contact_id=contact_id,
            deal_id=deal_id,
            kind=kind,
            body=body,
            idempotency_key=idempotency_key,
        )
        if idempotency_key in self._activity_by_key:
            first = self.activities[self._activity_by_key[idempotency_key]]
            return first.model_copy(update={"created": False})
        self._require(ObjectType.CONTACT, contact_id, "log_activity")
        if deal_id is not None:
            deal = self._require(ObjectType.DEAL, deal_id, "log_activity")
            if deal["contact_id"] != contact_id:
                raise PermanentError(
                    f"deal {deal_id} belongs to contact {deal['contact_id']}, not {contact_id}",
                    connector=NAME,
                    operation="log_activity",
                )
        activity = ActivityRecord(
            id=self._new_id("activity"),
            contact_id=contact_id,
            deal_id=deal_id,
            kind=ActivityKind(kind),
            body=body,
            occurred_at=datetime.now(UTC),
            created=True,
        )
        self.activities[activity.id] = activity
        self._activity_by_key[idempotency_key] = activity.id
        return activity

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids)}"

    def _company(self, name: str, domain: str | None) -> str:
        for company_id, row in self.objects[ObjectType.COMPANY].items():
            same_domain = domain is not None and row["domain"] == domain
            if same_domain or (domain is None and row["domain"] is None and row["name"] == name):
                return company_id
        company_id = self._new_id("company")
        self.objects[ObjectType.COMPANY][company_id] = {"name": name, "domain": domain}
        return company_id

    def _contact_record(self, contact_id: str, *, created: bool) -> ContactRecord:
        row = self.objects[ObjectType.CONTACT][contact_id]
        company_id = row.get("company_id")
        company = self.objects[ObjectType.COMPANY][company_id]["name"] if company_id else None
        return ContactRecord(
            id=contact_id,
            email=row["email"],
            first_name=row.get("first_name"),
            last_name=row.get("last_name"),
            company_id=company_id,
            company=company,
            created=created,
        )

    def _require(self, object_type: ObjectType, object_id: str, operation: str) -> dict[str, Any]:
        row = self.objects[object_type].get(object_id)
        if row is None:
            raise PermanentError(
                f"no {object_type} with id {object_id!r}", connector=NAME, operation=operation
            )
        return row
