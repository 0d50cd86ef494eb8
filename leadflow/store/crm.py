"""Queries behind the `local` CRM: companies, contacts (by email), deals and activities."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic_core import to_jsonable_python
from sqlmodel import Session, col, select

from leadflow.errors import StoreError
from leadflow.store.connector_models import CrmActivity, CrmCompany, CrmContact, CrmDeal
from leadflow.store.leads import normalise_email
from leadflow.store.types import utc_now
from leadflow.store.unique import insert_once


def get_or_create_company(
    session: Session, name: str, domain: str | None = None
) -> tuple[CrmCompany, bool]:
    """The company with this domain (or, without one, this exact name), created if missing."""
    domain = domain.strip().lower() if domain else None

    def find() -> CrmCompany | None:
        query = select(CrmCompany)
        if domain:
            query = query.where(CrmCompany.domain == domain)
        else:
            query = query.where(CrmCompany.name == name, col(CrmCompany.domain).is_(None))
        return session.exec(query.order_by(col(CrmCompany.id))).first()

    return insert_once(session, CrmCompany(name=name, domain=domain), find)


def get_contact(session: Session, contact_id: int) -> CrmContact | None:
    """The contact with this id, or None."""
    return session.get(CrmContact, contact_id)


def find_contact_by_email(session: Session, email: str) -> CrmContact | None:
    """The contact with this email (compared normalised), or None."""
    return session.exec(
        select(CrmContact).where(CrmContact.email == normalise_email(email))
    ).first()


def upsert_contact(
    session: Session,
    email: str,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    company_id: int | None = None,
    properties: dict[str, Any] | None = None,
) -> tuple[CrmContact, bool]:
    """Create the contact for `email`, or update the given fields (properties are merged)."""
    email = normalise_email(email)
    row = CrmContact(
        email=email,
        first_name=first_name,
        last_name=last_name,
        company_id=company_id,
        properties=to_jsonable_python(properties or {}),
    )
    contact, created = insert_once(session, row, lambda: find_contact_by_email(session, email))
    if not created:
        for key, value in (
            ("first_name", first_name),
            ("last_name", last_name),
            ("company_id", company_id),
        ):
            if value is not None:
                setattr(contact, key, value)
        if properties:
            contact.properties = {**contact.properties, **to_jsonable_python(properties)}
        contact.updated_at = utc_now()
        session.add(contact)
        session.flush()
    return contact, created


def get_deal(session: Session, deal_id: int) -> CrmDeal | None:
    """The deal with this id, or None."""
    return session.get(CrmDeal, deal_id)


def create_deal(
    session: Session,
    *,
    contact_id: int,
    name: str,
    stage: str,
    idempotency_key: str,
    is_open: bool = True,
    properties: dict[str, Any] | None = None,
) -> tuple[CrmDeal, bool]:
    """Create a deal once per idempotency key; a repeat returns (the first deal, False)."""
    row = CrmDeal(
        contact_id=contact_id,
        name=name,
        stage=stage,
        is_open=is_open,
        idempotency_key=idempotency_key,
        properties=to_jsonable_python(properties or {}),
    )
    return insert_once(
        session,
        row,
        lambda: session.exec(
            select(CrmDeal).where(CrmDeal.idempotency_key == idempotency_key)
        ).first(),
    )


def update_deal(
    session: Session,
    deal_id: int,
    *,
    stage: str | None = None,
    is_open: bool | None = None,
    properties: dict[str, Any] | None = None,
) -> CrmDeal:
    """Move a deal's stage, open/closed flag, or merge properties into it."""
    deal = session.get(CrmDeal, deal_id)
    if deal is None:
        raise StoreError(f"no CRM deal with id {deal_id}")
    if stage is not None:
        deal.stage = stage
    if is_open is not None:
        deal.is_open = is_open
    if properties:
        deal.properties = {**deal.properties, **to_jsonable_python(properties)}
    deal.updated_at = utc_now()
    session.add(deal)
    session.flush()
    return deal


def list_deals(
    session: Session, *, contact_id: int | None = None, open_only: bool = False
) -> Sequence[CrmDeal]:
    """Deals, oldest first, optionally of one contact and only open ones."""
    query = select(CrmDeal).order_by(col(CrmDeal.id))
    if contact_id is not None:
        query = query.where(CrmDeal.contact_id == contact_id)
    if open_only:
        query = query.where(col(CrmDeal.is_open).is_(True))
    return session.exec(query).all()


def add_activity(
    session: Session,
    *,
    contact_id: int,
    kind: str,
    idempotency_key: str,
    body: str = "",
    deal_id: int | None = None,
) -> tuple[CrmActivity, bool]:
    """Log an activity once per idempotency key; a repeat returns (the first, False)."""
    row = CrmActivity(
        contact_id=contact_id,
        deal_id=deal_id,
        kind=kind,
        body=body,
        idempotency_key=idempotency_key,
    )
    return insert_once(
        session,
        row,
        lambda: session.exec(
            select(CrmActivity).where(CrmActivity.idempotency_key == idempotency_key)
        ).first(),
    )


def list_activities(
    session: Session, *, contact_id: int | None = None, deal_id: int | None = None
) -> Sequence[CrmActivity]:
    """Activities, oldest first, of a contact and/or a deal."""
    query = select(CrmActivity).order_by(col(CrmActivity.id))
    if contact_id is not None:
        query = query.where(CrmActivity.contact_id == contact_id)
    if deal_id is not None:
        query = query.where(CrmActivity.deal_id == deal_id)
    return session.exec(query).all()
