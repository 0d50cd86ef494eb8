"""The Notifier role: telling a rep about a lead, exactly once per idempotency key."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pydantic import Field

from connectors.base.shared import ConnectorModel, UTCDateTime


class LeadNotification(ConnectorModel):
    """A message to a rep (or channel) about one lead; `text` is the plain-text fallback."""

    recipient: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=150)
    text: str = Field(min_length=1, max_length=40_000)
    lead_email: str
    lead_name: str | None = None
    score: int | None = Field(default=None, ge=0, le=100)
    band: str | None = None
    fields: dict[str, str] = Field(default_factory=dict)
    link: str | None = None
    # The strongest verbatim evidence quote and the reviewer's page, when the flow has them.
    quote: str | None = Field(default=None, max_length=2_000)
    review_link: str | None = None


class NotificationReceipt(ConnectorModel):
    """Proof of one delivery: the notifier's own message id and when it was sent."""

    id: str
    notifier: str
    recipient: str
    idempotency_key: str
    sent_at: UTCDateTime


@runtime_checkable
class Notifier(Protocol):
    """A channel to reps: console, a JSON-lines file, Slack."""

    def notify(
        self, notification: LeadNotification, *, idempotency_key: str
    ) -> NotificationReceipt:
        """Deliver the notification once; a replay with the same key sends nothing.

        A replay returns the receipt of the first send, equal to it in every field.
        """
        ...
