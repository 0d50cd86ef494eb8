"""CRM actions: contacts, deals, properties, activities, and writing a score back."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict
from sqlmodel import Session, col, select

from connectors.base import CRM, ActivityKind, ContactInput, DealRecord, PropertyValue
from connectors.base.crm import ObjectType
from flows.explain import SCORE_PROPERTIES, write_back_properties
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
    # One open deal per contact: a later form attaches to it. False: a deal per submission.
    reuse_open_deal: bool = True


def _not_the_score(properties: dict[str, PropertyValue]) -> dict[str, PropertyValue]:
    reserved = sorted(SCORE_PROPERTIES & properties.keys())
    if reserved:
        raise ValueError(f"{', '.join(reserved)}: written only by crm.write_score with the "
                         "lead's review status; use another property name")
    return properties


class UpdateProperties(_Params):
    properties: Annotated[dict[str, PropertyValue], AfterValidator(_not_the_score)]
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


def _deal_to_reuse(crm: CRM, contact_id: str, own_key: str) -> DealRecord | None:
    """The contact's newest open deal, or None when it has none or this step opened one."""
    open_deals = crm.open_deals(contact_id)
    # A re-run after a crash between the CRM call and recording the step keeps its own deal.
    if any(deal.idempotency_key == own_key for deal in open_deals):
        return None
    return open_deals[0] if open_deals else None


def _owner_of(ctx: ActionContext, deal_id: str) -> str | None:
    """The rep of the most recent other lead on this deal that has one: the deal's owner."""
    query = select(Lead.rep).where(Lead.crm_deal_id == deal_id, col(Lead.rep).is_not(None))
    if ctx.lead is not None and ctx.lead.id is not None:
        query = query.where(col(Lead.id) != ctx.lead.id)
    with ctx.chain.store.session(write=False) as session:
        return session.exec(query.order_by(col(Lead.id).desc())).first()


def _attach(ctx: ActionContext, contact_id: str, deal: DealRecord) -> dict[str, Any]:
    """Note the new form on the open deal, so its rep sees it; the note is made once per key."""
    lead = ctx.lead
    who = lead.email if lead else "this contact"
    when = f" on {lead.created_at.date().isoformat()}" if lead else ""
    ctx.chain.connectors.crm.log_activity(
        contact_id, deal.id, ActivityKind.NOTE,
        f"New form from {who}{when}; attached to the open deal {deal.name}",
        idempotency_key=ctx.key("attach"))
    return {"id": deal.id, "created": False, "attached": True, "owner": _owner_of(ctx, deal.id)}


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
        """Attach to the contact's open deal (noted, same owner), else open the lead's own."""
        crm = ctx.chain.connectors.crm
        if params.reuse_open_deal:
            existing = _deal_to_reuse(crm, params.contact_id, ctx.key())
            if existing is not None:
                return _attach(ctx, params.contact_id, existing)
        deal = crm.ensure_open_deal(
            params.contact_id, name=params.name, idempotency_key=ctx.key(),
            properties=params.properties)
        return {"id": deal.id, "created": deal.created, "attached": False, "owner": None}

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
