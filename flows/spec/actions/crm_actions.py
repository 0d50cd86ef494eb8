"""CRM actions: contacts, deals, properties, activities, and writing a score back."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from connectors.base import ActivityKind, ContactInput, PropertyValue
from connectors.base.crm import ObjectType
from flows.explain import write_back_properties
from flows.spec.registry import ActionContext, Registry
from leadflow.store.leads import set_lead_state, update_lead
from leadflow.store.models import Lead, LeadState
from scoring.engine import Score


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UpsertContact(_Params):
    email: str
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    job_title: str | None = None
    phone: str | None = None


class EnsureDeal(_Params):
    contact_id: str
    name: str
    properties: dict[str, PropertyValue] = {}


class UpdateProperties(_Params):
    properties: dict[str, PropertyValue]
    contact_id: str | None = None
    email: str | None = None
    object_type: ObjectType = ObjectType.CONTACT


class LogActivity(_Params):
    contact_id: str
    deal_id: str | None = None
    kind: ActivityKind = ActivityKind.NOTE
    body: str


class WriteScore(_Params):
    contact_id: str
    score: dict[str, Any]


def _apply_contact(session: Session, lead: Lead, result: dict[str, Any]) -> None:
    update_lead(session, lead.id or 0, crm_contact_id=result["id"])


def _apply_deal(session: Session, lead: Lead, result: dict[str, Any]) -> None:
    update_lead(session, lead.id or 0, crm_deal_id=result["id"])
    set_lead_state(session, lead.id or 0, LeadState.CRM_SYNCED, step="deal")


def _apply_write_score(session: Session, lead: Lead, result: dict[str, Any]) -> None:
    state = LeadState.NEEDS_REVIEW if result["needs_review"] else LeadState.SCORED
    set_lead_state(session, lead.id or 0, state, step="write_back",
                   reason="flagged by extraction" if result["needs_review"] else None)


def register(registry: Registry) -> None:
    """Add the CRM actions."""

    @registry.action("crm.upsert_contact", UpsertContact, apply=_apply_contact)
    def upsert_contact(ctx: ActionContext, params: UpsertContact) -> dict[str, Any]:
        """Create or update the contact with this email (never a duplicate)."""
        contact = ctx.chain.connectors.crm.upsert_contact(
            ContactInput(**params.model_dump()), idempotency_key=ctx.key())
        return {"id": contact.id, "created": contact.created}

    @registry.action("crm.ensure_deal", EnsureDeal, apply=_apply_deal)
    def ensure_deal(ctx: ActionContext, params: EnsureDeal) -> dict[str, Any]:
        """Find or open the lead's deal on the contact."""
        deal = ctx.chain.connectors.crm.ensure_open_deal(
            params.contact_id, name=params.name, idempotency_key=ctx.key(),
            properties=params.properties)
        return {"id": deal.id, "created": deal.created}

    @registry.action("crm.update", UpdateProperties)
    def update(ctx: ActionContext, params: UpdateProperties) -> dict[str, Any]:
        """Set typed properties on a contact (by id, or by email, creating it if new)."""
        crm = ctx.chain.connectors.crm
        object_id = params.contact_id
        if object_id is None:
            email = params.email or (ctx.lead.email if ctx.lead else None)
            object_id = crm.upsert_contact(ContactInput(email=email or ""),
                                           idempotency_key=ctx.key("contact")).id
        crm.update_properties(params.object_type, object_id, params.properties,
                              idempotency_key=ctx.key())
        return {"object_id": object_id, "properties": sorted(params.properties)}

    @registry.action("crm.log_activity", LogActivity)
    def log_activity(ctx: ActionContext, params: LogActivity) -> dict[str, Any]:
        """Add a note, meeting, call, email or task to the contact's timeline."""
        record = ctx.chain.connectors.crm.log_activity(
            params.contact_id, params.deal_id, params.kind, params.body,
            idempotency_key=ctx.key())
        return {"id": record.id}

    @registry.action("crm.write_score", WriteScore, apply=_apply_write_score)
    def write_score(ctx: ActionContext, params: WriteScore) -> dict[str, Any]:
        """Write score, band, tiers and explanation; a flagged lead gets only 'pending review'."""
        scored = Score.model_validate(params.score["score"])
        needs_review = bool(params.score.get("needs_review"))
        properties = write_back_properties(scored, needs_review=needs_review,
                                           flags=params.score.get("flags", []),
                                           scored_at=ctx.chain.clock())
        ctx.chain.connectors.crm.update_properties(
            ObjectType.CONTACT, params.contact_id, properties, idempotency_key=ctx.key())
        return {"needs_review": needs_review, "properties": sorted(properties)}
