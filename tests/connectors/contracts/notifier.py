"""The Notifier contract: one delivery per idempotency key, the first receipt on replays."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from connectors.base import LeadNotification, NotificationReceipt, Notifier

# deliveries() counts the messages actually sent so far.
Deliveries = Callable[[], int]


def notification(**changes: object) -> LeadNotification:
    """A notification about the contract's lead."""
    fields: dict[str, object] = {
        "recipient": "rep-c",
        "title": "New lead: Åsa Öberg — score 80",
        "text": "Åsa Öberg (Ñandú Ltda) scored 80/100: budget $100,000, manager, within 6 months.",
        "lead_email": "asa.oberg@example.com",
        "lead_name": "Åsa Öberg",
        "score": 80,
        "band": "Good",
        "fields": {"Budget": "$100,000", "Timeline": "≤ 6 months"},
    }
    return LeadNotification.model_validate(fields | changes)


class NotifierContract:
    """Subclass and override `notifier` (fresh) and `deliveries` (counts real sends)."""

    @pytest.fixture
    def notifier(self) -> Notifier:
        raise NotImplementedError("override the `notifier` fixture")

    @pytest.fixture
    def deliveries(self, notifier: Notifier) -> Deliveries:
        raise NotImplementedError("override the `deliveries` fixture")

    def test_satisfies_the_protocol(self, notifier: Notifier) -> None:
        assert isinstance(notifier, Notifier)

    def test_notify_returns_a_receipt(self, notifier: Notifier, deliveries: Deliveries) -> None:
        receipt = notifier.notify(notification(), idempotency_key="lead-1:notify")
        assert isinstance(receipt, NotificationReceipt)
        assert receipt.idempotency_key == "lead-1:notify"
        assert receipt.recipient == "rep-c"
        assert receipt.sent_at.utcoffset() is not None
        assert deliveries() == 1

    def test_replay_does_not_send_twice(self, notifier: Notifier, deliveries: Deliveries) -> None:
        first = notifier.notify(notification(), idempotency_key="lead-1:notify")
        again = notifier.notify(notification(), idempotency_key="lead-1:notify")
        edited = notifier.notify(notification(score=90), idempotency_key="lead-1:notify")
        assert again == first and edited == first
        assert deliveries() == 1

    def test_each_key_is_sent(self, notifier: Notifier, deliveries: Deliveries) -> None:
        first = notifier.notify(notification(), idempotency_key="lead-1:notify")
        second = notifier.notify(
            notification(lead_email="nunez@example.com", lead_name="María Ñúñez"),
            idempotency_key="lead-2:notify",
        )
        assert first.id != second.id
        assert deliveries() == 2
