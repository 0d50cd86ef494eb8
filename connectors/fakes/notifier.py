"""InMemoryNotifier: notifications kept in a list, once per idempotency key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from connectors.base.notifier import LeadNotification, NotificationReceipt
from connectors.fakes.scripting import Scripted, synchronized

NAME = "fake_notifier"


class InMemoryNotifier(Scripted):
    """`sent` holds each delivered notification with its receipt; replays deliver nothing."""

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__()
        self.sent: list[tuple[LeadNotification, NotificationReceipt]] = []
        self._by_key: dict[str, NotificationReceipt] = {}
        self._clock = clock

    @synchronized
    def notify(
        self, notification: LeadNotification, *, idempotency_key: str
    ) -> NotificationReceipt:
        """Deliver once per key; a replay returns the first receipt (see Notifier.notify)."""
        self._call("notify", notification=notification, idempotency_key=idempotency_key)
        if idempotency_key in self._by_key:
            return self._by_key[idempotency_key]
        receipt = NotificationReceipt(
            id=f"notification-{len(self.sent) + 1}",
            notifier=NAME,
            recipient=notification.recipient,
            idempotency_key=idempotency_key,
            sent_at=self._clock(),
        )
        self.sent.append((notification, receipt))
        self._by_key[idempotency_key] = receipt
        return receipt
