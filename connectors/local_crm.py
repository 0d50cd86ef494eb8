"""LocalCRM: the embedded default CRM, kept in the store's crm_* tables."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

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
    decode_value,
    encode_value,
)
from leadflow.errors import PermanentError
from leadflow.store import Store
from leadflow.store import crm as queries
from leadflow.store.connector_models import CrmCompany, CrmContact, CrmDeal

NAME = "local_crm"
_TABLES: dict[ObjectType, Any] = {
    ObjectType.CONTACT: CrmContact, ObjectType.COMPANY: CrmCompany, ObjectType.DEAL: CrmDeal
}  # fmt: skip


class LocalCRM:
    """Contacts (unique by normalised email), companies, deals and activities in the store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def upsert_contact(self, contact: ContactInput, *, idempotency_key: str) -> ContactRecord:
        """Create or update the contact with this email (see CRM.upsert_contact)."""
        with self._store.session() as session:
            existing = queries.find_contact_by_email(session, contact.email)
            company_id = None
            company = company_of(contact)
            if company is not None and (contact.company or existing is None or
                                        existing.company_id is None):  # fmt: skip
                company_id = queries.get_or_create_company(session, *company)[0].id
            extra = {"job_title": contact.job_title, "phone": contact.phone}
            row, created = queries.upsert_contact(
                session,
                contact.email,
                first_name=contact.first_name,
                last_name=contact.last_name,
                company_id=company_id,
                properties={name: encode_value(value) for name, value in extra.items() if value},
            )
            return _contact_record(session, row, created=created)

    def ensure_open_deal(
        self,
        contact_id: str,
        *,
        name: str,
        idempotency_key: str,
        properties: dict[str, PropertyValue] | None = None,
    ) -> DealRecord:
        """Find or create the deal for this key (see CRM.ensure_open_deal)."""
        checked = check_properties(ObjectType.DEAL, properties or {}, connector=NAME)
        with self._store.session() as session:
            contact = self._get(session, ObjectType.CONTACT, contact_id, "ensure_open_deal")
            deal, created = queries.create_deal(
                session,
                contact_id=contact.id,
                # A deal name is built from form answers: cut to the column, not refused.
                name=_fit(name, 255),
                stage=DEFAULT_DEAL_STAGE,
                idempotency_key=idempotency_key,
                properties={key: encode_value(value) for key, value in checked.items()},
            )
            if deal.contact_id != contact.id:
                raise PermanentError(
                    f"idempotency key {idempotency_key!r} already made deal {deal.id} for "
                    f"contact {deal.contact_id}, not {contact_id}",
                    connector=NAME,
                    operation="ensure_open_deal",
                )
            return _deal_record(deal, created=created)

    def open_deals(self, contact_id: str) -> list[DealRecord]:
        """The contact's open deals, newest first (see CRM.open_deals)."""
        with self._store.session(write=False) as session:
            contact = self._get(session, ObjectType.CONTACT, contact_id, "open_deals")
            deals = queries.list_deals(session, contact_id=contact.id, open_only=True)
            # Ids grow with time, so the oldest-first listing reversed is newest first.
            return [_deal_record(deal, created=False) for deal in reversed(deals)]

    def get_properties(
        self, object_type: ObjectType, object_id: str, names: list[str]
    ) -> dict[str, PropertyValue | None]:
        """The named properties, typed; unset ones None (see CRM.get_properties)."""
        object_type = ObjectType(object_type)
        with self._store.session(write=False) as session:
            row = self._get(session, object_type, object_id, "get_properties")
            builtin = {name: getattr(row, name, None) for name in BUILTIN_PROPERTIES[object_type]}
            if isinstance(row, CrmContact):
                company = session.get(CrmCompany, row.company_id) if row.company_id else None
                builtin["company"] = company.name if company else None
            custom = getattr(row, "properties", {})
            return {
                name: builtin[name] if name in builtin else decode_value(custom.get(name))
                for name in names
            }

    def update_properties(
        self,
        object_type: ObjectType,
        object_id: str,
        properties: dict[str, PropertyValue],
        *,
        idempotency_key: str,
    ) -> None:
        """Set typed custom properties, kept as JSON with their type (CRM.update_properties)."""
        object_type = ObjectType(object_type)
        checked = check_properties(object_type, properties, connector=NAME)
        encoded = {name: encode_value(value) for name, value in checked.items()}
        with self._store.session() as session:
            row = self._get(session, object_type, object_id, "update_properties")
            if isinstance(row, CrmContact):
                queries.upsert_contact(session, row.email, properties=encoded)
            elif isinstance(row, CrmDeal):
                queries.update_deal(session, row.id, properties=encoded)
            elif encoded:
                raise PermanentError(
                    "the local CRM keeps no custom properties on companies; "
                    "write them to the contact or the deal",
                    connector=NAME,
                    operation="update_properties",
                )

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
        with self._store.session() as session:
            contact = self._get(session, ObjectType.CONTACT, contact_id, "log_activity")
            deal = None
            if deal_id is not None:
                deal = self._get(session, ObjectType.DEAL, deal_id, "log_activity")
                if deal.contact_id != contact.id:
                    raise PermanentError(
                        f"deal {deal_id} belongs to contact {deal.contact_id}, not {contact_id}",
                        connector=NAME,
                        operation="log_activity",
                    )
            row, created = queries.add_activity(
                session,
                contact_id=contact.id,
                deal_id=deal.id if deal else None,
                kind=ActivityKind(kind).value,
                body=body,
                idempotency_key=idempotency_key,
            )
            return ActivityRecord(
                id=str(row.id),
                contact_id=str(row.contact_id),
                deal_id=str(row.deal_id) if row.deal_id is not None else None,
                kind=ActivityKind(row.kind),
                body=row.body,
                occurred_at=row.created_at,
                created=created,
            )

    @staticmethod
    def _get(session: Session, object_type: ObjectType, object_id: str, operation: str) -> Any:
        row = session.get(_TABLES[object_type], int(object_id)) if object_id.isdigit() else None
        if row is None:
            raise PermanentError(
                f"no {object_type} with id {object_id!r} in the local CRM",
                connector=NAME,
                operation=operation,
            )
        return row


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _deal_record(deal: CrmDeal, *, created: bool) -> DealRecord:
    return DealRecord(
        id=str(deal.id),
        contact_id=str(deal.contact_id),
        name=deal.name,
        stage=deal.stage,
        is_open=deal.is_open,
        created=created,
        idempotency_key=deal.idempotency_key,
    )


def _contact_record(session: Session, row: CrmContact, *, created: bool) -> ContactRecord:
    company = session.get(CrmCompany, row.company_id) if row.company_id else None
    return ContactRecord(
        id=str(row.id),
        email=row.email,
        first_name=row.first_name,
        last_name=row.last_name,
        company_id=str(company.id) if company else None,
        company=company.name if company else None,
        created=created,
    )
