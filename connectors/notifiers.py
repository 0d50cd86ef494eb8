"""Local notifiers: a rich panel on the console, or one JSON line per message in a file.

Both record each send in the store's notifications table under its idempotency key, inside the
same transaction as the delivery, so a replay (or a concurrent duplicate) never sends twice.
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from sqlmodel import Session

from connectors.base.notifier import LeadNotification, NotificationReceipt
from leadflow.store import Store
from leadflow.store import notifications as outbox
from leadflow.store.connector_models import Notification


class ConsoleNotifier:
    """Prints each notification once as a rich panel (the default when nothing else is set up)."""

    name = "console"

    def __init__(self, store: Store, console: Console | None = None) -> None:
        self._store = store
        self._console = console or Console(highlight=False)

    def notify(
        self, notification: LeadNotification, *, idempotency_key: str
    ) -> NotificationReceipt:
        """Print once per key; a replay returns the first receipt (see Notifier.notify)."""
        with self._store.session() as session:
            row, created = _record(session, self.name, notification, idempotency_key)
            if created:
                self._console.print(render(notification))
            return _receipt(row, self.name)


class JsonlNotifier:
    """Appends each notification once as a JSON line (for scripts, tests and log shippers)."""

    name = "jsonl"

    def __init__(self, path: Path, store: Store) -> None:
        self.path = Path(path)
        self._store = store

    def notify(
        self, notification: LeadNotification, *, idempotency_key: str
    ) -> NotificationReceipt:
        """Append one line per key; a replay returns the first receipt (see Notifier.notify)."""
        with self._store.session() as session:
            row, created = _record(session, self.name, notification, idempotency_key)
            receipt = _receipt(row, self.name)
            if created:
                # Written last inside the transaction: a failed write rolls the record back.
                line = {**receipt.model_dump(mode="json"), "notification": row.body}
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as file:
                    file.write(json.dumps(line, ensure_ascii=False) + "\n")
            return receipt


def render(notification: LeadNotification) -> Panel:
    """The console form of a notification: score and band, the text, the fields, the link."""
    parts: list[Text | Table] = []
    if notification.score is not None:
        band = f" ({notification.band})" if notification.band else ""
        parts.append(Text(f"Score {notification.score}/100{band}", style="bold"))
    parts.append(Text(notification.text))
    if notification.fields:
        table = Table.grid(padding=(0, 2))
        for label, value in notification.fields.items():
            table.add_row(Text(label, style="bold"), Text(value))
        parts.append(table)
    if notification.link:
        parts.append(Text(notification.link, style="underline"))
    lead = notification.lead_name or notification.lead_email
    return Panel(
        Group(*parts),
        title=Text(notification.title),
        subtitle=Text(f"to {notification.recipient} · {lead}"),
        expand=False,
    )


def _record(
    session: Session, channel: str, notification: LeadNotification, idempotency_key: str
) -> tuple[Notification, bool]:
    return outbox.add_notification(
        session,
        rep_id=notification.recipient,
        idempotency_key=idempotency_key,
        channel=channel,
        body=notification.model_dump(mode="json"),
    )


def _receipt(row: Notification, notifier: str) -> NotificationReceipt:
    return NotificationReceipt(
        id=str(row.id),
        notifier=row.channel or notifier,
        recipient=row.rep_id,
        idempotency_key=row.idempotency_key,
        sent_at=row.created_at,
    )
