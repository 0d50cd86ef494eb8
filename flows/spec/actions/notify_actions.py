"""Telling a person: the rep a lead is assigned to, or any recipient."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from connectors.base import LeadNotification
from flows.explain import rep_recipient
from flows.spec.registry import ActionContext, Registry


class Send(BaseModel):
    """A message; without `recipient` it goes to the lead's rep."""

    model_config = ConfigDict(extra="forbid")

    title: str
    text: str
    recipient: str | None = None
    score: int | None = None
    band: str | None = None
    fields: dict[str, str] = {}
    link: str | None = None


def register(registry: Registry) -> None:
    """Add notify.send."""

    @registry.action("notify.send", Send)
    def send(ctx: ActionContext, params: Send) -> dict[str, Any]:
        """Notify the lead's rep (or `recipient`) once; a replay sends nothing."""
        lead = ctx.lead
        recipient = params.recipient
        if recipient is None:
            recipient = rep_recipient(ctx.chain.connectors.calendar, lead.rep if lead else None)
        receipt = ctx.chain.connectors.notifier.notify(
            LeadNotification(recipient=recipient, title=params.title[:150], text=params.text,
                             lead_email=lead.email if lead else "", lead_name=lead.name if lead
                             else None, score=params.score, band=params.band,
                             fields=params.fields, link=params.link),
            idempotency_key=ctx.key())
        return {"sent": True, "receipt_id": receipt.id, "recipient": recipient}
