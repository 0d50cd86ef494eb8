"""SlackNotifier: one Block Kit message per key; a replay edits it (chat.update), never reposts."""

from __future__ import annotations

import re
import urllib.error
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session, select

from connectors.base.health import CheckResult, CheckStatus
from connectors.base.notifier import LeadNotification, NotificationReceipt
from connectors.slack.blocks import fallback_text, message_blocks
from connectors.slack.errors import NAME, TOKEN_SETTING, error_for
from leadflow.errors import ConnectorError, PermanentError, TransientError
from leadflow.store import Store
from leadflow.store import notifications as outbox
from leadflow.store.connector_models import Notification

# A Slack conversation id (channel, group, DM or user) or a #name; anything else is looked up.
_SLACK_ID = re.compile(r"^(#[\w.-]+|[CGDUW][A-Z0-9]{6,})$")


class SlackNotifier:
    """Posts to the rep's channel (rep_channels) or the default channel.

    Slack has no idempotency key, so the (channel, ts) of each message is kept in the store's
    notifications row under the key: a replay finds it and edits that message instead.
    """

    name = NAME

    def __init__(
        self,
        client: WebClient,
        store: Store,
        *,
        channel: str | None = None,
        rep_channels: dict[str, str] | None = None,
    ) -> None:
        self.client = client
        self._store = store
        self._channel = channel
        self._rep_channels = {key.strip().lower(): value for key, value in
                              (rep_channels or {}).items()}  # fmt: skip

    def notify(
        self, notification: LeadNotification, *, idempotency_key: str
    ) -> NotificationReceipt:
        """Post once per key; a replay returns the first receipt, editing the message if changed."""
        content = notification.model_dump(mode="json")
        with self._store.session(write=False) as session:
            existing = _find(session, idempotency_key)
        if existing is not None:
            sent = existing.body.get("slack")
            if sent and {k: v for k, v in existing.body.items() if k != "slack"} != content:
                self._call(
                    "chat_update",
                    channel=sent["channel"],
                    ts=sent["ts"],
                    text=fallback_text(notification),
                    blocks=message_blocks(notification),
                )
                with self._store.session() as session:
                    row = session.get(Notification, existing.id)
                    if row is not None:
                        row.body = {**content, "slack": sent}
            return _receipt(existing)
        # Posted outside a transaction so no database lock is held while Slack is called.
        posted = self._call("chat_postMessage", channel=self.channel_for(notification.recipient),
                            text=fallback_text(notification), blocks=message_blocks(notification),
                            unfurl_links=False, unfurl_media=False)  # fmt: skip
        with self._store.session() as session:
            row, _ = outbox.add_notification(
                session, rep_id=notification.recipient, idempotency_key=idempotency_key,
                channel=NAME, body={**content, "slack": {"channel": posted["channel"],
                                                         "ts": posted["ts"]}},
            )  # fmt: skip
        return _receipt(row)

    def channel_for(self, recipient: str) -> str:
        """The rep's own channel or user id if configured, else the default channel."""
        channel = self._rep_channels.get(recipient.strip().lower())
        if channel is None:
            channel = recipient if _SLACK_ID.match(recipient) else self._channel
        if channel is None:
            raise PermanentError(
                f"no Slack channel for {recipient!r}: set LEADFLOW_SLACK__CHANNEL (a channel id "
                "such as C0123456789) or map the rep in LEADFLOW_SLACK__REP_CHANNELS",
                connector=NAME, operation="notify",
            )  # fmt: skip
        return channel

    def doctor(self) -> list[CheckResult]:
        """Token present and valid (auth.test), a channel configured."""

        def result(check: str, status: CheckStatus, detail: str = "", fix: str = "") -> CheckResult:
            return CheckResult(connector=NAME, check=check, status=status, detail=detail, fix=fix)

        if not self.client.token:
            return [result("credentials present", CheckStatus.FAIL, "no bot token",
                           f"create a Slack app with chat:write, install it and set "
                           f"{TOKEN_SETTING}")]  # fmt: skip
        results = [result("credentials present", CheckStatus.OK, "bot token set (value hidden)")]
        try:
            auth = self._call("auth_test")
            results.append(
                result(
                    "endpoint reachable",
                    CheckStatus.OK,
                    f"workspace {auth.get('team')}, bot user {auth.get('user')}",
                )
            )
        except ConnectorError as exc:
            fix = "check the network" if isinstance(exc, TransientError) else "see the message"
            return [*results, result("endpoint reachable", CheckStatus.FAIL, str(exc), fix)]
        if self._channel or self._rep_channels:
            results.append(
                result(
                    "channel configured",
                    CheckStatus.OK,
                    self._channel or f"{len(self._rep_channels)} rep channel(s)",
                )
            )
        else:
            results.append(
                result(
                    "channel configured",
                    CheckStatus.FAIL,
                    "no channel",
                    "set LEADFLOW_SLACK__CHANNEL to a channel id (C...)",
                )
            )
        return results

    def _call(self, method: str, **arguments: Any) -> Any:
        call: Callable[..., Any] = getattr(self.client, method)
        try:
            return call(**arguments)
        except SlackApiError as exc:
            raise error_for(exc, operation=method) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise TransientError(f"Slack unreachable: {type(exc).__name__}", connector=NAME,
                                 operation=method) from exc  # fmt: skip


def _find(session: Session, idempotency_key: str) -> Notification | None:
    return session.exec(
        select(Notification).where(Notification.idempotency_key == idempotency_key)
    ).first()


def _receipt(row: Notification) -> NotificationReceipt:
    sent = row.body.get("slack") or {}
    message_id = f"{sent['channel']}/{sent['ts']}" if sent else str(row.id)
    return NotificationReceipt(
        id=message_id,
        notifier=row.channel,
        recipient=row.rep_id,
        idempotency_key=row.idempotency_key,
        sent_at=row.created_at,
    )
